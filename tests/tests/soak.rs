//! Soak: many scripted sessions in one process (this test binary holds nothing else, so the process's memory
//! is the terminal's and the in-process hub's): RSS must not grow by 5 MB or more, and no file descriptor may
//! leak. `KIOSK_SOAK_SESSIONS` sets the count (CI runs 200; 1,000 for the figures in BENCHMARKS.md).

use kiosk::application::{PrintState, Step};
use kiosk_drivers::sim::sample_cards;
use kiosk_tests::*;
use std::time::Duration;

/// RSS of this process in bytes.
fn rss() -> u64 {
    let statm = std::fs::read_to_string("/proc/self/statm").unwrap_or_default();
    let pages: u64 = statm
        .split_whitespace()
        .nth(1)
        .and_then(|p| p.parse().ok())
        .unwrap_or(0);
    pages * 4096
}

fn open_fds() -> usize {
    std::fs::read_dir("/proc/self/fd")
        .map(|d| d.count())
        .unwrap_or(0)
}

/// One scripted session: a card, a document printed, a rating. Returns when the session has ended.
fn one_session(term: &Terminal, n: usize) {
    let k = &term.kiosk;
    let mut card = sample_cards().remove(n % 3).record;
    // A different name each time: a leak of any of them would show as growth.
    card.name = format!("测试{n}").into();
    k.device(kiosk_drivers::DeviceEvent::CardInserted(Box::new(card)));
    k.intent(kiosk::session::Intent::AnswerElderProposal(false));
    let item = k
        .items(Duration::from_secs(5))
        .and_then(|i| i.catalog.get("SB-001").cloned())
        .expect("item");
    k.intent(kiosk::session::Intent::OpenItem(Box::new(item)));
    k.intent(kiosk::session::Intent::Next);
    term.until("the case", |k| step(k) == Some(Step::Done));
    term.until("the printout", |k| {
        printout(k, true) != Some(PrintState::Printing)
    });
    k.intent(kiosk::session::Intent::Rate(4));
    assert!(k.terminal.borrow().resident().is_none());
}

#[test]
fn soak_sessions_leave_no_growth_of_memory_or_descriptors() {
    let sessions: usize = std::env::var("KIOSK_SOAK_SESSIONS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(200);
    let term = Terminal::start(&profile("simulated"), "soak");
    // A real printer takes its time (the simulator's default is 1.5 s a page); the soak is about leaks.
    term.sims
        .a4
        .as_ref()
        .expect("simulated A4")
        .set_print_time(Duration::from_millis(20));
    // The hub keeps everything in its database; each batch is checked by counting there.
    let batch = |from: usize, to: usize| {
        for n in from..to {
            one_session(&term, n);
        }
        let (hub, rt) = (term.hub.clone(), term.rt.handle().clone());
        let counts = move || rt.block_on(hub.counts()).expect("counts");
        term.until("the batch's figures delivered", |_| counts().figures >= to);
        let c = counts();
        assert_eq!(c.evaluations, to, "one rating per session");
    };
    // Warm up: caches, connection pools, fonts, the first allocations of every path.
    batch(0, 20);
    let (rss0, fds0) = (rss(), open_fds());
    let mut n = 20;
    while n < 20 + sessions {
        let to = (n + 50).min(20 + sessions);
        batch(n, to);
        n = to;
    }
    let (rss1, fds1) = (rss(), open_fds());
    let growth = rss1 as i64 - rss0 as i64;
    eprintln!(
        "soak: {sessions} sessions, RSS {:.1} MB -> {:.1} MB ({:+.2} MB), fds {fds0} -> {fds1}",
        rss0 as f64 / 1e6,
        rss1 as f64 / 1e6,
        growth as f64 / 1e6
    );
    assert!(
        growth < 5_000_000,
        "RSS grew by {:.2} MB over {sessions} sessions",
        growth as f64 / 1e6
    );
    // The hub's side of the loopback connections is in this process too; a pool may open one more.
    assert!(fds1 <= fds0 + 2, "descriptors {fds0} -> {fds1}");
    let cases = term.rt.block_on(term.hub.counts()).expect("counts").cases;
    assert_eq!(cases, 20 + sessions, "one case per session, none twice");
}
