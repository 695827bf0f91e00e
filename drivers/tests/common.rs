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
