//! 视频办 in the session: the resident's side of the remote virtual window. One touch on 视频办 joins the queue;
//! the call page shows the place in the queue and the expected wait, then the clerk. A clerk's pushed form
//! opens as any item does (the call shrinks to a corner and stays on every page), the fields the resident
//! fills go to the clerk as they change, a capture the clerk asks for opens the document camera, and a
//! document the clerk sends is printed. After a minute without an answer the resident may leave a number to
//! be called back, or keep waiting. When the call ends the resident rates it (好差评) with one touch.
//!
//! The call page is in front of whatever page the resident was on (`CallState::expanded`); closing it shows
//! that page again. No I/O here: the kiosk runs the call (`kiosk_call`) and feeds its events to
//! `call_event`.

use super::*;
use kiosk_api::call::{CallCommand, CallEvent};
use kiosk_api::call::{CallResident, FieldUpdate, Outcome as CallOutcome};

/// The longest call-back number (E.164 has at most 15 digits).
pub const PHONE_MAX: usize = 15;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CallPhase {
    /// Asking the hub for a place in the queue.
    Joining,
    Waiting {
        position: u32,
        expected_wait_secs: u32,
    },
    /// Typing the number to be called back on.
    Phone,
    /// A clerk took the call; `connected` once video and sound flow.
    Talking { connected: bool },
    /// The connection dropped; the call comes back by itself.
    Reconnecting,
    /// Over: rate it, or leave.
    Ended { outcome: CallOutcome },
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CallState {
    pub phase: CallPhase,
    /// Nobody answered within the minute: the call-back offer shows while waiting.
    pub no_answer: bool,
    pub clerk: Option<String>,
    /// The call-back number being typed (digits only).
    pub phone: Sensitive<String>,
    /// What the clerk asked to photograph, until it is sent.
    pub asked: Option<String>,
    /// The call page is in front (else the call is a corner of the page in front).
    pub expanded: bool,
    /// A problem the hub or the media reported, in words for the resident.
    pub notice: Option<String>,
    /// The hub's id of the call, for the rating.
    pub id: Option<String>,
    joined: Instant,
    answered: Option<Instant>,
    /// What the clerk has of the form: field id → value sent last.
    sent: BTreeMap<String, String>,
}

impl CallState {
    /// A call runs (not yet over).
    pub fn live(&self) -> bool {
        !matches!(self.phase, CallPhase::Ended { .. })
    }
}

impl Terminal {
    /// 视频办: joins the queue, or brings a running call to the front.
    pub(super) fn start_call(&mut self, now: Instant, fx: &mut Vec<Effect>) {
        if let Some(c) = self.call.as_mut() {
            if c.live() {
                c.expanded = true;
                return;
            }
        }
        if self.screen == Screen::Attract {
            fx.push(Effect::SessionStarted { identified: false });
            self.screen = Screen::Home;
        }
        let resident = self.resident.as_ref().map(|r| CallResident {
            name: r.name.expose().clone(),
            id_masked: mask_id(r.card.id_number.expose()),
            photo_jpeg_base64: None,
        });
        self.call = Some(CallState {
            phase: CallPhase::Joining,
            no_answer: false,
            clerk: None,
            phone: Sensitive::new(String::new()),
            asked: None,
            expanded: true,
            notice: None,
            id: None,
            joined: now,
            answered: None,
            sent: BTreeMap::new(),
        });
        self.figures.call_joined = Some(now);
        fx.push(Effect::CallStart {
            resident,
            item_code: self.application.as_ref().map(|a| a.item.code.clone()),
            elder: self.elder,
            language: self.language,
        });
    }

    /// Something the call said (the kiosk posts `kiosk_call`'s events here).
    pub(crate) fn call_event(&mut self, event: CallEvent, now: Instant) {
        let Some(c) = self.call.as_mut() else {
            return;
        };
        match event {
            CallEvent::Queued {
                call,
                position,
                expected_wait_secs,
            } => {
                // The hub places only calls no clerk has (a clerk who dropped out puts it back in the
                // queue); the number pad and a call that is over stay as they are.
                if c.live() && c.phase != CallPhase::Phone {
                    c.id = Some(call);
                    c.clerk = None;
                    c.phase = CallPhase::Waiting {
                        position,
                        expected_wait_secs,
                    };
                }
            }
            CallEvent::NoAnswer => c.no_answer = true,
            CallEvent::Taken { clerk } => {
                c.clerk = Some(clerk);
                c.no_answer = false;
                c.expanded = true;
                c.answered.get_or_insert(now);
                c.phase = CallPhase::Talking { connected: false };
                self.figures.call_answered.get_or_insert(now);
            }
            CallEvent::Connected => c.phase = CallPhase::Talking { connected: true },
            CallEvent::Reconnecting => {
                if c.live() {
                    c.phase = CallPhase::Reconnecting;
                }
            }
            CallEvent::PushForm { .. } => {
                // The kiosk looks the item up and opens it through `Intent::OpenItem`; the call shrinks.
                c.expanded = false;
            }
            CallEvent::Capture { what } => {
                c.asked = Some(what);
                c.expanded = false;
                if self.screen != Screen::Capture {
                    self.capture_return = self.screen;
                    self.capture = CaptureStep::Aiming;
                    self.pending_photo = None;
                    self.screen = Screen::Capture;
                }
            }
            CallEvent::Print { .. } => {
                // The kiosk fetches and prints it, then reports through `call_printed`.
            }
            CallEvent::Notice { message } => c.notice = Some(message),
            CallEvent::Ended {
                outcome, answered, ..
            } => {
                self.figures.call_outcome = Some(outcome.as_str().to_string());
                self.figures.call_s = answered.map(|d| d.as_secs_f64());
                if c.clerk.is_none() {
                    // Nobody served: nothing to rate, so no page to leave; a line says what happens next.
                    self.call = None;
                    self.notice = match outcome {
                        CallOutcome::CallBack => Some((Notice::CallBackBooked, now)),
                        CallOutcome::Dropped => Some((Notice::VideoNotConnected, now)),
                        _ => self.notice,
                    };
                } else {
                    c.phase = CallPhase::Ended { outcome };
                    c.expanded = true;
                    c.asked = None;
                }
            }
        }
        self.touch(now);
        self.after(now);
    }

    /// The call could not start (no platform, not enrolled): the resident is told where else to go.
    pub(crate) fn call_unavailable(&mut self, now: Instant) {
        self.call = None;
        self.figures.call_joined = None;
        self.notice = Some((Notice::VideoNotConnected, now));
    }

    /// The clerk's document was printed (or not).
    pub(crate) fn call_printed(&mut self, title: &str, result: &Result<(), String>, now: Instant) {
        self.notice = Some((
            if result.is_ok() {
                Notice::CallPrinted
            } else {
                Notice::CallPrintFailed
            },
            now,
        ));
        tracing::info!(title, ok = result.is_ok(), "clerk's document printed");
    }

    pub(super) fn call_intent(&mut self, intent: &Intent, now: Instant, fx: &mut Vec<Effect>) {
        let Some(c) = self.call.as_mut() else {
            return;
        };
        match intent {
            Intent::CallHangUp if c.live() => {
                fx.push(Effect::CallCommand(CallCommand::Leave));
                self.figures.call_outcome = Some(CallOutcome::ResidentLeft.as_str().into());
                self.figures.call_s = c.answered.map(|a| now.duration_since(a).as_secs_f64());
                if c.clerk.is_none() {
                    // Hung up while waiting: straight back to where the resident was.
                    self.call = None;
                } else {
                    c.phase = CallPhase::Ended {
                        outcome: CallOutcome::ResidentLeft,
                    };
                }
            }
            Intent::CallKeepWaiting => {
                c.no_answer = false;
                if c.phase == CallPhase::Phone {
                    c.phase = CallPhase::Joining;
                }
            }
            Intent::CallOfferPhone if c.live() && c.clerk.is_none() => c.phase = CallPhase::Phone,
            Intent::CallPhoneKey(k) => {
                let mut p = c.phone.expose().clone();
                match k.as_str() {
                    "backspace" => {
                        p.pop();
                    }
                    "clear" => p.clear(),
                    d if d.len() == 1
                        && d.chars().all(|ch| ch.is_ascii_digit())
                        && p.len() < PHONE_MAX =>
                    {
                        p.push_str(d)
                    }
                    _ => {}
                }
                c.phone = Sensitive::new(p);
            }
            Intent::CallSendPhone => {
                let digits = c.phone.expose().len();
                if c.phase == CallPhase::Phone && (7..=PHONE_MAX).contains(&digits) {
                    fx.push(Effect::CallCommand(CallCommand::CallBack {
                        phone: c.phone.expose().clone(),
                    }));
                }
            }
            Intent::CallExpand => {
                c.expanded = true;
            }
            Intent::CallShrink if c.live() => c.expanded = false,
            Intent::CallRate(level) => {
                if let (CallPhase::Ended { outcome }, 1..=5) = (&c.phase, *level) {
                    let answered = c.clerk.is_some() && *outcome != CallOutcome::CallBack;
                    if answered {
                        fx.push(Effect::Evaluate(Evaluation {
                            case_number: format!("VC-{}", c.id.clone().unwrap_or_default()),
                            item_code: self
                                .application
                                .as_ref()
                                .map(|a| a.item.code.clone())
                                .unwrap_or_else(|| "VIDEO".into()),
                            terminal_id: self.terminal_id.clone(),
                            level: *level,
                            reasons: Vec::new(),
                            comment: None,
                            channel: Channel::Screen,
                            follow_up: *level <= 2,
                        }));
                        self.figures.call_rating = Some(*level);
                    }
                    self.close_call(now);
                    self.notice = Some((Notice::CallRated, now));
                }
            }
            Intent::CallClose if !c.live() => self.close_call(now),
            _ => {}
        }
    }

    /// The call page goes; the resident is on the page they were on.
    fn close_call(&mut self, _now: Instant) {
        self.call = None;
    }

    /// After every input while talking: the form's changed fields go to the clerk.
    pub(super) fn sync_call_fields(&mut self, fx: &mut Vec<Effect>) {
        let (Some(c), Some(a)) = (self.call.as_mut(), self.application.as_ref()) else {
            return;
        };
        if !matches!(c.phase, CallPhase::Talking { .. }) {
            return;
        }
        for f in &a.fields {
            let value = f.value.expose();
            let key = format!("{}/{}", a.item.code, f.field.id);
            if c.sent.get(&key) != Some(value) {
                c.sent.insert(key, value.clone());
                fx.push(Effect::CallCommand(CallCommand::Field(FieldUpdate {
                    item_code: a.item.code.clone(),
                    field: f.field.id.clone(),
                    label: f.field.label.clone(),
                    value: value.clone(),
                })));
            }
        }
    }

    /// A photo the clerk asked for was taken: it goes to the clerk.
    pub(super) fn share_photo(&mut self, photo: &Photo, fx: &mut Vec<Effect>) {
        let Some(c) = self.call.as_mut() else {
            return;
        };
        if !matches!(c.phase, CallPhase::Talking { .. }) {
            return;
        }
        let name = c.asked.take().unwrap_or_else(|| "材料照片".into());
        fx.push(Effect::CallShare {
            name,
            jpeg: photo.jpeg.clone(),
        });
        c.expanded = true;
    }

    /// The session ends: a running call is hung up.
    pub(super) fn end_call(&mut self, fx: &mut Vec<Effect>) {
        if let Some(c) = self.call.take() {
            if c.live() {
                fx.push(Effect::CallCommand(CallCommand::Leave));
            }
        }
    }
}

/// 310101199001011234 → 310***********1234: enough for a clerk to match the card in the video.
pub fn mask_id(id: &str) -> String {
    let chars: Vec<char> = id.chars().collect();
    if chars.len() < 8 {
        return "*".repeat(chars.len());
    }
    let head: String = chars[..3].iter().collect();
    let tail: String = chars[chars.len() - 4..].iter().collect();
    format!("{head}{}{tail}", "*".repeat(chars.len() - 7))
}

#[cfg(test)]
mod tests {
    use super::*;
    use kiosk_drivers::sim::sample_cards;

    fn terminal(now: Instant) -> Terminal {
        Terminal::new(Setup::default(), now)
    }

    fn today() -> kiosk_drivers::Date {
        kiosk_drivers::Date::new(2026, 11, 28).unwrap()
    }

    fn item(code: &str) -> Box<kiosk_catalog::Item> {
        let c = kiosk_catalog::Catalog::bundled().unwrap();
        Box::new(c.get(code).unwrap().clone())
    }

    fn figures(fx: &[Effect]) -> Option<&SessionFigures> {
        fx.iter().find_map(|e| match e {
            Effect::Figures(f) => Some(&**f),
            _ => None,
        })
    }

    fn commands(fx: &[Effect]) -> Vec<CallCommand> {
        fx.iter()
            .filter_map(|e| match e {
                Effect::CallCommand(c) => Some(c.clone()),
                _ => None,
            })
            .collect()
    }

    #[test]
    fn nobody_answers_and_the_resident_leaves_a_number() {
        let t0 = Instant::now();
        let mut t = terminal(t0);
        let fx = t.intent(Intent::VideoCall, t0);
        assert!(fx
            .iter()
            .any(|e| matches!(e, Effect::SessionStarted { .. })));
        assert!(fx
            .iter()
            .any(|e| matches!(e, Effect::CallStart { resident: None, .. })));
        assert_eq!(t.screen, Screen::Home, "the call page is in front of home");
        t.call_event(
            CallEvent::Queued {
                call: "c1".into(),
                position: 2,
                expected_wait_secs: 70,
            },
            t0,
        );
        assert!(matches!(
            t.call.as_ref().unwrap().phase,
            CallPhase::Waiting { position: 2, .. }
        ));
        // Waiting is not idleness: no timeout however long the queue.
        assert!(t.tick(t0 + Duration::from_secs(3600)).is_empty());
        assert!(t.in_session());
        t.call_event(CallEvent::NoAnswer, t0);
        assert!(t.call.as_ref().unwrap().no_answer);
        t.intent(Intent::CallOfferPhone, t0);
        for k in ["1", "3", "9", "x", "12", "1"] {
            t.intent(Intent::CallPhoneKey(k.into()), t0);
        }
        assert_eq!(t.call.as_ref().unwrap().phone.expose(), "1391");
        assert!(
            commands(&t.intent(Intent::CallSendPhone, t0)).is_empty(),
            "too short"
        );
        for k in "2345678".chars() {
            t.intent(Intent::CallPhoneKey(k.to_string()), t0);
        }
        t.intent(Intent::CallPhoneKey("backspace".into()), t0);
        t.intent(Intent::CallPhoneKey("8".into()), t0);
        for _ in 0..10 {
            t.intent(Intent::CallPhoneKey("9".into()), t0);
        }
        assert_eq!(t.call.as_ref().unwrap().phone.expose().len(), PHONE_MAX);
        for _ in 0..4 {
            t.intent(Intent::CallPhoneKey("backspace".into()), t0);
        }
        let sent = commands(&t.intent(Intent::CallSendPhone, t0));
        assert_eq!(
            sent,
            vec![CallCommand::CallBack {
                phone: "13912345678".into()
            }]
        );
        // A queue update while typing does not take the pad away.
        t.call_event(
            CallEvent::Queued {
                call: "c1".into(),
                position: 1,
                expected_wait_secs: 30,
            },
            t0,
        );
        assert_eq!(t.call.as_ref().unwrap().phase, CallPhase::Phone);
        t.call_event(
            CallEvent::Ended {
                outcome: CallOutcome::CallBack,
                waited: Duration::from_secs(61),
                answered: None,
            },
            t0,
        );
        assert_eq!(t.notice.map(|n| n.0), Some(Notice::CallBackBooked));
        assert!(t.call.is_none(), "nothing to rate: no page to leave");
        // Nobody to rate: a rating is not taken.
        assert!(!t
            .intent(Intent::CallRate(5), t0)
            .iter()
            .any(|e| matches!(e, Effect::Evaluate(_))));
        assert!(t.call.is_none());
        let fx = t.intent(Intent::Back, t0);
        let figures = figures(&fx).expect("figures");
        assert_eq!(figures.call_outcome.as_deref(), Some("call-back"));
        assert_eq!(figures.call_wait_s, None);
    }

    #[test]
    fn a_clerk_pushes_a_form_sees_it_filled_asks_for_a_photo_and_is_rated() {
        let t0 = Instant::now();
        let mut t = terminal(t0);
        let card = sample_cards().remove(0).record;
        t.device(DeviceEvent::CardInserted(Box::new(card)), t0, today());
        let fx = t.intent(Intent::VideoCall, t0);
        let resident = fx
            .iter()
            .find_map(|e| match e {
                Effect::CallStart { resident, .. } => resident.clone(),
                _ => None,
            })
            .expect("the clerk sees who calls");
        assert!(
            resident.id_masked.contains("***********"),
            "{}",
            resident.id_masked
        );
        assert_eq!(resident.id_masked.chars().count(), 18);
        let t1 = t0 + Duration::from_secs(20);
        t.call_event(
            CallEvent::Taken {
                clerk: "王丽".into(),
            },
            t1,
        );
        t.call_event(CallEvent::Connected, t1);
        assert_eq!(
            t.call.as_ref().unwrap().phase,
            CallPhase::Talking { connected: true }
        );
        // The clerk pushes a form: the kiosk opens it; the call shrinks to the strip.
        t.call_event(
            CallEvent::PushForm {
                item_code: "MZ-001".into(),
            },
            t1,
        );
        let fx = t.intent(Intent::OpenItem(item("MZ-001")), t1);
        assert!(!t.call.as_ref().unwrap().expanded);
        assert_eq!(t.screen, Screen::Apply);
        let first: Vec<_> = commands(&fx);
        assert!(
            first
                .iter()
                .all(|c| matches!(c, CallCommand::Field(u) if u.item_code == "MZ-001")),
            "{first:?}"
        );
        let phone = t
            .application
            .as_ref()
            .unwrap()
            .fields
            .iter()
            .position(|f| f.field.id == "phone")
            .expect("a phone field");
        t.intent(Intent::FocusField(phone), t1);
        let fx = t.intent(
            Intent::FieldKey {
                key: "1".into(),
                first: None,
            },
            t1,
        );
        let sent = commands(&fx);
        assert_eq!(sent.len(), 1, "only the field that changed: {sent:?}");
        assert!(matches!(&sent[0], CallCommand::Field(u) if u.field == "phone"));
        assert!(
            commands(&t.intent(Intent::Activity, t1)).is_empty(),
            "nothing changed"
        );
        // A photo the clerk asks for: the document camera opens; the photo goes to the clerk.
        t.call_event(
            CallEvent::Capture {
                what: "户口簿首页".into(),
            },
            t1,
        );
        assert_eq!(t.screen, Screen::Capture);
        t.intent(Intent::TakePhoto, t1);
        t.photo_taken(Ok(Photo::new(vec![0xFF, 0xD8, 1], vec![0; 12], 2, 2)), t1);
        let fx = t.intent(Intent::UsePhoto, t1);
        assert!(fx
            .iter()
            .any(|e| matches!(e, Effect::CallShare { name, .. } if name == "户口簿首页")));
        assert_eq!(t.screen, Screen::Apply, "back to the form");
        assert!(
            t.call.as_ref().unwrap().expanded,
            "and the clerk in front again"
        );
        // The clerk ends it; one touch rates it.
        let t2 = t1 + Duration::from_secs(300);
        t.call_event(
            CallEvent::Ended {
                outcome: CallOutcome::Done,
                waited: Duration::from_secs(20),
                answered: Some(Duration::from_secs(300)),
            },
            t2,
        );
        t.call_event(
            CallEvent::Queued {
                call: "ignored".into(),
                position: 1,
                expected_wait_secs: 1,
            },
            t2,
        );
        assert!(matches!(
            t.call.as_ref().unwrap().phase,
            CallPhase::Ended { .. }
        ));
        let fx = t.intent(Intent::CallRate(5), t2);
        let e = fx
            .iter()
            .find_map(|e| match e {
                Effect::Evaluate(e) => Some(e),
                _ => None,
            })
            .expect("the rating");
        assert_eq!((e.level, e.item_code.as_str()), (5, "MZ-001"));
        assert!(e.case_number.starts_with("VC-"));
        assert!(t.call.is_none());
        assert_eq!(t.screen, Screen::Apply, "the form is still there");
        let fx = t.device(DeviceEvent::CardRemoved, t2, today());
        let figures = figures(&fx).expect("figures");
        assert_eq!(figures.call_wait_s, Some(20.0));
        assert_eq!(figures.call_s, Some(300.0));
        assert_eq!(figures.call_outcome.as_deref(), Some("done"));
        assert_eq!(figures.call_rating, Some(5));
    }

    #[test]
    fn taking_the_card_hangs_up() {
        let t0 = Instant::now();
        let mut t = terminal(t0);
        t.device(
            DeviceEvent::CardInserted(Box::new(sample_cards().remove(0).record)),
            t0,
            today(),
        );
        t.intent(Intent::VideoCall, t0);
        t.call_event(
            CallEvent::Taken {
                clerk: "王丽".into(),
            },
            t0,
        );
        let fx = t.device(DeviceEvent::CardRemoved, t0, today());
        assert_eq!(commands(&fx), vec![CallCommand::Leave]);
        assert!(t.call.is_none() && t.resident.is_none());
        assert_eq!(
            figures(&fx).and_then(|f| f.call_outcome.clone()).as_deref(),
            Some("resident-left")
        );
    }

    #[test]
    fn hanging_up_in_the_queue_costs_no_more_touches() {
        let t0 = Instant::now();
        let mut t = terminal(t0);
        t.intent(Intent::Start, t0);
        t.intent(Intent::VideoCall, t0);
        let fx = t.intent(Intent::CallHangUp, t0);
        assert_eq!(commands(&fx), vec![CallCommand::Leave]);
        assert!(t.call.is_none());
        assert_eq!(t.screen, Screen::Home);
        // The call's own end arrives later and changes nothing.
        t.call_event(
            CallEvent::Ended {
                outcome: CallOutcome::ResidentLeft,
                waited: Duration::from_secs(5),
                answered: None,
            },
            t0,
        );
        assert!(t.call.is_none() && t.notice.is_none());
    }

    #[test]
    fn ids_are_masked_for_the_clerk() {
        assert_eq!(mask_id("310101199001011234"), "310***********1234");
        assert_eq!(mask_id("1234"), "****");
    }
}
