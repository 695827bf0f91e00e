//! Tools for benches and development: device diagnostics (`kiosk diag`), the device simulator's window, the
//! tour of every page and headless rendering (`kiosk screenshot`), the simulated service centre.

pub mod diag;
pub mod headless;
pub mod hub;
pub mod screenshot;
pub mod simulator;
pub mod tour;
