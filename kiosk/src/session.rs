//! The terminal's state machine: device events, a person's intents and clock ticks in; state and effects out.
//! No I/O and no clock of its own (the caller passes `now`), so all of it is tested without a screen.
//!
//! Attract → home → category or search → item: identify → form → materials → commitment and signature →
//! review → submit → print and rate → end. Every step times out with a warning and a one-tap extension; the end
//! wipes personal data. The application under way is `application::Application`; replies of the platform and
//! the printers come back through `prefill_arrived`, `submitted` and `printed`.

use crate::application::{
    Application, Attached, CardData, PrefillState, PrintState, Step, Submission,
    BAD_RATING_REASONS, NOT_DONE_REASONS,
};
use crate::config::{Config, Language};
use crate::platform::PlatformError;
use kiosk_api::{
    CaseReply, CaseRequest, Channel, Evaluation, HelpReply, HelpRequest, IdentityReply,
    IdentityRequest, NotDoneReport, Outcome, PrefillReply, PrefillRequest, SessionFigures,
};
use kiosk_drivers::{
    CardProblem, DeviceClass, DeviceEvent, DeviceId, Health, IdCardRecord, KeypadKey, PaperState,
    ScanKind, Sensitive,
};
use std::collections::BTreeMap;
use std::time::{Duration, Instant};

mod video_call;
pub use video_call::{mask_id, CallPhase, CallState, PHONE_MAX};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Screen {
    Attract,
    Home,
    Category(&'static str),
    /// Photographing a material under the document camera (live preview, then the straightened page).
    Capture,
    /// An item under way: `Terminal::application`'s step says which page.
    Apply,
    /// 办不成事: the resident says what stopped them.
    NotDone,
}

/// Where the resident is in photographing a material.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CaptureStep {
    /// The live preview; the resident lays the page down and touches 拍照.
    Aiming,
    /// The still is being taken and straightened.
    Taking,
    /// The straightened page is shown: use it or take it again.
    Review,
    /// Nothing usable was taken; the reason is for the log, the resident is asked to try again.
    Failed(String),
}

/// A photographed material: the JPEG that is handed in, and a small view of it for the screen. Both are the
/// resident's documents: wiped when the session ends.
pub struct Photo {
    /// Unique in this process: the view is handed to the screen once per photo, not at every redraw.
    pub id: u64,
    pub jpeg: Sensitive<Vec<u8>>,
    pub view: Sensitive<Vec<u8>>,
    pub view_width: u32,
    pub view_height: u32,
}

impl Photo {
    pub fn new(jpeg: Vec<u8>, view: Vec<u8>, view_width: u32, view_height: u32) -> Self {
        static NEXT: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(1);
        Self {
            id: NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed),
            jpeg: jpeg.into(),
            view: view.into(),
            view_width,
            view_height,
        }
    }
}

impl std::fmt::Debug for Photo {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Photo({} bytes JPEG)", self.jpeg.expose().len())
    }
}

/// What the terminal says to the resident in a banner; the presenter words it in the current language.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Notice {
    /// A 随申码 can only be checked by the platform, which did not answer.
    SuiShenMaNeedsPlatform,
    /// The platform is checking a 随申码.
    SuiShenMaChecking,
    /// The platform does not know the code (expired, not a 随申码).
    SuiShenMaRefused,
    /// The item needs the ID card itself; a 随申码 is not enough.
    ItemNeedsCard,
    UnknownCode,
    HelpNotConnected,
    VideoNotConnected,
    CardExpired,
    /// A card the reader read but this terminal cannot use (a card type not supported yet).
    CardUnsupported,
    /// The reader could not read the card after several tries.
    CardReadFailed,
    SessionEndedTimeout,
    /// Help was called and the platform passed it on to staff.
    HelpComing,
    HelpCalling,
    /// The previous resident's session is over: their card and papers are to be taken.
    ThankYou,
    /// 办不成事 reached the platform; someone follows up.
    NotDoneSent,
    /// 办不成事 could not be sent: the resident is pointed at the counter.
    NotDoneFailed,
    /// Nobody answered the video call; the number was left and a clerk calls back.
    CallBackBooked,
    /// The document the clerk sent was printed.
    CallPrinted,
    CallPrintFailed,
    /// The video call was rated.
    CallRated,
}

impl Notice {
    pub fn is_error(self) -> bool {
        matches!(
            self,
            Notice::CardExpired
                | Notice::CardUnsupported
                | Notice::CardReadFailed
                | Notice::HelpNotConnected
                | Notice::VideoNotConnected
                | Notice::NotDoneFailed
                | Notice::CallPrintFailed
                | Notice::SuiShenMaRefused
                | Notice::SuiShenMaNeedsPlatform
        )
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EndReason {
    CardRemoved,
    Timeout,
    Home,
    NewCard,
    Maintenance,
    /// The resident finished: submitted and rated, or reported 办不成事.
    Finished,
}

/// What the printers are asked to print for a case: the receipt, and the document of a print item.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Printout {
    /// The application's idempotency key: a late answer for another case is ignored.
    pub key: String,
    pub receipt: Option<kiosk_drivers::printer::protocol::Receipt>,
    pub document: Option<kiosk_api::IssuedDocument>,
}

/// Which printer answers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Printer {
    Receipt,
    A4,
}

/// A submission for the platform: the case, and what the application PDF is made of (rendered by the caller,
/// with the signature's strokes drawn in).
#[derive(Debug, Clone, PartialEq)]
pub struct Submit {
    /// The case; its materials are named by hash, their bytes are in `uploads`.
    pub request: CaseRequest,
    pub uploads: Vec<kiosk_api::Upload>,
    pub strokes: Vec<Vec<(f32, f32)>>,
}

/// What the outside world must do after an input.
#[derive(Debug, Clone, PartialEq)]
pub enum Effect {
    SessionStarted {
        identified: bool,
    },
    SessionEnded(EndReason),
    /// The UI's language changed: switch the bundled translation.
    Language(Language),
    HelpRequested,
    /// 视频办: start the remote virtual window's call (its events come back through `call_event`).
    CallStart {
        resident: Option<kiosk_api::call::CallResident>,
        item_code: Option<String>,
        elder: bool,
        language: Language,
    },
    /// Tell the running call (fields for the clerk, a call-back number, hanging up).
    CallCommand(kiosk_call::CallCommand),
    /// Upload a photo the clerk asked for and show it to the clerk.
    CallShare {
        name: String,
        jpeg: Sensitive<Vec<u8>>,
    },
    /// Take a still with the document camera; the answer comes back through `photo_taken`.
    TakeStill,
    /// Ask the platform whose 随申码 this is; the answer comes back through `identity_verified`.
    VerifyCode(IdentityRequest),
    /// Ask the platform what it holds for the form; the answer comes back through `prefill_arrived`.
    FetchPrefill(PrefillRequest),
    /// Send the case; the answer comes back through `submitted`.
    Submit(Box<Submit>),
    /// Print; each printer answers through `printed`.
    Print(Box<Printout>),
    Evaluate(Evaluation),
    /// Call a person (the answer comes back through `help_answered`).
    Help(HelpRequest),
    ReportNotDone(NotDoneReport),
    /// The figures of a session that ended, for delivery.
    Figures(Box<SessionFigures>),
    /// A device changed health: for the fleet view (the caller stamps the time).
    Telemetry(kiosk_api::DeviceReport),
    /// A line of the technicians' audit trail (the caller stamps the time and delivers it).
    Audit {
        technician: String,
        action: String,
    },
    /// Something the maintenance menu asks of the devices, the outbox or the system.
    Maintenance(crate::maintenance::Command),
}

/// A person's intents, from the touch screen (and later the keypad).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Intent {
    /// A touch in the maintenance menu (only while the cabinet door is open).
    Maintenance(crate::maintenance::MaintIntent),
    Start,
    Home,
    Back,
    ToggleElder,
    ToggleLanguage,
    CallHelp,
    /// 视频办: join the queue, or bring the running call to the front.
    VideoCall,
    CallHangUp,
    CallKeepWaiting,
    /// Nobody answered: leave a number to be called back.
    CallOfferPhone,
    /// A key of the call-back number pad: a digit, `backspace` or `clear`.
    CallPhoneKey(String),
    CallSendPhone,
    /// The call page to the front, or back to the corner.
    CallExpand,
    CallShrink,
    /// 好差评 of the call, 1..=5.
    CallRate(u8),
    /// Leave the ended call's page without rating.
    CallClose,
    Category(String),
    Search(String),
    /// A key of the on-screen search keyboard: a letter or digit, `backspace` or `clear`.
    SearchKey(String),
    ShowKeyboard(bool),
    DismissNotice,
    Extend,
    AnswerElderProposal(bool),
    Activity,
    /// Photograph a material with the document camera (the materials step of a form opens this).
    OpenCapture,
    TakePhoto,
    Retake,
    UsePhoto,
    /// Open a service item (from search or a category page); the caller looks it up in the catalogue.
    OpenItem(Box<kiosk_catalog::Item>),
    FocusField(usize),
    /// A key of the field keyboard (see `Application::key`); `first` is the first candidate, for `space`.
    FieldKey {
        key: String,
        first: Option<(String, usize)>,
    },
    /// A candidate of the pinyin bar: its text and how many letters it spells.
    PickCandidate {
        text: String,
        consumed: usize,
    },
    Choose {
        field: usize,
        choice: usize,
    },
    /// The primary button of the step (下一步, 提交, 打印).
    Next,
    /// Photograph material `n` of the item.
    Photograph(usize),
    ToggleCommitmentRead,
    /// A point of the signature in thousandths of the pad's width, on both axes; `new_stroke` on touch down.
    SignPoint {
        x: i32,
        y: i32,
        new_stroke: bool,
    },
    ClearSignature,
    RetrySubmit,
    /// A rating, 1..=5 stars, from the screen.
    Rate(u8),
    ToggleReason(usize),
    SendRating,
    /// Leave a finished case without rating.
    Finish,
    OpenNotDone,
    NotDoneReason(usize),
    SendNotDone,
}

/// The identified resident: only what the screens need, and all of it wiped when the session ends.
#[derive(Debug)]
pub struct Resident {
    pub name: Sensitive<String>,
    pub age: u16,
    /// What the card gives forms (or the platform, for a 随申码).
    pub card: CardData,
    /// Identified by the ID card in the reader (not by 随申码).
    pub by_card: bool,
}

#[derive(Debug, Clone)]
pub struct DeviceState {
    pub class: DeviceClass,
    pub health: Health,
    pub paper: PaperState,
    /// When `health` last changed.
    pub since: Instant,
    /// The reason of the last time it was down, kept after it recovers (for technicians).
    pub last_error: Option<String>,
}

/// One line of the terminal's health view (maintenance menu, telemetry).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HealthLine {
    pub id: DeviceId,
    pub class: DeviceClass,
    /// `ok`, `simulated`, `degraded: …` or `down: …`.
    pub state: String,
    /// How long it has been in this state.
    pub for_: Duration,
    pub last_error: Option<String>,
}

#[derive(Debug, Clone, Copy)]
pub struct Settings {
    pub inactivity_timeout: Duration,
    pub warning: Duration,
    pub elder_age: u16,
    pub elder_default: bool,
    pub high_contrast: bool,
    pub language: Language,
}

impl Settings {
    pub fn from_config(c: &Config) -> Self {
        Settings {
            inactivity_timeout: Duration::from_secs(c.session.inactivity_timeout_s.0.into()),
            warning: Duration::from_secs(c.session.warning_s.0.into()),
            elder_age: c.session.elder_age.0 as u16,
            elder_default: c.ui.elder_mode,
            high_contrast: c.ui.high_contrast,
            language: c.terminal.language,
        }
    }
}

pub struct Terminal {
    pub settings: Settings,
    pub screen: Screen,
    pub resident: Option<Resident>,
    pub elder: bool,
    pub language: Language,
    pub elder_proposal: bool,
    pub notice: Option<(Notice, Instant)>,
    pub out_of_service: bool,
    pub search: String,
    /// The on-screen keyboard of the search shows.
    pub keyboard: bool,
    pub devices: BTreeMap<DeviceId, DeviceState>,
    pub presence: bool,
    /// The configuration or profile had problems: residents are told that some things may not work.
    pub config_faulty: bool,
    last_activity: Instant,
    /// Seconds left when the timeout warning shows, else `None`.
    pub warning_left: Option<u64>,
    pub capture: CaptureStep,
    /// The photo being reviewed.
    pub pending_photo: Option<Photo>,
    /// Materials photographed in this session.
    pub materials: Vec<Photo>,
    /// The screen to go back to from the capture screen.
    capture_return: Screen,
    /// The item under way.
    pub application: Option<Application>,
    /// An item chosen before identifying: opened when the card is read.
    pending_item: Option<Box<kiosk_catalog::Item>>,
    /// This terminal's id, for the platform.
    pub terminal_id: String,
    /// The reason chosen on the 办不成事 page.
    pub not_done_reason: Option<usize>,
    /// The remote virtual window's call, while there is one.
    pub call: Option<CallState>,
    /// The technicians' menu, open while the cabinet door is.
    pub maintenance: crate::maintenance::Maintenance,
    figures: FigureClock,
}

/// Times and counts of one session for its figures (operations-kpis.md).
#[derive(Default)]
struct FigureClock {
    started: Option<Instant>,
    step: Option<(&'static str, Instant)>,
    steps: Vec<(String, f64)>,
    application_started: Option<Instant>,
    application_s: Option<f64>,
    help_at: Option<Instant>,
    help_response_s: Option<f64>,
    help_used: bool,
    extensions: u32,
    identified: bool,
    item: Option<String>,
    submitted: bool,
    not_done: bool,
    rating: Option<u8>,
    fields: (u32, u32, u32, u32),
    call_joined: Option<Instant>,
    call_answered: Option<Instant>,
    call_s: Option<f64>,
    call_outcome: Option<String>,
    call_rating: Option<u8>,
}

/// The longest search text (a stuck key must not grow it without end).
pub const SEARCH_MAX: usize = 64;

/// How long a banner stays unless the resident closes it.
pub const NOTICE_DURATION: Duration = Duration::from_secs(10);

impl FigureClock {
    /// The case is in: taken by the platform, or kept on the terminal for it.
    fn case_in(&mut self, now: Instant) {
        self.submitted = true;
        if let Some(t0) = self.application_started {
            self.application_s = Some(now.duration_since(t0).as_secs_f64());
        }
    }
}

impl Terminal {
    pub fn new(settings: Settings, now: Instant) -> Self {
        Terminal {
            settings,
            screen: Screen::Attract,
            resident: None,
            elder: settings.elder_default,
            language: settings.language,
            elder_proposal: false,
            notice: None,
            out_of_service: false,
            search: String::new(),
            keyboard: false,
            devices: BTreeMap::new(),
            presence: false,
            config_faulty: false,
            last_activity: now,
            warning_left: None,
            capture: CaptureStep::Aiming,
            pending_photo: None,
            materials: Vec::new(),
            capture_return: Screen::Home,
            application: None,
            pending_item: None,
            terminal_id: String::new(),
            not_done_reason: None,
            call: None,
            figures: FigureClock::default(),
            maintenance: crate::maintenance::Maintenance::default(),
        }
    }

    /// What the maintenance menu asks turned into effects.
    fn maintenance_fx(out: Vec<crate::maintenance::Out>, fx: &mut Vec<Effect>) {
        use crate::maintenance::Out;
        for o in out {
            fx.push(match o {
                Out::Audit { technician, action } => Effect::Audit { technician, action },
                Out::Command(c) => Effect::Maintenance(c),
            });
        }
    }

    /// The answer of a test's device.
    pub fn test_done(
        &mut self,
        test: crate::maintenance::Test,
        result: Result<String, String>,
    ) -> Vec<Effect> {
        let mut fx = vec![];
        Self::maintenance_fx(self.maintenance.test_done(test, result), &mut fx);
        fx
    }

    pub fn add_device(&mut self, id: DeviceId, class: DeviceClass, health: Health, now: Instant) {
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

    pub fn device(
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

    pub fn intent(&mut self, intent: Intent, now: Instant) -> Vec<Effect> {
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
            Intent::Home => {
                self.search.clear();
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
                if let Some(c) = crate::catalog::find(&id) {
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
            Intent::Photograph(n) => {
                let ok = self.screen == Screen::Apply
                    && self.application.as_ref().is_some_and(|a| {
                        a.step == Step::Materials
                            && a.item.materials.get(n).is_some_and(|m| !m.held)
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
    fn form(&mut self) -> Option<&mut Application> {
        self.at_step(Step::Form)
    }

    /// The application, while a page that takes typing shows: the form, or the case page (the comment of a
    /// bad rating).
    fn typing(&mut self) -> Option<&mut Application> {
        if self.screen != Screen::Apply {
            return None;
        }
        self.application
            .as_mut()
            .filter(|a| a.step == Step::Form || (a.step == Step::Done && !a.rating_sent))
    }

    fn at_step(&mut self, step: Step) -> Option<&mut Application> {
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

    fn open_item(&mut self, item: Box<kiosk_catalog::Item>, fx: &mut Vec<Effect>) {
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
        let card = self.resident.as_ref().map(|r| &r.card);
        let a = Application::new(*item, card, self.next_key());
        if a.prefill == PrefillState::Waiting {
            if let Some(card) = card {
                fx.push(Effect::FetchPrefill(PrefillRequest {
                    item_code: a.item.code.clone(),
                    applicant: card.applicant(),
                    sources: a.remote_sources(),
                }));
            }
        }
        self.application = Some(a);
    }

    /// The card was read for a resident known by 随申码: an item that waited for the card opens.
    fn reopen_for_card(&mut self, fx: &mut Vec<Effect>) {
        let waiting = self
            .application
            .as_ref()
            .is_some_and(|a| a.step == Step::Identify);
        if waiting {
            self.open_pending(fx);
        }
    }

    /// A card was read while an item waited for it.
    fn open_pending(&mut self, fx: &mut Vec<Effect>) {
        if self.resident.is_none() {
            return;
        }
        if let Some(item) = self.pending_item.take() {
            self.open_item(item, fx);
        }
    }

    fn leave_item(&mut self) {
        self.application = None;
        self.pending_item = None;
    }

    /// A unique key per application (the platform takes each case once per key).
    fn next_key(&self) -> String {
        static N: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
        let n = N.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_nanos())
            .unwrap_or(0);
        format!("{}-{nanos:x}-{n}", self.terminal_id)
    }

    fn next(&mut self, fx: &mut Vec<Effect>) {
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
                a.check_all() && a.prefill != PrefillState::Waiting && printer_ok
            }
            Step::Materials => a.missing_materials().is_empty(),
            Step::Sign => a.commitment_read && a.signed(),
            Step::Review => true,
            Step::Done => {
                self.end(EndReason::Finished, fx);
                return;
            }
        };
        if go {
            let next = a.next_after(a.step);
            a.step = next;
            if next == Step::Submitting {
                self.submit(fx);
            }
        }
    }

    fn submit(&mut self, fx: &mut Vec<Effect>) {
        let applicant = self.resident.as_ref().map(|r| r.card.applicant());
        let Some(a) = self.application.as_mut() else {
            return;
        };
        a.step = Step::Submitting;
        a.submission = Submission::Waiting;
        let f = &mut self.figures;
        f.fields = (
            a.fields.len() as u32,
            a.fields.iter().filter(|x| x.prefilled).count() as u32,
            a.fields.iter().filter(|x| x.prefilled_unchanged).count() as u32,
            a.fields.iter().map(|x| x.corrections).sum(),
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
                materials: uploads.iter().map(|u| u.reference()).collect(),
                commitment: a.item.commitment.clone(),
                application_pdf: None,
                // The caller stamps the time (no clock in here).
                submitted_at: String::new(),
            },
            uploads,
            strokes: a.strokes.clone(),
        })));
    }

    fn rate(&mut self, stars: u8, channel: Channel, now: Instant, fx: &mut Vec<Effect>) {
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

    fn send_rating(&mut self, stars: u8, channel: Channel, fx: &mut Vec<Effect>) {
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

    /// Ends whatever session is under way, as the home button on the first page does (for tools that show
    /// one page after another).
    pub fn end_session(&mut self) -> Vec<Effect> {
        let mut fx = Vec::new();
        if self.in_session() {
            self.end(EndReason::Home, &mut fx);
        }
        self.notice = None;
        fx
    }

    /// The platform's answer to `Effect::VerifyCode`.
    pub fn identity_verified(
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
                self.open_pending(&mut fx);
            }
        }
        self.after(now);
        fx
    }

    /// The platform's answer to `Effect::FetchPrefill`.
    pub fn prefill_arrived(
        &mut self,
        item_code: &str,
        reply: Result<PrefillReply, PlatformError>,
        now: Instant,
    ) {
        if let Some(a) = self.application.as_mut() {
            if a.item.code == item_code && a.prefill == PrefillState::Waiting {
                match reply {
                    Ok(r) => a.apply_prefill(&r.values),
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
    pub fn submitted(
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
                let receipt = (a.item.kind != kiosk_catalog::Kind::Print)
                    .then(|| receipt(&a.item, &reply.case_number, wall, Some(&reply.follow_url)));
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
            }
        }
        self.after(now);
        fx
    }

    /// Whether `key` is the application waiting for the platform's answer (a late or stale answer is not).
    fn waiting_for(&self, key: &str) -> bool {
        self.application
            .as_ref()
            .is_some_and(|a| a.idempotency_key == key && a.submission == Submission::Waiting)
    }

    /// The platform could not be reached and the case is committed in the terminal's outbox (the caller did
    /// that before calling): the resident gets a provisional number on screen and on the receipt.
    pub fn queued(
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
                receipt: Some(receipt(&a.item, provisional, wall, None)),
                document: None,
            })));
        }
        self.after(now);
        fx
    }

    /// The outbox delivered a queued case: the screen shows the platform's number if it still shows the case.
    pub fn case_delivered(&mut self, key: &str, reply: CaseReply) {
        if let Some(a) = self.application.as_mut().filter(|a| {
            a.idempotency_key == key && matches!(a.submission, Submission::Queued { .. })
        }) {
            a.submission = Submission::Accepted(reply);
        }
    }

    /// A printer's answer to `Effect::Print`.
    pub fn printed(&mut self, key: &str, printer: Printer, result: Result<(), String>) {
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
    pub fn help_answered(&mut self, reply: Result<HelpReply, PlatformError>, now: Instant) {
        self.notice = Some((
            match reply {
                Ok(_) => Notice::HelpComing,
                Err(_) => Notice::HelpNotConnected,
            },
            now,
        ));
    }

    /// The platform's answer to `Effect::ReportNotDone`.
    pub fn not_done_answered<T>(&mut self, reply: Result<T, PlatformError>, now: Instant) {
        self.notice = Some((
            match reply {
                Ok(_) => Notice::NotDoneSent,
                Err(_) => Notice::NotDoneFailed,
            },
            now,
        ));
    }

    /// The step a session is in, for figures and reports.
    pub fn step_name(&self) -> Option<&'static str> {
        match self.screen {
            Screen::Attract => None,
            Screen::Home => Some("home"),
            Screen::Category(_) => Some("category"),
            Screen::Capture => Some("capture"),
            Screen::NotDone => Some("not-done"),
            Screen::Apply => self.application.as_ref().map(|a| a.step.name()),
        }
    }

    /// Bookkeeping after every input: the time of each step.
    fn after(&mut self, now: Instant) {
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
    pub fn photo_taken(&mut self, photo: Result<Photo, String>, now: Instant) {
        if self.screen != Screen::Capture || self.capture != CaptureStep::Taking {
            return;
        }
        self.touch(now);
        match photo {
            Ok(p) => {
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
    pub fn tick(&mut self, now: Instant) -> Vec<Effect> {
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

    fn touch(&mut self, now: Instant) {
        self.last_activity = now;
        self.warning_left = None;
    }

    fn identify(
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
    }

    /// Ends the session: personal data dropped (and zeroed by `Sensitive`), every personal choice back to the
    /// terminal's defaults, the attract screen.
    fn end(&mut self, reason: EndReason, fx: &mut Vec<Effect>) {
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
        self.keyboard = false;
        self.pending_photo = None;
        self.materials.clear();
        self.capture = CaptureStep::Aiming;
        self.search.clear();
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
    fn session_figures(&mut self, reason: EndReason, now: Instant) -> Option<SessionFigures> {
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
fn receipt(
    item: &kiosk_catalog::Item,
    number: &str,
    wall: &str,
    follow_url: Option<&str>,
) -> kiosk_drivers::printer::protocol::Receipt {
    use kiosk_drivers::printer::protocol::Receipt;
    let r = Receipt::new()
        .title("受理回执")
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
        .row("受理部门", item.department.as_str())
        .separator();
    match follow_url {
        Some(url) => r.text("扫码查看办理进度").qr(url).feed(3),
        None => r
            .text("网络暂时中断：申请已保存在本机，恢复后自动提交。")
            .text("可凭暂存编号在服务点查询。")
            .feed(3),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use kiosk_drivers::PaperState;
    use kiosk_drivers::{sim::sample_cards, Date, ScanPayload};

    fn today() -> Date {
        Date::new(2026, 11, 28).unwrap()
    }

    fn terminal(now: Instant) -> Terminal {
        Terminal::new(Settings::from_config(&Config::default()), now)
    }

    fn card(i: usize) -> DeviceEvent {
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
    fn plain(fx: Vec<Effect>) -> Vec<Effect> {
        fx.into_iter()
            .filter(|e| !matches!(e, Effect::Figures(_)))
            .collect()
    }

    fn photo() -> Photo {
        Photo::new(vec![0xFF, 0xD8], vec![0; 12], 2, 2)
    }

    #[test]
    fn the_search_keyboard_types_deletes_clears_and_is_bounded() {
        let t0 = Instant::now();
        let mut t = terminal(t0);
        // Typing on the attract screen starts a session on the home screen.
        assert_eq!(
            t.intent(Intent::SearchKey("s".into()), t0),
            [Effect::SessionStarted { identified: false }]
        );
        assert_eq!(t.screen, Screen::Home);
        t.intent(Intent::ShowKeyboard(true), t0);
        for k in ["b", "j", "f"] {
            t.intent(Intent::SearchKey(k.into()), t0);
        }
        assert_eq!(t.search, "sbjf");
        t.intent(Intent::SearchKey("backspace".into()), t0);
        assert_eq!(t.search, "sbj");
        // Unknown keys are ignored, not typed.
        t.intent(Intent::SearchKey("enter".into()), t0);
        assert_eq!(t.search, "sbj");
        t.intent(Intent::SearchKey("clear".into()), t0);
        assert_eq!(t.search, "");
        for _ in 0..100 {
            t.intent(Intent::SearchKey("a".into()), t0);
        }
        assert_eq!(t.search.chars().count(), SEARCH_MAX);
        t.intent(Intent::Category("tax".into()), t0);
        assert!(!t.keyboard, "leaving home hides the keyboard");
    }

    #[test]
    fn photographing_a_material_asks_for_one_still_and_keeps_the_photo_for_the_session() {
        let t0 = Instant::now();
        let mut t = terminal(t0);
        t.device(card(1), t0, today());
        t.intent(Intent::OpenCapture, t0);
        assert_eq!(t.screen, Screen::Capture);
        assert_eq!(t.intent(Intent::TakePhoto, t0), [Effect::TakeStill]);
        // A second touch while the still is being taken asks for nothing more.
        assert!(t.intent(Intent::TakePhoto, t0).is_empty());
        t.photo_taken(Err("no page found on the pad".into()), t0);
        assert!(matches!(t.capture, CaptureStep::Failed(_)));
        assert_eq!(t.intent(Intent::TakePhoto, t0), [Effect::TakeStill]);
        t.photo_taken(Ok(photo()), t0);
        assert_eq!(t.capture, CaptureStep::Review);
        t.intent(Intent::Retake, t0);
        assert!(t.pending_photo.is_none());
        t.intent(Intent::TakePhoto, t0);
        t.photo_taken(Ok(photo()), t0);
        t.intent(Intent::UsePhoto, t0);
        assert_eq!((t.screen, t.materials.len()), (Screen::Home, 1));
        // Leaving while a still is under way: the late photo is dropped.
        t.intent(Intent::OpenCapture, t0);
        t.intent(Intent::TakePhoto, t0);
        t.intent(Intent::Back, t0);
        t.photo_taken(Ok(photo()), t0);
        assert!(t.pending_photo.is_none());
        t.device(DeviceEvent::CardRemoved, t0, today());
        assert!(t.materials.is_empty());
    }

    #[test]
    fn a_card_on_the_attract_screen_greets_and_proposes_elder_mode_to_a_senior() {
        let t0 = Instant::now();
        let mut t = terminal(t0);
        let fx = t.device(card(0), t0, today());
        assert_eq!(fx, [Effect::SessionStarted { identified: true }]);
        assert_eq!(t.screen, Screen::Home);
        assert_eq!(t.resident.as_ref().unwrap().name.expose(), "张建国");
        assert!(t.elder_proposal);
        t.intent(Intent::AnswerElderProposal(true), t0);
        assert!(t.elder && !t.elder_proposal);
    }

    #[test]
    fn a_younger_resident_is_not_asked_about_elder_mode() {
        let t0 = Instant::now();
        let mut t = terminal(t0);
        t.device(card(2), t0, today());
        assert!(!t.elder_proposal);
    }

    #[test]
    fn an_expired_card_is_refused_with_a_reason() {
        let t0 = Instant::now();
        let mut t = terminal(t0);
        let fx = t.device(card(4), t0, today());
        assert!(fx.is_empty());
        assert!(t.resident.is_none());
        assert_eq!(t.notice.map(|n| n.0), Some(Notice::CardExpired));
    }

    #[test]
    fn removing_the_card_ends_the_session_and_restores_defaults() {
        let t0 = Instant::now();
        let mut t = terminal(t0);
        t.device(card(0), t0, today());
        t.intent(Intent::ToggleElder, t0);
        let fx = t.intent(Intent::ToggleLanguage, t0);
        assert_eq!(fx, [Effect::Language(Language::En)]);
        let fx = plain(t.device(DeviceEvent::CardRemoved, t0, today()));
        assert_eq!(
            fx,
            [
                Effect::Language(Language::Zh),
                Effect::SessionEnded(EndReason::CardRemoved)
            ]
        );
        assert!(t.resident.is_none());
        assert_eq!(t.screen, Screen::Attract);
        assert!(!t.elder);
    }

    #[test]
    fn inactivity_warns_then_ends_and_one_tap_extends() {
        let t0 = Instant::now();
        let mut t = terminal(t0);
        t.device(card(2), t0, today());
        assert!(t.tick(t0 + Duration::from_secs(80)).is_empty());
        assert_eq!(t.warning_left, None);
        t.tick(t0 + Duration::from_secs(95));
        assert_eq!(t.warning_left, Some(25));
        // Ten extensions in a row all work (WCAG 2.2.1 asks for at least ten).
        let mut now = t0 + Duration::from_secs(95);
        for _ in 0..10 {
            t.intent(Intent::Extend, now);
            assert_eq!(t.warning_left, None);
            now += Duration::from_secs(95);
            t.tick(now);
            assert!(t.warning_left.is_some());
        }
        let fx = t.tick(now + Duration::from_secs(30));
        match &fx[..] {
            [Effect::Figures(f), Effect::SessionEnded(EndReason::Timeout)] => {
                assert_eq!((f.outcome, f.timeout_extensions), (Outcome::TimedOut, 10));
            }
            other => panic!("{other:?}"),
        }
        assert!(t.resident.is_none());
        assert_eq!(t.notice.map(|n| n.0), Some(Notice::SessionEndedTimeout));
    }

    #[test]
    fn walking_away_brings_the_warning_at_once() {
        let t0 = Instant::now();
        let mut t = terminal(t0);
        t.device(card(1), t0, today());
        t.device(
            DeviceEvent::PresenceLost,
            t0 + Duration::from_secs(1),
            today(),
        );
        assert!(t.warning_left.is_some());
    }

    #[test]
    fn an_open_door_takes_the_terminal_out_of_service_and_ends_the_session() {
        let t0 = Instant::now();
        let mut t = terminal(t0);
        t.device(card(0), t0, today());
        let fx = t.device(DeviceEvent::DoorOpened, t0, today());
        assert!(fx.contains(&Effect::SessionEnded(EndReason::Maintenance)));
        assert!(t.out_of_service && t.resident.is_none());
        assert!(t.intent(Intent::Start, t0).is_empty());
        assert_eq!(t.screen, Screen::Attract);
        // A card while the door is open goes to the maintenance menu (not a technician's: audited), and
        // starts no session.
        let fx = t.device(card(0), t0, today());
        assert!(
            fx.iter().all(|e| matches!(e, Effect::Audit { .. })),
            "{fx:?}"
        );
        assert!(t.resident.is_none());
        t.device(DeviceEvent::DoorClosed, t0, today());
        assert!(!t.out_of_service);
    }

    #[test]
    fn scans_are_answered_honestly() {
        let t0 = Instant::now();
        let mut t = terminal(t0);
        t.device(
            DeviceEvent::CodeScanned(ScanPayload::classify("https://x.invalid/a")),
            t0,
            today(),
        );
        assert_eq!(t.notice.map(|n| n.0), Some(Notice::SuiShenMaChecking));
        t.device(
            DeviceEvent::CodeScanned(ScanPayload::classify("12345")),
            t0,
            today(),
        );
        assert_eq!(t.notice.map(|n| n.0), Some(Notice::UnknownCode));
        t.tick(t0 + NOTICE_DURATION);
        assert!(t.notice.is_none());
    }

    #[test]
    fn navigation_goes_back_one_level_at_a_time() {
        let t0 = Instant::now();
        let mut t = terminal(t0);
        t.intent(Intent::Start, t0);
        t.intent(Intent::Category("tax".into()), t0);
        assert_eq!(t.screen, Screen::Category("tax"));
        t.intent(Intent::Category("no-such".into()), t0);
        assert_eq!(t.screen, Screen::Category("tax"));
        t.intent(Intent::Back, t0);
        assert_eq!(t.screen, Screen::Home);
        let fx = plain(t.intent(Intent::Back, t0));
        assert_eq!(fx, [Effect::SessionEnded(EndReason::Home)]);
        assert_eq!(t.screen, Screen::Attract);
    }

    #[test]
    fn a_card_without_a_record_says_what_to_do() {
        let t0 = Instant::now();
        let mut t = terminal(t0);
        t.device(
            DeviceEvent::CardUnreadable(CardProblem::ReadFailed),
            t0,
            today(),
        );
        assert_eq!(t.notice.map(|n| n.0), Some(Notice::CardReadFailed));
        t.device(
            DeviceEvent::CardUnreadable(CardProblem::Unsupported("x".into())),
            t0,
            today(),
        );
        assert_eq!(t.notice.map(|n| n.0), Some(Notice::CardUnsupported));
        assert!(t.resident.is_none());
    }

    #[test]
    fn the_health_view_says_since_when_and_keeps_the_last_error() {
        let t0 = Instant::now();
        let mut t = terminal(t0);
        let id = DeviceId("idcard".into());
        t.add_device(id.clone(), DeviceClass::IdCardReader, Health::Online, t0);
        let down = Health::Down {
            reason: "/dev/x: unplugged?".into(),
        };
        let t1 = t0 + Duration::from_secs(5);
        let fx = t.device(
            DeviceEvent::Health {
                device: id.clone(),
                health: down.clone(),
            },
            t1,
            today(),
        );
        // A change is reported for the fleet view, once.
        let reports: Vec<&kiosk_api::DeviceReport> = fx
            .iter()
            .filter_map(|e| match e {
                Effect::Telemetry(r) => Some(r),
                _ => None,
            })
            .collect();
        assert_eq!(reports.len(), 1, "{fx:?}");
        assert_eq!(
            (reports[0].device.as_str(), reports[0].state.as_str()),
            ("idcard", "down")
        );
        assert_eq!(reports[0].reason.as_deref(), Some("/dev/x: unplugged?"));
        // The same state again does not restart the clock, nor report again.
        let fx = t.device(
            DeviceEvent::Health {
                device: id.clone(),
                health: down,
            },
            t1 + Duration::from_secs(1),
            today(),
        );
        assert!(!fx.iter().any(|e| matches!(e, Effect::Telemetry(_))));
        let v = t.health_view(t1 + Duration::from_secs(10));
        assert_eq!(v[0].state, "down: /dev/x: unplugged?");
        assert_eq!(v[0].for_, Duration::from_secs(10));
        t.device(
            DeviceEvent::Health {
                device: id,
                health: Health::Online,
            },
            t1 + Duration::from_secs(20),
            today(),
        );
        let v = t.health_view(t1 + Duration::from_secs(21));
        assert_eq!(
            (v[0].state.as_str(), v[0].for_),
            ("ok", Duration::from_secs(1))
        );
        assert_eq!(v[0].last_error.as_deref(), Some("/dev/x: unplugged?"));
    }

    // ---- The application: item → form → materials → sign → review → submit → print → rate.

    fn item(code: &str) -> Box<kiosk_catalog::Item> {
        let c = kiosk_catalog::Catalog::bundled().unwrap();
        Box::new(c.get(code).unwrap().clone())
    }

    fn with_printers(t: &mut Terminal, now: Instant) {
        t.add_device(
            DeviceId("a4".into()),
            DeviceClass::A4Printer,
            Health::Online,
            now,
        );
        t.add_device(
            DeviceId("receipt".into()),
            DeviceClass::ReceiptPrinter,
            Health::Online,
            now,
        );
    }

    fn reply(number: &str, document: bool) -> CaseReply {
        CaseReply {
            case_number: number.into(),
            state: if document {
                kiosk_api::CaseState::Done
            } else {
                kiosk_api::CaseState::Accepted
            },
            follow_url: format!("https://x.invalid/{number}"),
            document: document.then(|| kiosk_api::IssuedDocument {
                title: "社保缴费记录".into(),
                issuer: "x".into(),
                rows: vec![("2026年10月".into(), "8000".into())],
                note: None,
            }),
        }
    }

    fn submitted_request(fx: &[Effect]) -> &Submit {
        fx.iter()
            .find_map(|e| match e {
                Effect::Submit(s) => Some(&**s),
                _ => None,
            })
            .expect("a submission")
    }

    fn step(t: &Terminal) -> Option<Step> {
        t.application.as_ref().map(|a| a.step)
    }

    #[test]
    fn a_payment_record_is_printed_in_three_touches_after_the_card_and_rated_in_a_fourth() {
        let t0 = Instant::now();
        let mut t = terminal(t0);
        t.terminal_id = "YP-0001".into();
        with_printers(&mut t, t0);
        t.device(card(0), t0, today());
        // Touch 1: the item (a search hit or a category's row; the category tile would be one more touch).
        let fx = t.intent(Intent::OpenItem(item("SB-001")), t0);
        assert!(
            fx.is_empty(),
            "only card fields: nothing to ask the platform: {fx:?}"
        );
        assert_eq!((t.screen, step(&t)), (Screen::Apply, Some(Step::Form)));
        let a = t.application.as_ref().unwrap();
        assert_eq!(a.fields[0].value.expose(), "张建国");
        assert_eq!(a.fields[0].source, Some(crate::application::Source::Card));
        assert_eq!(
            a.fields[2].value.expose(),
            "近12个月",
            "the usual choice is preset"
        );
        // Touch 2: 打印. A print item has no review: its form is all there is to check.
        let t1 = t0 + Duration::from_secs(10);
        let fx = t.intent(Intent::Next, t1);
        let sub = submitted_request(&fx);
        assert_eq!(sub.request.item_code, "SB-001");
        assert_eq!(sub.request.applicant.as_ref().unwrap().name, "张建国");
        assert_eq!(step(&t), Some(Step::Submitting));
        let key = sub.request.idempotency_key.clone();
        assert!(key.starts_with("YP-0001-"));
        let fx = t.submitted(&key, Ok(reply("YP1", true)), "2026-11-29 10:00", t1);
        assert_eq!(step(&t), Some(Step::Done));
        let printout = effect!(fx, Print);
        assert!(
            printout.receipt.is_none(),
            "the document is the result: no receipt too"
        );
        assert!(printout.document.is_some());
        t.printed(&key, Printer::A4, Ok(()));
        assert_eq!(
            t.application.as_ref().unwrap().document,
            PrintState::Printed
        );
        // Touch 3: ★5 sends the rating and ends the session.
        let t2 = t0 + Duration::from_secs(20);
        let fx = t.intent(Intent::Rate(5), t2);
        let e = effect!(fx, Evaluate);
        assert_eq!(
            (e.level, e.follow_up, e.case_number.as_str()),
            (5, false, "YP1")
        );
        let f = effect!(fx, Figures);
        assert_eq!(f.outcome, Outcome::Submitted);
        assert_eq!(
            (f.fields_shown, f.fields_prefilled, f.prefilled_unchanged),
            (3, 2, 2)
        );
        assert_eq!(f.rating, Some(5));
        assert_eq!(f.application_s, Some(10.0));
        assert!(fx.contains(&Effect::SessionEnded(EndReason::Finished)));
        assert!(t.application.is_none() && t.resident.is_none());
        assert_eq!(t.notice.map(|n| n.0), Some(Notice::ThankYou));
    }

    fn photograph(t: &mut Terminal, material: usize, now: Instant) {
        t.intent(Intent::Photograph(material), now);
        assert_eq!(t.screen, Screen::Capture);
        assert_eq!(t.intent(Intent::TakePhoto, now), [Effect::TakeStill]);
        t.photo_taken(Ok(photo()), now);
        t.intent(Intent::UsePhoto, now);
        assert_eq!(t.screen, Screen::Apply);
    }

    fn sign(t: &mut Terminal, now: Instant) {
        t.intent(Intent::ToggleCommitmentRead, now);
        for (i, x) in (100..=900).step_by(100).enumerate() {
            t.intent(
                Intent::SignPoint {
                    x,
                    y: 500 + (i as i32 % 2) * 100,
                    new_stroke: i == 0,
                },
                now,
            );
        }
    }

    #[test]
    fn an_application_goes_through_identity_prefill_materials_signature_review_and_submission() {
        let t0 = Instant::now();
        let mut t = terminal(t0);
        with_printers(&mut t, t0);
        // Chosen before identifying: the terminal asks for the card, then opens the form.
        t.intent(Intent::Start, t0);
        assert!(t.intent(Intent::OpenItem(item("HJ-002")), t0).is_empty());
        assert_eq!(step(&t), Some(Step::Identify));
        let fx = t.device(card(2), t0, today());
        let prefill = effect!(fx, FetchPrefill);
        assert_eq!(prefill.sources, ["platform.phone"]);
        assert_eq!(step(&t), Some(Step::Form));
        // Waiting for the platform: 下一步 does nothing yet.
        t.intent(Intent::Next, t0);
        assert_eq!(step(&t), Some(Step::Form));
        let mut values = std::collections::BTreeMap::new();
        values.insert("platform.phone".to_string(), "13912345678".to_string());
        t.prefill_arrived("HJ-002", Ok(PrefillReply { values }), t0);
        let a = t.application.as_ref().unwrap();
        assert_eq!(a.fields[3].value.expose(), "13912345678");
        assert_eq!(
            a.fields[3].source,
            Some(crate::application::Source::Platform)
        );
        // The address is empty and required: the form says so instead of going on.
        t.intent(Intent::Next, t0);
        assert_eq!(step(&t), Some(Step::Form));
        assert_eq!(
            t.application.as_ref().unwrap().fields[2].problem,
            Some(crate::application::Problem::Required)
        );
        // Typed by pinyin: "shanghai" then a candidate, then digits.
        t.intent(Intent::FocusField(2), t0);
        for k in ["s", "h", "a", "n", "g", "h", "a", "i"] {
            t.intent(
                Intent::FieldKey {
                    key: k.into(),
                    first: None,
                },
                t0,
            );
        }
        assert_eq!(t.application.as_ref().unwrap().composition, "shanghai");
        t.intent(
            Intent::PickCandidate {
                text: "上海".into(),
                consumed: 8,
            },
            t0,
        );
        for k in ["1", "0", "号"] {
            t.intent(
                Intent::FieldKey {
                    key: k.into(),
                    first: None,
                },
                t0,
            );
        }
        let a = t.application.as_ref().unwrap();
        assert_eq!(a.fields[2].value.expose(), "上海10号");
        assert!(a.composition.is_empty());
        assert!(a.fields[2].problem.is_none(), "fixed as it is typed");
        t.intent(Intent::Next, t0);
        assert_eq!(step(&t), Some(Step::Materials));
        // Nothing photographed yet: no further.
        t.intent(Intent::Next, t0);
        assert_eq!(step(&t), Some(Step::Materials));
        photograph(&mut t, 0, t0);
        assert_eq!(t.application.as_ref().unwrap().attached.len(), 1);
        assert!(
            t.materials.is_empty(),
            "the photo belongs to the application"
        );
        t.intent(Intent::Next, t0);
        assert_eq!(step(&t), Some(Step::Sign));
        // Neither read nor signed: no further; a tap is not a signature.
        t.intent(Intent::Next, t0);
        t.intent(Intent::ToggleCommitmentRead, t0);
        t.intent(
            Intent::SignPoint {
                x: 500,
                y: 500,
                new_stroke: true,
            },
            t0,
        );
        t.intent(Intent::Next, t0);
        assert_eq!(step(&t), Some(Step::Sign));
        t.intent(Intent::ToggleCommitmentRead, t0);
        t.intent(Intent::ClearSignature, t0);
        sign(&mut t, t0);
        t.intent(Intent::Next, t0);
        assert_eq!(step(&t), Some(Step::Review));
        // Back goes one step, forward again.
        t.intent(Intent::Back, t0);
        assert_eq!(step(&t), Some(Step::Sign));
        t.intent(Intent::Next, t0);
        let fx = t.intent(Intent::Next, t0);
        let sub = submitted_request(&fx);
        assert_eq!(sub.request.materials.len(), 1);
        assert_eq!(sub.request.materials[0].name, "住房租赁合同或房产证明");
        // The case names the photo by its hash; the bytes travel beside it.
        assert_eq!(sub.uploads.len(), 1);
        assert_eq!(sub.uploads[0].reference(), sub.request.materials[0]);
        assert!(sub.request.commitment.is_some());
        assert!(!sub.strokes.is_empty());
        let key = sub.request.idempotency_key.clone();
        // The platform is down: nothing is said to be done, and the same case can be sent again.
        let fx = t.submitted(
            &key,
            Err(PlatformError::Unreachable("cannot connect".into())),
            "",
            t0,
        );
        assert!(fx.is_empty());
        assert_eq!(step(&t), Some(Step::Submitting));
        assert!(matches!(
            t.application.as_ref().unwrap().submission,
            Submission::Failed(_)
        ));
        let fx = t.intent(Intent::RetrySubmit, t0);
        assert_eq!(
            submitted_request(&fx).request.idempotency_key,
            key,
            "one case, not two"
        );
        // A stale answer for another key changes nothing.
        t.submitted("other", Ok(reply("X", false)), "", t0);
        assert_eq!(step(&t), Some(Step::Submitting));
        let fx = t.submitted(&key, Ok(reply("YP2", false)), "2026-11-29 10:05", t0);
        assert_eq!(step(&t), Some(Step::Done));
        let Some(Effect::Print(p)) = fx.first() else {
            panic!("{fx:?}")
        };
        let receipt = p.receipt.as_ref().expect("a receipt for an application");
        assert!(receipt
            .lines
            .contains(&kiosk_drivers::printer::protocol::Line::Row(
                "受理编号".into(),
                "YP2".into()
            )));
        assert!(p.document.is_none());
        // The card may leave now: the resident still collects the receipt and rates.
        t.device(DeviceEvent::CardRemoved, t0, today());
        assert_eq!(step(&t), Some(Step::Done));
        // ★2 asks why before it is sent, and is marked for follow-up.
        let fx = t.intent(Intent::Rate(2), t0);
        assert!(fx.is_empty());
        t.intent(Intent::ToggleReason(0), t0);
        t.intent(Intent::ToggleReason(3), t0);
        t.intent(Intent::ToggleReason(0), t0);
        let fx = t.intent(Intent::SendRating, t0);
        let e = effect!(fx, Evaluate);
        assert_eq!((e.level, e.follow_up), (2, true));
        assert_eq!(e.reasons, ["打印或设备故障"]);
        assert!(t.application.is_none());
    }

    #[test]
    fn a_printer_that_cannot_print_is_said_before_the_item_starts() {
        let t0 = Instant::now();
        let mut t = terminal(t0);
        with_printers(&mut t, t0);
        t.device(
            DeviceEvent::Health {
                device: DeviceId("a4".into()),
                health: Health::Down {
                    reason: "unplugged".into(),
                },
            },
            t0,
            today(),
        );
        assert!(!t.printer_ready(kiosk_catalog::Kind::Print));
        assert!(t.printer_ready(kiosk_catalog::Kind::Apply));
        t.device(card(0), t0, today());
        t.intent(Intent::OpenItem(item("SB-001")), t0);
        assert!(
            t.intent(Intent::Next, t0).is_empty(),
            "nothing sent to print on a dead printer"
        );
        assert_eq!(step(&t), Some(Step::Form));
        // Out of paper counts too.
        t.device(
            DeviceEvent::Paper {
                device: DeviceId("receipt".into()),
                state: PaperState::Out,
            },
            t0,
            today(),
        );
        assert!(!t.printer_ready(kiosk_catalog::Kind::Apply));
    }

    #[test]
    fn a_printer_failing_after_submission_is_reported_not_hidden() {
        let t0 = Instant::now();
        let mut t = terminal(t0);
        with_printers(&mut t, t0);
        t.device(card(0), t0, today());
        t.intent(Intent::OpenItem(item("SB-001")), t0);
        let fx = t.intent(Intent::Next, t0);
        let key = submitted_request(&fx).request.idempotency_key.clone();
        t.submitted(&key, Ok(reply("YP3", true)), "", t0);
        t.printed(&key, Printer::A4, Err("paper jam".into()));
        assert!(matches!(
            t.application.as_ref().unwrap().document,
            PrintState::Failed(_)
        ));
    }

    #[test]
    fn pulling_the_card_mid_way_ends_the_session_and_drops_the_application() {
        let t0 = Instant::now();
        let mut t = terminal(t0);
        t.device(card(2), t0, today());
        t.intent(Intent::OpenItem(item("HJ-002")), t0);
        t.intent(Intent::FocusField(2), t0);
        t.intent(
            Intent::FieldKey {
                key: "x".into(),
                first: None,
            },
            t0,
        );
        let fx = t.device(DeviceEvent::CardRemoved, t0, today());
        assert!(fx.contains(&Effect::SessionEnded(EndReason::CardRemoved)));
        let f = effect!(fx, Figures);
        assert_eq!(f.outcome, Outcome::Abandoned);
        assert_eq!(f.item_code.as_deref(), Some("HJ-002"));
        assert!(t.application.is_none() && t.resident.is_none());
        assert_eq!(t.screen, Screen::Attract);
    }

    #[test]
    fn when_the_platform_does_not_answer_prefill_the_resident_types_the_fields() {
        let t0 = Instant::now();
        let mut t = terminal(t0);
        t.device(card(2), t0, today());
        t.intent(Intent::OpenItem(item("HJ-002")), t0);
        t.prefill_arrived(
            "HJ-002",
            Err(PlatformError::Unreachable("timed out".into())),
            t0,
        );
        let a = t.application.as_ref().unwrap();
        assert_eq!(a.prefill, PrefillState::Failed);
        assert!(a.fields[3].value.expose().is_empty());
        t.intent(Intent::FocusField(3), t0);
        for k in "1391234567".chars() {
            t.intent(
                Intent::FieldKey {
                    key: k.to_string(),
                    first: None,
                },
                t0,
            );
        }
        // Letters do not go into a phone number.
        t.intent(
            Intent::FieldKey {
                key: "a".into(),
                first: None,
            },
            t0,
        );
        t.intent(Intent::FocusField(usize::MAX), t0);
        let a = t.application.as_ref().unwrap();
        assert_eq!(a.fields[3].value.expose(), "1391234567");
        assert_eq!(
            a.fields[3].problem,
            Some(crate::application::Problem::Phone)
        );
    }

    #[test]
    fn each_step_has_its_own_timeout_and_waiting_for_the_platform_is_not_inactivity() {
        let t0 = Instant::now();
        let mut t = terminal(t0);
        with_printers(&mut t, t0);
        t.device(card(0), t0, today());
        let base = t.settings.inactivity_timeout;
        assert_eq!(t.step_timeout(), Some(base));
        t.intent(Intent::OpenItem(item("SB-001")), t0);
        assert_eq!(
            t.step_timeout(),
            Some(base * 2),
            "filling a form takes longer"
        );
        // At the base timeout the form has not warned yet.
        t.tick(t0 + base);
        assert!(t.resident.is_some() && t.warning_left.is_none());
        t.intent(Intent::Next, t0 + base);
        assert_eq!(t.step_timeout(), None);
        let fx = t.tick(t0 + base * 10);
        assert!(fx.is_empty() && t.resident.is_some());
    }

    #[test]
    fn could_not_get_it_done_reports_the_item_the_step_and_the_reason() {
        let t0 = Instant::now();
        let mut t = terminal(t0);
        t.terminal_id = "YP-0001".into();
        t.device(card(2), t0, today());
        t.intent(Intent::OpenItem(item("HJ-002")), t0);
        t.intent(Intent::OpenNotDone, t0);
        assert_eq!(t.screen, Screen::NotDone);
        // Nothing is sent without a reason.
        assert!(t.intent(Intent::SendNotDone, t0).is_empty());
        t.intent(Intent::NotDoneReason(1), t0);
        let fx = t.intent(Intent::SendNotDone, t0);
        assert_eq!(
            fx,
            [Effect::ReportNotDone(NotDoneReport {
                terminal_id: "YP-0001".into(),
                item_code: Some("HJ-002".into()),
                step: "form".into(),
                reason: "缺少材料".into(),
                comment: None,
            })]
        );
        assert_eq!(t.screen, Screen::Home);
        t.not_done_answered::<()>(Ok(()), t0);
        assert_eq!(t.notice.map(|n| n.0), Some(Notice::NotDoneSent));
        let fx = t.intent(Intent::Back, t0);
        let f = effect!(fx, Figures);
        assert_eq!(f.outcome, Outcome::NotDone);
    }

    #[test]
    fn help_goes_to_the_platform_with_the_item_and_step() {
        let t0 = Instant::now();
        let mut t = terminal(t0);
        t.device(card(0), t0, today());
        t.intent(Intent::OpenItem(item("SB-001")), t0);
        let fx = t.intent(Intent::CallHelp, t0);
        assert!(fx.contains(&Effect::Help(HelpRequest {
            terminal_id: String::new(),
            item_code: Some("SB-001".into()),
            step: "form".into(),
        })));
        assert_eq!(t.notice.map(|n| n.0), Some(Notice::HelpCalling));
        t.help_answered(
            Ok(HelpReply {
                ticket: "BB1".into(),
                message: String::new(),
            }),
            t0,
        );
        assert_eq!(t.notice.map(|n| n.0), Some(Notice::HelpComing));
        t.help_answered(Err(PlatformError::Unreachable("x".into())), t0);
        assert_eq!(t.notice.map(|n| n.0), Some(Notice::HelpNotConnected));
    }

    #[test]
    fn the_evaluation_pad_rates_a_finished_case_and_nothing_else() {
        let t0 = Instant::now();
        let mut t = terminal(t0);
        with_printers(&mut t, t0);
        t.device(card(0), t0, today());
        let pad = |n| DeviceEvent::PadKey(kiosk_drivers::Rating::new(n).unwrap());
        assert!(
            t.device(pad(4), t0, today()).is_empty(),
            "no case: no rating"
        );
        t.intent(Intent::OpenItem(item("SB-001")), t0);
        let fx = t.intent(Intent::Next, t0);
        let key = submitted_request(&fx).request.idempotency_key.clone();
        t.submitted(&key, Ok(reply("YP4", true)), "", t0);
        let fx = t.device(pad(4), t0, today());
        assert!(fx.iter().any(
            |e| matches!(e, Effect::Evaluate(e) if e.channel == Channel::Pad && e.level == 4)
        ));
    }

    #[test]
    fn a_suishenma_is_checked_by_the_platform_and_identifies_for_real_name_items_only() {
        let t0 = Instant::now();
        let mut t = terminal(t0);
        with_printers(&mut t, t0);
        t.intent(Intent::Start, t0);
        t.intent(Intent::OpenItem(item("SB-001")), t0);
        assert_eq!(step(&t), Some(Step::Identify));
        let fx = t.device(
            DeviceEvent::CodeScanned(ScanPayload::classify("https://ssm.example.invalid/c/AB12")),
            t0,
            today(),
        );
        let [Effect::VerifyCode(r)] = &fx[..] else {
            panic!("{fx:?}")
        };
        assert_eq!(r.code, "https://ssm.example.invalid/c/AB12");
        // Refused: said, and nobody is identified.
        t.identity_verified(
            Err(PlatformError::Refused {
                status: 404,
                code: "unknown-code".into(),
                message: String::new(),
            }),
            t0,
            today(),
        );
        assert_eq!(t.notice.map(|n| n.0), Some(Notice::SuiShenMaRefused));
        assert!(t.resident.is_none());
        let first17 = "31011019500315441";
        let id = format!(
            "{first17}{}",
            kiosk_drivers::IdNumber::check_char(first17).unwrap()
        );
        let reply = IdentityReply {
            applicant: kiosk_api::Applicant {
                name: "王秀英".into(),
                id_number: id.clone(),
            },
            birth_date: "1950-03-15".into(),
            sex: "女".into(),
            address: "上海市杨浦区长阳路1080号".into(),
        };
        t.identity_verified(Ok(reply.clone()), t0, today());
        assert_eq!(t.resident.as_ref().unwrap().age, 76);
        assert!(t.elder_proposal);
        // The print item waited for a real name: it opens, prefilled from what the platform said.
        assert_eq!(step(&t), Some(Step::Form));
        assert_eq!(
            t.application.as_ref().unwrap().fields[0].value.expose(),
            "王秀英"
        );
        // An item that needs the card itself asks for it.
        t.intent(Intent::OpenItem(item("HJ-002")), t0);
        assert_eq!(step(&t), Some(Step::Identify));
        assert_eq!(t.notice.map(|n| n.0), Some(Notice::ItemNeedsCard));
        // Another person's card ends this session and starts theirs.
        let fx = t.device(card(2), t0, today());
        assert!(fx.contains(&Effect::SessionEnded(EndReason::NewCard)));
        assert_eq!(t.resident.as_ref().unwrap().name.expose(), "李娜");
    }

    #[test]
    fn an_item_that_needs_a_face_photo_asks_for_one_with_the_face_camera() {
        let t0 = Instant::now();
        let mut t = terminal(t0);
        with_printers(&mut t, t0);
        t.device(card(0), t0, today());
        t.intent(Intent::OpenItem(item("SB-002")), t0);
        let fx = t.intent(Intent::Next, t0);
        assert!(fx.iter().all(|e| !matches!(e, Effect::Submit(_))));
        // The phone comes from the platform in this item; type it when it does not.
        t.prefill_arrived("SB-002", Err(PlatformError::Unreachable("x".into())), t0);
        t.intent(Intent::FocusField(2), t0);
        for k in "13912345678".chars() {
            t.intent(
                Intent::FieldKey {
                    key: k.to_string(),
                    first: None,
                },
                t0,
            );
        }
        t.intent(Intent::Next, t0);
        assert_eq!(step(&t), Some(Step::Materials));
        let a = t.application.as_ref().unwrap();
        assert_eq!(a.item.materials[0].name, crate::application::FACE_PHOTO);
        assert_eq!(a.missing_materials(), [0]);
        t.intent(Intent::Photograph(0), t0);
        assert!(t.capture_face(), "the face camera takes this one");
        t.intent(Intent::TakePhoto, t0);
        t.photo_taken(Ok(photo()), t0);
        t.intent(Intent::UsePhoto, t0);
        assert!(!t.capture_face());
        assert!(t
            .application
            .as_ref()
            .unwrap()
            .missing_materials()
            .is_empty());
    }

    #[test]
    fn the_elder_offer_does_not_cost_a_touch() {
        let t0 = Instant::now();
        let mut t = terminal(t0);
        t.device(card(0), t0, today());
        assert!(t.elder_proposal);
        t.intent(Intent::Category("social-insurance".into()), t0);
        assert!(
            !t.elder_proposal && !t.elder,
            "ignored: put away, nothing changed"
        );
    }

    #[test]
    fn a_case_the_platform_cannot_take_now_gets_a_provisional_number_and_then_the_real_one() {
        let t0 = Instant::now();
        let mut t = terminal(t0);
        with_printers(&mut t, t0);
        t.device(card(2), t0, today());
        t.intent(Intent::OpenItem(item("YB-003")), t0);
        t.intent(Intent::Next, t0);
        assert_eq!(step(&t), Some(Step::Review));
        let fx = t.intent(Intent::Next, t0);
        let key = submitted_request(&fx).request.idempotency_key.clone();
        // The caller committed the case to the outbox, then the platform could not be reached.
        let fx = t.queued(&key, "L0000BEEF", "2026-11-29 10:00", t0);
        assert_eq!(step(&t), Some(Step::Done));
        let p = effect!(fx, Print);
        let receipt = p.receipt.as_ref().unwrap();
        use kiosk_drivers::printer::protocol::Line;
        assert!(receipt
            .lines
            .contains(&Line::Row("暂存编号".into(), "L0000BEEF".into())));
        assert!(
            !receipt.lines.iter().any(|l| matches!(l, Line::Qr(_))),
            "no case to follow yet"
        );
        // Delivered later: the real number replaces the provisional one on screen.
        t.case_delivered(&key, reply("YP9", false));
        assert!(matches!(
            &t.application.as_ref().unwrap().submission,
            Submission::Accepted(r) if r.case_number == "YP9"
        ));
        // Rated under the provisional number while it waits.
        let mut t = terminal(t0);
        with_printers(&mut t, t0);
        t.device(card(2), t0, today());
        t.intent(Intent::OpenItem(item("YB-003")), t0);
        t.intent(Intent::Next, t0);
        let fx = t.intent(Intent::Next, t0);
        let key = submitted_request(&fx).request.idempotency_key.clone();
        t.queued(&key, "L1", "", t0);
        let fx = t.intent(Intent::Rate(5), t0);
        assert_eq!(effect!(fx, Evaluate).case_number, "L1");
        let f = effect!(fx, Figures);
        assert_eq!(
            f.outcome,
            Outcome::Submitted,
            "kept on the terminal counts as submitted"
        );
    }
}
