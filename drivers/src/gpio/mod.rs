//! GPIO lines: the help button, the presence sensor, the cabinet door switch, lights and the buzzer. Backends:
//! the Linux GPIO character device through gpiocdev (any board), and simulated lines.

pub mod backend;
pub mod protocol;
pub mod service;
