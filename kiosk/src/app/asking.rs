//! 杨小通 on the terminal: the knowledge base it answers from (the last bundle synced from the platform and
//! kept in the data directory, else the one shipped with the firmware), its sync, and the page's callbacks.
//! The answer itself is worked out by `kiosk_catalog::assistant` from what the core keeps of the page.

use super::*;
use kiosk_api::knowledge::KnowledgeBundle;
use kiosk_catalog::assistant::Assistant;
use kiosk_core::session::AskIntent;
use kiosk_ui::AskAdapter;
use std::path::Path;
use std::sync::RwLock;
use std::time::Duration;

/// How often the terminal asks the platform for a newer knowledge base (a 304 when it has the latest).
pub const SYNC_EVERY: Duration = Duration::from_secs(300);

/// The file in the data directory that keeps the last bundle synced.
pub const KNOWLEDGE_FILE: &str = "knowledge.json";

/// The assistant in use and the sync's bookkeeping.
#[derive(Default)]
pub struct Knowledge {
    pub(super) assistant: RwLock<Option<Arc<Assistant>>>,
    sync: std::sync::Mutex<SyncState>,
}

#[derive(Default)]
struct SyncState {
    file_read: bool,
    last: Option<Instant>,
    in_flight: bool,
}

impl Knowledge {
    pub fn assistant(&self) -> Option<Arc<Assistant>> {
        self.assistant
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
    }

    fn sync(&self) -> std::sync::MutexGuard<'_, SyncState> {
        self.sync.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Builds the assistant for `bundle` (a moment: jieba and the index) and puts it in use.
    pub(super) fn build(&self, bundle: KnowledgeBundle, catalog: &kiosk_catalog::Catalog) {
        let dictionary = kiosk_catalog::dictionary().unwrap_or("");
        let version = bundle.version;
        let built = Arc::new(Assistant::new(bundle, catalog, dictionary));
        *self.assistant.write().unwrap_or_else(|e| e.into_inner()) = Some(built);
        tracing::info!(version, "杨小通's knowledge base in use");
    }

    /// The shipped bundle, checked against the catalogue (a broken one is a build that must not ship, but the
    /// terminal goes on without 杨小通 rather than stop).
    pub(super) fn build_bundled(&self, catalog: &kiosk_catalog::Catalog) {
        match kiosk_catalog::knowledge::bundled(catalog) {
            Ok(kb) => self.build(kb, catalog),
            Err(problems) => {
                tracing::error!(%problems, "the shipped knowledge base is not valid")
            }
        }
    }
}

/// A bundle read from JSON (the platform's reply or the kept file), taken only if it fits the catalogue.
pub fn accept(json: &[u8], catalog: &kiosk_catalog::Catalog) -> Result<KnowledgeBundle, String> {
    let kb: KnowledgeBundle = serde_json::from_slice(json).map_err(|e| e.to_string())?;
    kiosk_catalog::knowledge::fits(&kb, catalog).map(|()| kb)
}

/// Keeps a synced bundle for the next start, written whole or not at all.
pub fn keep(dir: &Path, kb: &KnowledgeBundle) -> std::io::Result<()> {
    let json = serde_json::to_vec(kb).map_err(std::io::Error::other)?;
    let tmp = dir.join(format!("{KNOWLEDGE_FILE}.tmp"));
    std::fs::write(&tmp, json)?;
    std::fs::rename(tmp, dir.join(KNOWLEDGE_FILE))
}

impl Kiosk {
    pub(super) fn wire_ask(self: &Rc<Self>) {
        let ask = self.ui.global::<AskAdapter>();
        let send = |make: fn() -> AskIntent| {
            let weak: Weak<Kiosk> = Rc::downgrade(self);
            move || {
                if let Some(k) = weak.upgrade() {
                    k.intent(Intent::Ask(make()));
                }
            }
        };
        self.ui
            .global::<kiosk_ui::ShellAdapter>()
            .on_ask(send(|| AskIntent::Open));
        ask.on_send(send(|| AskIntent::Send));
        let weak = Rc::downgrade(self);
        self.ui
            .global::<kiosk_ui::HomeAdapter>()
            .on_ask_search(move || {
                if let Some(k) = weak.upgrade() {
                    let typed = k.terminal.borrow().search().to_string();
                    k.intent(Intent::Ask(AskIntent::Open));
                    k.intent(Intent::Ask(AskIntent::Question(typed)));
                }
            });
        ask.on_again(send(|| AskIntent::Again));
        let weak = Rc::downgrade(self);
        ask.on_key(move |key| {
            if let Some(k) = weak.upgrade() {
                let first = k.first_candidate();
                k.intent(Intent::Ask(AskIntent::Key {
                    key: key.to_string(),
                    first,
                }));
            }
        });
        let weak = Rc::downgrade(self);
        ask.on_pick(move |i| {
            if let Some(k) = weak.upgrade() {
                let nth = usize::try_from(i).unwrap_or(usize::MAX);
                if let Some(c) = k.candidates().into_iter().nth(nth) {
                    k.intent(Intent::Ask(AskIntent::Pick {
                        text: c.text,
                        consumed: c.consumed,
                    }));
                }
            }
        });
        let weak = Rc::downgrade(self);
        ask.on_ask(move |q| {
            if let Some(k) = weak.upgrade() {
                k.intent(Intent::Ask(AskIntent::Question(q.to_string())));
            }
        });
        let weak = Rc::downgrade(self);
        ask.on_choose(move |question, value| {
            if let Some(k) = weak.upgrade() {
                k.intent(Intent::Ask(AskIntent::Choose {
                    question: question.to_string(),
                    value: value.to_string(),
                }));
            }
        });
        let weak = Rc::downgrade(self);
        ask.on_show_map(move |on| {
            if let Some(k) = weak.upgrade() {
                k.intent(Intent::Ask(AskIntent::Map(on)));
            }
        });
        let weak = Rc::downgrade(self);
        ask.on_print_place(move |id| {
            if let Some(k) = weak.upgrade() {
                if let Some(slip) = k.place_slip(&id) {
                    k.intent(Intent::Ask(AskIntent::PrintPlace(Box::new(slip))));
                }
            }
        });
        let weak = Rc::downgrade(self);
        ask.on_unhelpful(move |answer, version| {
            if let Some(k) = weak.upgrade() {
                k.intent(Intent::Ask(AskIntent::Unhelpful {
                    answer: answer.to_string(),
                    version: u32::try_from(version).unwrap_or(0),
                }));
            }
        });
    }

    /// The slip of a place of the map, for the answer shown.
    fn place_slip(&self, id: &str) -> Option<kiosk_core::session::PlaceSlip> {
        let assistant = self.knowledge.assistant()?;
        let p = assistant.bundle().places.iter().find(|p| p.id == id)?;
        let about = self.ui.global::<AskAdapter>().get_title().to_string();
        let minutes = self
            .here(&assistant)
            .map(|h| {
                kiosk_catalog::places::walk_minutes(kiosk_catalog::places::metres(
                    h,
                    (p.lat, p.lon),
                ))
            })
            .unwrap_or(0);
        Some(kiosk_core::session::PlaceSlip {
            about,
            name: p.name.clone(),
            address: p.address.clone(),
            hours: p.hours.clone(),
            minutes,
            remote_window: p.remote_window,
            geo: format!("geo:{:.5},{:.5}", p.lat, p.lon),
        })
    }

    /// The knowledge base in use (for tests and tools).
    pub fn knowledge_version(&self) -> Option<u32> {
        self.knowledge.assistant().map(|a| a.version())
    }

    /// Waits at most `within` for the knowledge base to be built (tools and tests).
    pub fn wait_knowledge(&self, within: Duration) -> bool {
        let end = Instant::now() + within;
        while self.knowledge_version().is_none() && Instant::now() < end {
            std::thread::sleep(Duration::from_millis(10));
        }
        self.knowledge_version().is_some()
    }

    /// Asks the platform for its knowledge base now (the maintenance menu, tests), not at the next turn.
    pub fn knowledge_sync_now(&self) {
        self.knowledge.sync().last = None;
        self.knowledge_due();
    }

    /// From the kiosk's tick: the kept bundle once the catalogue is loaded, then the platform's every
    /// `SYNC_EVERY`.
    pub fn knowledge_due(&self) {
        let Some(items) = self.items.get().and_then(Option::as_ref) else {
            return;
        };
        let dir = self.upkeep.borrow().data_dir.clone();
        let first = !std::mem::replace(&mut self.knowledge.sync().file_read, true);
        if first {
            if let Ok(json) = std::fs::read(dir.join(KNOWLEDGE_FILE)) {
                match accept(&json, &items.catalog) {
                    Ok(kb) if Some(kb.version) > self.knowledge_version() => {
                        self.rebuild_knowledge(kb);
                    }
                    Ok(_) => {}
                    Err(e) => tracing::warn!(error = %e, "the kept knowledge base is not used"),
                }
            }
        }
        let services = self.services.borrow().clone();
        let Some((runtime, Some(platform))) = services.map(|s| (s.runtime, s.platform)) else {
            return;
        };
        {
            let mut s = self.knowledge.sync();
            if s.in_flight || s.last.is_some_and(|t| t.elapsed() < SYNC_EVERY) {
                return;
            }
            s.in_flight = true;
            s.last = Some(Instant::now());
        }
        let have = self.knowledge_version();
        let inbox = self.inbox();
        runtime.spawn(async move {
            let reply = platform.knowledge(have).await;
            inbox.post(move |k| k.knowledge_arrived(reply));
        });
    }

    fn knowledge_arrived(
        &self,
        reply: Result<Option<KnowledgeBundle>, crate::platform::PlatformError>,
    ) {
        self.knowledge.sync().in_flight = false;
        let Some(items) = self.items.get().and_then(Option::as_ref) else {
            return;
        };
        match reply {
            Ok(None) => tracing::debug!("the knowledge base is the platform's latest"),
            Ok(Some(kb)) if Some(kb.version) <= self.knowledge_version() => {}
            Ok(Some(kb)) => {
                if let Err(problems) = kiosk_catalog::knowledge::fits(&kb, &items.catalog) {
                    tracing::warn!(version = kb.version, %problems,
                        "the platform's knowledge base does not fit this terminal's catalogue; the last one stays");
                    return;
                }
                let dir = self.upkeep.borrow().data_dir.clone();
                if let Err(e) = keep(&dir, &kb) {
                    tracing::warn!(error = %e, "the synced knowledge base is used but not kept");
                }
                self.rebuild_knowledge(kb);
            }
            // Offline: the last bundle answers.
            Err(e) => tracing::debug!(error = %e, "knowledge base not synced"),
        }
    }

    /// Builds the assistant for a newer bundle off the UI thread; the old one answers meanwhile.
    fn rebuild_knowledge(&self, kb: KnowledgeBundle) {
        let items = self.items.clone();
        let knowledge = self.knowledge.clone();
        let inbox = self.inbox();
        let built = std::thread::Builder::new()
            .name("knowledge".into())
            .spawn(move || {
                if let Some(items) = items.get().and_then(Option::as_ref) {
                    knowledge.build(kb, &items.catalog);
                    inbox.post(|k| k.render());
                }
            });
        if let Err(e) = built {
            tracing::warn!(error = %e, "cannot start the knowledge thread; the last bundle answers");
        }
    }

    /// Where this terminal stands on the service map: its own place, else its street's centre.
    fn here(&self, assistant: &Assistant) -> Option<(f64, f64)> {
        let street = self.upkeep.borrow().config.terminal.street.clone();
        let id = self.terminal.borrow().terminal_id().to_string();
        kiosk_catalog::places::position(assistant.bundle(), &id, &street)
    }

    /// What 杨小通's page shows, while it is open.
    pub(super) fn ask_shown<'a>(
        &self,
        t: &Terminal,
        assistant: &'a Assistant,
        items: Option<&'a Items>,
        candidates: &'a [String],
    ) -> kiosk_ui::present::asking::Shown<'a> {
        let reply = t
            .asking()
            .as_ref()
            .and_then(|a| a.question.as_deref().map(|q| assistant.reply(q, &a.chosen)));
        kiosk_ui::present::asking::Shown {
            reply,
            common: assistant.common().collect(),
            catalog: items.map(|i| &i.catalog),
            version: assistant.version(),
            candidates,
            bundle: assistant.bundle(),
            here: self.here(assistant),
        }
    }
}
