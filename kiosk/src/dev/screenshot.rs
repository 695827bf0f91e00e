//! `kiosk screenshot`: one page rendered headless into a PNG, with the profile's panel size.

use crate::app::Kiosk;
use crate::config::setup;
use crate::dev::headless::{self, Headless};
use crate::session::Intent;
use kiosk_drivers::sim::sample_cards;
use kiosk_drivers::DeviceEvent;
use slint::ComponentHandle;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

#[allow(clippy::too_many_arguments)]
pub fn screenshot(
    out: &Path,
    config: Option<PathBuf>,
    profile: Option<PathBuf>,
    page: String,
    card: Option<usize>,
    elder: bool,
    english: bool,
    report: bool,
) -> ExitCode {
    let started = Instant::now();
    let s = setup::load(config.as_deref(), profile.as_deref(), true);
    crate::config::setup::report(&s);
    let headless = match Headless::init() {
        Ok(h) => h,
        Err(e) => {
            eprintln!("kiosk: {e}");
            return ExitCode::FAILURE;
        }
    };
    let kiosk = match Kiosk::new(&s.config, &s.profile) {
        Ok(k) => k,
        Err(e) => {
            eprintln!("kiosk: cannot create the window: {e}");
            return ExitCode::FAILURE;
        }
    };
    if let Some(i) = card {
        match sample_cards().into_iter().nth(i) {
            Some(c) => kiosk.device(DeviceEvent::CardInserted(Box::new(c.record))),
            None => {
                eprintln!(
                    "kiosk: there is no sample card {i}; there are {}",
                    sample_cards().len()
                );
                return ExitCode::FAILURE;
            }
        }
        // A screenshot shows the page, not the elder-mode question.
        kiosk.intent(Intent::AnswerElderProposal(elder));
    }
    if let Err(e) = crate::dev::tour::show(&kiosk, &page, card.unwrap_or(2)) {
        eprintln!("kiosk: {e}");
        return ExitCode::FAILURE;
    }
    if elder && !kiosk.terminal.borrow().elder() {
        kiosk.intent(Intent::ToggleElder);
    }
    if english {
        kiosk.intent(Intent::ToggleLanguage);
    }
    if let Err(e) = kiosk.ui.show() {
        eprintln!("kiosk: cannot show the window: {e}");
        return ExitCode::FAILURE;
    }
    let (w, h) = (s.profile.panel.width_px, s.profile.panel.height_px);
    let frame = headless.frame(w, h);
    if report {
        println!(
            "first-frame {:.1} ms",
            started.elapsed().as_secs_f64() * 1000.0
        );
    }
    if let Err(e) = headless::write_png(out, w, h, &frame) {
        eprintln!("kiosk: {e}");
        return ExitCode::FAILURE;
    }
    if report {
        if let Some(kb) = peak_rss_kib() {
            println!("peak-rss {kb} KiB");
        }
    }
    ExitCode::SUCCESS
}

/// Peak resident memory of this process (VmHWM), from /proc on Linux.
fn peak_rss_kib() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}
