//! The item under way: opening it, stepping through it, submitting and rating it.

use super::*;

impl Terminal {
    pub(super) fn open_item(&mut self, item: Box<kiosk_catalog::Item>, fx: &mut Vec<Effect>) {
        self.open_item_as(item, fx, |_| {});
    }

    /// Opens an item, `prepare` shaping the new application before anything is asked of the platform (a
    /// correction holds the case's values, so it asks nothing).
    pub(super) fn open_item_as(
        &mut self,
        item: Box<kiosk_catalog::Item>,
        fx: &mut Vec<Effect>,
        prepare: impl FnOnce(&mut Application),
    ) {
        if self.screen == Screen::Attract {
            fx.push(Effect::SessionStarted { identified: false });
        }
        self.keyboard = false;
        self.leave_item();
        self.figures.item = Some(item.code.clone());
        self.figures.application_started = Some(self.last_activity);
        self.screen = Screen::Apply;
        let needs_name = item.identity != kiosk_catalog::Identity::None;
        let needs_card = item.identity >= kiosk_catalog::Identity::IdCard;
        let known = match &self.resident {
            None => false,
            Some(r) => r.by_card || !needs_card,
        };
        if needs_name && !known {
            if self.resident.is_some() {
                self.notice = Some((Notice::ItemNeedsCard, self.last_activity));
            }
            let mut a = Application::new((*item).clone(), None, self.next_key());
            a.step = Step::Identify;
            self.application = Some(a);
            self.pending_item = Some(item);
            return;
        }
        let key = self.next_key();
        let card = self.resident.as_ref().map(|r| &r.card);
        let mut a = Application::new(*item, card, key);
        a.applicant_age = self.resident.as_ref().map(|r| r.age);
        prepare(&mut a);
        if a.prefill == PrefillState::Waiting {
            if let Some(card) = card {
                fx.push(Effect::FetchPrefill(PrefillRequest {
                    item_code: a.item.code.clone(),
                    applicant: card.applicant(),
                    sources: a.remote_sources(),
                    materials: a.photographed_names(),
                }));
            }
        }
        self.application = Some(a);
    }

    /// The card was read for a resident known by 随申码: an item that waited for the card opens.
    pub(super) fn reopen_for_card(&mut self, fx: &mut Vec<Effect>) {
        let waiting = self
            .application
            .as_ref()
            .is_some_and(|a| a.step == Step::Identify);
        if waiting {
            self.open_pending(fx);
        }
    }

    /// A card was read while an item waited for it.
    pub(super) fn open_pending(&mut self, fx: &mut Vec<Effect>) {
        if self.resident.is_none() {
            return;
        }
        if let Some(item) = self.pending_item.take() {
            self.open_item(item, fx);
        }
    }

    pub(super) fn leave_item(&mut self) {
        self.application = None;
        self.pending_item = None;
    }

    /// Material `n` under the camera, from the step it is asked on (back to that step with the photo).
    pub(super) fn photograph(&mut self, n: usize, on: Step) {
        let ok = self.screen == Screen::Apply
            && self.application.as_ref().is_some_and(|a| {
                // One from an earlier case may be photographed anew (a new lease); the government's own
                // and the terminal's texts not.
                a.step == on
                    && a.material_in_use(n)
                    && (!a.material_held(n) || a.reused_for(n).is_some())
            });
        if ok {
            if let Some(a) = self.application.as_mut() {
                a.photographing = Some(n);
            }
            self.capture_return = Screen::Apply;
            self.screen = Screen::Capture;
            self.capture = CaptureStep::Aiming;
            self.pending_photo = None;
        }
    }

    /// The one touch that fixes a concern of the review, without leaving it: a photo again (back to the
    /// review with it), or the certificate's value back. An age condition has no fix here.
    pub(super) fn fix_concern(&mut self, n: usize) {
        let Some(concern) = self
            .at_step(Step::Review)
            .and_then(|a| a.concerns().get(n).cloned())
        else {
            return;
        };
        match concern {
            Concern::MissingMaterial { material }
            | Concern::PhotoDark { material }
            | Concern::PhotoCutOff { material } => self.photograph(material, Step::Review),
            Concern::Contradicts { field, .. } => {
                if let Some(a) = self.application.as_mut() {
                    a.restore_held(field);
                }
            }
            Concern::TooYoung { .. } => {}
        }
    }

    pub(super) fn next(&mut self, fx: &mut Vec<Effect>) {
        let printer_ok = self.application.as_ref().is_some_and(|a| {
            a.item.kind != kiosk_catalog::Kind::Print || self.printer_ready(a.item.kind)
        });
        let Some(a) = (if self.screen == Screen::Apply {
            self.application.as_mut()
        } else {
            None
        }) else {
            return;
        };
        let go = match a.step {
            Step::Identify | Step::Submitting => false,
            Step::Form => {
                a.unfocus();
                // A document that cannot be printed here is not started: the page said so already.
                a.check_all()
                    && a.prefill != PrefillState::Waiting
                    && printer_ok
                    && !a
                        .concerns()
                        .iter()
                        .any(|c| matches!(c, Concern::TooYoung { .. }))
            }
            Step::Materials => a.missing_materials().is_empty(),
            Step::Sign => a.commitment_read && a.signed(),
            Step::Review => a.fileable(),
            Step::Done => {
                self.end(EndReason::Finished, fx);
                return;
            }
        };
        if go {
            let next = a.next_after(a.step);
            a.step = next;
            a.viewing = None;
            if next == Step::Submitting {
                self.submit(fx);
            }
        }
    }

    pub(super) fn submit(&mut self, fx: &mut Vec<Effect>) {
        let applicant = self.resident.as_ref().map(|r| r.card.applicant());
        let Some(a) = self.application.as_mut() else {
            return;
        };
        a.step = Step::Submitting;
        a.submission = Submission::Waiting;
        let f = &mut self.figures;
        // A bundle's fields of parts not filed were not shown: they do not count.
        let shown: Vec<&FieldState> = a.fields_in_use().map(|(_, x)| x).collect();
        f.fields = (
            shown.len() as u32,
            shown.iter().filter(|x| x.prefilled).count() as u32,
            shown.iter().filter(|x| x.prefilled_unchanged).count() as u32,
            shown.iter().map(|x| x.corrections).sum(),
        );
        let uploads = a.uploads();
        fx.push(Effect::Submit(Box::new(Submit {
            request: CaseRequest {
                idempotency_key: a.idempotency_key.clone(),
                terminal_id: self.terminal_id.clone(),
                item_code: a.item.code.clone(),
                item_name: a.item.name.clone(),
                kind: a.kind(),
                applicant,
                fields: a.fields_for_platform(),
                materials: uploads
                    .iter()
                    .map(|u| u.reference())
                    .chain(a.reused_refs())
                    .collect(),
                commitment: a.item.commitment.clone().filter(|_| a.correction.is_none()),
                application_pdf: None,
                // The caller stamps the time (no clock in here).
                submitted_at: String::new(),
                parts: a.case_parts(),
                certificates: a.certificates_used(),
                corrects: a.correction.as_ref().map(|c| c.case_number.clone()),
            },
            uploads,
            strokes: a.strokes.clone(),
            written: a.written(),
        })));
    }

    pub(super) fn rate(&mut self, stars: u8, channel: Channel, now: Instant, fx: &mut Vec<Effect>) {
        if !(1..=5).contains(&stars) {
            return;
        }
        let Some(a) = self.at_step(Step::Done) else {
            return;
        };
        if a.rating_sent
            || !matches!(
                a.submission,
                Submission::Accepted(_) | Submission::Queued { .. }
            )
        {
            return;
        }
        a.rating = Some(stars);
        // A good rating is all there is to say; a bad one asks why (差评 are followed up).
        if stars >= 3 {
            self.send_rating(stars, channel, fx);
            self.end(EndReason::Finished, fx);
            self.notice = Some((Notice::ThankYou, now));
        }
    }

    pub(super) fn send_rating(&mut self, stars: u8, channel: Channel, fx: &mut Vec<Effect>) {
        let terminal_id = self.terminal_id.clone();
        let Some(a) = self.at_step(Step::Done) else {
            return;
        };
        // A queued case is rated under its provisional number; the outbox sends the rating after the case,
        // under the platform's number.
        let case_number = match &a.submission {
            Submission::Accepted(reply) => reply.case_number.clone(),
            Submission::Queued { provisional } => provisional.clone(),
            _ => return,
        };
        if a.rating_sent {
            return;
        }
        a.rating_sent = true;
        fx.push(Effect::Evaluate(Evaluation {
            case_number,
            item_code: a.item.code.clone(),
            terminal_id,
            level: stars,
            reasons: a
                .reasons
                .iter()
                .filter_map(|i| BAD_RATING_REASONS.get(*i).map(|r| r.0.to_string()))
                .collect(),
            comment: Some(a.comment.value.expose().trim().to_string()).filter(|c| !c.is_empty()),
            channel,
            follow_up: stars <= 2,
        }));
        self.figures.rating = Some(stars);
        if stars <= 2 {
            let now = self.last_activity;
            self.end(EndReason::Finished, fx);
            self.notice = Some((Notice::ThankYou, now));
        }
    }
}
