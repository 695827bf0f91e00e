//! The terminal's state machine: device events, a person's intents and clock ticks in; state and effects out.
//! No I/O and no clock of its own (the caller passes `now`), so all of it is tested without a screen.
//!
//! This is the frame the self-service session grows into: attract → home → category, identification by ID card,
//! the inactivity timeout with a warning and one-tap extension, and the wipe of personal data at the end.

use crate::config::{Config, Language};
use kiosk_drivers::{
    CardProblem, DeviceClass, DeviceEvent, DeviceId, Health, IdCardRecord, KeypadKey, PaperState,
    ScanKind, Sensitive,
};
use std::collections::BTreeMap;
use std::time::{Duration, Instant};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Screen {
    Attract,
    Home,
    Category(&'static str),
    /// Photographing a material under the document camera (live preview, then the straightened page).
    Capture,
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
    /// A 随申码 can only be checked by the platform, which this build cannot reach yet.
    SuiShenMaNeedsPlatform,
    UnknownCode,
    HelpNotConnected,
    VideoNotConnected,
    CardExpired,
    /// A card the reader read but this terminal cannot use (a card type not supported yet).
    CardUnsupported,
    /// The reader could not read the card after several tries.
    CardReadFailed,
    SessionEndedTimeout,
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
}

/// What the outside world must do after an input.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Effect {
    SessionStarted {
        identified: bool,
    },
    SessionEnded(EndReason),
    /// The UI's language changed: switch the bundled translation.
    Language(Language),
    HelpRequested,
    VideoRequested,
    /// Take a still with the document camera; the answer comes back through `photo_taken`.
    TakeStill,
}

/// A person's intents, from the touch screen (and later the keypad).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Intent {
    Start,
    Home,
    Back,
    ToggleElder,
    ToggleLanguage,
    CallHelp,
    VideoCall,
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
}

/// The identified resident: only what the screens need, and all of it wiped when the session ends.
#[derive(Debug)]
pub struct Resident {
    pub name: Sensitive<String>,
    pub age: u16,
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
}

/// The longest search text (a stuck key must not grow it without end).
pub const SEARCH_MAX: usize = 64;

/// How long a banner stays unless the resident closes it.
pub const NOTICE_DURATION: Duration = Duration::from_secs(10);

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
        }
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
        match event {
            DeviceEvent::CardInserted(record) => {
                if self.out_of_service {
                    return fx;
                }
                if self.resident.is_some() {
                    self.end(EndReason::NewCard, &mut fx);
                }
                self.identify(*record, now, today, &mut fx);
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
                if self.resident.is_some() {
                    self.end(EndReason::CardRemoved, &mut fx);
                }
            }
            DeviceEvent::CodeScanned(scan) => {
                if self.out_of_service {
                    return fx;
                }
                self.touch(now);
                let notice = match scan.kind {
                    ScanKind::SuiShenMa => Notice::SuiShenMaNeedsPlatform,
                    ScanKind::Other => Notice::UnknownCode,
                };
                self.notice = Some((notice, now));
            }
            DeviceEvent::HelpPressed => return self.intent(Intent::CallHelp, now),
            // Help and back do what their touch buttons do; moving through a screen by keys and speech come with
            // the accessibility work (elder mode and speech).
            DeviceEvent::KeypadKey(KeypadKey::Help) => return self.intent(Intent::CallHelp, now),
            DeviceEvent::KeypadKey(KeypadKey::Back) => return self.intent(Intent::Back, now),
            DeviceEvent::KeypadKey(_) => self.touch(now),
            DeviceEvent::PadKey(_) => {
                // Ratings belong to a finished case; with none under way a key press means nothing.
            }
            DeviceEvent::DoorOpened => {
                if self.in_session() {
                    self.end(EndReason::Maintenance, &mut fx);
                }
                self.out_of_service = true;
            }
            DeviceEvent::DoorClosed => self.out_of_service = false,
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
                    }
                    if let Health::Down { reason } = &health {
                        d.last_error = Some(reason.clone());
                    }
                    d.health = health;
                }
            }
        }
        fx
    }

    pub fn intent(&mut self, intent: Intent, now: Instant) -> Vec<Effect> {
        let mut fx = Vec::new();
        if self.out_of_service {
            return fx;
        }
        self.touch(now);
        match intent {
            Intent::Start => {
                if self.screen == Screen::Attract {
                    self.screen = Screen::Home;
                    fx.push(Effect::SessionStarted { identified: false });
                }
            }
            Intent::Home => {
                self.search.clear();
                self.keyboard = false;
                self.screen = Screen::Home;
            }
            Intent::Back => match self.screen {
                Screen::Category(_) => self.screen = Screen::Home,
                Screen::Capture => {
                    self.pending_photo = None;
                    self.screen = self.capture_return;
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
                self.notice = Some((Notice::HelpNotConnected, now));
                fx.push(Effect::HelpRequested);
            }
            Intent::VideoCall => {
                self.notice = Some((Notice::VideoNotConnected, now));
                fx.push(Effect::VideoRequested);
            }
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
            Intent::Extend | Intent::Activity => {}
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
                    self.materials.push(p);
                    self.capture = CaptureStep::Aiming;
                    self.screen = self.capture_return;
                }
            }
        }
        fx
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
        let timeout = self.settings.inactivity_timeout;
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
        });
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
}

#[cfg(test)]
mod tests {
    use super::*;
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
        let fx = t.device(DeviceEvent::CardRemoved, t0, today());
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
        assert_eq!(fx, [Effect::SessionEnded(EndReason::Timeout)]);
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
        assert!(t.device(card(0), t0, today()).is_empty());
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
        assert_eq!(t.notice.map(|n| n.0), Some(Notice::SuiShenMaNeedsPlatform));
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
        let fx = t.intent(Intent::Back, t0);
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
        t.device(
            DeviceEvent::Health {
                device: id.clone(),
                health: down.clone(),
            },
            t1,
            today(),
        );
        // The same state again does not restart the clock.
        t.device(
            DeviceEvent::Health {
                device: id.clone(),
                health: down,
            },
            t1 + Duration::from_secs(1),
            today(),
        );
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
}
