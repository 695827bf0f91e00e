//! Durable commits per second: each `enqueue` returns only after SQLite has the item on disk (WAL,
//! synchronous=FULL), as a resident's case is committed before they are told. A 4 KB body (a case without
//! photos), sealed. Run: `cargo bench -p kiosk-store --bench commit` (uses the temp folder's file system).

use kiosk_store::Store;
use std::time::Instant;

fn main() {
    if !std::env::args().any(|a| a == "--bench") {
        return;
    }
    let dir = std::env::temp_dir().join(format!("kiosk-store-bench-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("dir");
    let mut store = Store::open(&dir.join("kiosk.db"), &[3; 32]).expect("store");
    let body = vec![b'x'; 4096];
    for round in 0..3 {
        let n = 500;
        let t = Instant::now();
        for i in 0..n {
            store
                .enqueue(&format!("k-{round}-{i}"), "case", &body, Some("L1"), i)
                .expect("commit");
        }
        let s = t.elapsed().as_secs_f64();
        println!(
            "round {round}: {n} durable commits in {:.2} s = {:.0} commits/s",
            s,
            n as f64 / s
        );
    }
    let _ = std::fs::remove_dir_all(&dir);
}
