//! The device manager with the simulated profile: every device comes online once; an unplugged device is down
//! once and back once, by itself; no storm of health events.

use kiosk::config::Profile;
use kiosk::manager;
use kiosk_drivers::simio::LineControls;
use kiosk_drivers::{DeviceEvent, Health};
use std::collections::BTreeMap;
use std::time::Duration;
use tokio::sync::mpsc::{unbounded_channel, UnboundedReceiver};

async fn collect(
    rx: &mut UnboundedReceiver<DeviceEvent>,
    within: Duration,
) -> BTreeMap<String, Vec<String>> {
    let mut out: BTreeMap<String, Vec<String>> = BTreeMap::new();
    let end = tokio::time::Instant::now() + within;
    while let Ok(Some(e)) = tokio::time::timeout_at(end, rx.recv()).await {
        if let DeviceEvent::Health { device, health } = e {
            let h = match health {
                Health::Online => "online",
                Health::Down { .. } => "down",
                Health::Degraded { .. } => "degraded",
                Health::Simulated => "simulated",
            };
            out.entry(device.0).or_default().push(h.into());
        }
    }
    out
}

#[tokio::test(flavor = "multi_thread", worker_threads = 1)]
async fn health_transitions_are_reported_once_each() {
    let profile = Profile::simulated().expect("built-in profile");
    let dir = std::env::temp_dir().join(format!("kiosk-manager-{}", std::process::id()));
    let (tx, mut rx) = unbounded_channel();
    let devices = manager::start(&profile, &dir, tx);
    let first = collect(&mut rx, Duration::from_secs(3)).await;
    for id in [
        "idcard", "scanner", "receipt", "pad", "help", "presence", "door", "lights", "buzzer",
    ] {
        assert_eq!(
            first.get(id).map(Vec::as_slice),
            Some(&["online".to_string()][..]),
            "{id}: {first:?}"
        );
    }
    assert_eq!(devices.driven.len(), 10);

    let reader = devices.sims.reader.as_ref().expect("simulated reader");
    let printer = devices.sims.printer.as_ref().expect("simulated printer");
    reader.unplug();
    printer.unplug();
    let gone = collect(&mut rx, Duration::from_secs(3)).await;
    assert_eq!(
        gone.get("idcard"),
        Some(&vec!["down".to_string()]),
        "{gone:?}"
    );
    assert_eq!(
        gone.get("receipt"),
        Some(&vec!["down".to_string()]),
        "{gone:?}"
    );
    assert_eq!(gone.len(), 2, "only the unplugged devices change: {gone:?}");
    reader.replug();
    printer.replug();
    let back = collect(&mut rx, Duration::from_secs(5)).await;
    assert_eq!(
        back.get("idcard"),
        Some(&vec!["online".to_string()]),
        "{back:?}"
    );
    assert_eq!(
        back.get("receipt"),
        Some(&vec!["online".to_string()]),
        "{back:?}"
    );
    assert_eq!(back.len(), 2, "{back:?}");
}
