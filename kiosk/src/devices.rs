//! What the terminal knows of each device before its driver speaks, and the one line residents see about
//! devices that do not work.

use crate::config::{Connection, DeviceSpec, Language};
use crate::session::DeviceState;
use kiosk_drivers::{DeviceClass, Health, PaperState};

/// The starting health of a device. Every device has a driver that opens it (opening a port twice can toggle
/// its control lines, so nothing probes first): it waits for its driver's first report, within 2 s, and
/// residents are not told of a device that is only starting.
pub fn probe(spec: &DeviceSpec) -> Health {
    match &spec.connection {
        Connection::Simulated => Health::Simulated,
        _ => Health::Degraded {
            reason: "starting: waiting for the driver's first answer".into(),
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
        };
        assert!(
            matches!(probe(&spec), Health::Degraded { reason } if reason.starts_with("starting"))
        );
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
