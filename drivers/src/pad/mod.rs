//! The five-key evaluation pad (好差评评价器): our serial protocol (`hardware/protocols/evaluation-pad.md`), the
//! driver and the simulated pad.

#[cfg(feature = "io")]
pub mod driver;
pub mod protocol;
#[cfg(feature = "io")]
pub mod sim;
