//! QR/barcode scanner: what a scan means, the line and trigger codecs, the serial driver, keyboard-mode USB
//! scanners (feature `evdev`) and the simulator.

pub mod driver;
#[cfg(feature = "evdev")]
pub mod evdev_input;
pub mod keyboard;
mod payload;
pub mod protocol;
pub mod sim;

pub use payload::*;
