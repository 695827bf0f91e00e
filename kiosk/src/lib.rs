//! The firmware of the self-service terminal: the wiring around the terminal's core (`kiosk-core`).
//!
//! - `app`: the composition root (`Kiosk`), the effect interpreter and the jobs that answer the core;
//! - `config`: kiosk.toml, the hardware profile and loading both;
//! - `platform`: the platform client, the outbox, enrolment and the heartbeat's facts;
//! - `system`: the clock, logging, configuration changes, RAUC, systemd and the upkeep's state;
//! - `view`: the core's state into the Slint views, speech and the screen reader, the PDFs;
//! - `dev`: tools for benches and development (diag, the device simulator, the tour, headless rendering).
//!
//! `main.rs` is only the command line.

// The terminal's logic lives in kiosk-core; these names keep the wiring's paths short.
pub use kiosk_core::{application, categories, maintenance, session};

pub mod app;
pub mod config;
pub mod dev;
pub mod platform;
pub mod system;
pub mod view;
