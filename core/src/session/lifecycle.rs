//! The session's life: timeouts and their warning, identification, the end that wipes, and its figures.

use super::*;

impl Terminal {
    /// The step a session is in, for figures and reports.
    pub fn step_name(&self) -> Option<&'static str> {
        match self.screen {
            Screen::Attract => None,
            Screen::Home => Some("home"),
            Screen::Category(_) => Some("category"),
            Screen::Capture => Some("capture"),
            Screen::NotDone => Some("not-done"),
            Screen::Ask => Some("ask"),
            Screen::Apply => self.application.as_ref().map(|a| a.step.name()),
        }
    }

    /// Bookkeeping after every input: the time of each step.
    pub(super) fn after(&mut self, now: Instant) {
        if !self.in_session() {
            return;
        }
        self.figures.started.get_or_insert(now);
        let step = self.step_name();
        let current = self.figures.step.map(|s| s.0);
        if step != current {
            if let Some((name, since)) = self.figures.step.take() {
                self.figures
                    .steps
                    .push((name.into(), now.duration_since(since).as_secs_f64()));
            }
            self.figures.step = step.map(|s| (s, now));
        }
    }

    /// How long the current step waits for the resident: filling and signing take longer than choosing.
    pub fn step_timeout(&self) -> Option<Duration> {
        let base = self.settings.inactivity_timeout;
        // On a video call (waiting or talking) the resident is not idle: the clerk or the queue keeps them.
        if self.call.as_ref().is_some_and(CallState::live) {
            return None;
        }
        match (self.screen, self.application.as_ref().map(|a| a.step)) {
            // Waiting for the platform is not the resident's inactivity (the call has its own deadline).
            (Screen::Apply, Some(Step::Submitting)) => None,
            (Screen::Apply, Some(Step::Form | Step::Materials | Step::Sign | Step::Review))
            | (Screen::Capture, _) => Some((base * 2).min(Duration::from_secs(900))),
            _ => Some(base),
        }
    }

    /// The answer to `Effect::TakeStill`. A photo that arrives after the resident left the capture screen (or
    /// the session ended) is dropped, and with it the picture.
    pub(crate) fn photo_taken(&mut self, photo: Result<Photo, String>, now: Instant) {
        if self.screen != Screen::Capture || self.capture != CaptureStep::Taking {
            return;
        }
        self.touch(now);
        match photo {
            Ok(mut p) => {
                self.photos += 1;
                p.id = self.photos;
                self.pending_photo = Some(p);
                self.capture = CaptureStep::Review;
            }
            Err(why) => {
                tracing::info!(%why, "no usable photo");
                self.capture = CaptureStep::Failed(why);
            }
        }
    }

    /// The clock: timeouts and banners that expire.
    pub(crate) fn tick(&mut self, now: Instant) -> Vec<Effect> {
        let mut fx = Vec::new();
        let out = self.maintenance.tick(now);
        Self::maintenance_fx(out, &mut fx);
        if let Some((_, since)) = self.notice {
            if now.duration_since(since) >= NOTICE_DURATION {
                self.notice = None;
            }
        }
        if !self.in_session() {
            self.warning_left = None;
            return fx;
        }
        let idle = now.duration_since(self.last_activity);
        let Some(timeout) = self.step_timeout() else {
            self.touch(now);
            return fx;
        };
        if idle >= timeout {
            self.end(EndReason::Timeout, &mut fx);
            self.notice = Some((Notice::SessionEndedTimeout, now));
        } else if idle + self.settings.warning >= timeout {
            let left = timeout - idle;
            self.warning_left = Some(left.as_secs() + u64::from(left.subsec_nanos() > 0));
        } else {
            self.warning_left = None;
        }
        fx
    }

    pub(super) fn touch(&mut self, now: Instant) {
        self.last_activity = now;
        self.warning_left = None;
    }

    pub(super) fn identify(
        &mut self,
        record: IdCardRecord,
        now: Instant,
        today: kiosk_drivers::Date,
        fx: &mut Vec<Effect>,
    ) {
        self.touch(now);
        if record.is_expired_on(today) {
            self.notice = Some((Notice::CardExpired, now));
            return;
        }
        // What was said to the last resident is not for this one.
        if matches!(
            self.notice,
            Some((Notice::ThankYou | Notice::SessionEndedTimeout, _))
        ) {
            self.notice = None;
        }
        let age = record.age_on(today);
        self.resident = Some(Resident {
            name: record.name.clone(),
            age,
            card: CardData::from_record(&record),
            by_card: true,
        });
        self.figures.identified = true;
        // `record` drops here and wipes its own copies (Sensitive zeroizes on drop).
        if self.screen == Screen::Attract {
            self.screen = Screen::Home;
        }
        self.elder_proposal = age >= self.settings.elder_age && !self.elder;
        fx.push(Effect::SessionStarted { identified: true });
        self.ask_overview(fx);
    }

    /// Ends the session: personal data dropped (and zeroed by `Sensitive`), every personal choice back to the
    /// terminal's defaults, the attract screen.
    pub(super) fn end(&mut self, reason: EndReason, fx: &mut Vec<Effect>) {
        let now = self
            .last_activity
            .max(self.figures.step.map(|s| s.1).unwrap_or(self.last_activity));
        if let Some(f) = self.session_figures(reason, now) {
            fx.push(Effect::Figures(Box::new(f)));
        }
        self.figures = FigureClock::default();
        self.end_call(fx);
        self.leave_item();
        self.not_done_reason = None;
        self.resident = None;
        self.offers.clear();
        self.returned.clear();
        self.keyboard = false;
        self.pending_photo = None;
        self.materials.clear();
        self.capture = CaptureStep::Aiming;
        self.search.clear();
        // The question may hold what the resident typed of themselves.
        self.asking = None;
        self.screen = Screen::Attract;
        self.elder = self.settings.elder_default;
        self.elder_proposal = false;
        self.warning_left = None;
        self.notice = None;
        if self.language != self.settings.language {
            self.language = self.settings.language;
            fx.push(Effect::Language(self.language));
        }
        fx.push(Effect::SessionEnded(reason));
    }

    /// The figures of the session that is ending (none if it never started).
    pub(super) fn session_figures(
        &mut self,
        reason: EndReason,
        now: Instant,
    ) -> Option<SessionFigures> {
        let f = &mut self.figures;
        let started = f.started?;
        if let Some((name, since)) = f.step.take() {
            f.steps
                .push((name.into(), now.duration_since(since).as_secs_f64()));
        }
        if !f.submitted {
            if let Some(a) = &self.application {
                f.fields = (
                    a.fields.len() as u32,
                    a.fields.iter().filter(|x| x.prefilled).count() as u32,
                    a.fields.iter().filter(|x| x.prefilled_unchanged).count() as u32,
                    a.fields.iter().map(|x| x.corrections).sum(),
                );
            }
        }
        let outcome = if f.submitted {
            Outcome::Submitted
        } else if f.not_done {
            Outcome::NotDone
        } else if reason == EndReason::Timeout {
            Outcome::TimedOut
        } else if f.item.is_some() {
            Outcome::Abandoned
        } else {
            Outcome::Browsed
        };
        let call_wait_s = match (f.call_joined, f.call_answered) {
            (Some(j), Some(a)) => Some(a.duration_since(j).as_secs_f64()),
            _ => None,
        };
        if f.call_joined.is_some() && f.call_outcome.is_none() {
            // Ended with the session (card taken, timeout): the call was hung up then.
            f.call_outcome = Some(kiosk_api::call::Outcome::ResidentLeft.as_str().into());
            f.call_s = f.call_answered.map(|a| now.duration_since(a).as_secs_f64());
        }
        Some(SessionFigures {
            call_wait_s,
            call_s: f.call_s,
            call_outcome: f.call_outcome.clone(),
            call_rating: f.call_rating,
            terminal_id: self.terminal_id.clone(),
            item_code: f.item.clone(),
            outcome,
            identified: f.identified,
            elder_mode: self.elder,
            steps: std::mem::take(&mut f.steps),
            session_s: now.duration_since(started).as_secs_f64(),
            application_s: f.application_s,
            fields_shown: f.fields.0,
            fields_prefilled: f.fields.1,
            prefilled_unchanged: f.fields.2,
            corrections: f.fields.3,
            help_used: f.help_used,
            help_response_s: f.help_response_s,
            rating: f.rating,
            timeout_extensions: f.extensions,
            // The wall clock is the app's (this machine has only `Instant`s).
            ended_at: None,
        })
    }
}

/// The receipt of a case: its number (the platform's, or the provisional one while it waits for delivery).
pub(super) fn receipt(
    a: &Application,
    number: &str,
    wall: &str,
    follow_url: Option<&str>,
    cases: &[kiosk_api::DepartmentCase],
) -> kiosk_drivers::printer::protocol::Receipt {
    use kiosk_drivers::printer::protocol::Receipt;
    let item = &a.item;
    let mut r = Receipt::new()
        .title(if a.correction.is_some() {
            "补正回执"
        } else {
            "受理回执"
        })
        .row("事项", item.name.as_str())
        .row(
            if follow_url.is_some() {
                "受理编号"
            } else {
                "暂存编号"
            },
            number,
        )
        .row("提交时间", wall)
        .row("办理时限", item.time_limit.as_str())
        .row(
            if item.is_bundle() {
                "牵头部门"
            } else {
                "受理部门"
            },
            item.department.as_str(),
        );
    if let Some(c) = a.correction.as_ref().filter(|c| !c.department.is_empty()) {
        r = r.row("补正部门", c.department.as_str());
    }
    if item.is_bundle() && a.correction.is_none() {
        // Every department's case: the platform's numbers, or (queued) the parts that will be filed.
        r = r.separator().text("各部门办件");
        if cases.is_empty() {
            for p in a.case_parts() {
                r = r
                    .text(format!("{}（{}）", p.item_name, p.department))
                    .row("办件编号", "联网后分送")
                    .row("办理时限", p.time_limit);
            }
        } else {
            for c in cases {
                r = r
                    .text(format!("{}（{}）", c.item_name, c.department))
                    .row("办件编号", c.case_number.as_str())
                    .row("办理时限", c.time_limit.as_str());
            }
        }
    }
    let certificates = a.certificates_used();
    if !certificates.is_empty() {
        let names: Vec<&str> = certificates.iter().map(|c| c.name.as_str()).collect();
        r = r.row("免于提交（电子证照）", names.join("、"));
    }
    let r = r.separator();
    match follow_url {
        Some(url) => r.text("扫码查看办理进度").qr(url).feed(3),
        None => r
            .text("网络暂时中断：申请已保存在本机，恢复后自动提交。")
            .text("可凭暂存编号在服务点查询。")
            .feed(3),
    }
}
