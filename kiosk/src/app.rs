//! Wires the terminal together: the state machine, the views and the device events.
//!
//! Threads (DESIGN.md): the Slint event loop owns the main thread and this `Kiosk`; device drivers and the
//! simulator feed a channel that a tokio runtime drains into the event loop with `invoke_from_event_loop`.

use crate::config::{Config, Profile};
use crate::devices;
use crate::platform::{Platform, PlatformError};
use crate::presenter;
use crate::preview::PreviewPump;
use crate::session::{Effect, Input, Intent, Printer, Printout, Screen, Setup, Submit, Terminal};
use chrono::{Datelike, FixedOffset, Offset, Utc};
use kiosk_drivers::a4::service::A4Handle;
use kiosk_drivers::camera::service::CameraHandle;
use kiosk_drivers::printer::driver::PrinterHandle;
use kiosk_drivers::{Date, DeviceEvent, DeviceId, KeypadKey};
use kiosk_ui::{Actions, KioskWindow};
use slint::ComponentHandle;
use std::cell::RefCell;
use std::rc::{Rc, Weak};
use std::sync::{Arc, OnceLock};
use std::time::Instant;

/// Shanghai time. China keeps UTC+8 all year, so a fixed offset is exact and needs no time-zone database.
pub fn local_now() -> chrono::DateTime<FixedOffset> {
    // +8 h is well inside FixedOffset's range; UTC is only a formal fallback.
    let cst = FixedOffset::east_opt(8 * 3600).unwrap_or(Utc.fix());
    Utc::now().with_timezone(&cst)
}

fn today() -> Date {
    let now = local_now();
    Date::new(
        now.year().clamp(1900, 9999) as u16,
        now.month() as u8,
        now.day() as u8,
    )
    .unwrap_or(Date {
        year: 2026,
        month: 1,
        day: 1,
    })
}

fn clock() -> String {
    local_now().format("%H:%M").to_string()
}

/// How often the heartbeat is looked at and the clock on the screen redrawn (the core's own ticks come at
/// its deadlines, not from this).
pub const HOUSEKEEPING: std::time::Duration = std::time::Duration::from_secs(5);

pub struct Kiosk {
    pub ui: KioskWindow,
    pub terminal: RefCell<Terminal>,
    /// The core's next deadline (see `handle`).
    deadline: slint::Timer,
    pub(crate) camera: RefCell<Option<AttachedCamera>>,
    pub(crate) face_camera: RefCell<Option<AttachedCamera>>,
    /// Which camera the running preview shows (true: the face camera).
    preview_face: std::cell::Cell<bool>,
    preview: RefCell<Option<PreviewPump>>,
    /// The catalogue and its search index, built off the UI thread at start (jieba's dictionary takes a
    /// moment); `None` inside when the catalogue file is not valid (the category tiles still work).
    items: Arc<OnceLock<Option<Items>>>,
    /// What the view was last given: the search (text, language, whether the index was there) and the photo
    /// under review. Redraws happen every second; the hits are searched and the photo copied only on change.
    shown_search: RefCell<Option<(String, crate::config::Language, bool)>>,
    shown_photo: std::cell::Cell<Option<u64>>,
    /// Photo ids of the application's materials last handed to the view.
    shown_materials: RefCell<Vec<u64>>,
    shown_category: RefCell<Option<(&'static str, crate::config::Language, bool)>>,
    /// The language the elder home's tiles were made in (None: not made yet, the catalogue still loading).
    shown_elder: std::cell::Cell<Option<crate::config::Language>>,
    elder_items: Vec<String>,
    /// The pinyin dictionary of the field keyboard, built with the catalogue.
    ime: Arc<OnceLock<kiosk_ime::Dictionary>>,
    pub(crate) services: RefCell<Option<Services>>,
    /// Device reports from before the services came (devices start first): queued when they come.
    early_reports: RefCell<Vec<kiosk_api::DeviceReport>>,
    /// What receipts and forms say about this terminal.
    terminal_title: String,
    inbox: Inbox,
    mail: std::sync::mpsc::Receiver<Job>,
    /// The keypad's focus on the screen.
    pub reader: crate::screen_reader::ScreenReader,
    /// Speech; None until attached (the headless tests of screens run without it).
    voice: RefCell<Option<crate::voice::Voice>>,
    /// The remote virtual window's call, while one runs.
    pub(crate) call: RefCell<Option<crate::remote_window::RunningCall>>,
    /// Maintenance and telemetry: configuration, heartbeat, counters.
    pub(crate) upkeep: RefCell<crate::upkeep::Upkeep>,
}

/// What the kiosk reaches beyond the UI thread: the runtime, the platform and the printers.
#[derive(Clone)]
pub struct Services {
    pub runtime: tokio::runtime::Handle,
    pub platform: Option<Platform>,
    pub receipt: Option<PrinterHandle>,
    pub a4: Option<A4Handle>,
    /// The store's outbox: applications are committed here before the resident is told anything, and
    /// delivered when the platform can be reached.
    pub outbox: Option<crate::outbox::Outbox>,
    /// The outputs the maintenance menu tests: the pad's lights, the status lights, the buzzer.
    pub pad: Option<tokio::sync::mpsc::UnboundedSender<kiosk_drivers::pad::driver::PadCommand>>,
    pub lights: Option<tokio::sync::watch::Sender<kiosk_drivers::gpio::protocol::Flash>>,
    pub buzzer: Option<tokio::sync::mpsc::UnboundedSender<kiosk_drivers::gpio::service::Beep>>,
}

/// How many candidates the pinyin bar offers.
const CANDIDATES: usize = 8;

/// Whether the screen's font draws every character of `text` (a candidate it cannot draw would be a blank
/// key). The font is the bundled one the screen registers; without it every candidate is offered.
fn drawable(text: &str) -> bool {
    use ab_glyph::Font;
    static FONT: OnceLock<Option<ab_glyph::FontRef<'static>>> = OnceLock::new();
    match FONT.get_or_init(|| {
        let regular = kiosk_documents::bundled_fonts().ok()?.regular;
        ab_glyph::FontRef::try_from_slice(regular).ok()
    }) {
        Some(f) => text.chars().all(|c| f.glyph_id(c).0 != 0),
        None => true,
    }
}

/// The candidates of the pinyin bar for a composition.
fn candidates_for(dict: &kiosk_ime::Dictionary, composition: &str) -> Vec<kiosk_ime::Candidate> {
    dict.candidates_where(composition, CANDIDATES, drawable)
}

/// A job for the UI thread; it returns whether the view must be redrawn from the state afterwards.
type Job = Box<dyn FnOnce(&Kiosk) -> bool + Send>;

/// The kiosk's mailbox for other threads: device events and the answers of the platform, printers and camera
/// are posted here and run on the UI thread, in order. Posting wakes the event loop; without one (headless
/// tests) whoever owns the kiosk calls `Kiosk::drain`.
#[derive(Clone)]
pub struct Inbox(std::sync::mpsc::Sender<Job>);

impl Inbox {
    pub fn post(&self, f: impl FnOnce(&Kiosk) + Send + 'static) {
        self.send(Box::new(move |k| {
            f(k);
            true
        }));
    }

    /// A job that only touches the view itself (a video frame): no redraw from the state follows it.
    pub fn post_view(&self, f: impl FnOnce(&Kiosk) + Send + 'static) {
        self.send(Box::new(move |k| {
            f(k);
            false
        }));
    }

    fn send(&self, job: Job) {
        if self.0.send(job).is_ok() {
            let _ = slint::invoke_from_event_loop(|| {
                KIOSK.with(|k| {
                    if let Some(k) = k.borrow().as_ref() {
                        k.drain();
                    }
                })
            });
        }
    }

    pub fn device(&self, event: DeviceEvent) {
        self.post(move |k| k.device(event));
    }
}

/// The catalogue of service items and its search index.
pub struct Items {
    pub catalog: kiosk_catalog::Catalog,
    pub index: kiosk_catalog::Index,
}

/// How many search hits the home page lists.
const HITS: usize = 8;

/// A camera and the runtime its service runs on.
pub(crate) struct AttachedCamera {
    runtime: tokio::runtime::Handle,
    pub(crate) handle: CameraHandle,
}

/// This run's random part of idempotency keys. Without the system's randomness (which a Linux board has from
/// the kernel's pool) the clock's nanoseconds stand in: a restart then still gets keys of its own.
fn nonce() -> u64 {
    let mut raw = [0u8; 8];
    match getrandom::fill(&mut raw) {
        Ok(()) => u64::from_le_bytes(raw),
        Err(e) => {
            tracing::warn!(error = %e, "no system randomness; idempotency keys from the clock");
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map(|d| d.as_nanos() as u64)
                .unwrap_or(0)
        }
    }
}

impl Kiosk {
    /// Builds the kiosk window for a configuration and profile; devices are probed (or marked simulated).
    pub fn new(config: &Config, profile: &Profile) -> Result<Rc<Kiosk>, slint::PlatformError> {
        let ui = KioskWindow::new()?;
        crate::screen_fonts::register_or_log();
        presenter::configure(&ui, config, &profile.panel);
        let mut terminal = Terminal::new(
            Setup {
                settings: config.settings(),
                terminal_id: config.terminal.id.clone(),
                technicians: config.maintenance.technicians.clone(),
                nonce: nonce(),
            },
            Instant::now(),
        );
        for spec in &profile.devices {
            let health = devices::probe(spec);
            match &health {
                kiosk_drivers::Health::Down { reason } => {
                    tracing::error!(device = %spec.id, class = %spec.class, %reason, "device down")
                }
                h => {
                    tracing::debug!(device = %spec.id, class = %spec.class, health = ?h, "device ready")
                }
            }
            terminal.handle(
                Input::DeviceAdded {
                    id: DeviceId(spec.id.clone()),
                    class: spec.class,
                    health,
                },
                Instant::now(),
            );
        }
        let down = terminal
            .devices
            .values()
            .filter(|d| !d.health.is_usable())
            .count();
        tracing::info!(devices = profile.devices.len(), down, "devices probed");
        let (mail_tx, mail) = std::sync::mpsc::channel();
        let kiosk = Rc::new(Kiosk {
            ui,
            terminal: RefCell::new(terminal),
            camera: RefCell::new(None),
            face_camera: RefCell::new(None),
            preview_face: std::cell::Cell::new(false),
            preview: RefCell::new(None),
            items: Arc::new(OnceLock::new()),
            shown_search: RefCell::new(None),
            shown_photo: std::cell::Cell::new(None),
            shown_materials: RefCell::new(Vec::new()),
            shown_category: RefCell::new(None),
            shown_elder: std::cell::Cell::new(None),
            elder_items: config.ui.elder_items.clone(),
            ime: Arc::new(OnceLock::new()),
            services: RefCell::new(None),
            early_reports: RefCell::new(Vec::new()),
            terminal_title: config.terminal.title.clone(),
            inbox: Inbox(mail_tx),
            mail,
            reader: crate::screen_reader::ScreenReader::default(),
            voice: RefCell::new(None),
            call: RefCell::new(None),
            deadline: slint::Timer::default(),
            upkeep: RefCell::new(crate::upkeep::Upkeep::new(config, &profile.panel)),
        });
        {
            let items = kiosk.items.clone();
            let ime = kiosk.ime.clone();
            let inbox = kiosk.inbox.clone();
            let built = std::thread::Builder::new()
                .name("catalogue".into())
                .spawn(move || {
                    let loaded = match crate::items::load(None) {
                        Ok(catalog) => {
                            let index = kiosk_catalog::Index::new(&catalog);
                            tracing::info!(items = catalog.items.len(), "catalogue loaded");
                            Some(Items { catalog, index })
                        }
                        Err(e) => {
                            tracing::error!(problems = %e, "the catalogue is not valid; search finds no items");
                            None
                        }
                    };
                    let _ = items.set(loaded);
                    // Without the dictionary file (named in the log by the index above) the keyboard offers
                    // single characters only.
                    let words = kiosk_catalog::dictionary().unwrap_or("");
                    let _ = ime.set(kiosk_ime::Dictionary::from_jieba(words));
                    // Show hits for what was typed while the index was being built.
                    inbox.post(|k| k.render());
                });
            if let Err(e) = built {
                tracing::error!(error = %e, "cannot start the catalogue thread; search finds no items");
                let _ = kiosk.items.set(None);
            }
        }
        kiosk.wire();
        kiosk_ui::select_language(config.terminal.language.code());
        kiosk.render();
        Ok(kiosk)
    }

    fn wire(self: &Rc<Self>) {
        let actions = self.ui.global::<Actions>();
        let on = |intent: fn() -> Intent| {
            let weak: Weak<Kiosk> = Rc::downgrade(self);
            move || {
                if let Some(k) = weak.upgrade() {
                    k.intent(intent());
                }
            }
        };
        actions.on_start(on(|| Intent::Start));
        actions.on_go_home(on(|| Intent::Home));
        actions.on_go_back(on(|| Intent::Back));
        actions.on_toggle_elder(on(|| Intent::ToggleElder));
        actions.on_toggle_language(on(|| Intent::ToggleLanguage));
        actions.on_call_help(on(|| Intent::CallHelp));
        actions.on_video_call(on(|| Intent::VideoCall));
        actions.on_call_hang_up(on(|| Intent::CallHangUp));
        actions.on_call_keep_waiting(on(|| Intent::CallKeepWaiting));
        actions.on_call_offer_phone(on(|| Intent::CallOfferPhone));
        actions.on_call_send_phone(on(|| Intent::CallSendPhone));
        actions.on_call_expand(on(|| Intent::CallExpand));
        actions.on_call_shrink(on(|| Intent::CallShrink));
        actions.on_call_close(on(|| Intent::CallClose));
        let maint = |make: fn(i32) -> Option<crate::maintenance::MaintIntent>| {
            let weak: Weak<Kiosk> = Rc::downgrade(self);
            move |n: i32| {
                if let Some(i) = make(n) {
                    if let Some(k) = weak.upgrade() {
                        k.intent(Intent::Maintenance(i));
                    }
                }
            }
        };
        {
            use crate::maintenance::{MaintIntent, Section};
            actions.on_maint_digit(maint(|d| u8::try_from(d).ok().map(MaintIntent::Digit)));
            let erase = maint(|_| Some(MaintIntent::Erase));
            actions.on_maint_erase(move || erase(0));
            let enter = maint(|_| Some(MaintIntent::Enter));
            actions.on_maint_enter(move || enter(0));
            actions.on_maint_section(maint(|i| Section::from_index(i).map(MaintIntent::Section)));
            let weak = Rc::downgrade(self);
            actions.on_maint_action(move |id| {
                match (MaintIntent::from_action(&id), weak.upgrade()) {
                    (Some(i), Some(k)) => k.intent(Intent::Maintenance(i)),
                    (None, _) => tracing::warn!(%id, "unknown maintenance action"),
                    _ => {}
                }
            });
        }
        let weak = Rc::downgrade(self);
        actions.on_call_phone_key(move |key| {
            if let Some(k) = weak.upgrade() {
                k.intent(Intent::CallPhoneKey(key.to_string()));
            }
        });
        let weak = Rc::downgrade(self);
        actions.on_call_rate(move |stars| {
            if let Some(k) = weak.upgrade() {
                k.intent(Intent::CallRate(stars.clamp(0, 255) as u8));
            }
        });
        actions.on_dismiss_notice(on(|| Intent::DismissNotice));
        actions.on_extend_session(on(|| Intent::Extend));
        actions.on_activity(on(|| Intent::Activity));
        actions.on_take_photo(on(|| Intent::TakePhoto));
        let weak = Rc::downgrade(self);
        actions.on_search_key(move |key| {
            if let Some(k) = weak.upgrade() {
                k.intent(Intent::SearchKey(key.to_string()));
            }
        });
        let weak = Rc::downgrade(self);
        actions.on_show_keyboard(move |show| {
            if let Some(k) = weak.upgrade() {
                k.intent(Intent::ShowKeyboard(show));
            }
        });
        let weak = Rc::downgrade(self);
        actions.on_item_selected(move |code| {
            if let Some(k) = weak.upgrade() {
                k.item_selected(&code);
            }
        });
        actions.on_retake_photo(on(|| Intent::Retake));
        actions.on_next(on(|| Intent::Next));
        actions.on_toggle_commitment_read(on(|| Intent::ToggleCommitmentRead));
        actions.on_clear_signature(on(|| Intent::ClearSignature));
        actions.on_retry_submit(on(|| Intent::RetrySubmit));
        actions.on_send_rating(on(|| Intent::SendRating));
        actions.on_finish(on(|| Intent::Finish));
        actions.on_open_not_done(on(|| Intent::OpenNotDone));
        actions.on_send_not_done(on(|| Intent::SendNotDone));
        // Indices from the view are never negative for a real row; a negative one means "none".
        let index = |i: i32| usize::try_from(i).unwrap_or(usize::MAX);
        let weak = Rc::downgrade(self);
        actions.on_open_item(move |code| {
            if let Some(k) = weak.upgrade() {
                k.item_selected(&code);
            }
        });
        let weak = Rc::downgrade(self);
        actions.on_focus_field(move |i| {
            if let Some(k) = weak.upgrade() {
                k.intent(Intent::FocusField(index(i)));
            }
        });
        let weak = Rc::downgrade(self);
        actions.on_field_key(move |key| {
            if let Some(k) = weak.upgrade() {
                let first = k
                    .candidates()
                    .into_iter()
                    .next()
                    .map(|c| (c.text, c.consumed));
                k.intent(Intent::FieldKey {
                    key: key.to_string(),
                    first,
                });
            }
        });
        let weak = Rc::downgrade(self);
        actions.on_pick_candidate(move |i| {
            if let Some(k) = weak.upgrade() {
                if let Some(c) = k.candidates().into_iter().nth(index(i)) {
                    k.intent(Intent::PickCandidate {
                        text: c.text,
                        consumed: c.consumed,
                    });
                }
            }
        });
        let weak = Rc::downgrade(self);
        actions.on_choose(move |field, choice| {
            if let Some(k) = weak.upgrade() {
                k.intent(Intent::Choose {
                    field: index(field),
                    choice: index(choice),
                });
            }
        });
        let weak = Rc::downgrade(self);
        actions.on_photograph(move |i| {
            if let Some(k) = weak.upgrade() {
                k.intent(Intent::Photograph(index(i)));
            }
        });
        let weak = Rc::downgrade(self);
        actions.on_sign_point(move |x, y, new_stroke| {
            if let Some(k) = weak.upgrade() {
                k.intent(Intent::SignPoint { x, y, new_stroke });
            }
        });
        let weak = Rc::downgrade(self);
        actions.on_rate(move |stars| {
            if let Some(k) = weak.upgrade() {
                k.intent(Intent::Rate(stars.clamp(0, 255) as u8));
            }
        });
        let weak = Rc::downgrade(self);
        actions.on_toggle_reason(move |i| {
            if let Some(k) = weak.upgrade() {
                k.intent(Intent::ToggleReason(index(i)));
            }
        });
        let weak = Rc::downgrade(self);
        actions.on_not_done_reason(move |i| {
            if let Some(k) = weak.upgrade() {
                k.intent(Intent::NotDoneReason(index(i)));
            }
        });
        actions.on_use_photo(on(|| Intent::UsePhoto));
        let weak = Rc::downgrade(self);
        actions.on_category_selected(move |id| {
            if let Some(k) = weak.upgrade() {
                k.intent(Intent::Category(id.to_string()));
            }
        });
        let weak = Rc::downgrade(self);
        actions.on_search_edited(move |text| {
            if let Some(k) = weak.upgrade() {
                k.intent(Intent::Search(text.to_string()));
            }
        });
        let weak = Rc::downgrade(self);
        actions.on_keypad_key(move |name| {
            if let (Some(k), Some(key)) = (weak.upgrade(), KeypadKey::from_key(&name)) {
                k.device(DeviceEvent::KeypadKey(key));
            }
        });
        let weak = Rc::downgrade(self);
        actions.on_answer_elder_proposal(move |yes| {
            if let Some(k) = weak.upgrade() {
                k.intent(Intent::AnswerElderProposal(yes));
            }
        });
    }

    pub fn intent(&self, intent: Intent) {
        // The person acted: speech stops (what the action brings is said after the redraw).
        if !matches!(intent, Intent::Activity) {
            self.with_voice(|v| v.stop());
        }
        self.handle(Input::Intent(intent));
    }

    /// The one way the wiring talks to the terminal's core: an input, now; its effects carried out, the view
    /// redrawn and the next tick set for the core's next deadline.
    pub fn handle(&self, input: Input) {
        let fx = self.terminal.borrow_mut().handle(input, Instant::now());
        self.apply(fx);
        self.arm_deadline();
    }

    /// Sets the one timer of the core for its next deadline (or stops it when nothing is due).
    fn arm_deadline(&self) {
        let due = self.terminal.borrow().next_deadline();
        match due {
            Some(due) => {
                // A deadline in the past comes due at once; the core never asks for one it has passed twice.
                let wait = due.saturating_duration_since(Instant::now());
                self.deadline.start(slint::TimerMode::SingleShot, wait, || {
                    KIOSK.with(|k| {
                        if let Some(k) = k.borrow().as_ref() {
                            k.handle(Input::Tick);
                        }
                    })
                });
            }
            None => self.deadline.stop(),
        }
    }

    /// Every few seconds: the heartbeat when due, and the clock on the screen.
    pub fn housekeeping(&self) {
        self.heartbeat_due();
        self.render();
    }

    /// Gives the kiosk its speech.
    pub fn attach_voice(&self, voice: crate::voice::Voice) {
        *self.voice.borrow_mut() = Some(voice);
        self.render();
    }

    pub fn with_voice<R>(&self, f: impl FnOnce(&crate::voice::Voice) -> R) -> Option<R> {
        self.voice.borrow().as_ref().map(f)
    }

    /// A key of the tactile keypad: the screen reader's keys are handled here, the others (back, help) by the
    /// session as their touch buttons are. Every key is activity for the session.
    fn keypad(&self, key: KeypadKey) {
        use crate::screen_reader::Move;
        let lang = self.terminal.borrow().language;
        self.with_voice(|v| v.keypad());
        match key {
            KeypadKey::Up | KeypadKey::Left | KeypadKey::Down | KeypadKey::Right => {
                let m = if matches!(key, KeypadKey::Up | KeypadKey::Left) {
                    Move::Previous
                } else {
                    Move::Next
                };
                let reached = self.reader.step(&self.ui, m, lang);
                match reached {
                    Some(d) => self.with_voice(|v| v.element(&d, lang)),
                    None => self.with_voice(|v| v.repeat_screen(&self.terminal.borrow())),
                };
            }
            KeypadKey::Select => {
                self.with_voice(|v| v.stop());
                if !self.reader.select(&self.ui) {
                    // Nothing reached yet: say where they are and what to do.
                    self.with_voice(|v| v.repeat_screen(&self.terminal.borrow()));
                } else if let Some(d) = self.reader.toggled(lang) {
                    // A check box or an option on the same screen: say its new state.
                    self.with_voice(|v| v.element(&d, lang));
                }
            }
            KeypadKey::Repeat => {
                self.with_voice(|v| v.repeat_screen(&self.terminal.borrow()));
            }
            KeypadKey::VolumeUp | KeypadKey::VolumeDown => {
                self.with_voice(|v| v.volume(key == KeypadKey::VolumeUp, lang));
            }
            KeypadKey::Back | KeypadKey::Help => {}
        }
    }

    pub fn device(&self, event: DeviceEvent) {
        tracing::debug!(?event, "device event");
        match &event {
            DeviceEvent::KeypadKey(k) => self.keypad(*k),
            DeviceEvent::Headset(plugged) => {
                self.with_voice(|v| v.headset(*plugged, &self.terminal.borrow()));
            }
            _ => {}
        }
        self.handle(Input::Device {
            event,
            today: today(),
        });
    }

    /// A tick of the core now, and the heartbeat if due (tools and tests that play time by hand).
    pub fn tick(&self) {
        self.handle(Input::Tick);
        self.heartbeat_due();
    }

    pub(crate) fn apply(&self, fx: Vec<Effect>) {
        for e in fx {
            match e {
                Effect::Language(lang) => {
                    kiosk_ui::select_language(lang.code());
                }
                Effect::SessionStarted { identified } => {
                    tracing::info!(identified, "session started")
                }
                Effect::SessionEnded(reason) => {
                    self.with_voice(|v| v.session_ended());
                    tracing::info!(?reason, "session ended, personal data wiped")
                }
                Effect::HelpRequested => tracing::info!("help requested"),
                e @ (Effect::CallStart { .. }
                | Effect::CallCommand(_)
                | Effect::CallShare { .. }) => self.call_effect(e),
                Effect::TakeStill => self.take_still(),
                Effect::VerifyCode(request) => self.call(
                    move |p| async move { p.identity(&request).await },
                    |k, reply| {
                        k.handle(Input::Identity {
                            reply,
                            today: today(),
                        })
                    },
                ),
                Effect::FetchPrefill(request) => {
                    let code = request.item_code.clone();
                    self.call(
                        move |p| async move { p.prefill(&request).await },
                        move |k, reply| {
                            k.handle(Input::Prefill {
                                item_code: code,
                                reply,
                            })
                        },
                    );
                }
                Effect::Submit(submit) => self.submit(*submit),
                Effect::Print(printout) => self.print(*printout),
                Effect::Evaluate(e) => {
                    self.queue_or_send(
                        crate::outbox::EVALUATION,
                        e,
                        |p, e, key| async move { p.evaluate(&e, &key).await },
                        |_, reply| match reply {
                            Ok(t) => tracing::info!(ticket = %t.ticket, "rating delivered"),
                            Err(e) => tracing::warn!(error = %e, "rating not delivered"),
                        },
                    );
                }
                Effect::Help(h) => {
                    // Not queued: a call for a person is now or never (see the outbox).
                    let key = crate::platform::fresh_key("help");
                    self.call(
                        move |p| async move { p.help(&h, &key).await },
                        |k, reply| {
                            if let Err(e) = &reply {
                                tracing::warn!(error = %e, "help request not delivered");
                            }
                            k.handle(Input::Help(reply))
                        },
                    )
                }
                Effect::ReportNotDone(n) => {
                    let queued = self.queue_or_send(
                        crate::outbox::NOT_DONE,
                        n,
                        |p, n, key| async move { p.not_done(&n, &key).await },
                        |k, reply| {
                            if let Err(e) = &reply {
                                tracing::warn!(error = %e, "办不成事 report not delivered");
                            }
                            k.handle(Input::NotDone(reply.map(|_| ())))
                        },
                    );
                    if queued {
                        // Kept on the terminal and sent when the platform can take it: recorded.
                        self.handle(Input::NotDone(Ok(())));
                    }
                }
                Effect::Telemetry(mut r) => {
                    if r.at.is_empty() {
                        r.at = local_now().to_rfc3339();
                    }
                    if self.services.borrow().is_none() {
                        self.early_reports.borrow_mut().push(r);
                        continue;
                    }
                    self.queue_or_send(
                        crate::outbox::TELEMETRY,
                        r,
                        |p, r, key| async move { p.telemetry(&r, &key).await },
                        |_, reply| {
                            if let Err(e) = reply {
                                tracing::debug!(error = %e, "device report not delivered");
                            }
                        },
                    );
                }
                Effect::Audit { technician, action } => {
                    tracing::info!(%technician, %action, "maintenance");
                    let entry = kiosk_api::AuditEntry {
                        terminal_id: self.terminal.borrow().terminal_id.clone(),
                        technician,
                        action,
                        at: local_now().to_rfc3339(),
                    };
                    self.queue_or_send(
                        crate::outbox::AUDIT,
                        entry,
                        |p, a, key| async move { p.audit(&a, &key).await },
                        |_, reply| {
                            if let Err(e) = reply {
                                tracing::warn!(error = %e, "audit entry not delivered");
                            }
                        },
                    );
                }
                Effect::Maintenance(c) => self.maintenance_command(c),
                Effect::Figures(mut f) => {
                    f.ended_at = Some(local_now().to_rfc3339());
                    tracing::info!(
                        outcome = ?f.outcome,
                        session_s = f.session_s,
                        prefill_rate = ?f.prefill_rate(),
                        "session figures"
                    );
                    self.queue_or_send(
                        crate::outbox::FIGURES,
                        *f,
                        |p, f, key| async move { p.figures(&f, &key).await },
                        |_, reply| {
                            if let Err(e) = reply {
                                tracing::warn!(error = %e, "session figures not delivered");
                            }
                        },
                    );
                }
            }
        }
        self.sync_preview();
        self.render();
    }

    /// The mailbox other threads post to.
    pub fn inbox(&self) -> Inbox {
        self.inbox.clone()
    }

    /// Runs what other threads posted, in order, then redraws once; returns how many ran.
    pub fn drain(&self) -> usize {
        let (mut n, mut redraw) = (0, false);
        while let Ok(job) = self.mail.try_recv() {
            redraw |= job(self);
            n += 1;
        }
        if redraw {
            self.apply(Vec::new());
        }
        n
    }

    /// Gives the kiosk its runtime, platform client and printers.
    pub fn attach_services(&self, services: Services) {
        if let (Some(outbox), Some(platform)) = (&services.outbox, &services.platform) {
            let inbox = self.inbox.clone();
            services.runtime.spawn(outbox.clone().run(
                platform.clone(),
                std::time::Duration::from_secs(2),
                move |key, reply| {
                    inbox.post(move |k| k.handle(Input::CaseDelivered { key, reply }));
                },
            ));
        }
        *self.services.borrow_mut() = Some(services);
        self.restore_lock();
        let early: Vec<Effect> = self
            .early_reports
            .take()
            .into_iter()
            .map(Effect::Telemetry)
            .collect();
        self.apply(early);
    }

    /// Runs a platform call on the runtime and hands its answer to `done` on the UI thread. Without a runtime
    /// or a platform the answer is an error at once: never a made-up success.
    fn call<R, Fut>(
        &self,
        call: impl FnOnce(Platform) -> Fut + Send + 'static,
        done: impl FnOnce(&Kiosk, Result<R, PlatformError>) + Send + 'static,
    ) where
        R: Send + 'static,
        Fut: std::future::Future<Output = Result<R, PlatformError>> + Send + 'static,
    {
        let services = self.services.borrow().clone();
        match services.and_then(|s| s.platform.map(|p| (s.runtime, p))) {
            Some((runtime, platform)) => {
                let inbox = self.inbox.clone();
                runtime.spawn(async move {
                    let reply = call(platform).await;
                    inbox.post(move |k| done(k, reply));
                });
            }
            None => {
                done(
                    self,
                    Err(PlatformError::Unreachable(
                        "no platform configured on this terminal".into(),
                    )),
                );
            }
        }
    }

    /// Commits a write to the outbox and returns true; without a store (or if the commit failed) sends it
    /// once directly under a fresh key, `done` getting the answer, and returns false.
    fn queue_or_send<T, R, Fut>(
        &self,
        kind: &'static str,
        value: T,
        send: impl FnOnce(Platform, T, String) -> Fut + Send + 'static,
        done: impl FnOnce(&Kiosk, Result<R, PlatformError>) + Send + 'static,
    ) -> bool
    where
        T: serde::Serialize + Send + 'static,
        R: Send + 'static,
        Fut: std::future::Future<Output = Result<R, PlatformError>> + Send + 'static,
    {
        if let Some(outbox) = self.outbox() {
            match outbox.commit(kind, &value) {
                Ok(_) => return true,
                Err(e) => tracing::error!(kind, error = %e, "not kept in the store; sent directly"),
            }
        }
        let key = crate::platform::fresh_key(kind);
        self.call(move |p| send(p, value, key), done);
        false
    }

    pub(crate) fn outbox(&self) -> Option<crate::outbox::Outbox> {
        self.services
            .borrow()
            .as_ref()
            .and_then(|s| s.outbox.clone())
    }

    /// Renders the application PDF (with the signature drawn in) off the UI thread, commits an application to
    /// the outbox (so that nothing is lost if the platform cannot take it now), then sends the case. A
    /// document to print cannot wait for the network: a print item is sent only, never queued.
    fn submit(&self, submit: Submit) {
        let key = submit.request.idempotency_key.clone();
        let terminal = self.terminal_title.clone();
        let services = self.services.borrow().clone();
        let Some((runtime, Some(platform))) = services.map(|s| (s.runtime, s.platform)) else {
            self.handle(Input::Submitted {
                key,
                reply: Err(PlatformError::Unreachable(
                    "no platform configured on this terminal".into(),
                )),
                wall: String::new(),
            });
            return;
        };
        let inbox = self.inbox.clone();
        let outbox = self
            .outbox()
            .filter(|_| submit.request.kind != kiosk_api::ItemKind::Print);
        runtime.spawn(async move {
            let wall = local_now();
            let shown = wall.format("%Y-%m-%d %H:%M").to_string();
            let mut request = submit.request;
            let mut uploads = submit.uploads;
            request.submitted_at = wall.to_rfc3339();
            let strokes = submit.strokes;
            let pdf_input = (request.clone(), shown.clone(), terminal);
            let pdf = tokio::task::spawn_blocking(move || {
                crate::paperwork::application_pdf(
                    &pdf_input.0,
                    &strokes,
                    &pdf_input.1,
                    &pdf_input.2,
                )
            })
            .await;
            match pdf {
                Ok(Ok(bytes)) => {
                    let pdf = kiosk_api::Upload {
                        name: "申请表".into(),
                        media_type: "application/pdf".into(),
                        bytes,
                    };
                    request.application_pdf = Some(pdf.reference());
                    uploads.push(pdf);
                }
                // The case goes without its PDF rather than not at all; the platform has every field.
                Ok(Err(e)) => tracing::error!(error = %e, "application PDF not rendered"),
                Err(e) => tracing::error!(error = %e, "application PDF task failed"),
            }
            // Committed before the resident is told anything (a power cut after this loses nothing).
            let committed = match &outbox {
                Some(o) => {
                    let (o, r, u) = (o.clone(), request.clone(), uploads.clone());
                    match tokio::task::spawn_blocking(move || {
                        o.commit_case(&r, &u, std::time::Duration::from_secs(30))
                    })
                    .await
                    {
                        Ok(Ok(provisional)) => Some(provisional),
                        Ok(Err(e)) => {
                            tracing::error!(error = %e, "case not committed to the store");
                            None
                        }
                        Err(e) => {
                            tracing::error!(error = %e, "store task failed");
                            None
                        }
                    }
                }
                None => None,
            };
            let materials: Vec<(String, Vec<u8>)> = uploads
                .into_iter()
                .map(|u| (u.reference().sha256, u.bytes))
                .collect();
            let reply = platform.deliver(&request, &materials).await;
            if let (Some(o), Some(_)) = (&outbox, &committed) {
                o.settle(&key, &reply);
            }
            inbox.post(move |k| {
                k.handle(match (reply, committed) {
                    (Err(e), Some(provisional)) if e.is_transient() => Input::Queued {
                        key,
                        provisional,
                        wall: shown,
                    },
                    (reply, _) => Input::Submitted {
                        key,
                        reply,
                        wall: shown,
                    },
                })
            });
        });
    }

    /// Prints the receipt and the document of a case; each printer's answer goes back to the session.
    fn print(&self, p: Printout) {
        let services = self.services.borrow().clone();
        let runtime = services.as_ref().map(|s| s.runtime.clone());
        let receipt_printer = services.as_ref().and_then(|s| s.receipt.clone());
        let a4 = services.as_ref().and_then(|s| s.a4.clone());
        let Some(runtime) = runtime else {
            for (printer, wanted) in [
                (Printer::Receipt, p.receipt.is_some()),
                (Printer::A4, p.document.is_some()),
            ] {
                if wanted {
                    self.handle(Input::Printed {
                        key: p.key.clone(),
                        printer,
                        result: Err("no printer runtime".into()),
                    });
                }
            }
            return;
        };
        if let Some(receipt) = p.receipt {
            let key = p.key.clone();
            let inbox = self.inbox.clone();
            runtime.spawn(async move {
                let result = match receipt_printer {
                    Some(h) => h
                        .print(receipt)
                        .await
                        .map(|_| ())
                        .map_err(|e| e.to_string()),
                    None => Err("no receipt printer".into()),
                };
                if let Err(e) = &result {
                    tracing::warn!(error = %e, "receipt not printed");
                }
                inbox.post(move |k| {
                    if result.is_ok() {
                        k.count_printed(crate::maintenance::Consumable::Receipt);
                    }
                    k.handle(Input::Printed {
                        key,
                        printer: Printer::Receipt,
                        result,
                    })
                });
            });
        }
        if let Some(document) = p.document {
            let key = p.key.clone();
            let inbox = self.inbox.clone();
            runtime.spawn(async move {
                let result = match a4 {
                    Some(h) => {
                        let pdf = tokio::task::spawn_blocking(move || {
                            crate::paperwork::issued_pdf(&document)
                        })
                        .await
                        .map_err(|e| e.to_string())
                        .and_then(|r| r.map_err(|e| e.to_string()));
                        match pdf {
                            Ok((name, pdf)) => h
                                .print(kiosk_drivers::a4::driver::Document::new(name, pdf))
                                .await
                                .map(|_| ())
                                .map_err(|e| e.to_string()),
                            Err(e) => Err(e),
                        }
                    }
                    None => Err("no A4 printer".into()),
                };
                if let Err(e) = &result {
                    tracing::warn!(error = %e, "document not printed");
                }
                inbox.post(move |k| {
                    if result.is_ok() {
                        k.count_printed(crate::maintenance::Consumable::A4);
                    }
                    k.handle(Input::Printed {
                        key,
                        printer: Printer::A4,
                        result,
                    })
                });
            });
        }
    }

    /// The candidates of the pinyin bar for what is being composed.
    pub fn candidates(&self) -> Vec<kiosk_ime::Candidate> {
        let t = self.terminal.borrow();
        match (t.application.as_ref(), self.ime.get()) {
            (Some(a), Some(d)) if !a.composition.is_empty() => candidates_for(d, &a.composition),
            _ => Vec::new(),
        }
    }

    /// Gives the kiosk the document camera (the device manager starts it on `runtime`).
    pub fn attach_document_camera(&self, runtime: tokio::runtime::Handle, handle: CameraHandle) {
        *self.camera.borrow_mut() = Some(AttachedCamera { runtime, handle });
        self.sync_preview();
    }

    /// Gives the kiosk the face camera (for items that need a face photo).
    pub fn attach_face_camera(&self, runtime: tokio::runtime::Handle, handle: CameraHandle) {
        *self.face_camera.borrow_mut() = Some(AttachedCamera { runtime, handle });
        self.sync_preview();
    }

    /// The camera the capture page uses now, and whether it is the face camera.
    fn capture_camera(&self) -> (bool, Option<(tokio::runtime::Handle, CameraHandle)>) {
        let face = {
            let t = self.terminal.borrow();
            t.maintenance
                .camera_test()
                .unwrap_or_else(|| t.capture_face())
        };
        let cam = if face {
            self.face_camera.borrow()
        } else {
            self.camera.borrow()
        };
        (
            face,
            cam.as_ref().map(|c| (c.runtime.clone(), c.handle.clone())),
        )
    }

    /// Frames shown by the running preview, if one runs.
    pub fn preview_frames_shown(&self) -> Option<u64> {
        self.preview
            .borrow()
            .as_ref()
            .map(|p| p.shown.load(std::sync::atomic::Ordering::Relaxed))
    }

    /// The live preview runs exactly while the capture page shows.
    fn sync_preview(&self) {
        let wanted = {
            let t = self.terminal.borrow();
            t.screen == Screen::Capture || t.maintenance.camera_test().is_some()
        };
        let (face, cam) = self.capture_camera();
        let mut preview = self.preview.borrow_mut();
        if preview.is_some() && self.preview_face.get() != face {
            // The other camera is wanted now: the next lines start it.
            *preview = None;
        }
        match (wanted, preview.is_some(), cam) {
            (true, false, Some((runtime, handle))) => {
                self.preview_face.set(face);
                *preview = Some(PreviewPump::start(&runtime, handle, self.ui.as_weak()));
            }
            (false, true, _) => {
                *preview = None;
                let s = self.ui.global::<kiosk_ui::AppState>();
                s.set_camera_frame(slint::Image::default());
                s.set_camera_live(false);
            }
            _ => {}
        }
    }

    fn take_still(&self) {
        let (face, cam) = self.capture_camera();
        let Some((runtime, cam)) = cam else {
            self.handle(Input::Photo(Err("no camera for this photo".into())));
            return;
        };
        let inbox = self.inbox.clone();
        runtime.spawn(async move {
            let result = match cam.still().await {
                // Straightening a full-resolution page takes a moment: off the async workers.
                Ok(still) => tokio::task::spawn_blocking(move || {
                    if face {
                        crate::preview::portrait(&still)
                    } else {
                        crate::preview::photo(&still)
                    }
                })
                .await
                .unwrap_or_else(|e| Err(format!("photo processing failed: {e}"))),
                Err(e) => Err(e.to_string()),
            };
            inbox.post(move |k| k.photo_taken(result));
        });
    }

    pub fn photo_taken(&self, result: Result<kiosk_core::Photo, String>) {
        self.handle(Input::Photo(result));
    }

    /// The catalogue, once it is loaded (waits at most `within`; for tests and tools).
    pub fn items(&self, within: std::time::Duration) -> Option<&Items> {
        let end = Instant::now() + within;
        // The pinyin dictionary is built right after the catalogue, on the same thread.
        while (self.items.get().is_none() || self.ime.get().is_none()) && Instant::now() < end {
            std::thread::sleep(std::time::Duration::from_millis(10));
        }
        self.items.get().and_then(Option::as_ref)
    }

    /// An item of the catalogue, once it is loaded.
    pub fn item(&self, code: &str) -> Option<&kiosk_catalog::Item> {
        self.items
            .get()
            .and_then(Option::as_ref)
            .and_then(|i| i.catalog.get(code))
    }

    /// An item was touched (a search hit, a category's list): it opens.
    pub fn item_selected(&self, code: &str) {
        let item = self.item(code).cloned();
        match item {
            Some(item) => {
                tracing::info!(item = code, "item opened");
                self.intent(Intent::OpenItem(Box::new(item)));
            }
            None => tracing::warn!(item = code, "touched an unknown item"),
        }
    }

    pub fn render(&self) {
        let t = self.terminal.borrow();
        let items = self.items.get().and_then(Option::as_ref);
        let search = (t.search.clone(), t.language, items.is_some());
        let hits: Option<Vec<kiosk_ui::ItemHit>> =
            (self.shown_search.borrow().as_ref() != Some(&search)).then(|| match items {
                Some(items) if !t.search.is_empty() => items
                    .index
                    .search(&t.search, HITS)
                    .iter()
                    .filter_map(|h| items.catalog.get(&h.code))
                    .map(|i| presenter::item_hit(i, t.language))
                    .collect(),
                _ => Vec::new(),
            });
        if hits.is_some() {
            *self.shown_search.borrow_mut() = Some(search);
        }
        let photo = t.pending_photo.as_ref().map(|p| p.id);
        let photo_changed = self.shown_photo.replace(photo) != photo;
        let materials: Vec<u64> = t
            .application
            .as_ref()
            .map(|a| a.attached.iter().map(|x| x.photo.id).collect())
            .unwrap_or_default();
        let materials_changed = *self.shown_materials.borrow() != materials;
        if materials_changed {
            *self.shown_materials.borrow_mut() = materials;
        }
        let category_key = match t.screen {
            Screen::Category(id) => Some((id, t.language, items.is_some())),
            _ => None,
        };
        let category: Option<Vec<kiosk_ui::ItemHit>> =
            (*self.shown_category.borrow() != category_key).then(|| match (category_key, items) {
                (Some((id, lang, _)), Some(items)) => items
                    .catalog
                    .items
                    .iter()
                    // 证明打印 gathers every document to print, whichever office issues it.
                    .filter(|i| {
                        i.category == id
                            || (id == "certificate-print" && i.kind == kiosk_catalog::Kind::Print)
                    })
                    .map(|i| presenter::item_hit(i, lang))
                    .collect(),
                _ => Vec::new(),
            });
        if category.is_some() {
            *self.shown_category.borrow_mut() = category_key;
        }
        let elder: Option<Vec<kiosk_ui::CategoryTile>> = match items {
            Some(items) if self.shown_elder.get() != Some(t.language) => {
                self.shown_elder.set(Some(t.language));
                Some(presenter::elder_tiles(
                    &self.ui,
                    &self.elder_items,
                    &items.catalog,
                    t.language,
                ))
            }
            _ => None,
        };
        let candidates: Vec<String> = match (t.application.as_ref(), self.ime.get()) {
            (Some(a), Some(d)) if !a.composition.is_empty() => candidates_for(d, &a.composition)
                .into_iter()
                .map(|c| c.text)
                .collect(),
            _ => Vec::new(),
        };
        presenter::present(
            &self.ui,
            &t,
            &clock(),
            presenter::Changed {
                hits: hits.as_deref(),
                photo: photo_changed,
                materials: materials_changed,
                category: category.as_deref(),
                candidates: &candidates,
                elder_items: elder.as_deref(),
            },
        );
        crate::maintenance_view::present(&self.ui, &t, self);
        self.reader.follow(&self.ui);
        self.with_voice(|v| v.screen_changed(&t, &self.ui.global::<kiosk_ui::AppState>()));
    }
}

thread_local! {
    /// The kiosk of the UI thread, for events that arrive through `invoke_from_event_loop`.
    static KIOSK: RefCell<Option<Rc<Kiosk>>> = const { RefCell::new(None) };
}

/// Makes `kiosk` the receiver of device events forwarded to the UI thread.
pub fn install(kiosk: Rc<Kiosk>) {
    KIOSK.with(|k| *k.borrow_mut() = Some(kiosk));
}

/// Forgets the kiosk of this thread (its window closes when the last reference goes).
pub fn uninstall() {
    KIOSK.with(|k| *k.borrow_mut() = None);
}
