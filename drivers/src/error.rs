//! How a device operation ends when it does not succeed, after XFS4IoT's completion codes: every operation ends
//! in exactly one `Ok` or one of these.

use thiserror::Error;

#[derive(Debug, Error)]
pub enum DeviceError {
    /// The port could not be opened or went away (unplugged).
    #[error("{path}: {reason}")]
    NotConnected { path: String, reason: String },
    /// No complete answer in time.
    #[error("no answer within {0} ms")]
    Timeout(u64),
    /// An answer arrived but was malformed (bad checksum, bad length, garbage).
    #[error("invalid data from the device: {0}")]
    InvalidData(String),
    /// The device answered with an error status.
    #[error("the device reports: {0}")]
    Hardware(String),
    /// The device cannot do what was asked now (no paper, no card, …); the text says why.
    #[error("{0}")]
    NotReady(String),
    /// The request is valid but the device or card does not support it.
    #[error("unsupported: {0}")]
    Unsupported(String),
    /// The driver was stopped before the operation ended.
    #[error("cancelled")]
    Cancelled,
}

impl DeviceError {
    /// Errors after which the port must be reopened.
    pub fn is_disconnect(&self) -> bool {
        matches!(self, DeviceError::NotConnected { .. })
    }
}
