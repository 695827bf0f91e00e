//! The remote virtual window (远程虚拟窗口), terminal side: a video call with a clerk of a service centre.
//!
//! - [`client`]: the call as the kiosk sees it: join the hub's queue over the signalling WebSocket, make the
//!   WebRTC offer once a clerk takes the call, relay form fields, captures and print jobs, come back after a
//!   dropped connection;
//! - [`media`]: str0m driven over a UDP socket, with the encoder, microphone and decoder threads;
//! - [`video`] and [`audio`]: H.264 through openh264, Opus through libopus, synthetic microphone and speaker.
//!
//! It knows nothing of screens or sessions; the `kiosk` crate wires it to the camera service, the UI and the
//! session figures.

#[cfg(feature = "alsa")]
pub mod alsa;
pub mod audio;
pub mod client;
pub mod media;
pub mod video;

pub use client::{Call, CallCommand, CallEvent, CallSetup};
pub use media::{MediaConfig, MediaStats, VideoIn};
pub use video::RemoteFrame;

#[derive(Debug, thiserror::Error)]
pub enum CallError {
    #[error("call socket: {0}")]
    Socket(String),
    #[error("SDP: {0}")]
    Sdp(String),
    #[error("cannot start a call thread: {0}")]
    Thread(String),
    #[error(transparent)]
    Video(#[from] video::VideoError),
    #[error(transparent)]
    Audio(#[from] audio::AudioError),
    #[error("signalling: {0}")]
    Signalling(String),
}
