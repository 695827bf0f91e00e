//! ID card reader (二代证, GA 467 SAM frames): the card record, the frame codec, the serial driver, the photo
//! decoder and the simulated reader.

pub mod driver;
pub mod photo;
pub mod protocol;
mod record;
pub mod sim;

pub use record::*;
