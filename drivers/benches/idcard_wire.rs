//! A complete ID card read (find, select, read text + photo) over a pseudo-terminal at 115200 baud against the
//! simulated reader, which takes the wire time of every byte in both directions. Prints the median time and its
//! ratio to the wire time of the bytes (the physical limit). `cargo bench -p kiosk-drivers --bench idcard_wire`.

use kiosk_drivers::idcard::driver::Reader;
use kiosk_drivers::idcard::sim::ReaderSim;
use kiosk_drivers::serial::wire_time;
use kiosk_drivers::sim::sample_cards;
use std::time::{Duration, Instant};

/// Bytes on the wire for one read: three 10-byte commands, the find reply (15), the select reply (19) and the
/// read reply (1295).
const WIRE_BYTES: usize = 3 * 10 + 15 + 19 + 1295;

fn main() {
    // `cargo test --benches` runs bench targets with `--bench` absent; do a short run then.
    let runs = if std::env::args().any(|a| a == "--bench") {
        30
    } else {
        3
    };
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    rt.block_on(async {
        let link = std::env::temp_dir().join(format!("kiosk-bench-{}", std::process::id())).join("idcard");
        let sim = ReaderSim::spawn(&link).expect("pty");
        sim.insert(sample_cards().remove(0).record);
        let mut reader = Reader::new(link.to_string_lossy(), 115_200);
        reader.read_card().await.expect("warm-up read");
        let mut times: Vec<Duration> = Vec::new();
        for _ in 0..runs {
            let t = Instant::now();
            let card = reader.read_card().await.expect("read");
            times.push(t.elapsed());
            std::hint::black_box(card);
        }
        times.sort();
        let median = times[times.len() / 2];
        let wire = wire_time(WIRE_BYTES, 115_200);
        println!(
            "idcard read over pty at 115200 baud: median {:.1} ms (min {:.1}, max {:.1}, {runs} reads); wire time of {WIRE_BYTES} bytes {:.1} ms; ratio {:.3}",
            median.as_secs_f64() * 1e3,
            times[0].as_secs_f64() * 1e3,
            times[times.len() - 1].as_secs_f64() * 1e3,
            wire.as_secs_f64() * 1e3,
            median.as_secs_f64() / wire.as_secs_f64()
        );
        let _ = std::fs::remove_file(&link);
    });
}
