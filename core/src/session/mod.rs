//! The terminal's state machine: device events, a person's intents and clock ticks in; state and effects out.
//! No I/O and no clock of its own (the caller passes `now`), so all of it is tested without a screen.
//!
//! Attract → home → category or search → item: identify → form → materials → commitment and signature →
//! review → submit → print and rate → end. Every step times out with a warning and a one-tap extension; the end
//! wipes personal data. The application under way is `application::Application`; replies of the platform and
//! the printers come back through `prefill_arrived`, `submitted` and `printed`.

use crate::application::{
    Application, Attached, CardData, Concern, FieldState, PrefillState, PrintState, Step,
    Submission, BAD_RATING_REASONS, NOT_DONE_REASONS,
};
use crate::model::PlatformError;
use crate::model::{Language, Photo, Resident, Settings, Technician};
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

mod asking;
mod devices;
mod door;
mod intents;
mod items;
mod lifecycle;
mod overview;
mod replies;
#[cfg(test)]
mod tests;
mod video_call;
pub use asking::{AskIntent, Asking, PlaceSlip, QUESTION_MAX};
pub use door::{Input, Setup};
pub use overview::{OfferLine, OfferState};
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
    /// 杨小通: a question to an answer.
    Ask,
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
    /// The texts the terminal wrote for the resident, signed with the same strokes: each goes as a material.
    pub written: Vec<crate::application::Written>,
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
    CallCommand(kiosk_api::call::CallCommand),
    /// Upload a photo the clerk asked for and show it to the clerk.
    CallShare {
        name: String,
        jpeg: Sensitive<Vec<u8>>,
    },
    /// Take a still with the document camera; the answer comes back through `photo_taken`.
    TakeStill,
    /// Ask the platform whose 随申码 this is; the answer comes back through `identity_verified`.
    VerifyCode(IdentityRequest),
    /// Ask the platform what this resident gets without applying (免申即享) and may want (智能推荐); the answer
    /// comes back as `Input::Overview` with the same `asked`.
    FetchOverview {
        asked: u64,
        request: kiosk_api::OverviewRequest,
    },
    /// Fetch what the resident opened (`Intent::OpenHeld`); the answer comes back as `Input::Held`.
    FetchHeld {
        asked: u64,
        request: kiosk_api::HeldRequest,
    },
    /// Confirm a benefit of the overview (once per `key`); the answer comes back as `Input::OfferConfirmed`.
    ConfirmOffer {
        key: String,
        request: kiosk_api::OfferConfirm,
    },
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
    /// A resident marked 杨小通's answer as not helping: deliver it to the platform.
    Unhelpful(kiosk_api::knowledge::UnhelpfulMark),
}

/// A person's intents, from the touch screen (and later the keypad).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Intent {
    /// A touch in the maintenance menu (only while the cabinet door is open).
    Maintenance(crate::maintenance::MaintIntent),
    /// 杨小通's page.
    Ask(AskIntent),
    /// Open material `n` to see it: the e-certificate or the earlier case's material it came as.
    OpenHeld(usize),
    CloseHeld,
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
    /// A line of the home screen's overview (免申即享, 智能推荐): confirm it, or show its detail.
    Offer(usize),
    /// Correct returned case `case` of the overview (`Terminal::returned`); the caller looks its item up.
    Correct {
        case: usize,
        item: Box<kiosk_catalog::Item>,
    },
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
    /// The fix of concern `n` of `Application::concerns` (on the review): photograph the material again, or
    /// put back what the certificate says.
    FixConcern(usize),
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

pub struct Terminal {
    settings: Settings,
    screen: Screen,
    resident: Option<Resident>,
    elder: bool,
    language: Language,
    elder_proposal: bool,
    notice: Option<(Notice, Instant)>,
    out_of_service: bool,
    search: String,
    /// The on-screen keyboard of the search shows.
    keyboard: bool,
    devices: BTreeMap<DeviceId, DeviceState>,
    presence: bool,
    /// The configuration or profile had problems: residents are told that some things may not work.
    config_faulty: bool,
    last_activity: Instant,
    /// Seconds left when the timeout warning shows, else `None`.
    warning_left: Option<u64>,
    capture: CaptureStep,
    /// The photo being reviewed.
    pending_photo: Option<Photo>,
    /// Materials photographed in this session.
    materials: Vec<Photo>,
    /// The screen to go back to from the capture screen.
    capture_return: Screen,
    /// The item under way.
    application: Option<Application>,
    /// 杨小通's page, kept while the resident looks at an item it started (Back returns to the answer).
    asking: Option<Asking>,
    /// The overview's lines for the identified resident, and which ask they answer.
    offers: Vec<OfferLine>,
    /// The resident's cases sent back for correction, from the overview.
    returned: Vec<kiosk_api::ReturnedCase>,
    overview_asked: u64,
    /// An item chosen before identifying: opened when the card is read.
    pending_item: Option<Box<kiosk_catalog::Item>>,
    /// This terminal's id, for the platform.
    terminal_id: String,
    /// The reason chosen on the 办不成事 page.
    not_done_reason: Option<usize>,
    /// The remote virtual window's call, while there is one.
    call: Option<CallState>,
    /// The technicians' menu, open while the cabinet door is.
    maintenance: crate::maintenance::Maintenance,
    figures: FigureClock,
    /// This run's random part of idempotency keys, and how many keys and photos it has numbered.
    nonce: u64,
    keys: u64,
    photos: u64,
    /// The latest time an input came with (countdowns are timed from it).
    seen: Instant,
}

/// What the screens, speech and the wiring read of the terminal; it changes only through `handle`.
impl Terminal {
    /// The settings in force.
    pub fn settings(&self) -> Settings {
        self.settings
    }

    /// The screen shown.
    pub fn screen(&self) -> Screen {
        self.screen
    }

    /// The identified resident, wiped when the session ends.
    pub fn resident(&self) -> &Option<Resident> {
        &self.resident
    }

    /// Elder mode (长辈版) is on.
    pub fn elder(&self) -> bool {
        self.elder
    }

    /// The language of the screens.
    pub fn language(&self) -> Language {
        self.language
    }

    /// Elder mode is being offered to a resident over the configured age.
    pub fn elder_proposal(&self) -> bool {
        self.elder_proposal
    }

    /// The banner shown, and since when.
    pub fn notice(&self) -> Option<(Notice, Instant)> {
        self.notice
    }

    /// The cabinet door is open: residents are not served.
    pub fn out_of_service(&self) -> bool {
        self.out_of_service
    }

    /// The search text.
    pub fn search(&self) -> &str {
        &self.search
    }

    /// The on-screen keyboard of the search shows.
    pub fn keyboard(&self) -> bool {
        self.keyboard
    }

    /// Every device's state.
    pub fn devices(&self) -> &BTreeMap<DeviceId, DeviceState> {
        &self.devices
    }

    /// Someone stands at the terminal.
    pub fn presence(&self) -> bool {
        self.presence
    }

    /// The configuration or profile had problems: residents are told that some things may not work.
    pub fn config_faulty(&self) -> bool {
        self.config_faulty
    }

    /// Seconds left when the timeout warning shows, else `None`.
    pub fn warning_left(&self) -> Option<u64> {
        self.warning_left
    }

    /// Where photographing a material is.
    pub fn capture(&self) -> &CaptureStep {
        &self.capture
    }

    /// The photo being reviewed.
    pub fn pending_photo(&self) -> &Option<Photo> {
        &self.pending_photo
    }

    /// Materials photographed in this session.
    pub fn materials(&self) -> &[Photo] {
        &self.materials
    }

    /// The item under way.
    pub fn application(&self) -> &Option<Application> {
        &self.application
    }

    /// This terminal's id, for the platform.
    pub fn terminal_id(&self) -> &str {
        &self.terminal_id
    }

    /// The reason chosen on the 办不成事 page.
    pub fn not_done_reason(&self) -> Option<usize> {
        self.not_done_reason
    }

    /// The remote virtual window's call, while there is one.
    pub fn call(&self) -> &Option<CallState> {
        &self.call
    }

    /// The technicians' menu, open while the cabinet door is.
    pub fn maintenance(&self) -> &crate::maintenance::Maintenance {
        &self.maintenance
    }
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
    pub(super) fn with_settings(settings: Settings, now: Instant) -> Self {
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
            asking: None,
            offers: Vec::new(),
            returned: Vec::new(),
            overview_asked: 0,
            pending_item: None,
            terminal_id: String::new(),
            not_done_reason: None,
            call: None,
            figures: FigureClock::default(),
            nonce: 0,
            keys: 0,
            photos: 0,
            seen: now,
            maintenance: crate::maintenance::Maintenance::default(),
        }
    }
}
