//! USB scanners in keyboard mode, read through the Linux input layer (feature `evdev`). The device is grabbed so
//! a scan never types into the UI.

use super::keyboard::KeyboardDecoder;
use super::payload::ScanPayload;
use crate::device::{DeviceId, Health};
use crate::event::DeviceEvent;
use crate::report::HealthReport;
use std::time::Duration;
use tokio::sync::mpsc::UnboundedSender;

/// Reads scans from the input device at `path` and publishes them; reopens it after it goes away.
pub async fn run(id: DeviceId, path: String, events: UnboundedSender<DeviceEvent>) {
    let mut report = HealthReport::new(id, "keyboard-mode scanner", events.clone());
    let mut health = |h: Health| report.set(h);
    loop {
        let opened = crate::input::open_grabbed(&path);
        let mut stream = match opened {
            Ok(s) => s,
            Err(e) => {
                health(Health::Down {
                    reason: format!("{path}: {e}: check the cable and the input group"),
                });
                tokio::time::sleep(Duration::from_secs(1)).await;
                continue;
            }
        };
        health(Health::Online);
        let mut keys = KeyboardDecoder::default();
        loop {
            match stream.next_event().await {
                Ok(ev) if ev.event_type() == evdev::EventType::KEY => {
                    if let Some(text) = keys.key(ev.code(), ev.value()) {
                        let _ = events.send(DeviceEvent::CodeScanned(ScanPayload::classify(&text)));
                    }
                }
                Ok(_) => {}
                Err(e) => {
                    health(Health::Down {
                        reason: format!("{path}: {e}: unplugged?"),
                    });
                    break;
                }
            }
        }
    }
}
