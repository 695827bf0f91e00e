//! The terminal as a system: its clock, logs, configuration changes, image updates (RAUC), the service
//! manager, and the upkeep's state.

pub mod clock;
pub mod logging;
pub mod rauc;
pub mod service_manager;
pub mod settings_change;
pub mod upkeep;
