//! The device manager with the simulated profile: every device comes online once; an unplugged device is down
//! once and back once, by itself; no storm of health events.

use kiosk::config::Profile;
use kiosk_drivers::manager;
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
    let devices = manager::start(&profile.devices, &dir, tx);
    let first = collect(&mut rx, Duration::from_secs(3)).await;
    for id in [
        "idcard",
        "scanner",
        "receipt",
        "a4",
        "face-camera",
        "document-camera",
        "pad",
        "help",
        "presence",
        "door",
        "lights",
        "buzzer",
    ] {
        assert_eq!(
            first.get(id).map(Vec::as_slice),
            Some(&["online".to_string()][..]),
            "{id}: {first:?}"
        );
    }
    assert_eq!(devices.driven.len(), 13);

    let reader = devices.sims.reader.as_ref().expect("simulated reader");
    let printer = devices.sims.printer.as_ref().expect("simulated printer");
    let a4 = devices.sims.a4.as_ref().expect("simulated A4 printer");
    let (_, camera) = devices
        .sims
        .cameras
        .iter()
        .find(|(id, _)| id.0 == "document-camera")
        .expect("simulated document camera");
    reader.unplug();
    printer.unplug();
    a4.unplug();
    camera.set_connected(false);
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
    for id in ["a4", "document-camera"] {
        assert_eq!(gone.get(id), Some(&vec!["down".to_string()]), "{gone:?}");
    }
    assert_eq!(gone.len(), 4, "only the unplugged devices change: {gone:?}");
    reader.replug();
    printer.replug();
    a4.replug().expect("the A4 printer listens again");
    camera.set_connected(true);
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
    for id in ["a4", "document-camera"] {
        assert_eq!(gone.get(id), Some(&vec!["down".to_string()]), "{gone:?}");
        assert_eq!(back.get(id), Some(&vec!["online".to_string()]), "{back:?}");
    }
    assert_eq!(back.len(), 4, "{back:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 1)]
async fn the_simulated_terminal_prints_a4_and_takes_document_stills() {
    let profile = Profile::simulated().expect("built-in profile");
    let dir = std::env::temp_dir().join(format!("kiosk-manager-a4-{}", std::process::id()));
    let (tx, _rx) = unbounded_channel();
    let devices = manager::start(&profile.devices, &dir, tx);
    let pdf = kiosk::view::paperwork::a4_test_page("simulated").expect("test page");
    let report = devices
        .a4
        .as_ref()
        .expect("A4 service")
        .print(kiosk_drivers::a4::driver::Document::new(
            "test",
            pdf.clone(),
        ))
        .await
        .expect("printed");
    assert!(report.job_id > 0);
    let printed = devices.sims.a4.as_ref().unwrap().printed();
    assert_eq!(printed[0].pdf.as_ref(), pdf.as_slice());

    let (_, _, cam) = devices
        .cameras
        .iter()
        .find(|(id, _, _)| id.0 == "document-camera")
        .expect("document camera");
    let still = cam.still().await.expect("a still");
    assert_eq!((still.width, still.height), (1280, 960));
    assert!(kiosk_drivers::camera::document::straighten(&still).is_some());
}
