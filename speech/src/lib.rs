//! Speech output (EN 301 549 5.1.3, ADA 707.5): text becomes audio through an [`Engine`] (espeak-ng here,
//! replaceable by a better one), goes out through a [`Sink`] (the sound card through ALSA's aplay, WAV files in
//! simulation and tests), and a [`Speaker`] runs both on a thread of its own so that speech can be interrupted by
//! the next thing to say, stopped when the person acts, repeated and turned up or down.
//!
//! Nothing here knows what a session or a screen is: the kiosk decides what to say and when.

pub mod engine;
pub mod sink;
pub mod speaker;

pub use engine::{Engine, EspeakNg};
pub use sink::{Aplay, NullSink, Sink, WavFiles};
pub use speaker::{Outcome, Speaker, Spoken, Volume};

use thiserror::Error;

/// The language of an utterance: the engine picks its voice by it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lang {
    /// Mandarin (普通话).
    Zh,
    En,
}

#[derive(Debug, Error)]
pub enum SpeechError {
    #[error("cannot start {program}: {source} (is it installed?)")]
    Start {
        program: String,
        source: std::io::Error,
    },
    #[error("{program} failed: {detail}")]
    Failed { program: String, detail: String },
    #[error("{program} sent audio that is not 16-bit mono PCM WAV: {detail}")]
    Format { program: String, detail: String },
    #[error("audio output {what}: {source}")]
    Output {
        what: String,
        source: std::io::Error,
    },
    #[error("cannot write the WAV file {path}: {source}")]
    Wav { path: String, source: hound::Error },
}
