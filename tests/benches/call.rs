//! The remote virtual window's figures (BENCHMARKS.md): a terminal's call (str0m, openh264, Opus, the
//! synthetic 640×480 camera at 25 fps) and a clerk in headless Chromium at the hub's console, on loopback.
//!
//! - set-up: the clerk touches 接听 → the first frame decoded in the browser, and on the terminal;
//! - the video the browser receives over a steady stretch: size and frames per second (its own getStats);
//! - terminal-side delay from a frame reaching the encoder to its last packet handed to the socket;
//! - CPU of this process (the terminal's call, plus the hub in the same process) per second of call.
//!
//! `cargo bench -p kiosk-tests --bench call` (`KIOSK_BENCH_CALLS` calls, default 5; `KIOSK_BENCH_SECONDS` of
//! steady video each, default 10).

use kiosk_call::{Call, CallEvent};
use kiosk_tests::clerk::{CallHub, ClerkBrowser};
use serde_json::Value;
use std::sync::atomic::Ordering;
use std::time::{Duration, Instant};

const CLERK: &str = "bench.clerk";
const PASSWORD: &str = "bench-password-1";

/// User plus system CPU time of this process, from /proc/self/stat (clock ticks of 1/100 s: `getconf
/// CLK_TCK` on Linux).
fn cpu() -> Duration {
    let stat = std::fs::read_to_string("/proc/self/stat").expect("/proc/self/stat");
    // The fields after the command name (which is in parentheses and may hold spaces).
    let rest = &stat[stat.rfind(')').expect("stat") + 2..];
    let f: Vec<&str> = rest.split_whitespace().collect();
    let ticks: u64 = f[11].parse::<u64>().expect("utime") + f[12].parse::<u64>().expect("stime");
    Duration::from_millis(ticks * 10)
}

fn num(v: &Value, k: &str) -> f64 {
    v.get(k).and_then(Value::as_f64).unwrap_or(0.0)
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

fn percentile(sorted: &[Duration], p: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    ms(sorted[((sorted.len() as f64 - 1.0) * p).round() as usize])
}

async fn event(call: &mut Call, f: impl Fn(&CallEvent) -> bool) {
    loop {
        match tokio::time::timeout(Duration::from_secs(60), call.events.recv()).await {
            Ok(Some(e)) if f(&e) => return,
            Ok(Some(_)) => {}
            other => panic!("call event: {other:?}"),
        }
    }
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let calls: usize = std::env::var("KIOSK_BENCH_CALLS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(5);
    let seconds: u64 = std::env::var("KIOSK_BENCH_SECONDS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(10);
    let h = CallHub::start(&[CLERK], PASSWORD).await;
    let browser = ClerkBrowser::start(&h.origin).await;
    browser.login(CLERK, PASSWORD).await;

    let (mut setup_browser, mut setup_terminal, mut delays) = (Vec::new(), Vec::new(), Vec::new());
    let (mut fps, mut cpu_per_s, mut size) = (Vec::new(), Vec::new(), (0.0, 0.0));
    for _ in 0..calls {
        let (mut call, _cam) = h.call(|_| {});
        event(&mut call, |e| matches!(e, CallEvent::Queued { .. })).await;
        browser
            .until(
                "the caller",
                "return document.querySelectorAll('#queue button').length === 1",
            )
            .await;
        let accepted = Instant::now();
        browser.click("#queue button").await;
        let first_browser = loop {
            if num(&browser.stats().await, "framesDecoded") >= 1.0 {
                break accepted.elapsed();
            }
            assert!(accepted.elapsed() < Duration::from_secs(30), "no video");
            tokio::time::sleep(Duration::from_millis(5)).await;
        };
        let stats = loop {
            if let Some(s) = call.media_stats() {
                if s.first_decoded_at().is_some() {
                    break s;
                }
            }
            assert!(
                accepted.elapsed() < Duration::from_secs(30),
                "no video on the terminal"
            );
            tokio::time::sleep(Duration::from_millis(5)).await;
        };
        setup_browser.push(first_browser);
        setup_terminal.push(
            stats
                .first_decoded_at()
                .map(|t| t.duration_since(accepted))
                .unwrap_or_default(),
        );
        // Let the rate settle, then measure a steady stretch.
        tokio::time::sleep(Duration::from_secs(2)).await;
        let (s0, cpu0, t0) = (browser.stats().await, cpu(), Instant::now());
        let skip = stats.capture_to_send().len();
        tokio::time::sleep(Duration::from_secs(seconds)).await;
        let (s1, cpu1, dt) = (browser.stats().await, cpu(), t0.elapsed());
        fps.push((num(&s1, "framesDecoded") - num(&s0, "framesDecoded")) / dt.as_secs_f64());
        cpu_per_s.push((cpu1 - cpu0).as_secs_f64() / dt.as_secs_f64());
        size = (num(&s1, "frameWidth"), num(&s1, "frameHeight"));
        delays.extend(stats.capture_to_send().into_iter().skip(skip));
        assert!(stats.frames_encoded.load(Ordering::Relaxed) > 0);
        browser
            .eval("document.getElementById('outcome').value = 'done'; return true")
            .await;
        browser.click("#end button").await;
        event(&mut call, |e| matches!(e, CallEvent::Ended { .. })).await;
    }
    browser.finish().await;

    setup_browser.sort();
    setup_terminal.sort();
    delays.sort();
    let mean = |v: &[f64]| v.iter().sum::<f64>() / v.len().max(1) as f64;
    let min = |v: &[f64]| v.iter().cloned().fold(f64::INFINITY, f64::min);
    println!("calls: {calls}, steady stretch {seconds} s each");
    println!(
        "set-up, clerk accepts → first frame decoded in the browser: median {:.0} ms, max {:.0} ms",
        percentile(&setup_browser, 0.5),
        percentile(&setup_browser, 1.0)
    );
    println!(
        "set-up, clerk accepts → first frame decoded on the terminal: median {:.0} ms, max {:.0} ms",
        percentile(&setup_terminal, 0.5),
        percentile(&setup_terminal, 1.0)
    );
    println!(
        "video at the browser: {}×{}, {:.1} fps mean, {:.1} fps lowest call",
        size.0,
        size.1,
        mean(&fps),
        min(&fps)
    );
    println!(
        "terminal capture → last packet sent ({} frames): p50 {:.1} ms, p95 {:.1} ms, max {:.1} ms",
        delays.len(),
        percentile(&delays, 0.5),
        percentile(&delays, 0.95),
        percentile(&delays, 1.0)
    );
    println!(
        "CPU of the terminal's process per second of call: {:.2} s (mean over calls; 1.00 = one core)",
        mean(&cpu_per_s)
    );
}
