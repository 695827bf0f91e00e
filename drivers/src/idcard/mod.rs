//! ID card reader (二代证, GA 467 SAM frames): the card record, the frame codec, the card text, the serial
//! driver, the photo decoder and the simulated reader.

#[cfg(feature = "io")]
pub mod driver;
mod number;
#[cfg(feature = "io")]
pub mod photo;
pub mod protocol;
mod record;
#[cfg(feature = "io")]
pub mod sim;
pub mod text;

pub use number::*;
pub use record::*;
