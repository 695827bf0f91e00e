//! The camera service running for real: a synthetic camera at 1280×720 and 30 fps, a slow preview consumer
//! (20 fps) and a still requested again as soon as the last one arrived. Reports frames produced, stills asked
//! and answered (none may be lost), the CPU cost of the service per frame beyond making the frame, and the
//! latency of a still to a JPEG file on disk (fsync'd).
//!
//! `cargo bench -p kiosk-drivers --bench camera_service` (prints a table; no criterion: it is a run of the
//! service, not a loop of one function).

use kiosk_drivers::camera::service::{start, Scene, Source};
use kiosk_drivers::camera::synthetic::pattern;
use kiosk_drivers::camera::to_jpeg;
use std::io::Write;
use std::time::{Duration, Instant};

/// CPU time of this process, all threads, user + system (getrusage).
fn cpu() -> Duration {
    // SAFETY: getrusage only writes the struct we hand it.
    let mut u: libc::rusage = unsafe { std::mem::zeroed() };
    unsafe { libc::getrusage(libc::RUSAGE_SELF, &mut u) };
    let tv = |t: libc::timeval| Duration::new(t.tv_sec as u64, t.tv_usec as u32 * 1000);
    tv(u.ru_utime) + tv(u.ru_stime)
}

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

fn main() {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("runtime");

    // What making one frame costs alone, to take it out of the service's figure.
    for i in 0..10 {
        std::hint::black_box(pattern(1280, 720, i, Duration::ZERO));
    }
    let (t, c) = (Instant::now(), cpu());
    for i in 0..300 {
        std::hint::black_box(pattern(1280, 720, i, Duration::ZERO));
    }
    let make = t.elapsed() / 300;
    let make_cpu = (cpu() - c) / 300;

    let run = Duration::from_secs(10);
    let (frames, asked, answered, cpu_used) = rt.block_on(async {
        let cam = start(Source::synthetic(1280, 720, 30, Scene::Pattern));
        let mut preview = cam.preview();
        let viewer = tokio::spawn(async move {
            let mut seen = 0u64;
            let mut last = 0u64;
            while preview.changed().await.is_ok() {
                if let Some(f) = preview.borrow_and_update().as_ref() {
                    last = f.seq;
                    seen += 1;
                }
                tokio::time::sleep(Duration::from_millis(50)).await;
            }
            (seen, last)
        });
        let cpu0 = cpu();
        let start_at = Instant::now();
        let (mut asked, mut answered, mut last_seq) = (0u64, 0u64, None::<u64>);
        let mut max_seq = 0;
        while start_at.elapsed() < run {
            asked += 1;
            if let Ok(f) = cam.still().await {
                answered += 1;
                assert!(last_seq.is_none_or(|s| f.seq > s), "stills go forward");
                last_seq = Some(f.seq);
                max_seq = f.seq;
            }
        }
        let used = cpu() - cpu0;
        viewer.abort();
        (max_seq + 1, asked, answered, used)
    });

    let per_frame = cpu_used / frames.max(1) as u32;
    println!(
        "camera service, synthetic 1280x720 at 30 fps, {} s",
        run.as_secs()
    );
    println!("  frames produced          {frames}");
    println!("  stills asked / answered  {asked} / {answered}");
    println!(
        "  CPU per frame, all       {:.2} ms",
        per_frame.as_secs_f64() * 1e3
    );
    println!(
        "  making one frame alone   {:.2} ms wall, {:.2} ms CPU",
        make.as_secs_f64() * 1e3,
        make_cpu.as_secs_f64() * 1e3
    );
    println!(
        "  service beyond making it {:.2} ms per frame",
        per_frame.saturating_sub(make_cpu).as_secs_f64() * 1e3
    );

    // A still to a JPEG file on disk, as a material is kept: ask, encode, write, fsync.
    let dir = std::env::temp_dir().join(format!("kiosk-still-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("dir");
    let latencies: Vec<Duration> = rt.block_on(async {
        let cam = start(Source::synthetic(1280, 720, 30, Scene::Document));
        let _ = cam.still().await;
        let mut out = Vec::new();
        for i in 0..20 {
            let t = Instant::now();
            let f = cam.still().await.expect("still");
            let jpeg = to_jpeg(&f, 85).expect("jpeg");
            let mut file = std::fs::File::create(dir.join(format!("{i}.jpg"))).expect("file");
            file.write_all(&jpeg).expect("write");
            file.sync_all().expect("fsync");
            out.push(t.elapsed());
        }
        out
    });
    let _ = std::fs::remove_dir_all(&dir);
    let mut sorted = latencies.clone();
    sorted.sort();
    println!("still to JPEG on disk (1280x720, q85, fsync), 20 runs");
    println!(
        "  median {:.1} ms, max {:.1} ms (includes waiting up to one frame period, 33 ms)",
        median(latencies).as_secs_f64() * 1e3,
        sorted[sorted.len() - 1].as_secs_f64() * 1e3
    );
}
