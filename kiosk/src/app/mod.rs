//! Wires the terminal together: the state machine, the views and the device events.
//!
//! Threads (DESIGN.md): the Slint event loop owns the main thread and this `Kiosk`; device drivers and the
//! simulator feed a channel that a tokio runtime drains into the event loop with `invoke_from_event_loop`.

mod asking;
mod call;
mod camera;
mod case;
mod effects;
mod render;
mod upkeep;
mod wiring;

pub use case::deliver;

use crate::config::{Config, Profile};
use crate::platform::{Platform, PlatformError};
use crate::session::{Effect, Input, Intent, Printer, Printout, Screen, Setup, Submit, Terminal};
use crate::system::clock::{clock, local_now, today};
use crate::view::preview::PreviewPump;
use kiosk_drivers::a4::service::A4Handle;
use kiosk_drivers::camera::service::CameraHandle;
use kiosk_drivers::printer::driver::PrinterHandle;
use kiosk_drivers::{DeviceEvent, DeviceId, KeypadKey};
use kiosk_ui::present as presenter;
use kiosk_ui::KioskWindow;
use slint::ComponentHandle;
use std::cell::RefCell;
use std::rc::{Rc, Weak};
use std::sync::{Arc, OnceLock};
use std::time::Instant;

/// How often the heartbeat is looked at and the clock on the screen redrawn (the core's own ticks come at
/// its deadlines, not from this).
pub const HOUSEKEEPING: std::time::Duration = std::time::Duration::from_secs(5);

pub struct Kiosk {
    pub ui: KioskWindow,
    pub terminal: RefCell<Terminal>,
    /// The core's next deadline (see `handle`).
    deadline: slint::Timer,
    /// Jobs from the inbox are running: their inputs are drawn once, when the last is done.
    draining: std::cell::Cell<bool>,
    pub(crate) camera: RefCell<Option<AttachedCamera>>,
    pub(crate) face_camera: RefCell<Option<AttachedCamera>>,
    /// Which camera the running preview shows (true: the face camera).
    preview_face: std::cell::Cell<bool>,
    preview: RefCell<Option<PreviewPump>>,
    /// The catalogue and its search index, built off the UI thread at start (jieba's dictionary takes a
    /// moment); `None` inside when the catalogue file is not valid (the category tiles still work).
    items: Arc<OnceLock<Option<Items>>>,
    /// What the view was last given: the search (text, language, whether the index was there) and the photo
    /// under review. Redraws come with every input and the clock; the hits are searched and the photo copied
    /// only on change.
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
    /// 杨小通's knowledge base in use and its sync.
    knowledge: Arc<asking::Knowledge>,
    pub(crate) services: RefCell<Option<Services>>,
    /// Device reports from before the services came (devices start first): queued when they come.
    early_reports: RefCell<Vec<kiosk_api::DeviceReport>>,
    /// What receipts and forms say about this terminal.
    terminal_title: String,
    inbox: Inbox,
    mail: std::sync::mpsc::Receiver<Job>,
    /// The keypad's focus on the screen.
    pub reader: kiosk_ui::present::screen_reader::ScreenReader,
    /// Speech; None until attached (the headless tests of screens run without it).
    voice: RefCell<Option<crate::view::voice::Voice>>,
    /// The remote virtual window's call, while one runs.
    pub(crate) call: RefCell<Option<call::RunningCall>>,
    /// Maintenance and telemetry: configuration, heartbeat, counters.
    pub(crate) upkeep: RefCell<crate::system::upkeep::Upkeep>,
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
    pub outbox: Option<crate::platform::outbox::Outbox>,
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
/// The pinyin being composed: on 杨小通's page its question's, else the form field's.
fn composition(t: &Terminal) -> Option<&str> {
    if t.screen() == Screen::Ask {
        t.asking().as_ref().map(|a| a.composition.as_str())
    } else {
        t.application().as_ref().map(|a| a.composition.as_str())
    }
}

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
        crate::view::screen_fonts::register_or_log();
        configure_view(&ui, config, &profile.panel);
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
            let health = spec.starting_health();
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
            .devices()
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
            knowledge: Arc::new(asking::Knowledge::default()),
            services: RefCell::new(None),
            early_reports: RefCell::new(Vec::new()),
            terminal_title: config.terminal.title.clone(),
            inbox: Inbox(mail_tx),
            mail,
            reader: kiosk_ui::present::screen_reader::ScreenReader::default(),
            voice: RefCell::new(None),
            call: RefCell::new(None),
            deadline: slint::Timer::default(),
            draining: std::cell::Cell::new(false),
            upkeep: RefCell::new(crate::system::upkeep::Upkeep::new(config, &profile.panel)),
        });
        {
            let items = kiosk.items.clone();
            let ime = kiosk.ime.clone();
            let knowledge = kiosk.knowledge.clone();
            let inbox = kiosk.inbox.clone();
            let built = std::thread::Builder::new()
                .name("catalogue".into())
                .spawn(move || {
                    let loaded = match crate::view::items::load(None) {
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
                    // 杨小通 answers from the shipped bundle until a synced one is read or arrives.
                    if let Some(items) = items.get().and_then(Option::as_ref) {
                        knowledge.build_bundled(&items.catalog);
                    }
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
        self.knowledge_due();
        self.render();
    }

    /// Gives the kiosk its speech.
    pub fn attach_voice(&self, voice: crate::view::voice::Voice) {
        *self.voice.borrow_mut() = Some(voice);
        self.render();
    }

    pub fn with_voice<R>(&self, f: impl FnOnce(&crate::view::voice::Voice) -> R) -> Option<R> {
        self.voice.borrow().as_ref().map(f)
    }

    /// A key of the tactile keypad: the screen reader's keys are handled here, the others (back, help) by the
    /// session as their touch buttons are. Every key is activity for the session.
    fn keypad(&self, key: KeypadKey) {
        use kiosk_ui::present::screen_reader::Move;
        let lang = self.terminal.borrow().language();
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
        self.knowledge_due();
    }

    /// The mailbox other threads post to.
    pub fn inbox(&self) -> Inbox {
        self.inbox.clone()
    }

    /// Runs what other threads posted, in order, then redraws once; returns how many ran.
    pub fn drain(&self) -> usize {
        let (mut n, mut redraw) = (0, false);
        self.draining.set(true);
        while let Ok(job) = self.mail.try_recv() {
            redraw |= job(self);
            n += 1;
        }
        self.draining.set(false);
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

    /// The candidates of the pinyin bar for what is being composed.
    /// The first candidate (its text and the letters it spells), which the space bar picks.
    pub fn first_candidate(&self) -> Option<(String, usize)> {
        self.candidates()
            .into_iter()
            .next()
            .map(|c| (c.text, c.consumed))
    }

    pub fn candidates(&self) -> Vec<kiosk_ime::Candidate> {
        let t = self.terminal.borrow();
        match (composition(&t), self.ime.get()) {
            (Some(c), Some(d)) if !c.is_empty() => candidates_for(d, c),
            _ => Vec::new(),
        }
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

    /// A line of the home screen's overview was touched: a suggestion opens its item, any other line is the
    /// terminal's to confirm or show.
    /// Line `i` of the home screen: a returned case (they come first) to correct, or an offer.
    pub fn offer_touched(&self, i: usize) {
        let returned: Vec<String> = self
            .terminal
            .borrow()
            .returned()
            .iter()
            .map(|c| c.item_code.clone())
            .collect();
        if let Some(code) = returned.get(i) {
            match self.item(code).cloned() {
                Some(item) => self.intent(Intent::Correct {
                    case: i,
                    item: Box::new(item),
                }),
                None => {
                    tracing::warn!(item = %code, "a returned case of an item not in the catalogue")
                }
            }
            return;
        }
        let i = i - returned.len();
        let code = self
            .terminal
            .borrow()
            .offers()
            .get(i)
            .and_then(|l| l.opens_item().map(str::to_string));
        match code {
            Some(code) if self.item(&code).is_some() => self.item_selected(&code),
            _ => self.intent(Intent::Offer(i)),
        }
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

/// What the views show that does not change while the terminal runs, from the configuration and the panel.
pub(crate) fn configure_view(ui: &KioskWindow, config: &Config, panel: &crate::config::Panel) {
    presenter::configure(
        ui,
        presenter::Fixed {
            title: &config.terminal.title,
            location: &config.terminal.location,
            px_per_mm: panel.px_per_mm(),
            portrait: panel.orientation == crate::config::Orientation::Portrait,
        },
    );
}
