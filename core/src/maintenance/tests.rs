use super::*;
use crate::model::Settings;

fn settings() -> Settings {
    Settings::default()
}

fn menu() -> Maintenance {
    let hash = kiosk_api::secret::hash("246810").expect("hash");
    let card = kiosk_api::secret::hash("310110198001010014").expect("hash");
    Maintenance::new(vec![Technician {
        name: "王师傅".into(),
        pin_hash: hash,
        card_hash: Some(card),
    }])
}

fn type_pin(m: &mut Maintenance, pin: &str, now: Instant) -> Vec<Out> {
    let s = settings();
    for c in pin.chars() {
        m.intent(
            MaintIntent::Digit(c.to_digit(10).unwrap_or(0) as u8),
            now,
            &s,
        );
    }
    m.intent(MaintIntent::Enter, now, &s)
}

fn audits(out: &[Out]) -> Vec<String> {
    out.iter()
        .filter_map(|o| match o {
            Out::Audit { action, .. } => Some(action.clone()),
            _ => None,
        })
        .collect()
}

#[test]
fn nothing_before_the_door_opens_and_the_right_pin_enters() {
    let t0 = Instant::now();
    let mut m = menu();
    assert!(type_pin(&mut m, "246810", t0).is_empty());
    assert_eq!(m.who(), None);
    m.opened();
    let out = type_pin(&mut m, "246810", t0);
    assert_eq!(m.who(), Some("王师傅"));
    assert_eq!(audits(&out), ["entered the maintenance menu (PIN)"]);
    assert_eq!(m.pin_length(), 0, "the PIN is not kept");
}

#[test]
fn five_wrong_pins_lock_out_and_the_lock_grows_and_survives_the_door() {
    let t0 = Instant::now();
    let mut m = menu();
    m.opened();
    for i in 1..=4 {
        let out = type_pin(&mut m, "1111", t0);
        assert_eq!(audits(&out), [format!("wrong PIN ({i} in a row)")]);
        assert_eq!(m.locked_for(t0), None);
    }
    let out = type_pin(&mut m, "1111", t0);
    assert_eq!(audits(&out)[1], "locked out for 30 s");
    assert_eq!(m.locked_for(t0), Some(30));
    // Locked: even the right PIN does nothing, and the door does not reset it.
    assert!(type_pin(&mut m, "246810", t0 + Duration::from_secs(10)).is_empty());
    m.closed();
    m.opened();
    assert!(type_pin(&mut m, "246810", t0 + Duration::from_secs(20)).is_empty());
    assert_eq!(m.who(), None);
    // After the lock, one more wrong PIN locks for twice as long, then four times.
    let t1 = t0 + Duration::from_secs(31);
    let out = type_pin(&mut m, "2222", t1);
    assert_eq!(audits(&out)[1], "locked out for 60 s");
    let t2 = t1 + Duration::from_secs(61);
    let out = type_pin(&mut m, "2222", t2);
    assert_eq!(audits(&out)[1], "locked out for 120 s");
    // And it never exceeds an hour.
    let mut t = t2;
    for _ in 0..10 {
        t += MAX_LOCK + Duration::from_secs(1);
        type_pin(&mut m, "2222", t);
    }
    assert_eq!(m.locked_for(t), Some(MAX_LOCK.as_secs()));
    // The right PIN after the lock enters and clears the count.
    let later = t + MAX_LOCK + Duration::from_secs(1);
    type_pin(&mut m, "246810", later);
    assert_eq!(m.who(), Some("王师傅"));
    assert_eq!(m.failures(), 0);
}

#[test]
fn the_count_and_the_lock_are_kept_for_a_restart() {
    let t0 = Instant::now();
    let mut m = menu();
    m.opened();
    let mut kept = None;
    for _ in 0..5 {
        for o in type_pin(&mut m, "1111", t0) {
            if let Out::Command(Command::KeepLock {
                failures,
                locked_for,
            }) = o
            {
                kept = Some((failures, locked_for));
            }
        }
    }
    assert_eq!(kept, Some((5, FIRST_LOCK)));
    // A new firmware process: restored from what was kept, still locked.
    let t1 = t0 + Duration::from_secs(5);
    let mut again = menu();
    again.restore_lock(5, Duration::from_secs(25), t1);
    again.opened();
    assert!(type_pin(&mut again, "246810", t1).is_empty());
    assert_eq!(again.locked_for(t1), Some(25));
    // After it, one more wrong PIN doubles the lock: the count was kept too.
    let t2 = t1 + Duration::from_secs(26);
    let out = type_pin(&mut again, "1111", t2);
    assert_eq!(audits(&out)[1], "locked out for 60 s");
}

#[test]
fn a_technician_card_enters_and_a_residents_card_does_not() {
    use kiosk_drivers::sim::sample_cards;
    let t0 = Instant::now();
    let mut m = menu();
    m.opened();
    let resident = sample_cards().remove(0).record;
    let out = m
        .device(&DeviceEvent::CardInserted(Box::new(resident)), t0)
        .expect("taken by the menu");
    assert_eq!(
        audits(&out),
        ["a card that is not a technician's was presented"]
    );
    assert_eq!(m.who(), None);
    let mut tech = sample_cards().remove(0).record;
    tech.id_number = Sensitive::new(
        kiosk_drivers::IdNumber::parse("310110198001010014").expect("a valid number"),
    );
    m.device(&DeviceEvent::CardInserted(Box::new(tech)), t0);
    assert_eq!(m.who(), Some("王师傅"));
}

#[test]
fn tests_wait_for_their_device_then_pass_fail_or_time_out() {
    use kiosk_drivers::sim::sample_cards;
    let t0 = Instant::now();
    let s = settings();
    let mut m = menu();
    m.opened();
    type_pin(&mut m, "246810", t0);
    // A card test waits for a card and shows it masked.
    let out = m.intent(MaintIntent::Test(Test::Card), t0, &s);
    assert!(!out.contains(&Out::Command(Command::RunTest(Test::Card))));
    let card = sample_cards().remove(0).record;
    let name = card.name.expose().clone();
    m.device(&DeviceEvent::CardInserted(Box::new(card)), t0);
    match m.tests.get(&Test::Card) {
        Some(TestState::Passed(what)) => {
            assert!(!what.contains(&name) && what.contains('*'), "{what}")
        }
        other => panic!("{other:?}"),
    }
    // A print test is run by the printer; its answer settles it.
    let out = m.intent(MaintIntent::Test(Test::Receipt), t0, &s);
    assert!(out.contains(&Out::Command(Command::RunTest(Test::Receipt))));
    m.test_done(Test::Receipt, Err("out of paper".into()));
    assert_eq!(
        m.tests.get(&Test::Receipt),
        Some(&TestState::Failed("out of paper".into()))
    );
    // A light test waits for the technician's eyes.
    m.intent(MaintIntent::Test(Test::Lights), t0, &s);
    m.test_done(Test::Lights, Ok("flashed".into()));
    assert_eq!(m.tests.get(&Test::Lights), Some(&TestState::Judge));
    m.intent(MaintIntent::Judge(Test::Lights, true), t0, &s);
    assert!(matches!(
        m.tests.get(&Test::Lights),
        Some(TestState::Passed(_))
    ));
    // A scan that never comes fails after a minute.
    m.intent(MaintIntent::Test(Test::Scan), t0, &s);
    assert!(m.tick(t0 + Duration::from_secs(59)).is_empty());
    let out = m.tick(t0 + TEST_WAIT);
    assert_eq!(audits(&out).len(), 1);
    assert!(matches!(
        m.tests.get(&Test::Scan),
        Some(TestState::Failed(_))
    ));
    // Camera previews run while judged, and stop when the door closes.
    m.intent(MaintIntent::Test(Test::FaceCamera), t0, &s);
    assert_eq!(m.camera_test(), Some(true));
    let out = m.closed();
    assert!(out.contains(&Out::Command(Command::StopTest(Test::FaceCamera))));
    assert_eq!(m.camera_test(), None);
    assert!(m.tests.is_empty() && m.who().is_none());
}

#[test]
fn settings_stay_in_bounds_and_apply_says_what_changed() {
    let t0 = Instant::now();
    let s = settings();
    let mut m = menu();
    m.opened();
    type_pin(&mut m, "246810", t0);
    m.intent(MaintIntent::Section(Section::Settings), t0, &s);
    assert!(
        m.intent(MaintIntent::Apply, t0, &s).is_empty(),
        "nothing changed"
    );
    for _ in 0..100 {
        m.intent(
            MaintIntent::Adjust(Setting::InactivityTimeout, false),
            t0,
            &s,
        );
    }
    m.intent(MaintIntent::Adjust(Setting::Warning, true), t0, &s);
    let d = m.draft.expect("draft");
    assert_eq!(d.inactivity_timeout_s, 30);
    assert_eq!(d.warning_s, 40);
    let out = m.intent(MaintIntent::Apply, t0, &s);
    assert_eq!(
        audits(&out),
        ["settings: inactivity timeout 120 → 30 s, warning 30 → 40 s"]
    );
    assert!(matches!(
        out.last(),
        Some(Out::Command(Command::ApplySettings(_)))
    ));
}
