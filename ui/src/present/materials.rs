//! The materials page and where what the resident need not hand in came from (电子证照, the government's own
//! records).

use super::application::{model, zh_en};
use crate::{ApplicationAdapter, MaterialRow, Row};
use kiosk_core::application::{Application, Source};
use kiosk_core::Language;
use slint::{Image, Model, ModelRc, SharedString};

fn certificate_name(id: &str, lang: Language) -> String {
    let (zh, en) = match id {
        "residence_permit" => ("居住证", "residence permit"),
        "employment" => ("就业登记", "employment record"),
        "disability_card" => ("残疾人证", "disability card"),
        "business_licence" | "business_license" => ("营业执照", "business licence"),
        "birth_certificate" => ("出生医学证明", "birth certificate"),
        "household" => ("居民户口簿", "household register"),
        "marriage" => ("结婚证", "marriage certificate"),
        "name_reservation" => ("名称自主申报", "business name reservation"),
        "lease" => ("租赁合同备案", "registered lease"),
        "health_certificate" => ("健康证明", "health certificate"),
        "death_certificate" => ("死亡医学证明", "death certificate"),
        "social_insurance" => ("社保参保记录", "social insurance record"),
        other => (other, other),
    };
    lang.pick(zh.into(), en.into())
}

/// `card_type` is the form's 证件类型 when the card was not a resident ID card: the source says which card.
pub(super) fn source_text(s: &Source, lang: Language, card_type: Option<&str>) -> SharedString {
    let (zh, en) = match s {
        Source::Card => {
            // The names are the driver's (`CardType::name_zh`), so a renamed card cannot fall through to 身份证.
            use kiosk_drivers::CardType;
            if card_type == Some(CardType::HkMacaoTaiwanPermit.name_zh()) {
                ("来自居住证".into(), "from your residence permit".into())
            } else if card_type == Some(CardType::ForeignPermanentResident2023.name_zh()) {
                (
                    "来自永居证".into(),
                    "from your permanent residence card".into(),
                )
            } else {
                ("来自身份证".into(), "from your ID card".into())
            }
        }
        Source::Platform => (
            "来自一网通办实名信息".into(),
            "from your government account".into(),
        ),
        Source::Certificate(c) => (
            format!("来自电子证照（{}）", certificate_name(c, lang)),
            format!("from your e-certificate ({})", certificate_name(c, lang)),
        ),
        Source::Filed => ("按您原来提交的内容".into(), "as you filed it".into()),
        Source::Resident => return SharedString::new(),
    };
    lang.pick(zh, en).into()
}

/// Where a material the resident need not hand in came from: the electronic certificate and its number, or
/// the government's own records.
pub(super) fn material_source(a: &Application, i: usize, lang: Language) -> SharedString {
    let Some(m) = a.item.materials.get(i) else {
        return SharedString::new();
    };
    match (a.fetched_number(i), &m.certificate) {
        (Some(number), Some(kind)) => lang
            .pick(
                format!(
                    "来自电子证照（{}，编号 {number}）",
                    certificate_name(kind, lang)
                ),
                format!(
                    "from your e-certificate ({}, no. {number})",
                    certificate_name(kind, lang)
                ),
            )
            .into(),
        _ if m.held => zh_en(lang, "政府部门已有", "the government has it"),
        _ => match a.reused_for(i) {
            Some(e) => lang
                .pick(
                    format!("沿用您{}办件（{}）提交的材料", e.filed_on, e.case_number),
                    format!(
                        "handed in with your case {} on {}",
                        e.case_number, e.filed_on
                    ),
                )
                .into(),
            None => SharedString::new(),
        },
    }
}

pub(super) fn present(form: &ApplicationAdapter, a: &Application, lang: Language, pictures: bool) {
    // Materials.
    // What the resident still has to do comes first: the photos to take, then what the government holds.
    let mut in_use: Vec<usize> = (0..a.item.materials.len())
        .filter(|i| a.material_in_use(*i))
        .collect();
    in_use.sort_by_key(|i| a.material_held(*i));
    let listed: Vec<i32> = form.get_material_rows().iter().map(|r| r.index).collect();
    let held: Vec<bool> = form.get_material_rows().iter().map(|r| r.held).collect();
    let changed = listed != in_use.iter().map(|i| *i as i32).collect::<Vec<_>>()
        || held
            != in_use
                .iter()
                .map(|i| a.material_held(*i))
                .collect::<Vec<_>>();
    if pictures || changed {
        let rows: Vec<MaterialRow> = in_use
            .iter()
            .filter_map(|i| a.item.materials.get(*i).map(|m| (*i, m)))
            .map(|(i, m)| {
                let photo = a
                    .attached
                    .iter()
                    .find(|x| x.material == i)
                    .map(|x| &x.photo);
                MaterialRow {
                    index: i as i32,
                    name: m.name.as_str().into(),
                    held: a.material_held(i),
                    written: a.is_written(i),
                    reused: a.reused_for(i).is_some(),
                    openable: a.openable(i),
                    source: material_source(a, i, lang),
                    attached: photo.is_some(),
                    thumbnail: photo.and_then(super::photo_image).unwrap_or_default(),
                }
            })
            .collect();
        form.set_material_rows(model(rows));
    }
    present_viewer(form, a, lang);
}

/// The platform's own words about an earlier material, in English when the terminal speaks it (a
/// certificate's labels stay as the certificate has them).
fn platform_words(words: &str, lang: Language) -> String {
    use kiosk_api::resident::held_words;
    let en = match words {
        held_words::EARLIER => "Handed in by you before",
        held_words::FILED_WITH => "Handed in with",
        held_words::FILED_ON => "Filed on",
        _ => return words.to_string(),
    };
    lang.pick(words.to_string(), en.to_string())
}

/// What the resident opened, over the list. The picture is set once per request (not at every redraw).
fn present_viewer(form: &ApplicationAdapter, a: &Application, lang: Language) {
    use kiosk_core::application::ViewState;
    let Some(v) = &a.viewing else {
        form.set_viewing(false);
        form.set_view_has_picture(false);
        form.set_view_picture(Image::default());
        form.set_view_rows(ModelRc::default());
        form.set_view_shown(0);
        return;
    };
    form.set_viewing(true);
    let name = a
        .item
        .materials
        .get(v.material)
        .map(|m| m.name.as_str())
        .unwrap_or("");
    match &v.state {
        ViewState::Loading => {
            form.set_view_title(name.into());
            form.set_view_issuer(SharedString::new());
            form.set_view_status(zh_en(lang, "正在获取……", "Fetching it…"));
            form.set_view_rows(ModelRc::default());
            form.set_view_has_picture(false);
        }
        ViewState::Failed => {
            form.set_view_title(name.into());
            form.set_view_issuer(SharedString::new());
            form.set_view_status(zh_en(
                lang,
                "暂时打不开。材料不受影响，仍然免于提交。",
                "It cannot be opened right now. Nothing changes: you still need not hand it in.",
            ));
            form.set_view_rows(ModelRc::default());
            form.set_view_has_picture(false);
        }
        ViewState::Shown(s) => {
            form.set_view_title(s.view.title.as_str().into());
            form.set_view_issuer(platform_words(&s.view.issuer, lang).into());
            form.set_view_status(SharedString::new());
            let rows: Vec<Row> = s
                .view
                .rows
                .iter()
                .map(|r| Row {
                    label: platform_words(&r.label, lang).into(),
                    value: r.value.as_str().into(),
                })
                .collect();
            form.set_view_rows(model(rows));
            let shown = i32::try_from(v.asked).unwrap_or(i32::MAX);
            if form.get_view_shown() != shown {
                form.set_view_shown(shown);
                let picture = s.picture.as_ref().and_then(super::photo_image);
                form.set_view_has_picture(picture.is_some());
                form.set_view_picture(picture.unwrap_or_default());
            }
        }
    }
}
