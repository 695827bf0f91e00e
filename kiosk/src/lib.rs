//! The firmware of the self-service terminal: configuration, the terminal's state machine, and the wiring of
//! devices and views. `main.rs` is only the command line.

// The terminal's logic lives in kiosk-core; these names keep the wiring's paths short.
pub use kiosk_core::{application, categories, maintenance, session};

pub mod app;
pub mod application_view;
pub mod config;
pub mod devices;
pub mod diag;
pub mod enrolment;
pub mod headless;
pub mod items;
pub mod logging;
pub mod maintenance_view;
pub mod manager;
pub mod outbox;
pub mod paperwork;
pub mod platform;
pub mod presenter;
pub mod preview;
pub mod rauc;
pub mod remote_window;
pub mod screen_fonts;
pub mod screen_reader;
pub mod service_manager;
pub mod settings_change;
pub mod setup;
pub mod simulator;
pub mod telemetry;
pub mod tour;
pub mod upkeep;
pub mod voice;
