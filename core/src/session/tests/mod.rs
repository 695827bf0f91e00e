//! The session's tests: what a resident does, step by step, with the time given.

use super::*;
use kiosk_drivers::PaperState;
use kiosk_drivers::{sim::sample_cards, Date, ScanPayload};

pub(super) fn today() -> Date {
    Date::new(2026, 11, 28).unwrap()
}

pub(super) fn terminal(now: Instant) -> Terminal {
    Terminal::new(Setup::default(), now)
}

pub(super) fn card(i: usize) -> DeviceEvent {
    DeviceEvent::CardInserted(Box::new(sample_cards().remove(i).record))
}

/// The first effect of a kind among `fx`, unwrapped (the test fails if there is none).
macro_rules! effect {
    ($fx:expr, $kind:ident) => {
        $fx.iter()
            .find_map(|e| match e {
                Effect::$kind(x) => Some(x),
                _ => None,
            })
            .expect(stringify!($kind))
    };
}

/// The effects other than the session's figures (which every ending session carries).
pub(super) fn plain(fx: Vec<Effect>) -> Vec<Effect> {
    fx.into_iter()
        .filter(|e| !matches!(e, Effect::Figures(_)))
        .collect()
}

/// Where field `id` is in the application under way.
pub(super) fn field(t: &Terminal, id: &str) -> usize {
    let a = t.application.as_ref().unwrap();
    a.fields.iter().position(|f| f.field.id == id).unwrap()
}

/// Where material `name` is in the application under way.
pub(super) fn material(t: &Terminal, name: &str) -> usize {
    let a = t.application.as_ref().unwrap();
    a.item
        .materials
        .iter()
        .position(|m| m.name == name)
        .unwrap()
}

/// Sample card `i` read, and the platform's overview answered with these returned cases.
pub(super) fn identified_with_returned(
    t: &mut Terminal,
    i: usize,
    returned: Vec<kiosk_api::ReturnedCase>,
    now: Instant,
) {
    let fx = t.device(card(i), now, today());
    let asked = fx
        .iter()
        .find_map(|e| match e {
            Effect::FetchOverview { asked, .. } => Some(*asked),
            _ => None,
        })
        .unwrap();
    t.handle(
        Input::Overview {
            asked,
            reply: Ok(kiosk_api::OverviewReply {
                offers: Vec::new(),
                returned,
            }),
        },
        now,
    );
}

pub(super) fn photo() -> Photo {
    Photo::new(vec![0xFF, 0xD8], vec![0; 12], 2, 2)
}

mod applications;
mod asking;
mod bundles;
mod checks;
mod door;
mod earlier;
mod navigation;
mod overview;
mod written;

/// What `plain` leaves out, every ending carries: the session's figures, exactly once, before it ends; an
/// input after the end ends nothing more.
#[test]
fn every_session_that_ends_carries_its_figures_once() {
    let t0 = Instant::now();
    for end in [
        DeviceEvent::CardRemoved,
        DeviceEvent::DoorOpened,
        DeviceEvent::PresenceLost,
    ] {
        let mut t = terminal(t0);
        t.device(card(1), t0, today());
        let mut fx = t.device(end.clone(), t0, today());
        // Walking away ends the session only when the warning runs out.
        fx.extend(t.tick(t0 + Duration::from_secs(3600)));
        let figures: Vec<&Effect> = fx
            .iter()
            .filter(|e| matches!(e, Effect::Figures(_)))
            .collect();
        assert_eq!(figures.len(), 1, "{end:?}: {fx:?}");
        let at = |want: fn(&Effect) -> bool| fx.iter().position(want);
        assert!(
            at(|e| matches!(e, Effect::Figures(_))) < at(|e| matches!(e, Effect::SessionEnded(_))),
            "{end:?}: {fx:?}"
        );
        assert!(plain(fx).iter().all(|e| !matches!(e, Effect::Figures(_))));
        assert!(t.device(DeviceEvent::CardRemoved, t0, today()).is_empty());
    }
}
