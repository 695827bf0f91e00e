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

/// A GPIO line that cannot be had or driven (shared by the character-device and PWM backends).
#[derive(Debug, thiserror::Error)]
pub enum GpioError {
    #[error("{chip} line {line}: {reason}")]
    Line {
        chip: String,
        line: u32,
        reason: String,
    },
}
