//! The one door: inputs through `handle`, the deadline to tick at, and keys and photo ids without a clock.

use super::*;

fn device(t: &mut Terminal, event: DeviceEvent, now: Instant) -> Vec<Effect> {
    t.handle(
        Input::Device {
            event,
            today: today(),
        },
        now,
    )
}

#[test]
fn ticking_only_at_the_deadlines_warns_counts_down_and_ends_the_session_on_time() {
    let t0 = Instant::now();
    let mut t = terminal(t0);
    // Nothing is due on the attract screen.
    assert_eq!(t.next_deadline(), None);
    device(&mut t, card(2), t0);
    // 120 s of inactivity with a 30 s warning: the first deadline is the warning's start.
    assert_eq!(t.next_deadline(), Some(t0 + Duration::from_secs(90)));
    let mut now = t0;
    let mut shown = Vec::new();
    let mut ended = None;
    for _ in 0..100 {
        let Some(due) = t.next_deadline() else { break };
        assert!(
            due > now,
            "a deadline in the past would spin: {due:?} after {now:?}"
        );
        now = due;
        let fx = t.handle(Input::Tick, now);
        if fx.contains(&Effect::SessionEnded(EndReason::Timeout)) {
            ended = Some(now.duration_since(t0));
            break;
        }
        if let Some(left) = t.warning_left {
            shown.push(left);
        }
    }
    assert_eq!(ended, Some(Duration::from_secs(120)));
    // Every whole second of the countdown was shown, from 30 down to 1.
    assert_eq!(shown, (1..=30).rev().collect::<Vec<u64>>());
    // The banner that says why it ended goes after its time, and then nothing is due.
    assert_eq!(t.next_deadline(), Some(now + NOTICE_DURATION));
    t.handle(Input::Tick, now + NOTICE_DURATION);
    assert_eq!((t.notice, t.next_deadline()), (None, None));
}

#[test]
fn idempotency_keys_come_from_the_nonce_and_a_count_never_from_a_clock() {
    let t0 = Instant::now();
    let open = |nonce: u64| {
        let mut t = Terminal::new(
            Setup {
                terminal_id: "yp-001".into(),
                nonce,
                ..Setup::default()
            },
            t0,
        );
        device(&mut t, card(1), t0);
        let mut keys = Vec::new();
        for _ in 0..2 {
            let item = kiosk_catalog::Catalog::bundled()
                .unwrap()
                .get("SB-001")
                .unwrap()
                .clone();
            t.handle(Input::Intent(Intent::OpenItem(Box::new(item))), t0);
            keys.push(t.application.as_ref().unwrap().idempotency_key.clone());
            t.handle(Input::Intent(Intent::Home), t0);
        }
        keys
    };
    let a = open(0xfeed);
    assert_eq!(
        a,
        ["yp-001-000000000000feed-1", "yp-001-000000000000feed-2"]
    );
    // The same nonce gives the same keys (nothing else goes in); another run's nonce gives others.
    assert_eq!(open(0xfeed), a);
    assert!(open(0xbeef).iter().all(|k| !a.contains(k)));
}

#[test]
fn photos_are_numbered_by_the_terminal_as_they_come_in() {
    let t0 = Instant::now();
    let mut t = terminal(t0);
    device(&mut t, card(1), t0);
    let mut ids = Vec::new();
    for _ in 0..2 {
        t.handle(Input::Intent(Intent::OpenCapture), t0);
        assert_eq!(
            t.handle(Input::Intent(Intent::TakePhoto), t0),
            [Effect::TakeStill]
        );
        t.handle(Input::Photo(Ok(photo())), t0);
        ids.push(t.pending_photo.as_ref().map(|p| p.id));
        t.handle(Input::Intent(Intent::UsePhoto), t0);
    }
    assert_eq!(ids, [Some(1), Some(2)]);
}

#[test]
fn a_pushed_configuration_applies_at_once_but_leaves_a_resident_their_mode() {
    let t0 = Instant::now();
    let mut t = terminal(t0);
    device(&mut t, card(1), t0);
    let settings = Settings {
        elder_default: true,
        language: Language::En,
        ..Settings::default()
    };
    t.handle(
        Input::Configured {
            settings,
            technicians: Vec::new(),
        },
        t0,
    );
    assert_eq!(t.settings, settings);
    assert_eq!((t.elder, t.language), (false, Language::Zh));
    device(&mut t, DeviceEvent::CardRemoved, t0);
    t.handle(
        Input::Configured {
            settings,
            technicians: Vec::new(),
        },
        t0,
    );
    assert_eq!((t.elder, t.language), (true, Language::En));
}
