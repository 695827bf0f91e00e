//! A scripted resident at the simulated terminal: every touch counted (a key, a button, a stroke of the
//! signature are one each), for the end-to-end tests' figures.

use crate::{draw_signature, Terminal};
use kiosk_drivers::sim::sample_cards;
use std::cell::Cell;

/// The resident's touches, counted (a key, a button, a stroke of the signature are one each).
pub struct Resident<'a> {
    pub term: &'a Terminal,
    pub touches: Cell<u32>,
}

impl<'a> Resident<'a> {
    /// The resident with sample card `i` on the reader, read: with their name and ID number, to look for
    /// after the session.
    pub fn with_card(term: &'a Terminal, i: usize) -> (Resident<'a>, String, String) {
        let card = sample_cards().remove(i);
        let name = card.record.name.expose().clone();
        let id = card.record.id_number.expose().as_str().to_string();
        term.insert_card(card.record);
        let r = Resident {
            term,
            touches: Cell::new(0),
        };
        (r, name, id)
    }

    pub fn until_prefilled(&self) {
        self.term.until("prefill from the platform", |k| {
            k.terminal
                .borrow()
                .application()
                .as_ref()
                .is_some_and(|a| a.prefill == kiosk::application::PrefillState::Done)
        });
    }

    pub fn touch(&self, label: &str) {
        self.term.touch(label);
        self.touches.set(self.touches.get() + 1);
    }

    /// Takes the card out (the reader is asked a few times more, so the card is seen out before it comes back
    /// in), rates with `stars` and waits for the session to end.
    pub fn leave_rating(&self, stars: &str) {
        let reader = self.term.sims.reader.as_ref().expect("simulated reader");
        let polled = reader.commands_seen();
        reader.remove();
        self.term.until("the reader polled without the card", |_| {
            reader.commands_seen() >= polled + 4
        });
        self.touch(stars);
        self.term.until("the session ends", |k| {
            k.terminal.borrow().resident().is_none()
        });
    }

    pub fn sign(&self) {
        draw_signature(&self.term.kiosk);
        self.touches.set(self.touches.get() + 1);
    }

    /// Every material still to photograph, each with three touches: 拍照, 拍照 under the camera, 使用这张.
    pub fn photograph_all(&self, take: &str, use_it: &str) {
        let k = &self.term.kiosk;
        let missing = || {
            k.terminal
                .borrow()
                .application()
                .as_ref()
                .map_or(0, |a| a.missing_materials().len())
        };
        while missing() > 0 {
            let before = missing();
            self.touch(take);
            self.touch(take);
            self.term.until("the straightened page", |k| {
                *k.terminal.borrow().capture() == kiosk::session::CaptureStep::Review
            });
            self.touch(use_it);
            assert_eq!(missing(), before - 1);
        }
    }
}
