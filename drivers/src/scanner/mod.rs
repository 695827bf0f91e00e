//! QR/barcode scanner: what a scan means, the line and trigger codecs, the serial driver, keyboard-mode USB
//! scanners (feature `evdev`) and the simulator.

#[cfg(feature = "io")]
pub mod driver;
#[cfg(all(feature = "io", feature = "evdev"))]
pub mod evdev_input;
pub mod keyboard;
mod payload;
pub mod protocol;
#[cfg(feature = "io")]
pub mod sim;

pub use payload::*;
