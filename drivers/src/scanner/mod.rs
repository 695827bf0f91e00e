//! QR/barcode scanner: what a scan means, the line and trigger codecs, the serial driver and the simulator.

mod payload;

pub use payload::*;
