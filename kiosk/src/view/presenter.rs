//! Turns the terminal's state into what the views show, through the UI's adapter globals only.

use crate::categories::{self, CATEGORIES};
use crate::config::{Config, Language, Orientation, Panel};
use crate::devices;
use crate::session::{CaptureStep, Notice, Screen, Terminal};
use kiosk_drivers::sensitive::mask_name;
use kiosk_ui::{
    CallAdapter, CallPhase as UiCallPhase, CaptureAdapter, CaptureStep as UiCaptureStep,
    CategoryTile, HomeAdapter, IconPaths, ItemHit, KioskWindow, NoticeKind, Page, ShellAdapter,
    Theme,
};
use slint::{
    ComponentHandle, Image, ModelRc, Rgb8Pixel, SharedPixelBuffer, SharedString, VecModel,
};

/// Applies what does not change while the terminal runs: panel geometry, titles.
pub fn configure(ui: &KioskWindow, config: &Config, panel: &Panel) {
    let theme = ui.global::<Theme>();
    theme.set_mm(panel.px_per_mm());
    theme.set_portrait(panel.orientation == Orientation::Portrait);
    let shell = ui.global::<ShellAdapter>();
    shell.set_terminal_title(config.terminal.title.as_str().into());
    shell.set_location(config.terminal.location.as_str().into());
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

fn notice_text(n: Notice, lang: Language) -> &'static str {
    match (n, lang) {
        (Notice::SuiShenMaNeedsPlatform, Language::Zh) => "已读到随申码，但暂时无法核验。请插入身份证，或到服务点窗口办理。",
        (Notice::SuiShenMaNeedsPlatform, Language::En) => "Suishenma read, but it cannot be verified right now. Please insert your ID card, or go to the counter.",
        (Notice::SuiShenMaChecking, Language::Zh) => "正在核验随申码…",
        (Notice::SuiShenMaChecking, Language::En) => "Checking your Suishenma…",
        (Notice::SuiShenMaRefused, Language::Zh) => "随申码无效或已过期。请在手机上刷新随申码后再扫，或插入身份证。",
        (Notice::SuiShenMaRefused, Language::En) => "This Suishenma is not valid or has expired. Refresh it on your phone and scan again, or insert your ID card.",
        (Notice::ItemNeedsCard, Language::Zh) => "此事项需要读取身份证原件，请把身份证放到读卡区。",
        (Notice::ItemNeedsCard, Language::En) => "This service needs your ID card itself: please place it on the reader.",
        (Notice::UnknownCode, Language::Zh) => "这个二维码不是随申码，无法用于办事。请出示随申码或插入身份证。",
        (Notice::UnknownCode, Language::En) => "This code is not a Suishenma. Please show your Suishenma or insert your ID card.",
        (Notice::HelpNotConnected, Language::Zh) => "帮办服务暂未接通。请到服务点窗口找工作人员，或拨打 12345 热线。",
        (Notice::HelpNotConnected, Language::En) => "Staff help is not connected yet. Please ask at the service counter, or call the 12345 hotline.",
        (Notice::VideoNotConnected, Language::Zh) => "视频办暂未接通。请到服务点窗口办理，或拨打 12345 热线。",
        (Notice::VideoNotConnected, Language::En) => "Video service is not connected yet. Please go to the service counter, or call 12345.",
        (Notice::CardExpired, Language::Zh) => "这张身份证已过有效期，不能用于自助办理。请到服务点窗口办理。",
        (Notice::CardExpired, Language::En) => "This ID card has expired and cannot be used here. Please go to the service counter.",
        (Notice::CardUnsupported, Language::Zh) => "本机暂不支持这种证件。请出示随申码，或到服务点窗口办理。",
        (Notice::CardReadFailed, Language::Zh) => "没有读到身份证信息。请把证件平放在读卡区，不要移动，稍等片刻。",
        (Notice::CardReadFailed, Language::En) => "The card could not be read. Please lay it flat on the reader and hold still for a moment.",
        (Notice::CardUnsupported, Language::En) => "This kind of card cannot be used on this terminal yet. Please show your Suishenma, or go to the service counter.",
        (Notice::SessionEndedTimeout, Language::Zh) => "因长时间未操作，已退出并清除您的信息。",
        (Notice::SessionEndedTimeout, Language::En) => "The session ended after a long pause; your data was cleared.",
        (Notice::HelpCalling, Language::Zh) => "正在呼叫帮办人员…",
        (Notice::HelpCalling, Language::En) => "Calling a member of staff…",
        (Notice::HelpComing, Language::Zh) => "已通知工作人员，请在终端旁稍候。",
        (Notice::HelpComing, Language::En) => "Staff have been told: please wait by the terminal.",
        (Notice::ThankYou, Language::Zh) => "感谢使用！请取走身份证和打印的材料。您的信息已清除。",
        (Notice::ThankYou, Language::En) => "Thank you! Please take your ID card and your printouts. Your data was cleared.",
        (Notice::NotDoneSent, Language::Zh) => "已记录您遇到的问题，工作人员会跟进。需要马上帮助请点「呼叫帮办」。",
        (Notice::NotDoneSent, Language::En) => "Your problem was recorded and staff will follow up. For help now, tap Call staff.",
        (Notice::NotDoneFailed, Language::Zh) => "问题暂时没能送达。请到服务点窗口告诉工作人员，或拨打 12345 热线。",
        (Notice::NotDoneFailed, Language::En) => "The report could not be sent. Please tell the staff at the counter, or call 12345.",
        (Notice::CallBackBooked, Language::Zh) => "已登记回电号码，坐席会尽快给您回电。",
        (Notice::CallBackBooked, Language::En) => "Your number is noted: a clerk will call you back soon.",
        (Notice::CallPrinted, Language::Zh) => "坐席发送的文件已打印，请在 A4 出纸口取走。",
        (Notice::CallPrinted, Language::En) => "The clerk's document is printed: please take it from the A4 tray.",
        (Notice::CallPrintFailed, Language::Zh) => "坐席发送的文件没能打印，坐席已收到通知。",
        (Notice::CallPrintFailed, Language::En) => "The clerk's document could not be printed; the clerk has been told.",
        (Notice::CallRated, Language::Zh) => "感谢您的评价！",
        (Notice::CallRated, Language::En) => "Thank you for your rating!",
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
            title: match lang {
                Language::Zh => i.name.as_str(),
                Language::En => i.name_en.as_str(),
            }
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
        // The application's step decides (below).
        Screen::Apply => t
            .application()
            .as_ref()
            .map(crate::view::application_view::page)
            .unwrap_or(Page::Home),
    });
    crate::view::application_view::present(
        ui,
        t,
        changed.candidates,
        crate::view::application_view::Pictures {
            materials: changed.materials,
        },
    );
    capture.set_step(match t.capture() {
        CaptureStep::Aiming => UiCaptureStep::Aiming,
        CaptureStep::Taking => UiCaptureStep::Taking,
        CaptureStep::Review => UiCaptureStep::Review,
        CaptureStep::Failed(_) => UiCaptureStep::Failed,
    });
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
        capture.set_result(match &t.pending_photo() {
            Some(p) if p.view.expose().len() == (p.view_width * p.view_height * 3) as usize => {
                Image::from_rgb8(SharedPixelBuffer::<Rgb8Pixel>::clone_from_slice(
                    p.view.expose(),
                    p.view_width,
                    p.view_height,
                ))
            }
            _ => Image::default(),
        });
    }
    home.set_keyboard_visible(t.keyboard() && t.screen() == Screen::Home);

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
            shell.set_notice_text(notice_text(n, lang).into());
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
    let mut alert = devices::resident_alert(t.devices().values(), lang);
    if t.config_faulty() {
        let faulty = match lang {
            Language::Zh => "终端配置有误，部分功能可能不可用，请告知工作人员",
            Language::En => {
                "Terminal set-up problem: some services may not work; please tell the staff"
            }
        };
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
    let kind = match (item.kind, lang) {
        (kiosk_catalog::Kind::Print, Language::Zh) => "打印",
        (kiosk_catalog::Kind::Apply, Language::Zh) => "申请",
        (kiosk_catalog::Kind::Book, Language::Zh) => "预约",
        (kiosk_catalog::Kind::Query, Language::Zh) => "查询",
        (kiosk_catalog::Kind::Print, Language::En) => "print",
        (kiosk_catalog::Kind::Apply, Language::En) => "apply",
        (kiosk_catalog::Kind::Book, Language::En) => "book",
        (kiosk_catalog::Kind::Query, Language::En) => "query",
    };
    let (title, limit) = match lang {
        Language::Zh => (item.name.as_str(), item.time_limit.as_str()),
        Language::En => (item.name_en.as_str(), ""),
    };
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
    use crate::session::CallPhase as Phase;
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
    call_ui.set_phone_ok((7..=crate::session::PHONE_MAX).contains(&c.phone.expose().len()));
    if let Phase::Ended { outcome } = c.phase {
        call_ui.set_outcome(outcome.as_str().into());
        call_ui.set_rateable(c.clerk.is_some() && outcome != kiosk_api::call::Outcome::CallBack);
    }
    call_ui.set_notice(c.notice.clone().unwrap_or_default().into());
    call_ui.set_has_page(t.application().is_some() || t.screen() == Screen::Capture);
}
