//! The live preview's cost per frame on the capture page, in the kiosk's own process: a document-camera frame
//! (1280×960) made into the UI's pixel buffer, set on the page, and the whole 1920×1080 window rendered by the
//! software renderer (what the terminal's linuxkms display uses). 1 / that time is the preview rate this
//! machine sustains while doing nothing else; the camera gives 15 fps (document camera) to 30 fps.
//!
//! `cargo bench -p kiosk --bench preview`.

use kiosk::app::Kiosk;
use kiosk::config::Profile;
use kiosk::dev::headless::Headless;
use kiosk::session::Intent;
use kiosk::view::preview::{to_buffer, PREVIEW_MAX_WIDTH};
use kiosk_drivers::camera::synthetic::{document, stamped};
use slint::ComponentHandle;
use std::time::{Duration, Instant};

fn main() {
    let headless = Headless::init().expect("headless platform");
    let profile = Profile::simulated().expect("built-in profile");
    let kiosk = Kiosk::new(&kiosk::config::Config::default(), &profile).expect("kiosk");
    kiosk.intent(Intent::OpenCapture);
    kiosk.ui.show().expect("show");
    let (w, h) = (profile.panel.width_px, profile.panel.height_px);
    let page = document(1280, 960, 4.0);
    let capture = kiosk.ui.global::<kiosk_ui::CaptureAdapter>();
    capture.set_camera_live(true);
    let _ = headless.frame(w, h);

    let n = 60u32;
    let (mut convert, mut render) = (Duration::ZERO, Duration::ZERO);
    for i in 0..n {
        let frame = stamped(&page, u64::from(i), Duration::ZERO);
        let t = Instant::now();
        let buf = to_buffer(&frame, PREVIEW_MAX_WIDTH).expect("buffer");
        capture.set_camera_frame(slint::Image::from_rgb8(buf));
        convert += t.elapsed();
        let t = Instant::now();
        std::hint::black_box(headless.frame(w, h));
        render += t.elapsed();
    }
    let (c, r) = (convert / n, render / n);
    let total = c + r;
    println!("preview on the capture page, 1280x960 frames, 1920x1080 window, {n} frames");
    println!("  frame to UI buffer  {:.2} ms", c.as_secs_f64() * 1e3);
    println!("  full window render  {:.2} ms", r.as_secs_f64() * 1e3);
    println!(
        "  per frame           {:.2} ms = {:.0} fps sustainable",
        total.as_secs_f64() * 1e3,
        1.0 / total.as_secs_f64()
    );
}
