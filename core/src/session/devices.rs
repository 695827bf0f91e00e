//! Devices: what they say (cards, codes, keys, paper, doors, presence) and the health view of them all.

use super::*;

impl Terminal {
    /// What the maintenance menu asks turned into effects.
    pub(super) fn maintenance_fx(out: Vec<crate::maintenance::Out>, fx: &mut Vec<Effect>) {
        use crate::maintenance::Out;
        for o in out {
            fx.push(match o {
                Out::Audit { technician, action } => Effect::Audit { technician, action },
                Out::Command(c) => Effect::Maintenance(c),
            });
        }
    }

    /// The answer of a test's device.
    pub(crate) fn test_done(
        &mut self,
        test: crate::maintenance::Test,
        result: Result<String, String>,
    ) -> Vec<Effect> {
        let mut fx = vec![];
        Self::maintenance_fx(self.maintenance.test_done(test, result), &mut fx);
        fx
    }

    pub(crate) fn add_device(
        &mut self,
        id: DeviceId,
        class: DeviceClass,
        health: Health,
        now: Instant,
    ) {
        let last_error = match &health {
            Health::Down { reason } => Some(reason.clone()),
            _ => None,
        };
        self.devices.insert(
            id,
            DeviceState {
                class,
                health,
                paper: PaperState::Ok,
                since: now,
                last_error,
            },
        );
    }

    /// Every device's state, reason and how long it has been so: one view for the maintenance menu and telemetry.
    pub fn health_view(&self, now: Instant) -> Vec<HealthLine> {
        self.devices
            .iter()
            .map(|(id, d)| {
                let state = match (&d.health, d.paper) {
                    (Health::Down { reason }, _) => format!("down: {reason}"),
                    (Health::Degraded { reason }, _) => format!("degraded: {reason}"),
                    (_, PaperState::Out) => "degraded: out of paper".into(),
                    (_, PaperState::NearEnd) => "degraded: paper near end".into(),
                    (Health::Simulated, _) => "simulated".into(),
                    (Health::Online, _) => "ok".into(),
                };
                HealthLine {
                    id: id.clone(),
                    class: d.class,
                    state,
                    for_: now.saturating_duration_since(d.since),
                    last_error: d.last_error.clone(),
                }
            })
            .collect()
    }

    /// Whether a session is under way (someone is using the terminal).
    pub fn in_session(&self) -> bool {
        self.screen != Screen::Attract || self.resident.is_some()
    }

    pub(crate) fn device(
        &mut self,
        event: DeviceEvent,
        now: Instant,
        today: kiosk_drivers::Date,
    ) -> Vec<Effect> {
        let mut fx = Vec::new();
        if let Some(out) = self.maintenance.device(&event, now) {
            Self::maintenance_fx(out, &mut fx);
            return fx;
        }
        match event {
            DeviceEvent::CardInserted(record) => {
                if self.out_of_service {
                    return fx;
                }
                let same_person = self.resident.as_ref().is_some_and(|r| {
                    !r.by_card && r.card.id_number.expose() == record.id_number.expose().as_str()
                });
                if same_person {
                    // The holder of the 随申码 put their card in: the same session, now with the card read.
                    self.touch(now);
                    if let Some(r) = self.resident.as_mut() {
                        r.card = CardData::from_record(&record);
                        r.by_card = true;
                    }
                    self.reopen_for_card(&mut fx);
                    self.after(now);
                    return fx;
                }
                if self.resident.is_some() {
                    self.end(EndReason::NewCard, &mut fx);
                }
                self.identify(*record, now, today, &mut fx);
                self.open_pending(&mut fx);
            }
            DeviceEvent::CardUnreadable(problem) => {
                if self.out_of_service {
                    return fx;
                }
                tracing::info!(?problem, "card gave no record");
                self.touch(now);
                let notice = match problem {
                    CardProblem::Unsupported(_) => Notice::CardUnsupported,
                    CardProblem::ReadFailed => Notice::CardReadFailed,
                };
                self.notice = Some((notice, now));
            }
            DeviceEvent::CardRemoved => {
                // After submission the card is no longer needed: the resident takes it and still collects
                // the printout and rates; every other step needs the card in the reader.
                let done = self.screen == Screen::Apply
                    && self.application.as_ref().map(|a| a.step) == Some(Step::Done);
                if self.resident.is_some() && !done {
                    self.end(EndReason::CardRemoved, &mut fx);
                }
            }
            DeviceEvent::CodeScanned(scan) => {
                if self.out_of_service {
                    return fx;
                }
                self.touch(now);
                match scan.kind {
                    // Only the platform can say whose code it is; a resident already identified keeps their
                    // session (a second person's code does not take it over).
                    ScanKind::SuiShenMa if self.resident.is_none() => {
                        self.notice = Some((Notice::SuiShenMaChecking, now));
                        fx.push(Effect::VerifyCode(IdentityRequest {
                            terminal_id: self.terminal_id.clone(),
                            code: scan.data.expose().clone(),
                        }));
                    }
                    ScanKind::SuiShenMa => {}
                    ScanKind::Other => self.notice = Some((Notice::UnknownCode, now)),
                }
            }
            DeviceEvent::HelpPressed => return self.intent(Intent::CallHelp, now),
            // Help and back do what their touch buttons do; moving through a screen, repeat and volume are the
            // screen reader's (kiosk::screen_reader), which the app asks first.
            DeviceEvent::KeypadKey(KeypadKey::Help) => return self.intent(Intent::CallHelp, now),
            DeviceEvent::KeypadKey(KeypadKey::Back) => return self.intent(Intent::Back, now),
            DeviceEvent::KeypadKey(_) => self.touch(now),
            // The voice's business (kiosk::voice), not the session's.
            DeviceEvent::Headset(_) => {}
            DeviceEvent::PadKey(rating) => {
                // Ratings belong to a finished case; with none under way a key press means nothing.
                self.touch(now);
                self.rate(rating.stars(), Channel::Pad, now, &mut fx);
            }
            DeviceEvent::DoorOpened => {
                if self.in_session() {
                    self.end(EndReason::Maintenance, &mut fx);
                }
                self.out_of_service = true;
                if !self.maintenance.door_open() {
                    Self::maintenance_fx(self.maintenance.opened(), &mut fx);
                }
            }
            DeviceEvent::DoorClosed => {
                self.out_of_service = false;
                if self.maintenance.door_open() {
                    Self::maintenance_fx(self.maintenance.closed(), &mut fx);
                }
                // Back to the idle screen, with the terminal's own language and mode.
                self.screen = Screen::Attract;
                self.language = self.settings.language;
                self.elder = self.settings.elder_default;
            }
            DeviceEvent::PresenceDetected => self.presence = true,
            DeviceEvent::PresenceLost => {
                self.presence = false;
                // Nobody in front of the screen: go straight to the warning, so a resident who only stepped
                // back can keep the session with one tap, and one who left is wiped soon.
                if self.in_session() {
                    let shift = self
                        .settings
                        .inactivity_timeout
                        .saturating_sub(self.settings.warning);
                    self.last_activity = now.checked_sub(shift).unwrap_or(self.last_activity);
                    self.tick(now);
                }
            }
            DeviceEvent::Paper { device, state } => {
                if let Some(d) = self.devices.get_mut(&device) {
                    d.paper = state;
                }
            }
            // A printer's conditions reach residents through its health and paper state (the same report
            // carries them); technicians read each one in the log.
            DeviceEvent::PrinterCondition {
                device,
                condition,
                present,
            } => {
                tracing::info!(%device, condition = condition.describe(), present, "printer condition")
            }
            // A job's progress matters to whoever started it, which awaits its outcome.
            DeviceEvent::PrintJob { .. } => {}
            DeviceEvent::Health { device, health } => {
                if let Some(d) = self.devices.get_mut(&device) {
                    if d.health != health {
                        d.since = now;
                        let (state, reason) = match &health {
                            Health::Simulated => ("simulated", None),
                            Health::Online => ("online", None),
                            Health::Degraded { reason } => ("degraded", Some(reason.clone())),
                            Health::Down { reason } => ("down", Some(reason.clone())),
                        };
                        fx.push(Effect::Telemetry(kiosk_api::DeviceReport {
                            terminal_id: self.terminal_id.clone(),
                            device: device.0.clone(),
                            class: d.class.to_string(),
                            state: state.into(),
                            reason,
                            at: String::new(),
                        }));
                    }
                    if let Health::Down { reason } = &health {
                        d.last_error = Some(reason.clone());
                    }
                    d.health = health;
                }
            }
        }
        self.after(now);
        fx
    }
}
