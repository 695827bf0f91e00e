//! What the terminal knows of each device before its driver speaks, and the one line residents see about
//! devices that do not work. Devices with a driver (serial, GPIO, input) are opened by that driver only (opening a
//! serial port twice can toggle its control lines); the rest are probed here until their drivers land.

use crate::config::{Connection, DeviceSpec, Language};
use crate::session::DeviceState;
use kiosk_drivers::{DeviceClass, Health, PaperState};
use std::path::Path;

/// The starting health of a device: driven devices wait for their driver's first report (within 2 s; residents
/// are not told of a device that is only starting); a camera node is checked that it is there and opens.
pub fn probe(spec: &DeviceSpec) -> Health {
    let path = match &spec.connection {
        Connection::Simulated => return Health::Simulated,
        Connection::Serial { .. }
        | Connection::Input { .. }
        | Connection::Gpio { .. }
        | Connection::GpioKeys { .. }
        | Connection::Pwm { .. }
        | Connection::Ipp { .. } => {
            return Health::Degraded {
                reason: "starting: waiting for the driver's first answer".into(),
            }
        }
        Connection::Camera { device } => device.as_str(),
    };
    match std::fs::OpenOptions::new().read(true).open(Path::new(path)) {
        Ok(_) => Health::Online,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Health::Down {
            reason: format!(
                "{path} not found: check the cable and the udev rule, then the profile's port"
            ),
        },
        Err(e) if e.kind() == std::io::ErrorKind::PermissionDenied => Health::Down {
            reason: format!(
                "{path}: permission denied: the kiosk user needs the dialout/gpio/video group"
            ),
        },
        Err(e) => Health::Down {
            reason: format!("{path}: {e}"),
        },
    }
}

/// Devices a resident relies on; the others (lights, buzzer, sensors) fail quietly for them and loudly for
/// technicians.
fn resident_facing(class: DeviceClass) -> bool {
    matches!(
        class,
        DeviceClass::IdCardReader
            | DeviceClass::QrScanner
            | DeviceClass::ReceiptPrinter
            | DeviceClass::A4Printer
            | DeviceClass::DocumentCamera
            | DeviceClass::EvaluationPad
    )
}

/// One line for the resident naming what does not work now, or "" when everything does.
pub fn resident_alert<'a>(
    devices: impl IntoIterator<Item = &'a DeviceState>,
    lang: Language,
) -> String {
    let mut parts = Vec::new();
    for d in devices.into_iter().filter(|d| resident_facing(d.class)) {
        let name = match lang {
            Language::Zh => d.class.name_zh(),
            Language::En => d.class.name_en(),
        };
        let state = match (&d.health, d.paper) {
            (Health::Down { .. }, _) => Some(match lang {
                Language::Zh => "暂停服务",
                Language::En => "out of service",
            }),
            (_, PaperState::Out) => Some(match lang {
                Language::Zh => "缺纸",
                Language::En => "out of paper",
            }),
            _ => None,
        };
        if let Some(state) = state {
            parts.push(match lang {
                Language::Zh => format!("{name}{state}"),
                Language::En => format!("{name} {state}"),
            });
        }
    }
    if parts.is_empty() {
        return String::new();
    }
    match lang {
        Language::Zh => format!("暂不可用：{}", parts.join("、")),
        Language::En => format!("Not available now: {}", parts.join(", ")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::profile::Protocol;

    #[test]
    fn a_missing_camera_is_down_with_a_reason_and_driven_devices_wait_for_their_driver() {
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
        };
        match probe(&spec) {
            Health::Down { reason } => {
                assert!(reason.contains("/dev/v4l/by-id/nothing-here not found"))
            }
            h => panic!("expected down, got {h:?}"),
        }
        spec.class = DeviceClass::IdCardReader;
        spec.connection = Connection::Serial {
            port: "/dev/serial/by-id/nothing-here".into(),
            baud: 115200,
            terminator: crate::config::profile::Terminator::Cr,
        };
        assert!(
            matches!(probe(&spec), Health::Degraded { reason } if reason.starts_with("starting"))
        );
    }

    #[test]
    fn the_alert_names_only_what_residents_need() {
        let down = Health::Down { reason: "x".into() };
        let devices = [
            DeviceState {
                class: DeviceClass::ReceiptPrinter,
                health: Health::Simulated,
                paper: PaperState::Out,
                since: std::time::Instant::now(),
                last_error: None,
            },
            DeviceState {
                class: DeviceClass::IdCardReader,
                health: down.clone(),
                paper: PaperState::Ok,
                since: std::time::Instant::now(),
                last_error: None,
            },
            DeviceState {
                class: DeviceClass::Buzzer,
                health: down,
                paper: PaperState::Ok,
                since: std::time::Instant::now(),
                last_error: None,
            },
            DeviceState {
                class: DeviceClass::A4Printer,
                health: Health::Simulated,
                paper: PaperState::NearEnd,
                since: std::time::Instant::now(),
                last_error: None,
            },
        ];
        assert_eq!(
            resident_alert(&devices, Language::Zh),
            "暂不可用：回执打印机缺纸、身份证阅读器暂停服务"
        );
        assert_eq!(resident_alert(&devices[3..], Language::Zh), "");
    }
}
