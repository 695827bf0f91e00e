//! Store-and-forward benchmarks against the hub over loopback (figures in BENCHMARKS.md):
//!
//! - delivery: cases committed to the terminal's outbox, then delivered by its rounds to the hub; cases per
//!   second (without materials, and with a 100 KB photo each);
//! - intake: 50 terminals (each with its own token and connection) submitting cases at once; throughput and
//!   latency percentiles, on SQLite and, when `KIOSK_TEST_POSTGRES` names a server, on PostgreSQL.
//!
//! `cargo bench -p kiosk-tests --bench platform` (`KIOSK_BENCH_CASES` sets the number of cases, default 1000).

use kiosk::platform::outbox::Outbox;
use std::time::{Duration, Instant};

/// A case with 12 fields (and a photo when given).
fn case(key: String, terminal: &str, photo: Option<&kiosk_api::Upload>) -> kiosk_api::CaseRequest {
    kiosk_api::CaseRequest {
        fields: (0..12)
            .map(|i| kiosk_api::FieldValue {
                id: format!("f{i}"),
                label: format!("字段{i}"),
                value: "上海市杨浦区控江路1500弄12号".into(),
            })
            .collect(),
        ..kiosk_tests::sample_case(&key, terminal, photo.as_slice())
    }
}

fn delivery(rt: &tokio::runtime::Runtime, n: usize, with_photo: bool) -> f64 {
    let (base, hub) = kiosk_tests::hub_on_loopback(rt);
    let platform = kiosk_tests::enrolled(rt, &base, &hub, "B1");
    let dir = kiosk_tests::scratch("bench-delivery");
    let key = kiosk_store::load_or_create_key(&dir.join("key")).expect("key");
    let outbox = Outbox::new(kiosk_store::Store::open(&dir.join("kiosk.db"), &key).expect("store"));
    for i in 0..n {
        let photo = with_photo.then(|| kiosk_api::Upload {
            name: "户口簿".into(),
            media_type: "image/jpeg".into(),
            bytes: (0..100_000u32)
                .map(|j| (j.wrapping_mul(31) ^ i as u32) as u8)
                .collect(),
        });
        let c = case(format!("B1-{i}"), "B1", photo.as_ref());
        outbox
            .commit_case(&c, photo.as_slice(), Duration::ZERO)
            .expect("commit");
    }
    let start = Instant::now();
    while outbox.status().expect("status").queued > 0 {
        let r = rt.block_on(outbox.round(&platform));
        assert_eq!(r.failed, 0, "a delivery failed");
    }
    let s = start.elapsed().as_secs_f64();
    assert_eq!(rt.block_on(hub.counts()).expect("counts").cases, n);
    let _ = std::fs::remove_dir_all(&dir);
    n as f64 / s
}

struct Intake {
    per_s: f64,
    p50_ms: f64,
    p99_ms: f64,
    max_ms: f64,
}

fn intake(
    rt: &tokio::runtime::Runtime,
    database: Option<&str>,
    terminals: usize,
    n: usize,
) -> Intake {
    let dir = kiosk_tests::scratch("bench-intake");
    let (base, hub) = kiosk_tests::hub_with(rt, &dir, database);
    let clients: Vec<(String, kiosk::platform::Platform)> = (0..terminals)
        .map(|t| {
            let id = format!("L{t:02}");
            let p = kiosk_tests::enrolled(rt, &base, &hub, &id);
            (id, p)
        })
        .collect();
    let per = n / terminals;
    let start = Instant::now();
    let mut latencies: Vec<f64> = rt.block_on(async {
        let tasks: Vec<_> = clients
            .into_iter()
            .map(|(id, p)| {
                tokio::spawn(async move {
                    let mut l = Vec::with_capacity(per);
                    for i in 0..per {
                        let c = case(format!("{id}-{i}"), &id, None);
                        let t = Instant::now();
                        p.deliver(&c, &[]).await.expect("case taken");
                        l.push(t.elapsed().as_secs_f64() * 1000.0);
                    }
                    l
                })
            })
            .collect();
        let mut all = Vec::new();
        for t in tasks {
            all.extend(t.await.expect("terminal task"));
        }
        all
    });
    let s = start.elapsed().as_secs_f64();
    assert_eq!(
        rt.block_on(hub.counts()).expect("counts").cases,
        per * terminals
    );
    latencies.sort_by(f64::total_cmp);
    let at = |q: f64| latencies[((latencies.len() as f64 * q) as usize).min(latencies.len() - 1)];
    let _ = std::fs::remove_dir_all(&dir);
    Intake {
        per_s: latencies.len() as f64 / s,
        p50_ms: at(0.50),
        p99_ms: at(0.99),
        max_ms: at(1.0),
    }
}

fn main() {
    // `cargo bench` passes --bench; a plain `cargo test --benches` run passes nothing and wants no work.
    if !std::env::args().any(|a| a == "--bench") {
        return;
    }
    let n: usize = std::env::var("KIOSK_BENCH_CASES")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(1000);
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("runtime");
    let d0 = delivery(&rt, n, false);
    println!("delivery outbox → hub (SQLite), {n} cases without materials: {d0:.0} cases/s");
    let d1 = delivery(&rt, n / 2, true);
    println!(
        "delivery outbox → hub (SQLite), {} cases with a 100 KB photo: {d1:.0} cases/s",
        n / 2
    );
    let mut dbs = vec![("SQLite".to_string(), None)];
    if let Some(pg) = kiosk_tests::postgres_database(&rt, "bench") {
        dbs.push(("PostgreSQL".to_string(), Some(pg)));
    }
    for (name, url) in dbs {
        let r = intake(&rt, url.as_deref(), 50, n * 2);
        println!(
            "intake, 50 terminals at once ({name}), {} cases: {:.0} cases/s, p50 {:.1} ms, p99 {:.1} ms, max {:.1} ms",
            n * 2,
            r.per_s,
            r.p50_ms,
            r.p99_ms,
            r.max_ms
        );
    }
}
