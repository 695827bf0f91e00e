//! The redraw: the core's state into the views, the screen reader and speech following it.

use super::*;
use kiosk_ui::present::maintenance::{Facts, OutboxFacts, QueueFacts, SettingsFacts, SystemFacts};
use std::time::Duration;

impl Kiosk {
    pub fn render(&self) {
        let t = self.terminal.borrow();
        let items = self.items.get().and_then(Option::as_ref);
        let search = (t.search().to_string(), t.language(), items.is_some());
        let hits: Option<Vec<kiosk_ui::ItemHit>> =
            (self.shown_search.borrow().as_ref() != Some(&search)).then(|| match items {
                Some(items) if !t.search().is_empty() => items
                    .index
                    .search(t.search(), HITS)
                    .iter()
                    .filter_map(|h| items.catalog.get(&h.code))
                    .map(|i| presenter::item_hit(i, t.language()))
                    .collect(),
                _ => Vec::new(),
            });
        if hits.is_some() {
            *self.shown_search.borrow_mut() = Some(search);
        }
        let photo = t.pending_photo().as_ref().map(|p| p.id);
        let photo_changed = self.shown_photo.replace(photo) != photo;
        let materials: Vec<u64> = t
            .application()
            .as_ref()
            .map(|a| a.attached.iter().map(|x| x.photo.id).collect())
            .unwrap_or_default();
        let materials_changed = *self.shown_materials.borrow() != materials;
        if materials_changed {
            *self.shown_materials.borrow_mut() = materials;
        }
        let category_key = match t.screen() {
            Screen::Category(id) => Some((id, t.language(), items.is_some())),
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
            Some(items) if self.shown_elder.get() != Some(t.language()) => {
                self.shown_elder.set(Some(t.language()));
                Some(presenter::elder_tiles(
                    &self.ui,
                    &self.elder_items,
                    &items.catalog,
                    t.language(),
                ))
            }
            _ => None,
        };
        let candidates: Vec<String> = match (composition(&t), self.ime.get()) {
            (Some(c), Some(d)) if !c.is_empty() => {
                candidates_for(d, c).into_iter().map(|c| c.text).collect()
            }
            _ => Vec::new(),
        };
        let assistant = (t.screen() == Screen::Ask)
            .then(|| self.knowledge.assistant())
            .flatten();
        let ask = assistant
            .as_deref()
            .map(|a| self.ask_shown(&t, a, items, &candidates));
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
                ask,
            },
        );
        kiosk_ui::present::maintenance::present(&self.ui, &t, &self.maintenance_facts(&t));
        self.reader.follow(&self.ui);
        self.with_voice(|v| v.screen_changed(&t, &self.ui));
    }

    /// What the maintenance menu shows besides the core's state, read only for the section on the screen.
    fn maintenance_facts(&self, t: &Terminal) -> Facts {
        use crate::maintenance::{Consumable, Section};
        use crate::platform::telemetry;
        let m = t.maintenance();
        let shown = |s| m.door_open() && m.who().is_some() && m.section == s;
        let upkeep = self.upkeep.borrow();
        let counter = |c| {
            if shown(Section::Consumables) {
                self.counter(c)
            } else {
                0
            }
        };
        Facts {
            now: Instant::now(),
            queue: shown(Section::Queue).then(|| QueueFacts {
                outbox: self.outbox().map(|o| {
                    o.status()
                        .map(|s| OutboxFacts {
                            queued: s.queued,
                            oldest: s.oldest_ms.map(|ms| {
                                Duration::from_millis(
                                    (crate::platform::outbox::now_ms() - ms).max(0) as u64,
                                )
                            }),
                            last_error: s.last_error,
                        })
                        .map_err(|e| e.to_string())
                }),
                addresses: telemetry::addresses(),
                platform: self
                    .services
                    .borrow()
                    .as_ref()
                    .and_then(|s| s.platform.as_ref().map(|p| p.base().to_string())),
                hub: upkeep.hub.clone(),
            }),
            log: if shown(Section::Logs) {
                crate::system::logging::recent()
            } else {
                Vec::new()
            },
            settings: shown(Section::Settings).then(|| SettingsFacts {
                file: upkeep.config_path.as_ref().map(|p| p.display().to_string()),
                terminal: format!(
                    "{} · {} / {}",
                    upkeep.config.terminal.id,
                    upkeep.config.terminal.street,
                    upkeep.config.terminal.community
                ),
                platform: upkeep.config.platform.url.0.clone(),
                text: upkeep
                    .config_path
                    .as_ref()
                    .map(|p| std::fs::read_to_string(p).map_err(|e| e.to_string())),
            }),
            system: shown(Section::System).then(|| {
                use crate::system::rauc::{bundle_dirs, find_bundle};
                SystemFacts {
                    version: telemetry::VERSION.to_string(),
                    uptime: upkeep.started.elapsed(),
                    free_disk: telemetry::free_disk(&upkeep.data_dir),
                    temperature: telemetry::temperature(),
                    rauc: upkeep.rauc.is_some(),
                    slots: upkeep.slots.as_ref().map(|r| {
                        r.as_ref()
                            .map(|s| (s.summary(), s.others_summary()))
                            .map_err(Clone::clone)
                    }),
                    slot_check: upkeep.slot_check.clone(),
                    update: upkeep.update.clone(),
                    bundle: find_bundle(&bundle_dirs(&upkeep.data_dir))
                        .and_then(|p| p.file_name().map(|n| n.to_string_lossy().to_string())),
                    updates_dir: upkeep.data_dir.join("updates").display().to_string(),
                }
            }),
            receipts: counter(Consumable::Receipt),
            a4: counter(Consumable::A4),
        }
    }
}
