//! The scanner driver against the simulated scanner over a pseudo-terminal pair, in each protocol.

mod common;

use common::*;
use kiosk_drivers::scanner::driver::{Scanner, ScannerConfig, ScannerService};
use kiosk_drivers::scanner::protocol::{ScanProtocol, Terminator};
use kiosk_drivers::scanner::sim::ScannerSim;
use kiosk_drivers::simio::{Behaviour, LineControls};
use kiosk_drivers::{DeviceEvent, DeviceId, ScanKind};
use std::time::Duration;
use tokio::sync::mpsc::{unbounded_channel, UnboundedReceiver};

const SSM: &str = "https://ssm.example.invalid/c/7Q2W9E4R1T";

fn start(
    name: &str,
    terminator: Terminator,
    protocol: ScanProtocol,
) -> (
    ScannerSim,
    UnboundedReceiver<DeviceEvent>,
    tokio::task::JoinHandle<()>,
) {
    start_at(name, 9600, terminator, protocol)
}

fn start_at(
    name: &str,
    baud: u32,
    terminator: Terminator,
    protocol: ScanProtocol,
) -> (
    ScannerSim,
    UnboundedReceiver<DeviceEvent>,
    tokio::task::JoinHandle<()>,
) {
    let path = link(name);
    let sim = ScannerSim::spawn(&path, baud, terminator, protocol).unwrap();
    let (tx, rx) = unbounded_channel();
    let svc = ScannerService {
        id: DeviceId("scanner".into()),
        scanner: Scanner::new(ScannerConfig {
            path: path.to_string_lossy().into(),
            baud,
            terminator,
            protocol,
        }),
        events: tx,
    };
    (sim, rx, tokio::spawn(svc.run()))
}

async fn scanned(rx: &mut UnboundedReceiver<DeviceEvent>) -> Option<(ScanKind, String)> {
    let (e, _) = wait_for(rx, Duration::from_secs(3), |e| {
        matches!(e, DeviceEvent::CodeScanned(_))
    })
    .await?;
    let DeviceEvent::CodeScanned(p) = e else {
        return None;
    };
    Some((p.kind, p.data.expose().clone()))
}

#[tokio::test]
async fn line_mode_scans_are_classified() {
    for (name, t) in [
        ("cr", Terminator::Cr),
        ("crlf", Terminator::CrLf),
        ("none", Terminator::None),
    ] {
        let (sim, mut rx, task) = start(&format!("line-{name}"), t, ScanProtocol::Line);
        assert!(wait_for(&mut rx, Duration::from_secs(10), is_online)
            .await
            .is_some());
        sim.show(SSM);
        assert_eq!(
            scanned(&mut rx).await,
            Some((ScanKind::SuiShenMa, SSM.to_string())),
            "{name}"
        );
        sim.show("6901234567892");
        assert_eq!(
            scanned(&mut rx).await,
            Some((ScanKind::Other, "6901234567892".to_string())),
            "{name}"
        );
        task.abort();
    }
}

#[tokio::test]
async fn noise_and_an_overlong_line_do_not_stop_scanning() {
    let (sim, mut rx, task) = start_at("noisy", 115_200, Terminator::Cr, ScanProtocol::Line);
    assert!(wait_for(&mut rx, Duration::from_secs(10), is_online)
        .await
        .is_some());
    let mut junk = vec![b'9'; 8000];
    junk.push(b'\r');
    sim.send_raw(junk);
    sim.show("ABC-123");
    assert_eq!(scanned(&mut rx).await.map(|s| s.1), Some("ABC-123".into()));
    task.abort();
}

#[tokio::test]
async fn trigger_mode_scanners_read_when_asked() {
    for (name, p) in [
        ("newland", ScanProtocol::Newland),
        ("honeywell", ScanProtocol::Honeywell),
    ] {
        let (sim, mut rx, task) = start(name, Terminator::Cr, p);
        assert!(
            wait_for(&mut rx, Duration::from_secs(10), is_online)
                .await
                .is_some(),
            "{name}"
        );
        sim.show(SSM);
        assert_eq!(
            scanned(&mut rx).await.map(|s| s.0),
            Some(ScanKind::SuiShenMa),
            "{name}"
        );
        // The driver triggers again after each read.
        sim.show("6901234567892");
        assert_eq!(
            scanned(&mut rx).await.map(|s| s.0),
            Some(ScanKind::Other),
            "{name}"
        );
        task.abort();
    }
}

#[tokio::test]
async fn a_newland_scanner_that_stops_answering_is_down_then_back() {
    let (sim, mut rx, task) = start("newland-silent", Terminator::Cr, ScanProtocol::Newland);
    assert!(wait_for(&mut rx, Duration::from_secs(10), is_online)
        .await
        .is_some());
    sim.set_behaviour(Behaviour::Silent);
    // Unplug and replug makes the driver set the scanner up again, which needs answers.
    sim.unplug();
    sim.replug();
    assert!(wait_for(&mut rx, Duration::from_secs(10), is_down)
        .await
        .is_some());
    sim.set_behaviour(Behaviour::Normal);
    assert!(wait_for(&mut rx, Duration::from_secs(6), is_online)
        .await
        .is_some());
    sim.show(SSM);
    assert!(scanned(&mut rx).await.is_some());
    task.abort();
}

#[tokio::test]
async fn an_unplugged_scanner_comes_back_by_itself() {
    let (sim, mut rx, task) = start("unplug", Terminator::Cr, ScanProtocol::Line);
    assert!(wait_for(&mut rx, Duration::from_secs(10), is_online)
        .await
        .is_some());
    sim.unplug();
    assert!(wait_for(&mut rx, Duration::from_secs(10), is_down)
        .await
        .is_some());
    sim.replug();
    assert!(wait_for(&mut rx, Duration::from_secs(6), is_online)
        .await
        .is_some());
    sim.show("6901234567892");
    assert!(scanned(&mut rx).await.is_some());
    task.abort();
}

#[tokio::test]
async fn diag_style_single_scan_waits_and_times_out() {
    let path = link("single");
    let sim = ScannerSim::spawn(&path, 9600, Terminator::Cr, ScanProtocol::Line).unwrap();
    let mut s = Scanner::new(ScannerConfig {
        path: path.to_string_lossy().into(),
        baud: 9600,
        terminator: Terminator::Cr,
        protocol: ScanProtocol::Line,
    });
    s.start().await.unwrap();
    assert_eq!(s.next_scan(Duration::from_millis(300)).await.unwrap(), None);
    sim.show("X1");
    assert_eq!(
        s.next_scan(Duration::from_secs(2))
            .await
            .unwrap()
            .as_deref(),
        Some("X1")
    );
}
