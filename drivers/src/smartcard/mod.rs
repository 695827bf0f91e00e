//! 社会保障卡 (social security card) through a PC/SC contact reader: the APDUs, the sans-IO read of the card's
//! basic data, the record kept of it, a card emulator, the simulator's sample cards and, with `io`, the PC/SC
//! driver over pcscd and the virtual card on vpcd.

pub mod apdu;
pub mod basic_data;
pub mod emulator;
mod record;
pub mod samples;

pub use record::SocialSecurityCard;
