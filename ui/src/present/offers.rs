//! The home screen's overview (免申即享, 智能推荐): the terminal's lines into rows and into what elder mode says.
//! Cases a clerk sent back for correction (补正) come first, one line each: they are what the resident must
//! act on.

use crate::OfferLine as UiOfferLine;
use kiosk_api::{OfferKind, ReturnedCase};
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

/// What a returned case's line says: the item, the department, and the clerk's reasons.
fn returned_texts(c: &ReturnedCase, lang: Language) -> (String, String) {
    let notes: Vec<String> = c
        .reasons
        .iter()
        .map(|r| {
            let what = r.field.as_deref().or(r.material.as_deref()).unwrap_or("");
            let label = c
                .fields
                .iter()
                .find(|f| Some(f.id.as_str()) == r.field.as_deref())
                .map_or(what, |f| f.label.as_str());
            format!("{label}：{}", r.note)
        })
        .collect();
    let department = if c.department.is_empty() {
        String::new()
    } else {
        format!("（{}）", c.department)
    };
    (
        lang.pick(
            format!("{}{department}需要补正", c.item_name),
            format!("{}{department} needs a correction", c.item_name),
        ),
        notes.join(lang.pick("；", "; ")),
    )
}

/// The rows of the home screen: returned cases, then the offers.
pub fn rows(returned: &[ReturnedCase], lines: &[OfferLine], lang: Language) -> Vec<UiOfferLine> {
    let returned = returned.iter().map(|c| {
        let (title, detail) = returned_texts(c, lang);
        UiOfferLine {
            badge: lang.pick("退回补正", "Returned").into(),
            title: title.into(),
            detail: detail.into(),
            action: lang.pick("去补正", "Correct").into(),
            actionable: true,
            open: true,
            urgent: true,
        }
    });
    returned.chain(offer_rows(lines, lang)).collect()
}

fn offer_rows(lines: &[OfferLine], lang: Language) -> Vec<UiOfferLine> {
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
                urgent: false,
            }
        })
        .collect()
}

/// What elder mode says of the overview: each line with what a touch does.
pub fn spoken(returned: &[ReturnedCase], lines: &[OfferLine], lang: Language) -> Option<String> {
    if lines.is_empty() && returned.is_empty() {
        return None;
    }
    let corrections = returned.iter().map(|c| {
        let (title, detail) = returned_texts(c, lang);
        lang.pick(
            format!("{title}：{detail}。请点「去补正」。"),
            format!("{title}: {detail}. Touch Correct."),
        )
    });
    let each: Vec<String> = corrections
        .chain(lines.iter().map(|l| {
            let (title, detail) = texts(l, lang);
            let (action, _) = action(l, lang);
            match l.offer.kind {
                OfferKind::Granted => format!("{title}。{detail}"),
                _ => lang.pick(
                    format!("{title}：{detail}请点「{action}」。"),
                    format!("{title}: {detail} Touch {action}."),
                ),
            }
        }))
        .collect();
    Some(lang.pick(
        format!("平台为您找到{}项：{}", each.len(), each.join("")),
        format!(
            "The platform found {} for you. {}",
            each.len(),
            each.join(" ")
        ),
    ))
}
