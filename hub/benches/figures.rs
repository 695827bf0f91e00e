//! The district's figures over a day of 1,000,000 sessions (issue: under 2 s on SQLite; PostgreSQL too when
//! `KIOSK_TEST_POSTGRES` names a server). 200 terminals on 20 streets, 60 items; every figure of the day by
//! terminal, street, community, item and day in one call of `Platform::figures`.
//!
//! `cargo bench --profile hub -p kiosk-hub --bench figures` (the hub's own profile, built for speed; the default
//! bench profile is the board firmware's, built for size) (`KIOSK_BENCH_SESSIONS` sets the number, default 1000000).

use chrono::NaiveDate;
use kiosk_hub::figures::SessionRow;
use std::time::Instant;

const OUTCOMES: [&str; 5] = [
    "submitted",
    "submitted",
    "abandoned",
    "browsed",
    "timed-out",
];

fn rows(n: usize, day: &str) -> Vec<(String, String, SessionRow)> {
    (0..n)
        .map(|i| {
            // A cheap mix (Knuth's multiplicative hash) so that groups and values spread.
            let h = (i as u64).wrapping_mul(2_654_435_761) >> 7;
            let outcome = OUTCOMES[(h % 5) as usize];
            let shown = (h % 20) as i64;
            let asked = h.is_multiple_of(7);
            (
                format!("s{i}"),
                format!("T{:03}", h % 200),
                SessionRow {
                    day: day.into(),
                    item_code: format!("IT-{:03}", (h >> 8) % 60),
                    outcome,
                    fields_shown: shown,
                    prefilled_unchanged: shown * 3 / 4,
                    application_ms: (outcome == "submitted").then_some((h % 600_000) as i64),
                    help_asked: asked,
                    help_first_ms: (asked && !h.is_multiple_of(3)).then_some((h % 120_000) as i64),
                    rating: h.is_multiple_of(4).then_some((h % 5 + 1) as i64),
                },
            )
        })
        .collect()
}

fn run(label: &str, database: Option<&str>, n: usize) {
    let rt = tokio::runtime::Runtime::new().expect("runtime");
    let dir = std::env::temp_dir().join(format!(
        "kiosk-bench-figures-{}-{label}",
        std::process::id()
    ));
    let _ = std::fs::remove_dir_all(&dir);
    rt.block_on(async {
        let hub = kiosk_hub::Platform::open(&dir, database).await.expect("hub");
        for t in 0..200 {
            let mut h: kiosk_api::Heartbeat = serde_json::from_value(serde_json::json!({
                "terminal_id": format!("T{t:03}"), "version": "b", "update": null, "uptime_s": 1,
                "street": format!("街道{:02}", t % 20), "community": format!("社区{:03}", t % 80),
                "devices": [], "outbox_depth": 0, "outbox_oldest_s": null, "outbox_last_error": null,
                "free_disk_bytes": null, "temperature_c": null, "config_result": null, "sent_at": ""
            }))
            .expect("heartbeat");
            h.terminal_id = format!("T{t:03}");
            hub.heartbeat(&h.terminal_id.clone(), &h, 0).await.expect("site");
        }
        let fill = Instant::now();
        let all = rows(n, "2026-11-30");
        for part in all.chunks(50_000) {
            hub.add_sessions(part).await.expect("fill");
        }
        // One session on the day before, so that the day's filter has something to leave out.
        hub.add_sessions(&rows(1, "2026-11-29").into_iter().map(|(_, t, r)| ("prev".into(), t, r)).collect::<Vec<_>>())
            .await
            .expect("fill");
        eprintln!("{label}: {n} sessions stored in {:.1} s", fill.elapsed().as_secs_f64());
        let day = NaiveDate::from_ymd_opt(2026, 11, 30).expect("day");
        let mut times = vec![];
        for _ in 0..5 {
            let t = Instant::now();
            let r = hub.figures(day, day).await.expect("figures");
            times.push(t.elapsed().as_secs_f64());
            assert_eq!(r.total.sessions as usize, n);
            assert_eq!(r.by_terminal.len(), 200);
            assert_eq!(r.by_street.len(), 20);
        }
        times.sort_by(f64::total_cmp);
        println!(
            "figures of one day, {n} sessions, {label}: median {:.3} s (min {:.3}, max {:.3}, 5 runs)",
            times[2], times[0], times[4]
        );
        hub.db().close().await;
    });
    let _ = std::fs::remove_dir_all(&dir);
}

fn main() {
    let n = std::env::var("KIOSK_BENCH_SESSIONS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(1_000_000);
    run("SQLite", None, n);
    if let Some(admin) = std::env::var("KIOSK_TEST_POSTGRES")
        .ok()
        .filter(|v| !v.is_empty())
    {
        // A fresh database on that server.
        let db = format!("kiosk_bench_figures_{}", std::process::id());
        let rt = tokio::runtime::Runtime::new().expect("runtime");
        rt.block_on(async {
            use sqlx::Connection;
            let mut c = sqlx::PgConnection::connect(&admin).await.expect("postgres");
            sqlx::query(sqlx::AssertSqlSafe(format!("CREATE DATABASE {db}")))
                .execute(&mut c)
                .await
                .expect("create database");
        });
        let base = admin.rsplit_once('/').map(|(b, _)| b).unwrap_or(&admin);
        run("PostgreSQL", Some(&format!("{base}/{db}")), n);
    }
}
