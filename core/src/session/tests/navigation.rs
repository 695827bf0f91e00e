//! Attract, home, search, cards, timeouts, doors and devices.

use super::*;

#[test]
fn the_search_keyboard_types_deletes_clears_and_is_bounded() {
    let t0 = Instant::now();
    let mut t = terminal(t0);
    // Typing on the attract screen starts a session on the home screen.
    assert_eq!(
        t.intent(Intent::SearchKey("s".into()), t0),
        [Effect::SessionStarted { identified: false }]
    );
    assert_eq!(t.screen, Screen::Home);
    t.intent(Intent::ShowKeyboard(true), t0);
    for k in ["b", "j", "f"] {
        t.intent(Intent::SearchKey(k.into()), t0);
    }
    assert_eq!(t.search, "sbjf");
    t.intent(Intent::SearchKey("backspace".into()), t0);
    assert_eq!(t.search, "sbj");
    // Unknown keys are ignored, not typed.
    t.intent(Intent::SearchKey("enter".into()), t0);
    assert_eq!(t.search, "sbj");
    t.intent(Intent::SearchKey("clear".into()), t0);
    assert_eq!(t.search, "");
    for _ in 0..100 {
        t.intent(Intent::SearchKey("a".into()), t0);
    }
    assert_eq!(t.search.chars().count(), SEARCH_MAX);
    t.intent(Intent::Category("tax".into()), t0);
    assert!(!t.keyboard, "leaving home hides the keyboard");
}

#[test]
fn photographing_a_material_asks_for_one_still_and_keeps_the_photo_for_the_session() {
    let t0 = Instant::now();
    let mut t = terminal(t0);
    t.device(card(1), t0, today());
    t.intent(Intent::OpenCapture, t0);
    assert_eq!(t.screen, Screen::Capture);
    assert_eq!(t.intent(Intent::TakePhoto, t0), [Effect::TakeStill]);
    // A second touch while the still is being taken asks for nothing more.
    assert!(t.intent(Intent::TakePhoto, t0).is_empty());
    t.photo_taken(Err("no page found on the pad".into()), t0);
    assert!(matches!(t.capture, CaptureStep::Failed(_)));
    assert_eq!(t.intent(Intent::TakePhoto, t0), [Effect::TakeStill]);
    t.photo_taken(Ok(photo()), t0);
    assert_eq!(t.capture, CaptureStep::Review);
    t.intent(Intent::Retake, t0);
    assert!(t.pending_photo.is_none());
    t.intent(Intent::TakePhoto, t0);
    t.photo_taken(Ok(photo()), t0);
    t.intent(Intent::UsePhoto, t0);
    assert_eq!((t.screen, t.materials.len()), (Screen::Home, 1));
    // Leaving while a still is under way: the late photo is dropped.
    t.intent(Intent::OpenCapture, t0);
    t.intent(Intent::TakePhoto, t0);
    t.intent(Intent::Back, t0);
    t.photo_taken(Ok(photo()), t0);
    assert!(t.pending_photo.is_none());
    t.device(DeviceEvent::CardRemoved, t0, today());
    assert!(t.materials.is_empty());
}

#[test]
fn a_card_on_the_attract_screen_greets_and_proposes_elder_mode_to_a_senior() {
    let t0 = Instant::now();
    let mut t = terminal(t0);
    let fx = t.device(card(0), t0, today());
    assert!(
        matches!(
            &fx[..],
            [
                Effect::SessionStarted { identified: true },
                Effect::FetchOverview { .. }
            ]
        ),
        "{fx:?}"
    );
    assert_eq!(t.screen, Screen::Home);
    assert_eq!(t.resident.as_ref().unwrap().name.expose(), "张建国");
    assert!(t.elder_proposal);
    t.intent(Intent::AnswerElderProposal(true), t0);
    assert!(t.elder && !t.elder_proposal);
}

#[test]
fn a_younger_resident_is_not_asked_about_elder_mode() {
    let t0 = Instant::now();
    let mut t = terminal(t0);
    t.device(card(2), t0, today());
    assert!(!t.elder_proposal);
}

#[test]
fn an_expired_card_is_refused_with_a_reason() {
    let t0 = Instant::now();
    let mut t = terminal(t0);
    let fx = t.device(card(4), t0, today());
    assert!(fx.is_empty());
    assert!(t.resident.is_none());
    assert_eq!(t.notice.map(|n| n.0), Some(Notice::CardExpired));
}

#[test]
fn removing_the_card_ends_the_session_and_restores_defaults() {
    let t0 = Instant::now();
    let mut t = terminal(t0);
    t.device(card(0), t0, today());
    t.intent(Intent::ToggleElder, t0);
    let fx = t.intent(Intent::ToggleLanguage, t0);
    assert_eq!(fx, [Effect::Language(Language::En)]);
    let fx = plain(t.device(DeviceEvent::CardRemoved, t0, today()));
    assert_eq!(
        fx,
        [
            Effect::Language(Language::Zh),
            Effect::SessionEnded(EndReason::CardRemoved)
        ]
    );
    assert!(t.resident.is_none());
    assert_eq!(t.screen, Screen::Attract);
    assert!(!t.elder);
}

#[test]
fn inactivity_warns_then_ends_and_one_tap_extends() {
    let t0 = Instant::now();
    let mut t = terminal(t0);
    t.device(card(2), t0, today());
    assert!(t.tick(t0 + Duration::from_secs(80)).is_empty());
    assert_eq!(t.warning_left, None);
    t.tick(t0 + Duration::from_secs(95));
    assert_eq!(t.warning_left, Some(25));
    // Ten extensions in a row all work (WCAG 2.2.1 asks for at least ten).
    let mut now = t0 + Duration::from_secs(95);
    for _ in 0..10 {
        t.intent(Intent::Extend, now);
        assert_eq!(t.warning_left, None);
        now += Duration::from_secs(95);
        t.tick(now);
        assert!(t.warning_left.is_some());
    }
    let fx = t.tick(now + Duration::from_secs(30));
    match &fx[..] {
        [Effect::Figures(f), Effect::SessionEnded(EndReason::Timeout)] => {
            assert_eq!((f.outcome, f.timeout_extensions), (Outcome::TimedOut, 10));
        }
        other => panic!("{other:?}"),
    }
    assert!(t.resident.is_none());
    assert_eq!(t.notice.map(|n| n.0), Some(Notice::SessionEndedTimeout));
}

#[test]
fn walking_away_brings_the_warning_at_once() {
    let t0 = Instant::now();
    let mut t = terminal(t0);
    t.device(card(1), t0, today());
    t.device(
        DeviceEvent::PresenceLost,
        t0 + Duration::from_secs(1),
        today(),
    );
    assert!(t.warning_left.is_some());
}

#[test]
fn an_open_door_takes_the_terminal_out_of_service_and_ends_the_session() {
    let t0 = Instant::now();
    let mut t = terminal(t0);
    t.device(card(0), t0, today());
    let fx = t.device(DeviceEvent::DoorOpened, t0, today());
    assert!(fx.contains(&Effect::SessionEnded(EndReason::Maintenance)));
    assert!(t.out_of_service && t.resident.is_none());
    assert!(t.intent(Intent::Start, t0).is_empty());
    assert_eq!(t.screen, Screen::Attract);
    // A card while the door is open goes to the maintenance menu (not a technician's: audited), and
    // starts no session.
    let fx = t.device(card(0), t0, today());
    assert!(
        fx.iter().all(|e| matches!(e, Effect::Audit { .. })),
        "{fx:?}"
    );
    assert!(t.resident.is_none());
    t.device(DeviceEvent::DoorClosed, t0, today());
    assert!(!t.out_of_service);
}

#[test]
fn scans_are_answered_honestly() {
    let t0 = Instant::now();
    let mut t = terminal(t0);
    t.device(
        DeviceEvent::CodeScanned(ScanPayload::classify("https://x.invalid/a")),
        t0,
        today(),
    );
    assert_eq!(t.notice.map(|n| n.0), Some(Notice::SuiShenMaChecking));
    t.device(
        DeviceEvent::CodeScanned(ScanPayload::classify("12345")),
        t0,
        today(),
    );
    assert_eq!(t.notice.map(|n| n.0), Some(Notice::UnknownCode));
    t.tick(t0 + NOTICE_DURATION);
    assert!(t.notice.is_none());
}

#[test]
fn navigation_goes_back_one_level_at_a_time() {
    let t0 = Instant::now();
    let mut t = terminal(t0);
    t.intent(Intent::Start, t0);
    t.intent(Intent::Category("tax".into()), t0);
    assert_eq!(t.screen, Screen::Category("tax"));
    t.intent(Intent::Category("no-such".into()), t0);
    assert_eq!(t.screen, Screen::Category("tax"));
    t.intent(Intent::Back, t0);
    assert_eq!(t.screen, Screen::Home);
    let fx = plain(t.intent(Intent::Back, t0));
    assert_eq!(fx, [Effect::SessionEnded(EndReason::Home)]);
    assert_eq!(t.screen, Screen::Attract);
}

#[test]
fn a_card_without_a_record_says_what_to_do() {
    let t0 = Instant::now();
    let mut t = terminal(t0);
    t.device(
        DeviceEvent::CardUnreadable(CardProblem::ReadFailed),
        t0,
        today(),
    );
    assert_eq!(t.notice.map(|n| n.0), Some(Notice::CardReadFailed));
    t.device(
        DeviceEvent::CardUnreadable(CardProblem::Unsupported("x".into())),
        t0,
        today(),
    );
    assert_eq!(t.notice.map(|n| n.0), Some(Notice::CardUnsupported));
    assert!(t.resident.is_none());
}

#[test]
fn the_health_view_says_since_when_and_keeps_the_last_error() {
    let t0 = Instant::now();
    let mut t = terminal(t0);
    let id = DeviceId("idcard".into());
    t.add_device(id.clone(), DeviceClass::IdCardReader, Health::Online, t0);
    let down = Health::Down {
        reason: "/dev/x: unplugged?".into(),
    };
    let t1 = t0 + Duration::from_secs(5);
    let fx = t.device(
        DeviceEvent::Health {
            device: id.clone(),
            health: down.clone(),
        },
        t1,
        today(),
    );
    // A change is reported for the fleet view, once.
    let reports: Vec<&kiosk_api::DeviceReport> = fx
        .iter()
        .filter_map(|e| match e {
            Effect::Telemetry(r) => Some(r),
            _ => None,
        })
        .collect();
    assert_eq!(reports.len(), 1, "{fx:?}");
    assert_eq!(
        (reports[0].device.as_str(), reports[0].state.as_str()),
        ("idcard", "down")
    );
    assert_eq!(reports[0].reason.as_deref(), Some("/dev/x: unplugged?"));
    // The same state again does not restart the clock, nor report again.
    let fx = t.device(
        DeviceEvent::Health {
            device: id.clone(),
            health: down,
        },
        t1 + Duration::from_secs(1),
        today(),
    );
    assert!(!fx.iter().any(|e| matches!(e, Effect::Telemetry(_))));
    let v = t.health_view(t1 + Duration::from_secs(10));
    assert_eq!(v[0].state, "down: /dev/x: unplugged?");
    assert_eq!(v[0].for_, Duration::from_secs(10));
    t.device(
        DeviceEvent::Health {
            device: id,
            health: Health::Online,
        },
        t1 + Duration::from_secs(20),
        today(),
    );
    let v = t.health_view(t1 + Duration::from_secs(21));
    assert_eq!(
        (v[0].state.as_str(), v[0].for_),
        ("ok", Duration::from_secs(1))
    );
    assert_eq!(v[0].last_error.as_deref(), Some("/dev/x: unplugged?"));
}
