//! Answers from outside: the platform, the printers and the camera.

use super::lifecycle::receipt;
use super::*;

impl Terminal {
    /// Ends whatever session is under way, as the home button on the first page does (for tools that show
    /// one page after another).
    pub(crate) fn end_session(&mut self) -> Vec<Effect> {
        let mut fx = Vec::new();
        if self.in_session() {
            self.end(EndReason::Home, &mut fx);
        }
        self.notice = None;
        fx
    }

    /// The platform's answer to `Effect::VerifyCode`.
    pub(crate) fn identity_verified(
        &mut self,
        reply: Result<IdentityReply, PlatformError>,
        now: Instant,
        today: kiosk_drivers::Date,
    ) -> Vec<Effect> {
        let mut fx = Vec::new();
        if self.resident.is_some() || self.out_of_service {
            return fx;
        }
        match reply {
            Err(PlatformError::Refused { status: 404, .. }) => {
                self.notice = Some((Notice::SuiShenMaRefused, now));
            }
            Err(e) => {
                tracing::warn!(error = %e, "随申码 not checked");
                self.notice = Some((Notice::SuiShenMaNeedsPlatform, now));
            }
            Ok(r) => {
                self.touch(now);
                let card = CardData::from_identity(&r);
                let age = kiosk_drivers::IdNumber::parse(&r.applicant.id_number)
                    .ok()
                    .and_then(|n| n.birth_date())
                    .map(|b| b.years_until(today))
                    .unwrap_or(0);
                self.resident = Some(Resident {
                    name: Sensitive::new(r.applicant.name.clone()),
                    age,
                    card,
                    by_card: false,
                });
                self.figures.identified = true;
                self.notice = None;
                if self.screen == Screen::Attract {
                    self.screen = Screen::Home;
                }
                self.elder_proposal = age >= self.settings.elder_age && !self.elder;
                fx.push(Effect::SessionStarted { identified: true });
                self.ask_overview(&mut fx);
                self.open_pending(&mut fx);
            }
        }
        self.after(now);
        fx
    }

    /// The platform's answer to `Effect::FetchPrefill`.
    pub(crate) fn prefill_arrived(
        &mut self,
        item_code: &str,
        reply: Result<PrefillReply, PlatformError>,
        now: Instant,
    ) {
        if let Some(a) = self.application.as_mut() {
            if a.item.code == item_code && a.prefill == PrefillState::Waiting {
                match reply {
                    Ok(r) => {
                        a.apply_prefill(&r.values);
                        a.apply_earlier(&r.earlier);
                    }
                    Err(e) => {
                        tracing::warn!(error = %e, "prefill failed; the resident types those fields");
                        a.prefill = PrefillState::Failed;
                    }
                }
            }
        }
        self.after(now);
    }

    /// The platform's answer to `Effect::Submit`. `wall` is the local time as the receipt prints it.
    pub(crate) fn submitted(
        &mut self,
        key: &str,
        reply: Result<CaseReply, PlatformError>,
        wall: &str,
        now: Instant,
    ) -> Vec<Effect> {
        let mut fx = Vec::new();
        let receipt_ready = self.printer_ready(kiosk_catalog::Kind::Apply);
        if !self.waiting_for(key) {
            return fx;
        }
        let Some(a) = self.application.as_mut() else {
            return fx;
        };
        self.last_activity = now;
        self.warning_left = None;
        match reply {
            Err(e) => {
                tracing::warn!(error = %e, "case not submitted");
                a.submission = Submission::Failed(e);
            }
            Ok(reply) => {
                tracing::info!(case = %reply.case_number, item = %a.item.code, "case submitted");
                let corrected = a.correction.as_ref().map(|c| c.case_number.clone());
                let receipt = (a.item.kind != kiosk_catalog::Kind::Print).then(|| {
                    receipt(
                        a,
                        &reply.case_number,
                        wall,
                        Some(&reply.follow_url),
                        &reply.parts,
                    )
                });
                a.receipt = match (&receipt, receipt_ready) {
                    (None, _) => PrintState::None,
                    (Some(_), true) => PrintState::Printing,
                    (Some(_), false) => PrintState::Failed("receipt printer not ready".into()),
                };
                let receipt = receipt.filter(|_| receipt_ready);
                let document = reply.document.clone();
                a.document = if document.is_some() {
                    PrintState::Printing
                } else {
                    PrintState::None
                };
                a.step = Step::Done;
                a.submission = Submission::Accepted(reply);
                self.figures.case_in(now);
                if receipt.is_some() || document.is_some() {
                    fx.push(Effect::Print(Box::new(Printout {
                        key: key.to_string(),
                        receipt,
                        document,
                    })));
                }
                if let Some(number) = corrected {
                    self.corrected(&number);
                }
            }
        }
        self.after(now);
        fx
    }

    /// Whether `key` is the application waiting for the platform's answer (a late or stale answer is not).
    pub(super) fn waiting_for(&self, key: &str) -> bool {
        self.application
            .as_ref()
            .is_some_and(|a| a.idempotency_key == key && a.submission == Submission::Waiting)
    }

    /// The platform could not be reached and the case is committed in the terminal's outbox (the caller did
    /// that before calling): the resident gets a provisional number on screen and on the receipt.
    pub(crate) fn queued(
        &mut self,
        key: &str,
        provisional: &str,
        wall: &str,
        now: Instant,
    ) -> Vec<Effect> {
        let mut fx = Vec::new();
        let receipt_ready = self.printer_ready(kiosk_catalog::Kind::Apply);
        if !self.waiting_for(key) {
            return fx;
        }
        let Some(a) = self.application.as_mut() else {
            return fx;
        };
        tracing::info!(item = %a.item.code, "case kept for delivery (platform unreachable)");
        self.last_activity = now;
        self.warning_left = None;
        a.step = Step::Done;
        a.submission = Submission::Queued {
            provisional: provisional.to_string(),
        };
        a.receipt = if receipt_ready {
            PrintState::Printing
        } else {
            PrintState::Failed("receipt printer not ready".into())
        };
        self.figures.case_in(now);
        if receipt_ready {
            fx.push(Effect::Print(Box::new(Printout {
                key: key.to_string(),
                receipt: Some(receipt(a, provisional, wall, None, &[])),
                document: None,
            })));
        }
        self.after(now);
        fx
    }

    /// The outbox delivered a queued case: the screen shows the platform's number if it still shows the case.
    pub(crate) fn case_delivered(&mut self, key: &str, reply: CaseReply) {
        if let Some(a) = self.application.as_mut().filter(|a| {
            a.idempotency_key == key && matches!(a.submission, Submission::Queued { .. })
        }) {
            a.submission = Submission::Accepted(reply);
        }
    }

    /// A printer's answer to `Effect::Print`.
    pub(crate) fn printed(&mut self, key: &str, printer: Printer, result: Result<(), String>) {
        // A place's slip from 杨小通's page.
        if let Some((_, state)) = self
            .asking
            .as_mut()
            .and_then(|a| a.slip.as_mut())
            .filter(|(k, _)| k == key)
        {
            *state = match &result {
                Ok(()) => PrintState::Printed,
                Err(e) => PrintState::Failed(e.clone()),
            };
            return;
        }
        let Some(a) = self
            .application
            .as_mut()
            .filter(|a| a.idempotency_key == key)
        else {
            return;
        };
        let state = match result {
            Ok(()) => PrintState::Printed,
            Err(e) => PrintState::Failed(e),
        };
        match printer {
            Printer::Receipt => a.receipt = state,
            Printer::A4 => a.document = state,
        }
    }

    /// The platform's answer to `Effect::Help`.
    pub(crate) fn help_answered(&mut self, reply: Result<HelpReply, PlatformError>, now: Instant) {
        self.notice = Some((
            match reply {
                Ok(_) => Notice::HelpComing,
                Err(_) => Notice::HelpNotConnected,
            },
            now,
        ));
    }

    /// The platform's answer to `Effect::ReportNotDone`.
    pub(crate) fn not_done_answered<T>(&mut self, reply: Result<T, PlatformError>, now: Instant) {
        self.notice = Some((
            match reply {
                Ok(_) => Notice::NotDoneSent,
                Err(_) => Notice::NotDoneFailed,
            },
            now,
        ));
    }
}
