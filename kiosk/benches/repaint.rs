//! Full repaint of every page at the panel's size with the software renderer (the renderer the terminal uses
//! on linuxkms), each page shown by `kiosk::dev::tour` with sample data.
//!
//! `cargo bench -p kiosk --bench repaint` prints, per page, the median, 90th percentile and minimum of
//! `FRAMES` full repaints (a new buffer each time, so nothing is skipped as unchanged). Target (issue 5): median
//! under 8 ms at 1920×1080 on the development machine.
//!
//! For instruction counts run it under callgrind with `scripts/repaint-instructions`, which sets
//! `KIOSK_REPAINT_PAGE` and `KIOSK_REPAINT_FRAMES` and counts only inside `measured_repaints` (the start-up,
//! the catalogue and the tour are left out).

use kiosk::app::Kiosk;
use kiosk::dev::headless::Headless;
use std::time::{Duration, Instant};

#[inline(never)]
#[no_mangle]
pub extern "Rust" fn measured_repaints(
    headless: &Headless,
    w: u32,
    h: u32,
    frames: usize,
) -> Vec<Duration> {
    let mut times = Vec::with_capacity(frames);
    for _ in 0..frames {
        let t = Instant::now();
        let frame = headless.frame(w, h);
        std::hint::black_box(&frame);
        times.push(t.elapsed());
    }
    times
}

fn main() {
    let only = std::env::var("KIOSK_REPAINT_PAGE").ok();
    // `cargo bench` passes --bench; `cargo test --benches` does not, and then there is nothing to measure.
    if only.is_none() && !std::env::args().any(|a| a == "--bench") {
        return;
    }
    let frames: usize = std::env::var("KIOSK_REPAINT_FRAMES")
        .ok()
        .and_then(|f| f.parse().ok())
        .unwrap_or(40);
    let profile_path = std::env::var("KIOSK_REPAINT_PROFILE").ok();
    let s = kiosk::config::setup::load(
        None,
        profile_path.as_deref().map(std::path::Path::new),
        true,
    );
    let headless = Headless::init().expect("headless platform");
    let kiosk = Kiosk::new(&s.config, &s.profile).expect("kiosk window");
    slint::ComponentHandle::show(&kiosk.ui).expect("show");
    let (w, h) = (s.profile.panel.width_px, s.profile.panel.height_px);
    let pages: Vec<&str> = match &only {
        Some(p) => vec![p.as_str()],
        None => kiosk::dev::tour::PAGES.to_vec(),
    };
    println!("full repaint at {w}×{h}, software renderer, {frames} frames per page");
    for page in pages {
        show(&kiosk, page);
        // Warm: glyph caches, images decoded, layouts computed once.
        for _ in 0..3 {
            std::hint::black_box(headless.frame(w, h));
        }
        let mut times = measured_repaints(&headless, w, h, frames);
        times.sort();
        let ms = |d: Duration| d.as_secs_f64() * 1000.0;
        println!(
            "{page:<14} median {:6.2} ms   p90 {:6.2} ms   min {:6.2} ms",
            ms(times[frames / 2]),
            ms(times[frames * 9 / 10]),
            ms(times[0])
        );
    }
}

fn show(kiosk: &Kiosk, page: &str) {
    if let Err(e) = kiosk::dev::tour::show(kiosk, page, 2) {
        panic!("{e}");
    }
}
