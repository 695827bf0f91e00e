//! A person's intents, from the touch screen and the keypad.

use super::*;

impl Terminal {
    pub(crate) fn intent(&mut self, intent: Intent, now: Instant) -> Vec<Effect> {
        let mut fx = Vec::new();
        if let Intent::Maintenance(i) = intent {
            let out = self.maintenance.intent(i, now, &self.settings);
            Self::maintenance_fx(out, &mut fx);
            return fx;
        }
        if self.out_of_service {
            return fx;
        }
        self.touch(now);
        // The elder-mode offer is a strip, not a question that must be answered: doing anything else puts it
        // away.
        if !matches!(
            intent,
            Intent::AnswerElderProposal(_) | Intent::Activity | Intent::Extend
        ) {
            self.elder_proposal = false;
        }
        match intent {
            // Taken above.
            Intent::Maintenance(_) => {}
            Intent::Start => {
                if self.screen == Screen::Attract {
                    self.screen = Screen::Home;
                    fx.push(Effect::SessionStarted { identified: false });
                }
            }
            Intent::Offer(i) => self.offer_touched(i, &mut fx),
            Intent::Ask(i) => self.ask_intent(i, &mut fx),
            Intent::Correct { case, item } => self.open_correction(case, item, &mut fx),
            Intent::Home => {
                self.search.clear();
                self.asking = None;
                self.keyboard = false;
                self.leave_item();
                self.screen = Screen::Home;
            }
            Intent::Back => match self.screen {
                Screen::Category(_) => self.screen = Screen::Home,
                Screen::Capture => {
                    self.pending_photo = None;
                    self.screen = self.capture_return;
                }
                // Back closes what the resident opened first.
                Screen::Apply
                    if self
                        .application
                        .as_ref()
                        .is_some_and(|a| a.viewing.is_some()) =>
                {
                    if let Some(a) = self.application.as_mut() {
                        a.viewing = None;
                    }
                }
                Screen::Apply => {
                    let back = self
                        .application
                        .as_ref()
                        .and_then(|a| a.previous_before(a.step));
                    match (back, self.application.as_mut()) {
                        (Some(step), Some(a)) => {
                            a.unfocus();
                            a.step = step;
                        }
                        _ => {
                            self.leave_item();
                            self.screen = Screen::Home;
                        }
                    }
                }
                Screen::NotDone => {
                    self.not_done_reason = None;
                    self.screen = if self.application.is_some() {
                        Screen::Apply
                    } else {
                        Screen::Home
                    };
                }
                Screen::Ask => self.ask_back(),
                Screen::Home => self.end(EndReason::Home, &mut fx),
                Screen::Attract => {}
            },
            Intent::ToggleElder => self.elder = !self.elder,
            Intent::ToggleLanguage => {
                self.language = match self.language {
                    Language::Zh => Language::En,
                    Language::En => Language::Zh,
                };
                fx.push(Effect::Language(self.language));
            }
            Intent::CallHelp => {
                self.notice = Some((Notice::HelpCalling, now));
                self.figures.help_used = true;
                self.figures.help_at.get_or_insert(now);
                fx.push(Effect::HelpRequested);
                fx.push(Effect::Help(HelpRequest {
                    terminal_id: self.terminal_id.clone(),
                    item_code: self.application.as_ref().map(|a| a.item.code.clone()),
                    step: self.step_name().unwrap_or("attract").into(),
                }));
            }
            Intent::VideoCall => self.start_call(now, &mut fx),
            Intent::CallHangUp
            | Intent::CallKeepWaiting
            | Intent::CallOfferPhone
            | Intent::CallPhoneKey(_)
            | Intent::CallSendPhone
            | Intent::CallExpand
            | Intent::CallShrink
            | Intent::CallRate(_)
            | Intent::CallClose => self.call_intent(&intent, now, &mut fx),
            Intent::Category(id) => {
                if let Some(c) = crate::categories::find(&id) {
                    if self.screen == Screen::Attract {
                        fx.push(Effect::SessionStarted { identified: false });
                    }
                    self.screen = Screen::Category(c.id);
                    self.keyboard = false;
                }
            }
            Intent::Search(text) => {
                // Bounded: a stuck key on a USB keyboard must not grow this without end.
                self.search = text.chars().take(SEARCH_MAX).collect();
            }
            Intent::SearchKey(key) => {
                match key.as_str() {
                    "backspace" => {
                        self.search.pop();
                    }
                    "clear" => self.search.clear(),
                    k if k.chars().count() == 1 && self.search.chars().count() < SEARCH_MAX => {
                        self.search.push_str(k)
                    }
                    _ => {}
                }
                if self.screen == Screen::Attract {
                    self.screen = Screen::Home;
                    fx.push(Effect::SessionStarted { identified: false });
                }
            }
            Intent::ShowKeyboard(show) => self.keyboard = show,
            Intent::DismissNotice => self.notice = None,
            Intent::Extend => self.figures.extensions += 1,
            Intent::Activity => {}
            Intent::AnswerElderProposal(yes) => {
                self.elder_proposal = false;
                if yes {
                    self.elder = true;
                }
            }
            Intent::OpenCapture => {
                if self.screen != Screen::Capture {
                    if self.screen == Screen::Attract {
                        fx.push(Effect::SessionStarted { identified: false });
                        self.screen = Screen::Home;
                    }
                    self.capture_return = self.screen;
                    self.screen = Screen::Capture;
                    self.capture = CaptureStep::Aiming;
                    self.pending_photo = None;
                }
            }
            Intent::TakePhoto => {
                if self.screen == Screen::Capture
                    && matches!(self.capture, CaptureStep::Aiming | CaptureStep::Failed(_))
                {
                    self.capture = CaptureStep::Taking;
                    fx.push(Effect::TakeStill);
                }
            }
            Intent::Retake => {
                if self.screen == Screen::Capture {
                    self.pending_photo = None;
                    self.capture = CaptureStep::Aiming;
                }
            }
            Intent::UsePhoto => {
                if let (Screen::Capture, Some(p)) = (self.screen, self.pending_photo.take()) {
                    // Asked for by a clerk on a call: it goes to the clerk as well.
                    self.share_photo(&p, &mut fx);
                    match self
                        .application
                        .as_mut()
                        .and_then(|a| a.photographing.take().map(|m| (a, m)))
                    {
                        Some((a, material)) => {
                            a.attached.retain(|x| x.material != material);
                            a.attached.push(Attached { material, photo: p });
                        }
                        None => self.materials.push(p),
                    }
                    self.capture = CaptureStep::Aiming;
                    self.screen = self.capture_return;
                }
            }
            Intent::OpenItem(item) => self.open_item(item, &mut fx),
            Intent::FocusField(i) => {
                if let Some(a) = self.typing() {
                    // On the case page only the rating's comment takes typing.
                    if a.step == Step::Form || i == a.comment_slot() || i == usize::MAX {
                        a.focus(i);
                    }
                }
            }
            Intent::FieldKey { key, first } => {
                if let Some(a) = self.typing() {
                    a.key(&key, first);
                }
            }
            Intent::PickCandidate { text, consumed } => {
                if let Some(a) = self.typing() {
                    a.pick(&text, consumed);
                }
            }
            Intent::Choose { field, choice } => {
                if let Some(a) = self.form() {
                    a.choose(field, choice);
                }
            }
            Intent::Next => self.next(&mut fx),
            Intent::Photograph(n) => self.photograph(n, Step::Materials),
            Intent::FixConcern(n) => self.fix_concern(n),
            Intent::OpenHeld(n) => {
                let applicant = self.resident.as_ref().map(|r| r.card.applicant());
                let terminal = self.terminal_id.clone();
                if let (Some(a), Some(applicant)) = (self.at_step(Step::Materials), applicant) {
                    if let Some((asked, request)) = a.open_held(n, applicant, terminal) {
                        fx.push(Effect::FetchHeld { asked, request });
                    }
                }
            }
            Intent::CloseHeld => {
                if let Some(a) = self.application.as_mut() {
                    a.viewing = None;
                }
            }
            Intent::ToggleCommitmentRead => {
                if let Some(a) = self.at_step(Step::Sign) {
                    a.commitment_read = !a.commitment_read;
                }
            }
            Intent::SignPoint { x, y, new_stroke } => {
                if let Some(a) = self.at_step(Step::Sign) {
                    a.sign(x as f32 / 1000.0, y as f32 / 1000.0, new_stroke);
                }
            }
            Intent::ClearSignature => {
                if let Some(a) = self.at_step(Step::Sign) {
                    a.strokes.clear();
                }
            }
            Intent::RetrySubmit => {
                let failed = self.application.as_ref().is_some_and(|a| {
                    a.step == Step::Submitting && matches!(a.submission, Submission::Failed(_))
                });
                if failed {
                    self.submit(&mut fx);
                }
            }
            Intent::Rate(stars) => self.rate(stars, Channel::Screen, now, &mut fx),
            Intent::ToggleReason(i) => {
                if let Some(a) = self.at_step(Step::Done) {
                    if i < BAD_RATING_REASONS.len() {
                        match a.reasons.iter().position(|r| *r == i) {
                            Some(k) => {
                                a.reasons.remove(k);
                            }
                            None => a.reasons.push(i),
                        }
                    }
                }
            }
            Intent::SendRating => {
                let channel = Channel::Screen;
                if let Some(stars) = self.at_step(Step::Done).and_then(|a| a.rating) {
                    self.send_rating(stars, channel, &mut fx);
                }
            }
            Intent::Finish => {
                if self.at_step(Step::Done).is_some() {
                    self.end(EndReason::Finished, &mut fx);
                    self.notice = Some((Notice::ThankYou, now));
                }
            }
            Intent::OpenNotDone => {
                if self.in_session() {
                    if let Some(a) = self.application.as_mut() {
                        a.unfocus();
                    }
                    self.keyboard = false;
                    self.not_done_reason = None;
                    self.screen = Screen::NotDone;
                }
            }
            Intent::NotDoneReason(i) => {
                if self.screen == Screen::NotDone && i < NOT_DONE_REASONS.len() {
                    self.not_done_reason = Some(i);
                }
            }
            Intent::SendNotDone => {
                if let (Screen::NotDone, Some(r)) = (self.screen, self.not_done_reason) {
                    let step = self
                        .application
                        .as_ref()
                        .map(|a| a.step.name())
                        .unwrap_or("home");
                    fx.push(Effect::ReportNotDone(NotDoneReport {
                        terminal_id: self.terminal_id.clone(),
                        item_code: self.application.as_ref().map(|a| a.item.code.clone()),
                        step: step.into(),
                        reason: NOT_DONE_REASONS[r].0.into(),
                        comment: None,
                    }));
                    self.figures.not_done = true;
                    self.leave_item();
                    self.not_done_reason = None;
                    self.screen = Screen::Home;
                }
            }
        }
        self.sync_call_fields(&mut fx);
        self.after(now);
        fx
    }

    /// The application, while its form shows.
    pub(super) fn form(&mut self) -> Option<&mut Application> {
        self.at_step(Step::Form)
    }

    /// The application, while a page that takes typing shows: the form, or the case page (the comment of a
    /// bad rating).
    pub(super) fn typing(&mut self) -> Option<&mut Application> {
        if self.screen != Screen::Apply {
            return None;
        }
        self.application
            .as_mut()
            .filter(|a| a.step == Step::Form || (a.step == Step::Done && !a.rating_sent))
    }

    pub(super) fn at_step(&mut self, step: Step) -> Option<&mut Application> {
        if self.screen != Screen::Apply {
            return None;
        }
        self.application.as_mut().filter(|a| a.step == step)
    }

    /// Whether the photo being taken is the resident's face (the face camera), not a document.
    pub fn capture_face(&self) -> bool {
        self.screen == Screen::Capture
            && self
                .application
                .as_ref()
                .is_some_and(|a| a.face.is_some() && a.photographing == a.face)
    }

    /// Whether the printer an item needs can print now: the A4 printer for a document, the receipt printer
    /// otherwise. A terminal without that printer cannot.
    pub fn printer_ready(&self, kind: kiosk_catalog::Kind) -> bool {
        let class = match kind {
            kiosk_catalog::Kind::Print => DeviceClass::A4Printer,
            _ => DeviceClass::ReceiptPrinter,
        };
        self.devices
            .values()
            .filter(|d| d.class == class)
            .any(|d| d.health.is_usable() && d.paper != PaperState::Out)
    }
}
