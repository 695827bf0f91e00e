//! Helpers shared by the driver tests: a place for pty links, and waiting for events.

#![allow(dead_code)]

use kiosk_drivers::{DeviceEvent, Health};
use std::path::PathBuf;
use std::time::Duration;
use tokio::sync::mpsc::UnboundedReceiver;
use tokio::time::Instant;

/// A fresh link path for a simulated device of this test.
pub fn link(test: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("kiosk-drivers-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    dir.join(test)
}

/// Waits for the first event that `pred` accepts; returns it and how long it took. Other events are dropped.
pub async fn wait_for(
    rx: &mut UnboundedReceiver<DeviceEvent>,
    within: Duration,
    pred: impl Fn(&DeviceEvent) -> bool,
) -> Option<(DeviceEvent, Duration)> {
    let start = Instant::now();
    loop {
        let left = within.checked_sub(start.elapsed())?;
        match tokio::time::timeout(left, rx.recv()).await {
            Ok(Some(e)) if pred(&e) => return Some((e, start.elapsed())),
            Ok(Some(_)) => {}
            _ => return None,
        }
    }
}

pub fn is_online(e: &DeviceEvent) -> bool {
    matches!(
        e,
        DeviceEvent::Health {
            health: Health::Online,
            ..
        }
    )
}

pub fn is_down(e: &DeviceEvent) -> bool {
    matches!(
        e,
        DeviceEvent::Health {
            health: Health::Down { .. },
            ..
        }
    )
}

/// Events that arrive within `within`, all of them.
pub async fn drain(rx: &mut UnboundedReceiver<DeviceEvent>, within: Duration) -> Vec<DeviceEvent> {
    let mut out = Vec::new();
    let end = Instant::now() + within;
    while let Ok(Some(e)) = tokio::time::timeout_at(end, rx.recv()).await {
        out.push(e);
    }
    out
}

/// The supervision every serial driver shows: online; silent → down; answering again → online; unplugged →
/// down; plugged back → online, all without a restart. How fast (the target is down within 2 s of silence) is
/// measured by `cargo bench -p kiosk-drivers --bench supervision`; the bounds here are only generous limits, so
/// that a busy machine does not fail the test.
pub async fn survives_silence_and_unplugging(
    sim: &impl kiosk_drivers::simio::LineControls,
    rx: &mut UnboundedReceiver<DeviceEvent>,
) {
    use kiosk_drivers::simio::Behaviour;
    assert!(
        wait_for(rx, Duration::from_secs(20), is_online)
            .await
            .is_some(),
        "online at first"
    );
    sim.set_behaviour(Behaviour::Silent);
    assert!(
        wait_for(rx, Duration::from_secs(20), is_down)
            .await
            .is_some(),
        "down when silent"
    );
    sim.set_behaviour(Behaviour::Normal);
    assert!(
        wait_for(rx, Duration::from_secs(20), is_online)
            .await
            .is_some(),
        "back when answering"
    );
    sim.unplug();
    assert!(
        wait_for(rx, Duration::from_secs(20), is_down)
            .await
            .is_some(),
        "down when unplugged"
    );
    sim.replug();
    assert!(
        wait_for(rx, Duration::from_secs(20), is_online)
            .await
            .is_some(),
        "back when plugged in"
    );
}
