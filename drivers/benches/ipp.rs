//! A4 printing over IPP on loopback: a PDF job from submission to "completed", with the firmware's own job
//! limits (the job is looked at every 250 ms). Against the simulated printer with no printing time (what the
//! IPP exchange and the polling cost) and against CUPS's ippeveprinter (a real IPP server; its own processing
//! time is part of the figure).
//!
//! `cargo bench -p kiosk-drivers --bench ipp` (needs ippeveprinter, D-Bus and avahi-daemon: scripts/services).

use kiosk_drivers::a4::driver::{A4Printer, Document, JobLimits};
use kiosk_drivers::a4::ippeve::IppEvePrinter;
use kiosk_drivers::a4::sim::A4Sim;
use std::time::{Duration, Instant};

fn pdf() -> Vec<u8> {
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n3 0 obj<</Type/Page/MediaBox[0 0 595 842]/Parent 2 0 R>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n".to_vec()
}

fn report(what: &str, mut v: Vec<Duration>) {
    v.sort();
    let ms = |d: Duration| d.as_secs_f64() * 1e3;
    println!(
        "{what}: {} jobs, median {:.0} ms, min {:.0} ms, max {:.0} ms",
        v.len(),
        ms(v[v.len() / 2]),
        ms(v[0]),
        ms(v[v.len() - 1])
    );
}

async fn jobs(uri: &str, n: usize) -> Vec<Duration> {
    let a4 = A4Printer::new(uri).expect("uri");
    let doc = Document::new("bench", pdf());
    let mut out = Vec::new();
    for _ in 0..n {
        let t = Instant::now();
        a4.print(&doc, JobLimits::default(), |_, _| {})
            .await
            .expect("printed");
        out.push(t.elapsed());
    }
    out
}

fn main() {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .expect("runtime");
    let sim_times = rt.block_on(async {
        let sim = A4Sim::spawn().expect("simulated printer");
        sim.set_print_time(Duration::ZERO);
        jobs(&sim.uri(), 30).await
    });
    report("simulated IPP printer, no printing time", sim_times);
    match IppEvePrinter::start("KioskBenchA4") {
        Ok(p) => report("ippeveprinter", rt.block_on(jobs(&p.uri(), 5))),
        Err(e) => println!("ippeveprinter: not measured ({e})"),
    }
}
