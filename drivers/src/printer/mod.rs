//! ESC/POS receipt printer: receipts, status and the command stream (protocol), text drawn as images for rare
//! characters (raster), the serial driver and the simulated printer.

#[cfg(feature = "io")]
pub mod driver;
pub mod protocol;
pub mod raster;
#[cfg(feature = "io")]
pub mod sim;
