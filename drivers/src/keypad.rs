//! The tactile keypad as a USB keyboard (the usual kind: 12 raised keys and a headphone jack), read through the
//! Linux input layer (feature `evdev`) and grabbed so its keys never reach the UI as typing. A keypad wired to GPIO
//! lines goes through the GPIO service instead (`InputRole::Key`).

#[cfg(feature = "evdev")]
pub async fn run_evdev(
    id: crate::device::DeviceId,
    path: String,
    events: tokio::sync::mpsc::UnboundedSender<crate::event::DeviceEvent>,
) {
    use crate::device::Health;
    use crate::event::{DeviceEvent, KeypadKey};
    use crate::report::HealthReport;
    let mut health = HealthReport::new(id, "tactile keypad", events);
    loop {
        let opened = crate::input::open_grabbed(&path);
        let mut stream = match opened {
            Ok(s) => s,
            Err(e) => {
                health.set(Health::Down {
                    reason: format!("{path}: {e}: check the cable and the input group"),
                });
                tokio::time::sleep(std::time::Duration::from_secs(1)).await;
                continue;
            }
        };
        health.set(Health::Online);
        // Headphones already in when the keypad is opened.
        let plugged = stream
            .device()
            .get_switch_state()
            .map(|s| s.contains(evdev::SwitchCode::SW_HEADPHONE_INSERT))
            .unwrap_or(false);
        health.publish(DeviceEvent::Headset(plugged));
        loop {
            match stream.next_event().await {
                // Presses only (value 1); auto-repeat (2) would move a blind user further than they meant.
                Ok(ev) if ev.event_type() == evdev::EventType::KEY && ev.value() == 1 => {
                    if let Some(k) = KeypadKey::from_linux_code(ev.code()) {
                        health.publish(DeviceEvent::KeypadKey(k));
                    }
                }
                Ok(ev)
                    if ev.event_type() == evdev::EventType::SWITCH
                        && ev.code() == evdev::SwitchCode::SW_HEADPHONE_INSERT.0 =>
                {
                    health.publish(DeviceEvent::Headset(ev.value() != 0));
                }
                Ok(_) => {}
                Err(e) => {
                    health.set(Health::Down {
                        reason: format!("{path}: {e}: unplugged?"),
                    });
                    break;
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::event::KeypadKey;

    #[test]
    fn keys_have_profile_names_and_keyboard_codes() {
        for k in KeypadKey::ALL {
            assert_eq!(KeypadKey::from_key(k.key()), Some(k));
        }
        assert_eq!(KeypadKey::from_linux_code(103), Some(KeypadKey::Up));
        assert_eq!(KeypadKey::from_linux_code(28), Some(KeypadKey::Select));
        assert_eq!(KeypadKey::from_linux_code(30), None);
    }
}
