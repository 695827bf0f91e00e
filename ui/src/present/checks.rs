//! 精准告知 in words: what a clerk would send the case back for, as the review says it with the touch that
//! fixes it, the age condition said on every step, and what the capture screen says of a page just taken.

use super::application::{update, zh_en};
use crate::{ApplicationAdapter, ConcernRow};
use kiosk_core::application::{Application, Concern};
use kiosk_core::{Language, PhotoQuality};
use slint::SharedString;

fn material(a: &Application, i: usize) -> &str {
    a.item.materials.get(i).map_or("", |m| m.name.as_str())
}

/// One concern as a sentence and the words of its fix.
pub fn row(a: &Application, c: &Concern, lang: Language) -> ConcernRow {
    let (text, action): (String, SharedString) = match c {
        // The age itself is not said: the screen and the speaker are public.
        Concern::TooYoung { min_age, .. } => (
            lang.pick(
                format!("此事项需年满{min_age}周岁，按您身份证上的出生日期暂不符合条件。"),
                format!("This service is from age {min_age}; by the birth date on your ID card you do not qualify yet."),
            ),
            SharedString::new(),
        ),
        Concern::MissingMaterial { material: m } => (
            lang.pick(
                format!("还没有拍「{}」。", material(a, *m)),
                format!("\"{}\" is not photographed yet.", material(a, *m)),
            ),
            zh_en(lang, "去拍照", "Photograph"),
        ),
        Concern::PhotoDark { material: m } => (
            lang.pick(
                format!("「{}」的照片偏暗，可能看不清。", material(a, *m)),
                format!("The photo of \"{}\" is dark and may not be legible.", material(a, *m)),
            ),
            zh_en(lang, "重拍", "Retake"),
        ),
        Concern::PhotoCutOff { material: m } => (
            lang.pick(
                format!("「{}」有一部分不在照片里。", material(a, *m)),
                format!("Part of \"{}\" is outside the photo.", material(a, *m)),
            ),
            zh_en(lang, "重拍", "Retake"),
        ),
        Concern::Contradicts { field, source } => {
            let label = a.fields.get(*field).map_or("", |f| f.field.label.as_str());
            let from = super::materials::source_text(source, lang, a.card_type());
            // "来自电子证照（…）" / "from your e-certificate (…)": what the value differs from.
            let record = from
                .trim_start_matches("来自")
                .trim_start_matches("from ");
            (
                lang.pick(
                    format!("「{label}」与{record}不一致。"),
                    format!("\"{label}\" differs from {record}."),
                ),
                zh_en(lang, "改回登记信息", "Use the record"),
            )
        }
    };
    ConcernRow {
        text: text.into(),
        action,
        blocks: c.blocks(),
    }
}

/// The review's concerns: shown on the review only (the resident is not told of a photo still to take while
/// still on the form).
pub(super) fn present(form: &ApplicationAdapter, a: &Application, lang: Language) {
    let rows: Vec<ConcernRow> = if a.step == kiosk_core::application::Step::Review {
        a.concerns().iter().map(|c| row(a, c, lang)).collect()
    } else {
        Vec::new()
    };
    update(
        form.get_concerns(),
        rows,
        |x, y| x == y,
        |m| form.set_concerns(m),
    );
}

/// The age condition, said from the first step: nobody fills in a form that cannot be granted.
pub(super) fn condition_warning(a: &Application, lang: Language) -> Option<SharedString> {
    a.concerns()
        .iter()
        .find(|c| matches!(c, Concern::TooYoung { .. }))
        .map(|c| {
            let r = row(a, c, lang);
            lang.pick(
                format!("{}如有疑问，请点「视频办」或到服务点窗口咨询。", r.text),
                format!(
                    "{} For questions, use Video help or go to the counter.",
                    r.text
                ),
            )
            .into()
        })
}

/// What the clerk asked to correct, said on every step of a correction: the resident changes just that.
pub(super) fn correction_note(a: &Application, lang: Language) -> Option<SharedString> {
    let c = a.correction.as_ref()?;
    let notes: Vec<String> = c
        .reasons
        .iter()
        .map(|r| {
            let what = match (&r.field, &r.material) {
                (Some(id), _) => a
                    .fields
                    .iter()
                    .find(|f| &f.field.id == id)
                    .map_or(id.as_str(), |f| f.field.label.as_str()),
                (None, Some(m)) => m.as_str(),
                (None, None) => "",
            };
            format!("「{what}」{}", r.note)
        })
        .collect();
    Some(
        lang.pick(
            format!(
                "办件 {} 退回补正{}：{}。只需改这些，其余按您原来提交的内容。",
                c.case_number,
                if c.round > 1 {
                    format!("（第{}次）", c.round)
                } else {
                    String::new()
                },
                notes.join("；")
            ),
            format!(
                "Case {} was returned for a correction: {}. Change just these; the rest stays as you filed it.",
                c.case_number,
                notes.join("; ")
            ),
        )
        .into(),
    )
}

/// What the capture screen says of the page just taken ("" when it is good).
pub fn photo_warning(q: PhotoQuality, lang: Language) -> SharedString {
    if q.cut_off {
        zh_en(
            lang,
            "材料有一部分在照片外面，这样可能会被退回。请把整页放在垫板中间后重拍。",
            "Part of the page is outside the photo and it may be returned. Put the whole page in the middle of the pad and retake.",
        )
    } else if q.dark {
        zh_en(
            lang,
            "照片偏暗，工作人员可能看不清。请把材料移到灯下或挪开遮挡后重拍。",
            "The photo is dark and may not be legible. Move the page into the light and retake.",
        )
    } else {
        SharedString::new()
    }
}
