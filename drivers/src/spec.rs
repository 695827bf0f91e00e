//! A device as a terminal's hardware profile describes it: its class, the protocol it speaks, how it is
//! reached (serial port and speed, GPIO line, IPP URI, camera) and, for receipt printers, what to do with rare
//! characters. One copy of each of these for the profile, the device manager and `kiosk diag`.

use crate::{DeviceClass, Health, KeypadKey};

/// How a receipt printer's jobs end; the codec's.
pub use crate::printer::protocol::Completion;
use serde::Deserialize;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Protocol {
    Ga467,
    SerialLine,
    Honeywell,
    Newland,
    HidKeyboard,
    Escpos,
    Ipp,
    V4l2,
    EvaluationPad,
    Gpio,
    Evdev,
}

/// The scanner's codec says what ends a scan; the profile names it the same way.
pub use crate::scanner::protocol::Terminator;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(try_from = "u32")]
pub struct Baud(pub u32);

impl TryFrom<u32> for Baud {
    type Error = String;
    fn try_from(v: u32) -> Result<Self, String> {
        match v {
            9600 | 19200 | 38400 | 57600 | 115200 => Ok(Baud(v)),
            _ => Err(format!("{v} is not a serial speed these devices use: use 9600, 19200, 38400, 57600 or 115200")),
        }
    }
}

/// What a receipt printer does with a character its two-byte font lacks (rare characters in names).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum RareCharacters {
    /// Print the line as an image drawn with a CJK font of the system (the replacement where it has no glyph).
    #[default]
    Image,
    /// Print the replacement character.
    Replace,
}

/// A piezo buzzer's usual resonance.
pub const DEFAULT_TONE_HZ: u32 = 2700;

/// The replacement character when none is configured.
pub const DEFAULT_REPLACEMENT: char = '□';

/// How the terminal reaches a device.
#[derive(Debug, Clone, PartialEq)]
pub enum Connection {
    Simulated,
    Serial {
        port: String,
        baud: u32,
        terminator: Terminator,
    },
    Input {
        port: String,
    },
    Gpio {
        chip: String,
        line: u32,
        active_low: bool,
    },
    /// A buzzer on a Raspberry Pi hardware PWM channel, sounding a tone.
    Pwm {
        channel: u8,
        tone_hz: u32,
    },
    /// A keypad with one GPIO line per key.
    GpioKeys {
        chip: String,
        keys: Vec<(KeypadKey, u32)>,
        active_low: bool,
    },
    Ipp {
        uri: String,
    },
    Camera {
        device: String,
    },
}

#[derive(Debug, Clone)]
pub struct DeviceSpec {
    pub id: String,
    pub class: DeviceClass,
    pub model: String,
    pub protocol: Protocol,
    pub connection: Connection,
    /// Receipt printers only.
    pub rare_characters: RareCharacters,
    pub replacement: char,
    /// Receipt printers only: how a job's end is known (`None`: probed before the first job).
    pub completion: Option<Completion>,
}

impl DeviceSpec {
    /// The health a device starts with. Every device has a driver that opens it (opening a port twice can
    /// toggle its control lines, so nothing probes first): it waits for its driver's first report, within 2 s,
    /// and residents are not told of a device that is only starting.
    pub fn starting_health(&self) -> Health {
        match &self.connection {
            Connection::Simulated => Health::Simulated,
            _ => Health::Degraded {
                reason: "starting: waiting for the driver's first answer".into(),
            },
        }
    }
}

/// The protocol a class speaks when the profile names none.
pub fn default_protocol(class: DeviceClass) -> Protocol {
    match class {
        DeviceClass::IdCardReader => Protocol::Ga467,
        DeviceClass::QrScanner => Protocol::SerialLine,
        DeviceClass::ReceiptPrinter => Protocol::Escpos,
        DeviceClass::A4Printer => Protocol::Ipp,
        DeviceClass::FaceCamera | DeviceClass::DocumentCamera => Protocol::V4l2,
        DeviceClass::EvaluationPad => Protocol::EvaluationPad,
        DeviceClass::TactileKeypad => Protocol::Evdev,
        DeviceClass::Lights
        | DeviceClass::HelpButton
        | DeviceClass::PresenceSensor
        | DeviceClass::DoorSwitch
        | DeviceClass::Buzzer => Protocol::Gpio,
    }
}

/// Whether a class can speak a protocol (scanners and keypads have several).
pub fn protocol_fits(class: DeviceClass, protocol: Protocol) -> bool {
    use Protocol::*;
    match class {
        DeviceClass::QrScanner => {
            matches!(protocol, SerialLine | Honeywell | Newland | HidKeyboard)
        }
        DeviceClass::TactileKeypad => matches!(protocol, Evdev | Gpio),
        _ => protocol == default_protocol(class),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn driven_devices_wait_for_their_driver() {
        let mut spec = DeviceSpec {
            id: "cam".into(),
            class: DeviceClass::DocumentCamera,
            model: String::new(),
            protocol: Protocol::V4l2,
            connection: Connection::Camera {
                device: "/dev/v4l/by-id/nothing-here".into(),
            },
            rare_characters: Default::default(),
            replacement: '□',
            completion: None,
        };
        assert!(
            matches!(spec.starting_health(), Health::Degraded { reason } if reason.starts_with("starting"))
        );
        spec.class = DeviceClass::IdCardReader;
        spec.connection = Connection::Serial {
            port: "/dev/serial/by-id/nothing-here".into(),
            baud: 115200,
            terminator: Terminator::Cr,
        };
        assert!(
            matches!(spec.starting_health(), Health::Degraded { reason } if reason.starts_with("starting"))
        );
    }
}
