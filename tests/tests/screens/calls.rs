//! The call pages' states, as the call's events would bring them.

use super::*;

/// Puts the session on a call page as the call's events would (no hub: the pages only).
pub(crate) fn drive_call(kiosk: &kiosk::app::Kiosk, page: PageUnderTest) {
    use kiosk_call::CallEvent;
    let now = std::time::Instant::now();
    {
        let mut t = kiosk.terminal.borrow_mut();
        // The effects (start the call, …) are dropped: the events below stand for the hub.
        let mut feed = |input: Input| {
            let _ = t.handle(input, now);
        };
        let card = sample_cards().remove(0);
        feed(Input::Device {
            event: DeviceEvent::CardInserted(Box::new(card.record)),
            today: kiosk_drivers::Date::new(2026, 11, 30).expect("date"),
        });
        feed(Input::Intent(Intent::VideoCall));
        feed(Input::Call(CallEvent::Queued {
            call: "c1".into(),
            position: 3,
            expected_wait_secs: 95,
        }));
        match page {
            PageUnderTest::CallNoAnswer => feed(Input::Call(CallEvent::NoAnswer)),
            PageUnderTest::CallPhone => {
                feed(Input::Call(CallEvent::NoAnswer));
                feed(Input::Intent(Intent::CallOfferPhone));
                for d in ["1", "3", "9", "1", "2", "3", "4"] {
                    feed(Input::Intent(Intent::CallPhoneKey(d.into())));
                }
            }
            PageUnderTest::CallEnded | PageUnderTest::CallStrip => {
                feed(Input::Call(CallEvent::Taken {
                    clerk: "王丽".into(),
                }));
                feed(Input::Call(CallEvent::Connected));
                if page == PageUnderTest::CallEnded {
                    feed(Input::Call(CallEvent::Ended {
                        outcome: kiosk_api::call::Outcome::Done,
                        waited: std::time::Duration::from_secs(20),
                        answered: Some(std::time::Duration::from_secs(200)),
                    }));
                } else {
                    feed(Input::Call(CallEvent::PushForm {
                        item_code: "MZ-001".into(),
                    }));
                }
            }
            _ => {}
        }
    }
    if page == PageUnderTest::CallStrip {
        kiosk.intent(Intent::OpenItem(item(kiosk, "MZ-001")));
    }
    kiosk.render();
    // The screenshot is of the state asked for, not of wherever the events happened to leave the call.
    use kiosk::session::CallPhase;
    let t = kiosk.terminal.borrow();
    let call = t.call().as_ref().expect("a call is under way");
    let reached = match page {
        PageUnderTest::CallNoAnswer => {
            call.no_answer && matches!(call.phase, CallPhase::Waiting { position: 3, .. })
        }
        PageUnderTest::CallPhone => {
            call.phase == CallPhase::Phone && call.phone.expose().as_str() == "1391234"
        }
        PageUnderTest::CallEnded => matches!(call.phase, CallPhase::Ended { .. }),
        PageUnderTest::CallStrip => {
            call.phase == (CallPhase::Talking { connected: true }) && t.application().is_some()
        }
        _ => matches!(call.phase, CallPhase::Waiting { .. }),
    };
    assert!(reached, "{page:?}: the call is {:?}", call.phase);
}
