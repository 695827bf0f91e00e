//! Time from a screen change to the first audio sample of its speech (figures in BENCHMARKS.md): the kiosk
//! headless with its voice (espeak-ng into WAV files), an intent that changes the screen, and the moment the
//! speaker hands the first sample of what that screen says to the sink. Percentiles over many changes, with
//! espeak-ng's own start-up (a bare `espeak-ng --stdout` of one word) measured in the same run for the ratio.
//!
//! `cargo bench -p kiosk-tests --bench speech` (`KIOSK_BENCH_CHANGES` sets the number, default 200).

use kiosk::config::{SpeechOutput, SpeechSection};
use kiosk::session::Intent;
use std::time::{Duration, Instant};

fn percentile(sorted: &[Duration], p: f64) -> f64 {
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i].as_secs_f64() * 1000.0
}

fn main() {
    let n: usize = std::env::var("KIOSK_BENCH_CHANGES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(200);
    let kiosk = kiosk_tests::kiosk(&kiosk_tests::profile("simulated"));
    assert!(kiosk.items(Duration::from_secs(30)).is_some(), "catalogue");
    let dir = kiosk_tests::scratch("bench-speech");
    let speech = SpeechSection {
        output: SpeechOutput::Files,
        always: true,
        ..SpeechSection::default()
    };
    kiosk.attach_voice(kiosk::view::voice::Voice::paced(&speech, &dir, false));
    let speaker = || kiosk.with_voice(|v| v.speaker().map(|s| s.last()));
    let mut latencies = Vec::with_capacity(n);
    for i in 0..n {
        // Alternate between two screens, each of which says something new.
        let intent = if i % 2 == 0 {
            Intent::Category("social-insurance".into())
        } else {
            Intent::Home
        };
        let t0 = Instant::now();
        kiosk.intent(intent);
        let done = kiosk.with_voice(|v| {
            v.speaker()
                .map(|s| s.wait_idle(Duration::from_secs(30)))
                .unwrap_or(false)
        });
        assert_eq!(done, Some(true), "speech hangs");
        let last = speaker().flatten().flatten().expect("something said");
        let at = last.first_sample_at.expect("a sample");
        latencies.push(at.duration_since(t0));
    }
    latencies.sort();
    let mut bare = Vec::new();
    for _ in 0..20 {
        let t0 = Instant::now();
        let out = std::process::Command::new("espeak-ng")
            .args(["-v", "cmn-latn-pinyin", "--stdout", "首页"])
            .output()
            .expect("espeak-ng runs");
        assert!(out.status.success());
        bare.push(t0.elapsed());
    }
    bare.sort();
    println!(
        "screen change → first sample, {n} changes: p50 {:.1} ms, p95 {:.1} ms, p99 {:.1} ms, max {:.1} ms",
        percentile(&latencies, 0.5),
        percentile(&latencies, 0.95),
        percentile(&latencies, 0.99),
        percentile(&latencies, 1.0)
    );
    println!(
        "espeak-ng alone (one word, whole run), 20 runs: p50 {:.1} ms; screen change p50 / espeak-ng p50 = {:.2}",
        percentile(&bare, 0.5),
        percentile(&latencies, 0.5) / percentile(&bare, 0.5)
    );
}
