//! Wires the terminal together: the state machine, the views and the device events.
//!
//! Threads (DESIGN.md): the Slint event loop owns the main thread and this `Kiosk`; device drivers and the
//! simulator feed a channel that a tokio runtime drains into the event loop with `invoke_from_event_loop`.

use crate::config::{Config, Profile};
use crate::devices;
use crate::presenter;
use crate::preview::PreviewPump;
use crate::session::{Effect, Intent, Screen, Settings, Terminal};
use chrono::{Datelike, FixedOffset, Offset, Utc};
use kiosk_drivers::camera::service::CameraHandle;
use kiosk_drivers::{Date, DeviceEvent, DeviceId};
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

pub struct Kiosk {
    pub ui: KioskWindow,
    pub terminal: RefCell<Terminal>,
    camera: RefCell<Option<DocumentCamera>>,
    preview: RefCell<Option<PreviewPump>>,
    /// The catalogue and its search index, built off the UI thread at start (jieba's dictionary takes a
    /// moment); `None` inside when the catalogue file is not valid (the category tiles still work).
    items: Arc<OnceLock<Option<Items>>>,
    /// What the view was last given: the search (text, language, whether the index was there) and the photo
    /// under review. Redraws happen every second; the hits are searched and the photo copied only on change.
    shown_search: RefCell<Option<(String, crate::config::Language, bool)>>,
    shown_photo: std::cell::Cell<Option<u64>>,
}

/// The catalogue of service items and its search index.
pub struct Items {
    pub catalog: kiosk_catalog::Catalog,
    pub index: kiosk_catalog::Index,
}

/// How many search hits the home page lists.
const HITS: usize = 8;

/// The document camera and the runtime its service runs on.
struct DocumentCamera {
    runtime: tokio::runtime::Handle,
    handle: CameraHandle,
}

impl Kiosk {
    /// Builds the kiosk window for a configuration and profile; devices are probed (or marked simulated).
    pub fn new(config: &Config, profile: &Profile) -> Result<Rc<Kiosk>, slint::PlatformError> {
        let ui = KioskWindow::new()?;
        presenter::configure(&ui, config, &profile.panel);
        let mut terminal = Terminal::new(Settings::from_config(config), Instant::now());
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
            terminal.add_device(
                DeviceId(spec.id.clone()),
                spec.class,
                health,
                Instant::now(),
            );
        }
        let down = terminal
            .devices
            .values()
            .filter(|d| !d.health.is_usable())
            .count();
        tracing::info!(devices = profile.devices.len(), down, "devices probed");
        let kiosk = Rc::new(Kiosk {
            ui,
            terminal: RefCell::new(terminal),
            camera: RefCell::new(None),
            preview: RefCell::new(None),
            items: Arc::new(OnceLock::new()),
            shown_search: RefCell::new(None),
            shown_photo: std::cell::Cell::new(None),
        });
        {
            let items = kiosk.items.clone();
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
                    // Show hits for what was typed while the index was being built.
                    let _ = slint::invoke_from_event_loop(|| {
                        KIOSK.with(|k| {
                            if let Some(k) = k.borrow().as_ref() {
                                k.render();
                            }
                        })
                    });
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
        actions.on_answer_elder_proposal(move |yes| {
            if let Some(k) = weak.upgrade() {
                k.intent(Intent::AnswerElderProposal(yes));
            }
        });
    }

    pub fn intent(&self, intent: Intent) {
        let fx = self.terminal.borrow_mut().intent(intent, Instant::now());
        self.apply(fx);
    }

    pub fn device(&self, event: DeviceEvent) {
        tracing::debug!(?event, "device event");
        let fx = self
            .terminal
            .borrow_mut()
            .device(event, Instant::now(), today());
        self.apply(fx);
    }

    pub fn tick(&self) {
        let fx = self.terminal.borrow_mut().tick(Instant::now());
        self.apply(fx);
    }

    fn apply(&self, fx: Vec<Effect>) {
        for e in fx {
            match e {
                Effect::Language(lang) => {
                    kiosk_ui::select_language(lang.code());
                }
                Effect::SessionStarted { identified } => {
                    tracing::info!(identified, "session started")
                }
                Effect::SessionEnded(reason) => {
                    tracing::info!(?reason, "session ended, personal data wiped")
                }
                Effect::HelpRequested => {
                    tracing::warn!("help requested; no help channel in this build")
                }
                Effect::VideoRequested => {
                    tracing::warn!("video window requested; not in this build")
                }
                Effect::TakeStill => self.take_still(),
            }
        }
        self.sync_preview();
        self.render();
    }

    /// Gives the kiosk the document camera (the device manager starts it on `runtime`).
    pub fn attach_document_camera(&self, runtime: tokio::runtime::Handle, handle: CameraHandle) {
        *self.camera.borrow_mut() = Some(DocumentCamera { runtime, handle });
        self.sync_preview();
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
        let wanted = self.terminal.borrow().screen == Screen::Capture;
        let mut preview = self.preview.borrow_mut();
        match (wanted, preview.is_some(), self.camera.borrow().as_ref()) {
            (true, false, Some(cam)) => {
                *preview = Some(PreviewPump::start(
                    &cam.runtime,
                    cam.handle.clone(),
                    self.ui.as_weak(),
                ));
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
        let Some((runtime, cam)) = self
            .camera
            .borrow()
            .as_ref()
            .map(|c| (c.runtime.clone(), c.handle.clone()))
        else {
            self.terminal
                .borrow_mut()
                .photo_taken(Err("no document camera".into()), Instant::now());
            return;
        };
        runtime.spawn(async move {
            let result = match cam.still().await {
                // Straightening a full-resolution page takes a moment: off the async workers.
                Ok(still) => tokio::task::spawn_blocking(move || crate::preview::photo(&still))
                    .await
                    .unwrap_or_else(|e| Err(format!("photo processing failed: {e}"))),
                Err(e) => Err(e.to_string()),
            };
            let _ = slint::invoke_from_event_loop(move || {
                KIOSK.with(|k| {
                    if let Some(k) = k.borrow().as_ref() {
                        k.photo_taken(result);
                    }
                })
            });
        });
    }

    pub fn photo_taken(&self, result: Result<crate::session::Photo, String>) {
        self.terminal
            .borrow_mut()
            .photo_taken(result, Instant::now());
        self.render();
    }

    /// The catalogue, once it is loaded (waits at most `within`; for tests and tools).
    pub fn items(&self, within: std::time::Duration) -> Option<&Items> {
        let end = Instant::now() + within;
        while self.items.get().is_none() && Instant::now() < end {
            std::thread::sleep(std::time::Duration::from_millis(10));
        }
        self.items.get().and_then(Option::as_ref)
    }

    /// A search hit was touched. Each item's own page comes with the forms; until then its category page
    /// opens, which says how to get the item done today.
    pub fn item_selected(&self, code: &str) {
        let category = self
            .items
            .get()
            .and_then(Option::as_ref)
            .and_then(|i| i.catalog.get(code))
            .map(|i| i.category.clone());
        match category {
            Some(c) => {
                tracing::info!(item = code, "item chosen from search");
                self.intent(Intent::Category(c));
            }
            None => tracing::warn!(item = code, "search hit of an unknown item"),
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
        presenter::present(
            &self.ui,
            &t,
            &clock(),
            presenter::Changed {
                hits: hits.as_deref(),
                photo: photo_changed,
            },
        );
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

/// Hands a device event to the UI thread's kiosk. Callable from any thread.
pub fn forward(event: DeviceEvent) -> Result<(), slint::EventLoopError> {
    slint::invoke_from_event_loop(move || {
        KIOSK.with(|k| {
            if let Some(k) = k.borrow().as_ref() {
                k.device(event);
            }
        })
    })
}
