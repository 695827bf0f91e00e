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

pub(super) fn photo() -> Photo {
    Photo::new(vec![0xFF, 0xD8], vec![0; 12], 2, 2)
}

mod applications;
mod door;
mod navigation;
