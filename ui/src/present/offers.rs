//! The home screen's overview (免申即享, 智能推荐): the terminal's lines into rows and into what elder mode says.

use crate::OfferLine as UiOfferLine;
use kiosk_api::OfferKind;
use kiosk_core::session::{OfferLine, OfferState};
use kiosk_core::Language;

fn texts(l: &OfferLine, lang: Language) -> (&str, &str) {
    let o = &l.offer;
    // A platform that sends no English has it said in Chinese rather than not at all.
    let title = lang.pick(&o.title, &o.title_en);
    let detail = lang.pick(&o.detail, &o.detail_en);
    (
        if title.is_empty() { &o.title } else { title },
        if detail.is_empty() { &o.detail } else { detail },
    )
}

/// What a touch does, or where the line is.
fn action(l: &OfferLine, lang: Language) -> (&'static str, bool) {
    match (l.offer.kind, &l.state) {
        (OfferKind::Confirm, OfferState::Shown) => (lang.pick("确认领取", "Confirm"), true),
        (OfferKind::Confirm, OfferState::Confirming) => {
            (lang.pick("确认中…", "Confirming…"), false)
        }
        (OfferKind::Confirm, OfferState::Confirmed) => (lang.pick("已确认", "Confirmed"), false),
        (OfferKind::Confirm, OfferState::Failed) => (
            lang.pick("未能确认，点此重试", "Not confirmed: touch to retry"),
            true,
        ),
        (OfferKind::Suggest, _) if l.offer.item_code.is_some() => {
            (lang.pick("去办理", "Start"), true)
        }
        _ if l.open => (lang.pick("收起", "Hide"), false),
        _ => (lang.pick("查看", "Details"), false),
    }
}

fn badge(kind: OfferKind, lang: Language) -> &'static str {
    match kind {
        OfferKind::Granted => lang.pick("免申即享", "Automatic"),
        OfferKind::Confirm => lang.pick("可领取", "For you"),
        OfferKind::Suggest => lang.pick("推荐", "Suggested"),
    }
}

/// The rows of the home screen.
pub fn rows(lines: &[OfferLine], lang: Language) -> Vec<UiOfferLine> {
    lines
        .iter()
        .map(|l| {
            let (title, detail) = texts(l, lang);
            // What the platform said before the touch is no longer true after it.
            let detail = match l.state {
                OfferState::Confirmed => lang.pick(
                    "已确认领取，将按月发放至您的社会保障卡银行账户。",
                    "Confirmed: it will be paid every month to your social security card's account.",
                ),
                _ => detail,
            };
            let (action, actionable) = action(l, lang);
            let kind = match l.state {
                OfferState::Confirmed => OfferKind::Granted,
                _ => l.offer.kind,
            };
            UiOfferLine {
                badge: badge(kind, lang).into(),
                title: title.into(),
                detail: detail.into(),
                action: action.into(),
                actionable,
                open: l.open || l.state == OfferState::Failed,
            }
        })
        .collect()
}

/// What elder mode says of the overview: each line with what a touch does.
pub fn spoken(lines: &[OfferLine], lang: Language) -> Option<String> {
    if lines.is_empty() {
        return None;
    }
    let each: Vec<String> = lines
        .iter()
        .map(|l| {
            let (title, detail) = texts(l, lang);
            let (action, _) = action(l, lang);
            match l.offer.kind {
                OfferKind::Granted => format!("{title}。{detail}"),
                _ => lang.pick(
                    format!("{title}：{detail}请点「{action}」。"),
                    format!("{title}: {detail} Touch {action}."),
                ),
            }
        })
        .collect();
    Some(lang.pick(
        format!("平台为您找到{}项：{}", lines.len(), each.join("")),
        format!(
            "The platform found {} for you. {}",
            lines.len(),
            each.join(" ")
        ),
    ))
}
