//! A whole session without the screen: the ID card on the reader, then only the tactile keypad (the simulated
//! GPIO keypad's keys as the terminal gets them) and speech from espeak-ng into WAV files. The resident finds
//! the item, prints the payment record and rates the service; everything reached is spoken, personal data only
//! into headphones, and the session's speech is gone when it ends.

use kiosk::application::{PrintState, Step};
use kiosk::config::{SpeechOutput, SpeechSection};
use kiosk_drivers::sim::sample_cards;
use kiosk_drivers::{DeviceEvent, KeypadKey};
use kiosk_speech::Outcome;
use kiosk_tests::*;
use slint::ComponentHandle;
use std::time::Duration;

/// The loudest file's RMS (full scale 1.0) among the WAV files speech wrote so far.
fn loudest_wav(dir: &std::path::Path) -> f64 {
    let mut best: f64 = 0.0;
    for e in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        let Ok(mut r) = hound::WavReader::open(e.path()) else {
            continue;
        };
        let s: Vec<f64> = r
            .samples::<i16>()
            .flatten()
            .map(|v| f64::from(v) / 32768.0)
            .collect();
        let rms = (s.iter().map(|v| v * v).sum::<f64>() / s.len().max(1) as f64).sqrt();
        best = best.max(rms);
    }
    best
}

fn press(term: &Terminal, key: KeypadKey) {
    term.kiosk.device(DeviceEvent::KeypadKey(key));
}

/// Presses Down until the keypad's focus is on `label`; returns how many presses it took.
fn reach(term: &Terminal, label: &str) -> usize {
    for n in 1..=120 {
        press(term, KeypadKey::Down);
        if term.kiosk.reader.focused_label().as_deref() == Some(label) {
            return n;
        }
    }
    let all: Vec<String> = kiosk_ui::present::screen_reader::actionable_elements(&term.kiosk.ui)
        .iter()
        .map(|e| e.accessible_label().unwrap_or_default().to_string())
        .collect();
    panic!("the keypad never reaches {label:?}; it reaches {all:?}");
}

fn spoken(term: &Terminal) -> Vec<kiosk_speech::Spoken> {
    term.kiosk
        .with_voice(|v| {
            let s = v.speaker().expect("a speaker");
            assert!(s.wait_idle(Duration::from_secs(60)), "speech hangs");
            s.history()
        })
        .expect("a voice")
}

fn said(term: &Terminal, words: &str) -> bool {
    spoken(term).iter().any(|s| s.text.contains(words))
}

#[test]
fn a_payment_record_printed_and_rated_with_the_keypad_only() {
    let term = Terminal::start(&profile("simulated"), "keypad");
    let dir = scratch("keypad-speech");
    let speech = SpeechSection {
        output: SpeechOutput::Files,
        ..SpeechSection::default()
    };
    term.kiosk
        .attach_voice(kiosk::view::voice::Voice::paced(&speech, &dir, false));
    let k = term.kiosk.clone();
    let card = sample_cards().remove(2);
    let name = card.record.name.expose().clone();
    term.insert_card(card.record);

    // The first key turns speech on and the screen is read on request.
    press(&term, KeypadKey::Repeat);
    assert!(said(&term, "首页"), "{:?}", spoken(&term));
    // No headphones: the greeting's name is not read out; where to plug them in is.
    assert!(!spoken(&term).iter().any(|s| s.text.contains(&name[..3])));
    assert!(said(&term, "请在键盘旁的耳机孔插入耳机"));

    // Down moves through the page's elements, Up comes back, both are spoken with their role.
    let n = reach(&term, "社保");
    assert!(n >= 1);
    assert!(said(&term, "社保，按钮"));
    press(&term, KeypadKey::Down);
    press(&term, KeypadKey::Up);
    assert_eq!(k.reader.focused_label().as_deref(), Some("社保"));
    press(&term, KeypadKey::Select);
    reach(&term, "社保缴费记录打印");
    press(&term, KeypadKey::Select);
    assert_eq!(step(&k), Some(Step::Form));
    // The new screen is said: the item and its step.
    assert!(said(&term, "社保缴费记录打印。"), "{:?}", spoken(&term));
    // The focus ring is drawn where the keypad is.
    reach(&term, "打印");
    assert!(k.ui.global::<kiosk_ui::ShellAdapter>().get_focus_visible());
    snapshot(&k, "keypad-focus-on-print");
    // Volume up is said at the new volume.
    press(&term, KeypadKey::VolumeUp);
    assert!(said(&term, "音量6"));
    // Back to 打印 (the volume key left the focus where it was) and select it.
    assert_eq!(k.reader.focused_label().as_deref(), Some("打印"));
    press(&term, KeypadKey::Select);
    term.until("the case", |k| step(k) == Some(Step::Done));
    term.until("the A4 printout", |k| {
        printout(k, true) == Some(PrintState::Printed)
    });
    k.drain();
    k.render();
    // The receipt screen is spoken; what is printed is personal: not without headphones.
    assert!(said(&term, "已办理"), "{:?}", spoken(&term));
    assert!(said(&term, "请为本次服务评价"));
    let history = spoken(&term);
    assert!(!history.iter().any(|s| s.text.contains("证件号码")));
    // With headphones in, the printed record is read on repeat.
    k.device(DeviceEvent::Headset(true));
    press(&term, KeypadKey::Repeat);
    assert!(said(&term, "证件号码"), "{:?}", spoken(&term));
    let last = spoken(&term).pop().expect("something said");
    assert_eq!(last.outcome, Outcome::Finished);
    assert_eq!(last.volume.step(), 6, "the volume holds within the session");
    k.device(DeviceEvent::Headset(false));
    let rms = loudest_wav(&dir.join("speech"));
    assert!(rms > 0.02, "speech files as good as silent: RMS {rms:.4}");

    reach(&term, "非常满意");
    press(&term, KeypadKey::Select);
    assert!(
        k.terminal.borrow().resident().is_none(),
        "the session ended"
    );
    term.until("the rating reaches the hub", |_| {
        !term.received().evaluations.is_empty()
    });
    assert_eq!(term.received().evaluations[0].level, 5);

    // Everything of the session was removed at its end; only the thank-you after it may be there.
    let history = spoken(&term);
    let wavs: Vec<_> = std::fs::read_dir(dir.join("speech"))
        .map(|d| d.flatten().map(|e| e.path()).collect())
        .unwrap_or_default();
    assert!(
        history.len() <= 2,
        "speech of the session kept after its end: {history:?}"
    );
    assert!(history.iter().all(|s| !s.text.contains("证件号码")));
    assert!(wavs.len() <= 2, "{wavs:?}");
    assert_eq!(
        k.with_voice(|v| v.speaker().map(|s| s.volume().step())),
        Some(Some(kiosk_speech::Volume::DEFAULT.step())),
        "the volume goes back to the default after the session"
    );
}

#[test]
fn elder_mode_speaks_by_itself_and_the_timeout_warning_is_said_and_extended_by_any_key() {
    let term = Terminal::start(&profile("simulated"), "elder-speech");
    let dir = scratch("elder-speech");
    term.kiosk.attach_voice(kiosk::view::voice::Voice::paced(
        &SpeechSection {
            output: SpeechOutput::Files,
            ..SpeechSection::default()
        },
        &dir,
        false,
    ));
    let k = term.kiosk.clone();
    // A senior's card: elder mode is offered, and the offer is spoken once elder mode is on.
    term.insert_card(sample_cards().remove(0).record);
    assert!(k.terminal.borrow().elder_proposal());
    assert!(
        spoken(&term).is_empty(),
        "a standard-mode session is not talked at"
    );
    term.touch("使用长辈版");
    assert!(k.terminal.borrow().elder());
    // No key pressed: elder mode alone reads the screen.
    assert!(said(&term, "首页"), "{:?}", spoken(&term));
    // The resident steps away: the warning comes at once, and it is spoken.
    k.device(DeviceEvent::PresenceLost);
    assert!(k.terminal.borrow().warning_left().is_some());
    assert!(said(&term, "还在办理吗"), "{:?}", spoken(&term));
    // Any key extends the session.
    press(&term, KeypadKey::Down);
    assert!(k.terminal.borrow().warning_left().is_none());
    assert!(k.terminal.borrow().resident().is_some());
}
