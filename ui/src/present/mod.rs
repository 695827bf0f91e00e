//! The view glue, next to the views: the terminal's state (kiosk-core's `Terminal`) into the adapter globals,
//! one module per area, with the words the Rust side says (`words`) and the screen reader's walk of the
//! accessibility tree. Nothing here does I/O: what the terminal knows besides its core (the maintenance
//! menu's facts, the pictures) comes in as plain values.

pub mod application;
pub mod asking;
pub mod checks;
mod done;
pub mod maintenance;
mod materials;
pub mod narration;
pub mod offers;
pub mod screen_reader;
pub mod service_map;
pub mod words;
pub mod written;

use crate::{
    CallAdapter, CallPhase as UiCallPhase, CaptureAdapter, CaptureStep as UiCaptureStep,
    CategoryTile, HomeAdapter, IconPaths, ItemHit, KioskWindow, NoticeKind, Page, ShellAdapter,
    Theme,
};
use kiosk_core::categories::{self, CATEGORIES};
use kiosk_core::session::{CaptureStep, Screen, Terminal};
use kiosk_core::Language;
use kiosk_drivers::sensitive::mask_name;
use slint::{
    ComponentHandle, Image, Model, ModelRc, Rgb8Pixel, SharedPixelBuffer, SharedString, VecModel,
};

/// What does not change while the terminal runs: the panel's geometry and the titles.
pub struct Fixed<'a> {
    pub title: &'a str,
    pub location: &'a str,
    pub px_per_mm: f32,
    pub portrait: bool,
}

/// Applies what does not change while the terminal runs.
pub fn configure(ui: &KioskWindow, fixed: Fixed<'_>) {
    let theme = ui.global::<Theme>();
    theme.set_mm(fixed.px_per_mm);
    theme.set_portrait(fixed.portrait);
    let shell = ui.global::<ShellAdapter>();
    shell.set_terminal_title(fixed.title.into());
    shell.set_location(fixed.location.into());
}

fn icon(ui: &KioskWindow, key: &str) -> SharedString {
    let p = ui.global::<IconPaths>();
    match key {
        "social-insurance" => p.get_social_insurance(),
        "medical-insurance" => p.get_medical_insurance(),
        "housing-fund" => p.get_housing_fund(),
        "tax" => p.get_tax(),
        "household" => p.get_household(),
        "elderly-care" => p.get_elderly_care(),
        "disability" => p.get_disability(),
        "business" => p.get_business(),
        "certificate-print" => p.get_certificate_print(),
        _ => SharedString::new(),
    }
}

/// Writes the whole view state. Cheap enough to call after every input: the models are small.
/// What changed since the last call among the view state that is costly to hand over (a list the view would
/// rebuild, a picture it would copy): `None` leaves it as it is.
pub struct Changed<'a> {
    pub hits: Option<&'a [ItemHit]>,
    /// The photo under review changed (taken, dropped).
    pub photo: bool,
    /// The photographed materials of the application changed.
    pub materials: bool,
    /// The items of the category shown (from the catalogue).
    pub category: Option<&'a [ItemHit]>,
    /// Candidates of the pinyin bar for the composition.
    pub candidates: &'a [String],
    /// The tiles of elder mode's home.
    pub elder_items: Option<&'a [CategoryTile]>,
    /// 杨小通's reply and common questions, while its page shows.
    pub ask: Option<asking::Shown<'a>>,
}

/// Elder mode's home tiles: the configured items the catalogue has, at most six, with their category's icon.
pub fn elder_tiles(
    ui: &KioskWindow,
    codes: &[String],
    catalog: &kiosk_catalog::Catalog,
    lang: Language,
) -> Vec<CategoryTile> {
    codes
        .iter()
        .filter_map(|code| {
            let item = catalog.get(code);
            if item.is_none() {
                tracing::warn!(code = %code, "ui.elder_items names an item the catalogue does not have");
            }
            item
        })
        .take(6)
        .map(|i| CategoryTile {
            id: i.code.as_str().into(),
            title: lang.pick(i.name.as_str(), i.name_en.as_str())
            .into(),
            hint: item_hit(i, lang).detail,
            icon: categories::find(&i.category)
                .map(|c| icon(ui, c.icon))
                .unwrap_or_default(),
        })
        .collect()
}

pub fn present(ui: &KioskWindow, t: &Terminal, clock: &str, changed: Changed<'_>) {
    let lang = t.language();
    let theme = ui.global::<Theme>();
    theme.set_elder(t.elder());
    theme.set_high_contrast(t.settings().high_contrast);

    let shell = ui.global::<ShellAdapter>();
    let capture = ui.global::<CaptureAdapter>();
    let home = ui.global::<HomeAdapter>();
    let call_ui = ui.global::<CallAdapter>();
    shell.set_language(lang.code().into());
    shell.set_clock(clock.into());
    shell.set_page(match t.screen() {
        Screen::Attract => Page::Attract,
        Screen::Home => Page::Home,
        Screen::Category(_) => Page::Category,
        Screen::Capture => Page::Capture,
        Screen::NotDone => Page::NotDone,
        Screen::Ask => Page::Ask,
        // The application's step decides (below).
        Screen::Apply => t
            .application()
            .as_ref()
            .map(application::page)
            .unwrap_or(Page::Home),
    });
    asking::present(ui, t, changed.ask);
    application::present(
        ui,
        t,
        changed.candidates,
        application::Pictures {
            materials: changed.materials,
        },
    );
    capture.set_step(match t.capture() {
        CaptureStep::Aiming => UiCaptureStep::Aiming,
        CaptureStep::Taking => UiCaptureStep::Taking,
        CaptureStep::Review => UiCaptureStep::Review,
        CaptureStep::Failed(_) => UiCaptureStep::Failed,
    });
    capture.set_result_warning(
        t.pending_photo()
            .as_ref()
            .map(|p| checks::photo_warning(p.quality, lang))
            .unwrap_or_default(),
    );
    capture.set_materials_count(t.materials().len().min(i32::MAX as usize) as i32);
    capture.set_face(t.capture_face());

    shell.set_greeting_name(
        t.resident()
            .as_ref()
            .map(|r| mask_name(r.name.expose()))
            .unwrap_or_default()
            .into(),
    );

    let tiles: Vec<CategoryTile> = CATEGORIES
        .iter()
        .filter(|c| c.matches(t.search()))
        .map(|c| CategoryTile {
            id: c.id.into(),
            title: c.name(lang).into(),
            hint: c.hint(lang).into(),
            icon: icon(ui, c.icon),
        })
        .collect();
    home.set_categories(ModelRc::new(VecModel::from(tiles)));
    if home.get_search_text().as_str() != t.search() {
        home.set_search_text(t.search().into());
    }
    if let Some(tiles) = changed.elder_items {
        home.set_elder_items(ModelRc::new(VecModel::from(tiles.to_vec())));
    }
    if let Some(hits) = changed.hits {
        home.set_search_hits(ModelRc::new(VecModel::from(hits.to_vec())));
    }
    if changed.photo {
        // The reviewed page is shown from the session's copy; with none, the old picture leaves the view.
        capture.set_result(
            t.pending_photo()
                .as_ref()
                .and_then(photo_image)
                .unwrap_or_default(),
        );
    }
    home.set_keyboard_visible(t.keyboard() && t.screen() == Screen::Home);
    // Set only when they change: a new model rebuilds the rows (and drops a press under way).
    let rows = offers::rows(t.returned(), t.offers(), lang);
    let shown = home.get_offers();
    if shown.row_count() != rows.len() || shown.iter().zip(&rows).any(|(a, b)| &a != b) {
        home.set_offers(ModelRc::new(VecModel::from(rows)));
    }

    if let Screen::Category(id) = t.screen() {
        if let Some(c) = categories::find(id) {
            home.set_category_title(c.name(lang).into());
        }
        if let Some(items) = changed.category {
            home.set_category_items(ModelRc::new(VecModel::from(items.to_vec())));
        }
    } else if changed.category.is_some() {
        home.set_category_items(ModelRc::default());
    }

    match t.notice() {
        Some((n, _)) => {
            shell.set_notice_visible(true);
            shell.set_notice_text(words::notice(n, lang).into());
            shell.set_notice_kind(if n.is_error() {
                NoticeKind::Error
            } else {
                NoticeKind::Info
            });
        }
        None => {
            shell.set_notice_visible(false);
            shell.set_notice_text(SharedString::new());
        }
    }
    let mut alert = words::resident_alert(t.devices().values(), lang);
    if t.config_faulty() {
        let faulty = lang.pick(
            "终端配置有误，部分功能可能不可用，请告知工作人员",
            "Terminal set-up problem: some services may not work; please tell the staff",
        );
        alert = if alert.is_empty() {
            faulty.to_string()
        } else {
            format!("{faulty}；{alert}")
        };
    }
    shell.set_device_alert(alert.into());
    shell.set_out_of_service(t.out_of_service());
    shell.set_elder_proposal(t.elder_proposal());
    present_call(&call_ui, t);
    if t.call().as_ref().is_some_and(|c| c.expanded) {
        shell.set_page(Page::Call);
    }
    shell.set_timeout_warning(t.warning_left().is_some());
    shell.set_timeout_seconds(t.warning_left().unwrap_or(0).min(i32::MAX as u64) as i32);
    shell.set_presence(t.presence());
}

/// A search hit as the home page lists it: the item's name, and its category, kind and time limit.
pub fn item_hit(item: &kiosk_catalog::Item, lang: Language) -> ItemHit {
    let category = categories::find(&item.category)
        .map(|c| c.name(lang))
        .unwrap_or_default();
    let parts = format!("{}个事项一次办", item.parts.len());
    let parts_en = format!("{} services in one", item.parts.len());
    let kind = if item.is_bundle() {
        lang.pick(parts.as_str(), parts_en.as_str())
    } else {
        let (zh, en) = match item.kind {
            kiosk_catalog::Kind::Print => ("打印", "print"),
            kiosk_catalog::Kind::Apply => ("申请", "apply"),
            kiosk_catalog::Kind::Book => ("预约", "book"),
            kiosk_catalog::Kind::Query => ("查询", "query"),
        };
        lang.pick(zh, en)
    };
    let (title, limit) = lang.pick(
        (item.name.as_str(), item.time_limit.as_str()),
        (item.name_en.as_str(), ""),
    );
    let detail = [category, kind, limit]
        .into_iter()
        .filter(|s| !s.is_empty())
        .collect::<Vec<_>>()
        .join(" · ");
    ItemHit {
        code: item.code.as_str().into(),
        title: title.into(),
        detail: detail.into(),
    }
}

/// 视频办: the call's state for the call page and the call strip.
fn present_call(call_ui: &CallAdapter, t: &Terminal) {
    use kiosk_core::session::CallPhase as Phase;
    let Some(c) = t.call().as_ref() else {
        call_ui.set_phase(UiCallPhase::None);
        return;
    };
    call_ui.set_phase(match &c.phase {
        Phase::Joining => UiCallPhase::Joining,
        Phase::Waiting { .. } => UiCallPhase::Waiting,
        Phase::Phone => UiCallPhase::Phone,
        Phase::Talking { connected: false } => UiCallPhase::Connecting,
        Phase::Talking { connected: true } => UiCallPhase::Talking,
        Phase::Reconnecting => UiCallPhase::Reconnecting,
        Phase::Ended { .. } => UiCallPhase::Ended,
    });
    if let Phase::Waiting {
        position,
        expected_wait_secs,
    } = c.phase
    {
        call_ui.set_position(position.min(i32::MAX as u32) as i32);
        call_ui.set_wait_minutes(expected_wait_secs.div_ceil(60).clamp(1, 999) as i32);
    }
    call_ui.set_no_answer(c.no_answer);
    call_ui.set_clerk(c.clerk.clone().unwrap_or_default().into());
    call_ui.set_phone(c.phone.expose().as_str().into());
    call_ui.set_phone_ok((7..=kiosk_core::session::PHONE_MAX).contains(&c.phone.expose().len()));
    if let Phase::Ended { outcome } = c.phase {
        call_ui.set_outcome(outcome.as_str().into());
        call_ui.set_rateable(c.clerk.is_some() && outcome != kiosk_api::call::Outcome::CallBack);
    }
    call_ui.set_notice(c.notice.clone().unwrap_or_default().into());
    call_ui.set_has_page(t.application().is_some() || t.screen() == Screen::Capture);
}

/// A photo's small view as the screen shows it; `None` when its pixels do not fill its size (not shown rather
/// than shown wrong).
pub(crate) fn photo_image(p: &kiosk_core::model::Photo) -> Option<Image> {
    (p.view.expose().len() == (p.view_width * p.view_height * 3) as usize).then(|| {
        Image::from_rgb8(SharedPixelBuffer::<Rgb8Pixel>::clone_from_slice(
            p.view.expose(),
            p.view_width,
            p.view_height,
        ))
    })
}
