//! Start-up benchmark: process start to the first rendered frame, and peak resident memory, for the simulated
//! terminal rendering headless (the software renderer, as on the terminal's linuxkms display).
//!
//! Run with `cargo bench -p kiosk --bench startup` (release build). Each run spawns `kiosk screenshot --report`;
//! the time is taken in this process from `spawn()` to the child's `first-frame` line, so it includes exec,
//! dynamic loading, configuration, font registration, window creation and the first full frame. Peak memory
//! is the child's own VmHWM. Targets (issue 2): first frame under 300 ms, peak RSS under 60 MB.

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

const RUNS: usize = 15;

fn one(page: &str, profile: Option<&str>) -> (Duration, u64) {
    let out = std::env::temp_dir().join(format!("kiosk-bench-{}.png", std::process::id()));
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_kiosk"));
    cmd.args(["screenshot", "--report", "--page", page, "--out"])
        .arg(&out);
    if let Some(p) = profile {
        cmd.args(["--profile", p]);
    }
    cmd.env("RUST_LOG", "warn")
        .stdout(Stdio::piped())
        .stderr(Stdio::null());
    let start = Instant::now();
    let mut child = cmd.spawn().expect("spawn kiosk");
    let stdout = child.stdout.take().expect("stdout");
    let mut first_frame = None;
    let mut rss = 0;
    for line in BufReader::new(stdout).lines().map_while(Result::ok) {
        if line.starts_with("first-frame") && first_frame.is_none() {
            first_frame = Some(start.elapsed());
        } else if let Some(kb) = line.strip_prefix("peak-rss ") {
            rss = kb.trim_end_matches(" KiB").parse().unwrap_or(0);
        }
    }
    let status = child.wait().expect("wait");
    assert!(status.success(), "kiosk screenshot failed");
    (first_frame.expect("no first-frame line"), rss)
}

fn report(name: &str, page: &str, profile: Option<&str>) {
    one(page, profile); // warm the page cache
    let mut times = Vec::new();
    let mut rss = Vec::new();
    for _ in 0..RUNS {
        let (t, r) = one(page, profile);
        times.push(t);
        rss.push(r);
    }
    times.sort();
    rss.sort();
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    println!(
        "{name:<28} first frame: median {:6.1} ms  min {:6.1}  max {:6.1}   peak RSS: median {:5.1} MB  max {:5.1} MB   ({RUNS} runs)",
        ms(times[RUNS / 2]),
        ms(times[0]),
        ms(times[RUNS - 1]),
        rss[RUNS / 2] as f64 / 1024.0,
        rss[RUNS - 1] as f64 / 1024.0,
    );
}

fn main() {
    // `cargo bench` passes --bench; `cargo test --benches` would not, and then there is nothing to measure.
    if !std::env::args().any(|a| a == "--bench") {
        return;
    }
    let portrait = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../hardware/profiles/rpi4-community.toml"
    );
    report("attract 1920x1080", "attract", None);
    report("home 1920x1080", "home", None);
    report("home 1080x1920 (portrait)", "home", Some(portrait));
}
