//! How long a serial device that stops answering takes to be reported down, and to be back once it answers
//! again: the ID card reader, the receipt printer and the evaluation pad, each through its service against its
//! simulator over a pseudo-terminal. Target: down within 2 s of the device falling silent. The tests only check
//! that it happens at all (within generous bounds); the figure is kept here, where a busy machine cannot fail
//! a build. `cargo bench -p kiosk-drivers --bench supervision`.

use kiosk_drivers::idcard::driver::{Reader, ReaderService};
use kiosk_drivers::idcard::sim::ReaderSim;
use kiosk_drivers::pad::driver::{Pad, PadService};
use kiosk_drivers::pad::sim::PadSim;
use kiosk_drivers::printer::driver::{PrinterService, ReceiptPrinter};
use kiosk_drivers::printer::protocol::Layout;
use kiosk_drivers::printer::sim::PrinterSim;
use kiosk_drivers::simio::{Behaviour, LineControls};
use kiosk_drivers::{DeviceEvent, DeviceId, Health};
use std::time::Duration;
use tokio::sync::mpsc::{unbounded_channel, UnboundedReceiver, UnboundedSender};
use tokio::time::Instant;

const TARGET: Duration = Duration::from_secs(2);

/// The first event that `pred` accepts within `within`, and how long it took.
async fn wait_for(
    rx: &mut UnboundedReceiver<DeviceEvent>,
    within: Duration,
    pred: impl Fn(&Health) -> bool,
) -> Option<Duration> {
    let start = Instant::now();
    while let Ok(Some(e)) = tokio::time::timeout_at(start + within, rx.recv()).await {
        if let DeviceEvent::Health { health, .. } = &e {
            if pred(health) {
                return Some(start.elapsed());
            }
        }
    }
    None
}

fn online(h: &Health) -> bool {
    matches!(h, Health::Online)
}

fn down(h: &Health) -> bool {
    matches!(h, Health::Down { .. })
}

/// `cycles` times: answering → silent (time to down) → answering (time to online).
async fn cycles(
    sim: &impl LineControls,
    rx: &mut UnboundedReceiver<DeviceEvent>,
    cycles: usize,
) -> (Vec<Duration>, Vec<Duration>) {
    let (mut downs, mut backs) = (Vec::new(), Vec::new());
    wait_for(rx, Duration::from_secs(30), online)
        .await
        .expect("online at first");
    for _ in 0..cycles {
        // Let a few polls pass, so that the silence starts at a random point of the polling cycle.
        tokio::time::sleep(Duration::from_millis(350)).await;
        sim.set_behaviour(Behaviour::Silent);
        downs.push(
            wait_for(rx, Duration::from_secs(30), down)
                .await
                .expect("down when silent"),
        );
        sim.set_behaviour(Behaviour::Normal);
        backs.push(
            wait_for(rx, Duration::from_secs(30), online)
                .await
                .expect("back when answering"),
        );
    }
    (downs, backs)
}

fn report(device: &str, (mut downs, mut backs): (Vec<Duration>, Vec<Duration>)) {
    downs.sort();
    backs.sort();
    let ms = |d: Duration| format!("{:.0} ms", d.as_secs_f64() * 1000.0);
    let (median, max) = (downs[downs.len() / 2], downs[downs.len() - 1]);
    println!(
        "| {device} | {} | {} | {} | {} | {} |",
        downs.len(),
        ms(median),
        ms(max),
        ms(backs[backs.len() / 2]),
        if max <= TARGET { "met" } else { "NOT met" }
    );
}

fn events() -> (UnboundedSender<DeviceEvent>, UnboundedReceiver<DeviceEvent>) {
    unbounded_channel()
}

fn main() {
    // `cargo test --benches` runs bench targets without `--bench`: one cycle each then.
    let n = if std::env::args().any(|a| a == "--bench") {
        10
    } else {
        1
    };
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    let dir = std::env::temp_dir().join(format!("kiosk-bench-supervision-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    println!("| device | cycles | silent → down, median | max | answering → online, median | down within 2 s |");
    println!("|---|---|---|---|---|---|");
    rt.block_on(async {
        let path = dir.join("idcard");
        let sim = ReaderSim::spawn(&path).expect("pty");
        let (tx, mut rx) = events();
        let svc = ReaderService {
            id: DeviceId("idcard".into()),
            reader: Reader::new(path.to_string_lossy(), 115_200),
            events: tx,
            photo: None,
        };
        let task = tokio::spawn(svc.run());
        report("ID card reader (115200)", cycles(&sim, &mut rx, n).await);
        task.abort();

        let path = dir.join("printer");
        let sim = PrinterSim::spawn(&path, 115_200).expect("pty");
        let (tx, mut rx) = events();
        let (svc, _handle) = PrinterService::new(
            DeviceId("receipt".into()),
            ReceiptPrinter::new(path.to_string_lossy(), 115_200, Layout::default()),
            tx,
        );
        let task = tokio::spawn(svc.run());
        report("receipt printer (115200)", cycles(&sim, &mut rx, n).await);
        task.abort();

        let path = dir.join("pad");
        let sim = PadSim::spawn(&path, 9600).expect("pty");
        let (tx, mut rx) = events();
        let (svc, _commands) = PadService::new(
            DeviceId("pad".into()),
            Pad::new(path.to_string_lossy(), 9600),
            tx,
        );
        let task = tokio::spawn(svc.run());
        report("evaluation pad (9600)", cycles(&sim, &mut rx, n).await);
        task.abort();
    });
    let _ = std::fs::remove_dir_all(&dir);
}
