//! The one door into the terminal: every input with the time it happened, effects out, and when to call
//! again if nothing happens (the shape of str0m's `handle_input` and `poll_timeout`).

use super::*;
use crate::maintenance::Test;
use kiosk_api::call::CallEvent;
use kiosk_drivers::Date;

/// What the terminal is built with. Randomness comes in here: `nonce` makes this run's idempotency keys its
/// own (a restart must never reuse a key, or the platform would take a new case for an old one).
#[derive(Debug, Clone, Default)]
pub struct Setup {
    pub settings: Settings,
    /// This terminal's id, for the platform.
    pub terminal_id: String,
    pub technicians: Vec<Technician>,
    /// Random at every start (the kiosk draws it from the system).
    pub nonce: u64,
}

/// Everything that can happen to the terminal.
#[derive(Debug)]
pub enum Input {
    /// A person's touch (or key).
    Intent(Intent),
    /// A device said something; `today` is the calendar date (a card's validity is checked against it).
    Device { event: DeviceEvent, today: Date },
    /// A device of the profile, with its health when first probed.
    DeviceAdded {
        id: DeviceId,
        class: DeviceClass,
        health: Health,
    },
    /// Time passed (at or after `next_deadline`, or whenever the caller likes).
    Tick,
    /// The platform's answer to `Effect::VerifyCode`.
    Identity {
        reply: Result<IdentityReply, PlatformError>,
        today: Date,
    },
    /// The platform's answer to `Effect::FetchOverview`.
    Overview {
        asked: u64,
        reply: Result<kiosk_api::OverviewReply, PlatformError>,
    },
    /// The platform's answer to `Effect::FetchHeld`, its picture decoded.
    Held {
        asked: u64,
        reply: Result<crate::application::HeldShown, PlatformError>,
    },
    /// The platform's answer to `Effect::ConfirmOffer`.
    OfferConfirmed {
        offer_id: String,
        reply: Result<(), PlatformError>,
    },
    /// The platform's answer to `Effect::FetchPrefill`.
    Prefill {
        item_code: String,
        reply: Result<PrefillReply, PlatformError>,
    },
    /// The platform's answer to `Effect::Submit`; `wall` is the local time printed on the receipt.
    Submitted {
        key: String,
        reply: Result<CaseReply, PlatformError>,
        wall: String,
    },
    /// The case could not be delivered now and is kept on the terminal with a provisional number.
    Queued {
        key: String,
        provisional: String,
        wall: String,
    },
    /// A kept case reached the platform later.
    CaseDelivered { key: String, reply: CaseReply },
    /// A printer's answer to `Effect::Print`.
    Printed {
        key: String,
        printer: Printer,
        result: Result<(), String>,
    },
    /// The platform's answer to `Effect::Help`.
    Help(Result<HelpReply, PlatformError>),
    /// The platform's answer to `Effect::ReportNotDone` (or its being kept for delivery).
    NotDone(Result<(), PlatformError>),
    /// The answer to `Effect::TakeStill`.
    Photo(Result<Photo, String>),
    /// The running call said something.
    Call(CallEvent),
    /// The call could not start (no platform, no camera).
    CallUnavailable,
    /// The A4 printer's answer for a document the clerk sent.
    CallPrinted {
        title: String,
        result: Result<(), String>,
    },
    /// A maintenance test finished (the kiosk ran it against the driver).
    TestDone {
        test: Test,
        result: Result<String, String>,
    },
    /// End whatever session is under way (tools that show one page after another).
    EndSession,
    /// The configuration changed (pushed by the platform or applied in the maintenance menu).
    Configured {
        settings: Settings,
        technicians: Vec<Technician>,
    },
    /// The configuration or profile had problems: residents are told that some things may not work.
    ConfigFaulty,
    /// What a maintenance command came to, for the technician to read.
    MaintenanceMessage(String),
    /// The maintenance lock-out kept in the store, restored at start.
    LockRestored { failures: u32, locked_for: Duration },
}

impl Terminal {
    pub fn new(setup: Setup, now: Instant) -> Self {
        let mut t = Terminal::with_settings(setup.settings, now);
        t.terminal_id = setup.terminal_id;
        t.nonce = setup.nonce;
        t.maintenance = crate::maintenance::Maintenance::new(setup.technicians);
        t
    }

    /// The one door: an input and the time it happened, and what the outside world must now do.
    pub fn handle(&mut self, input: Input, now: Instant) -> Vec<Effect> {
        self.seen = self.seen.max(now);
        match input {
            Input::Intent(i) => self.intent(i, now),
            Input::Device { event, today } => self.device(event, now, today),
            Input::DeviceAdded { id, class, health } => {
                self.add_device(id, class, health, now);
                Vec::new()
            }
            Input::Tick => self.tick(now),
            Input::Identity { reply, today } => self.identity_verified(reply, now, today),
            Input::Overview { asked, reply } => {
                self.overview_arrived(asked, reply);
                Vec::new()
            }
            Input::Held { asked, reply } => {
                if let Some(a) = self.application.as_mut() {
                    if let Err(e) = &reply {
                        tracing::warn!(error = %e, "what the resident opened did not come");
                    }
                    a.held_arrived(asked, reply.ok());
                }
                Vec::new()
            }
            Input::OfferConfirmed { offer_id, reply } => {
                self.offer_confirmed(&offer_id, reply);
                Vec::new()
            }
            Input::Prefill { item_code, reply } => {
                self.prefill_arrived(&item_code, reply, now);
                Vec::new()
            }
            Input::Submitted { key, reply, wall } => self.submitted(&key, reply, &wall, now),
            Input::Queued {
                key,
                provisional,
                wall,
            } => self.queued(&key, &provisional, &wall, now),
            Input::CaseDelivered { key, reply } => {
                self.case_delivered(&key, reply);
                Vec::new()
            }
            Input::Printed {
                key,
                printer,
                result,
            } => {
                self.printed(&key, printer, result);
                Vec::new()
            }
            Input::Help(reply) => {
                self.help_answered(reply, now);
                Vec::new()
            }
            Input::NotDone(reply) => {
                self.not_done_answered(reply, now);
                Vec::new()
            }
            Input::Photo(photo) => {
                self.photo_taken(photo, now);
                Vec::new()
            }
            Input::Call(event) => {
                self.call_event(event, now);
                Vec::new()
            }
            Input::CallUnavailable => {
                self.call_unavailable(now);
                Vec::new()
            }
            Input::CallPrinted { title, result } => {
                self.call_printed(&title, &result, now);
                Vec::new()
            }
            Input::TestDone { test, result } => self.test_done(test, result),
            Input::EndSession => self.end_session(),
            Input::Configured {
                settings,
                technicians,
            } => {
                self.settings = settings;
                self.maintenance.set_technicians(technicians);
                if !self.in_session() {
                    self.language = settings.language;
                    self.elder = settings.elder_default;
                }
                Vec::new()
            }
            Input::ConfigFaulty => {
                self.config_faulty = true;
                Vec::new()
            }
            Input::MaintenanceMessage(m) => {
                self.maintenance.result(m);
                Vec::new()
            }
            Input::LockRestored {
                failures,
                locked_for,
            } => {
                self.maintenance.restore_lock(failures, locked_for, now);
                Vec::new()
            }
        }
    }

    /// When the terminal next needs a `Tick` if nothing else comes in: a banner's end, the timeout warning's
    /// start, each second of its countdown and the session's end, a maintenance test's or lock-out's end.
    /// `None`: nothing is due, however long it waits.
    pub fn next_deadline(&self) -> Option<Instant> {
        let mut due: Vec<Instant> = Vec::new();
        if let Some((_, since)) = self.notice {
            due.push(since + NOTICE_DURATION);
        }
        if let Some(t) = self.maintenance.next_deadline(self.seen) {
            due.push(t);
        }
        if self.in_session() {
            match self.step_timeout() {
                // The resident's screen is not timed (a call, waiting for the platform): the tick keeps the
                // last touch current, as it always has, so that the timeout counts from the end of the wait.
                None => due.push(self.last_activity + Duration::from_secs(1)),
                Some(timeout) => {
                    let end = self.last_activity + timeout;
                    let warn = end - self.settings.warning.min(timeout);
                    if self.warning_left.is_none() {
                        due.push(warn);
                    } else {
                        // The countdown shows whole seconds left: the next one, or the end.
                        due.push(self.next_second_before(end));
                    }
                    due.push(end);
                }
            }
        }
        due.into_iter().min()
    }

    /// The next instant at which the whole seconds left before `end` change (ends at `end`).
    fn next_second_before(&self, end: Instant) -> Instant {
        let shown = self.warning_left.unwrap_or(0);
        // `warning_left` is the seconds left rounded up: it drops when `end - now` passes `shown - 1`.
        let step = Duration::from_secs(shown.saturating_sub(1));
        end.checked_sub(step).unwrap_or(end)
    }

    /// A fresh idempotency key: this terminal, this run's nonce, and a count.
    pub(super) fn next_key(&mut self) -> String {
        self.keys += 1;
        format!("{}-{:016x}-{}", self.terminal_id, self.nonce, self.keys)
    }
}
