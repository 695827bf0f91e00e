//! The terminal's logic, with no I/O, no clock and no global state: the self-service session, the application
//! under way, the maintenance menu and the video call, as one state machine behind one door.
//!
//! As in sans-IO protocol crates (str0m, quinn-proto), everything that happens comes in through
//! [`session::Terminal::handle`] with the time it happened, and everything the outside world must do comes out
//! as [`session::Effect`]s; [`session::Terminal::next_deadline`] says when to call again if nothing happens.
//! Randomness (for idempotency keys) is a nonce given at construction. Nothing here links Slint, tokio, HTTP or
//! WebRTC: the tests build and run without them.

pub mod application;
pub mod categories;
pub mod maintenance;
pub mod model;
pub mod session;

pub use model::{Language, Photo, PhotoQuality, PlatformError, Resident, Settings, Technician};
