//! GPIO lines: the help button, the presence sensor, the cabinet door switch, a tactile keypad, lights and the
//! buzzer. Backends: the Linux GPIO character device through gpiocdev (any board), simulated lines, and (feature
//! `rpi`) the Raspberry Pi's hardware PWM for a buzzer tone and the backlight.

#[cfg(feature = "io")]
pub mod backend;
pub mod protocol;
#[cfg(feature = "rpi")]
pub mod pwm;
#[cfg(feature = "io")]
pub mod service;
