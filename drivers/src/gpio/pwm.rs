//! Raspberry Pi hardware PWM (feature `rpi`, through rppal): a buzzer driven with a tone rather than a DC level
//! (piezo elements without their own oscillator need one), and the panel backlight's brightness. Everything else
//! uses the portable character device; rppal was retired by its author, so it stays behind this feature.

use super::GpioError;
use rppal::pwm::{Channel, Polarity, Pwm};

fn err(channel: u8, e: rppal::pwm::Error) -> GpioError {
    GpioError::Line {
        chip: "pwm".into(),
        line: u32::from(channel),
        reason: format!("{e}: enable the PWM overlay (dtoverlay=pwm-2chan) and check the channel"),
    }
}

fn channel(n: u8) -> Result<Channel, GpioError> {
    match n {
        0 => Ok(Channel::Pwm0),
        1 => Ok(Channel::Pwm1),
        _ => Err(GpioError::Line {
            chip: "pwm".into(),
            line: u32::from(n),
            reason: "the Raspberry Pi has PWM channels 0 and 1".into(),
        }),
    }
}

/// A tone on a PWM channel, switched on and off like a level.
pub struct PwmTone {
    pwm: Pwm,
    channel: u8,
}

impl PwmTone {
    pub fn open(n: u8, hz: f64) -> Result<Self, GpioError> {
        let pwm = Pwm::with_frequency(channel(n)?, hz, 0.5, Polarity::Normal, false)
            .map_err(|e| err(n, e))?;
        Ok(Self { pwm, channel: n })
    }

    pub fn set(&mut self, on: bool) -> Result<(), GpioError> {
        let r = if on {
            self.pwm.enable()
        } else {
            self.pwm.disable()
        };
        r.map_err(|e| err(self.channel, e))
    }
}

/// The backlight's brightness through a PWM channel at 1 kHz (flicker-free for the eye).
pub struct Backlight {
    pwm: Pwm,
    channel: u8,
}

impl Backlight {
    pub fn open(n: u8) -> Result<Self, GpioError> {
        let pwm = Pwm::with_frequency(channel(n)?, 1000.0, 1.0, Polarity::Normal, true)
            .map_err(|e| err(n, e))?;
        Ok(Self { pwm, channel: n })
    }

    /// 0.0 (off) to 1.0 (full).
    pub fn set_brightness(&mut self, level: f64) -> Result<(), GpioError> {
        self.pwm
            .set_duty_cycle(level.clamp(0.0, 1.0))
            .map_err(|e| err(self.channel, e))
    }
}
