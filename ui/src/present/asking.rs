//! 杨小通's page: the question being typed, 导办's question asked back, or the answer with its facts (who
//! qualifies, time limit, office, materials from the catalogue; fee, where else to go and the source from the
//! knowledge base) and what to do with one touch.

use super::application::{update, zh_en};
use crate::{AskAdapter, AskChoice, AskState, ItemHit, KioskWindow, Row};
use kiosk_api::knowledge::Answer;
use kiosk_catalog::assistant::Reply;
use kiosk_catalog::Catalog;
use kiosk_core::application::PrintState;
use kiosk_core::session::Terminal;
use kiosk_core::Language;
use slint::{ComponentHandle, SharedString};

/// What the kiosk worked out from the knowledge base it holds, for the page.
pub struct Shown<'a> {
    /// The reply to the question asked (`None` while typing).
    pub reply: Option<Reply<'a>>,
    pub common: Vec<&'a Answer>,
    pub catalog: Option<&'a Catalog>,
    pub version: u32,
    /// Candidates of the pinyin bar for the composition.
    pub candidates: &'a [String],
    /// The places and roads of the service map, and where the terminal stands on it.
    pub bundle: &'a kiosk_api::knowledge::KnowledgeBundle,
    pub here: Option<(f64, f64)>,
}

/// The facts of an answer, in the resident's language.
pub fn facts(a: &Answer, catalog: Option<&Catalog>, age: Option<u16>, lang: Language) -> Vec<Row> {
    let item = a
        .item
        .as_deref()
        .and_then(|c| catalog.and_then(|k| k.get(c)));
    let mut rows = Vec::new();
    let mut row = |label: SharedString, value: String| {
        if !value.is_empty() {
            rows.push(Row {
                label,
                value: value.into(),
            })
        }
    };
    if let Some(i) = item {
        if let Some(min) = i.min_age {
            let line = match (age, lang) {
                (Some(age), Language::Zh) if age >= u16::from(min) => {
                    format!("年满{min}周岁；您今年{age}岁，符合年龄条件")
                }
                (Some(age), Language::Zh) => format!("年满{min}周岁；您今年{age}岁，还不能申请"),
                (Some(age), Language::En) if age >= u16::from(min) => {
                    format!("{min} or older; you are {age}, old enough")
                }
                (Some(age), Language::En) => {
                    format!("{min} or older; you are {age}, too young yet")
                }
                (None, Language::Zh) => format!("年满{min}周岁"),
                (None, Language::En) => format!("{min} or older"),
            };
            row(zh_en(lang, "年龄", "Age"), line);
        }
        let limit = if lang == Language::En && i.time_limit == "即办" {
            "At once".to_string()
        } else {
            i.time_limit.clone()
        };
        row(zh_en(lang, "办理时限", "Time limit"), limit);
        row(zh_en(lang, "受理部门", "Office"), i.department.clone());
        let materials: Vec<&str> = i.materials_to_submit().map(|m| m.name.as_str()).collect();
        let held = i.materials.iter().filter(|m| m.held).count();
        let listed = match (materials.is_empty(), lang) {
            (true, Language::Zh) => "不用带材料".to_string(),
            (true, Language::En) => "Nothing to bring".to_string(),
            (false, _) => materials.join("、"),
        };
        let listed = match (held, lang) {
            (0, _) => listed,
            (n, Language::Zh) => format!("{listed}（另有{n}项政府已有，免于提交）"),
            (n, Language::En) => format!("{listed} ({n} more the government holds)"),
        };
        row(zh_en(lang, "需要材料", "Materials"), listed);
    }
    let fee = lang.pick(a.fee.as_deref(), a.fee_en.as_deref().or(a.fee.as_deref()));
    row(
        zh_en(lang, "收费", "Fee"),
        fee.unwrap_or_default().to_string(),
    );
    rows
}

/// The line under the answer: where it comes from, its version and when it was checked.
pub fn source_line(a: &Answer, lang: Language) -> String {
    match lang {
        Language::Zh => format!(
            "依据：{} · 第{}版 · {}复核",
            a.source, a.version, a.reviewed
        ),
        Language::En => format!(
            "Source: {} · version {} · checked {}",
            a.source, a.version, a.reviewed
        ),
    }
}

pub fn present(ui: &KioskWindow, t: &Terminal, shown: Option<Shown<'_>>) {
    let ask = ui.global::<AskAdapter>();
    let lang = t.language();
    let Some(a) = t.asking() else {
        return;
    };
    ask.set_text(a.text.as_str().into());
    ask.set_composition(a.composition.as_str().into());
    ask.set_latin(a.latin);
    ask.set_question(a.question.as_deref().unwrap_or_default().into());
    ask.set_marked(a.marked);
    // Before the knowledge base is built (a moment after start), a question finds nothing yet: the page says
    // so and points at a person, rather than sit still.
    let Some(shown) = shown else {
        ask.set_state(if a.question.is_some() {
            AskState::Nothing
        } else {
            AskState::Typing
        });
        return;
    };
    update(
        ask.get_candidates(),
        shown
            .candidates
            .iter()
            .map(|c| SharedString::from(c.as_str()))
            .collect(),
        |a, b| a == b,
        |m| ask.set_candidates(m),
    );
    update(
        ask.get_common(),
        shown
            .common
            .iter()
            .filter_map(|c| lang.pick(c.common.as_deref(), c.common_en.as_deref()))
            .map(SharedString::from)
            .collect(),
        |a, b| a == b,
        |m| ask.set_common(m),
    );
    ask.set_edition(
        match lang {
            Language::Zh => format!("杨小通知识库 第{}版（本机离线可用）", shown.version),
            Language::En => format!(
                "杨小通 knowledge base, version {} (works offline)",
                shown.version
            ),
        }
        .into(),
    );
    match shown.reply {
        None => ask.set_state(AskState::Typing),
        Some(Reply::Nothing) => ask.set_state(AskState::Nothing),
        Some(Reply::Ask { question, step }) => {
            ask.set_state(AskState::Guiding);
            ask.set_guide_text(lang.pick(&question.text, &question.text_en).as_str().into());
            ask.set_guide_step(
                match lang {
                    Language::Zh => format!(
                        "为了找准事项，问您第{step}个问题（最多{}个）",
                        kiosk_catalog::knowledge::MAX_GUIDE_STEPS
                    ),
                    Language::En => format!(
                        "To find the right service: question {step} (at most {})",
                        kiosk_catalog::knowledge::MAX_GUIDE_STEPS
                    ),
                }
                .into(),
            );
            update(
                ask.get_choices(),
                question
                    .choices
                    .iter()
                    .map(|c| AskChoice {
                        question: question.id.as_str().into(),
                        value: c.value.as_str().into(),
                        label: lang.pick(&c.label, &c.label_en).as_str().into(),
                    })
                    .collect(),
                |a, b| a == b,
                |m| ask.set_choices(m),
            );
        }
        Some(Reply::Answer { answer, also }) => {
            ask.set_state(AskState::Answer);
            ask.set_title(lang.pick(&answer.title, &answer.title_en).as_str().into());
            ask.set_body(lang.pick(&answer.text, &answer.text_en).as_str().into());
            // The resident's own age says nothing of the mother they ask about.
            let about_other = a
                .question
                .as_deref()
                .is_some_and(kiosk_catalog::assistant::about_someone_else);
            let age = t
                .resident()
                .as_ref()
                .map(|r| r.age)
                .filter(|_| !about_other);
            update(
                ask.get_facts(),
                facts(answer, shown.catalog, age, lang),
                |a, b| a == b,
                |m| ask.set_facts(m),
            );
            let go = lang.pick(answer.go.as_deref(), answer.go_en.as_deref());
            ask.set_go(
                go.map(|g| {
                    zh_en(lang, "本机不能办理的部分，请到：", "Not on this terminal: ").to_string()
                        + g
                })
                .unwrap_or_default()
                .into(),
            );
            ask.set_source(source_line(answer, lang).into());
            let item = answer
                .item
                .as_deref()
                .and_then(|c| shown.catalog.and_then(|k| k.get(c)));
            ask.set_start_code(item.map(|i| i.code.as_str()).unwrap_or_default().into());
            ask.set_start_label(
                item.map(|i| match lang {
                    Language::Zh => format!("在本机办理：{}", i.name),
                    Language::En => format!("Do it here: {}", i.name_en),
                })
                .unwrap_or_default()
                .into(),
            );
            // The one place the answer sends the resident to, and the map of where else.
            let place = answer
                .place
                .as_deref()
                .and_then(|id| shown.bundle.places.iter().find(|p| p.id == id));
            let place_line = match (place, shown.here) {
                (Some(p), Some(here)) => format!(
                    "{} · {}",
                    lang.pick(&p.name, &p.name_en),
                    super::service_map::detail(
                        p,
                        kiosk_catalog::places::metres(here, (p.lat, p.lon)),
                        lang
                    )
                ),
                (Some(p), None) => format!("{} · {}", lang.pick(&p.name, &p.name_en), p.address),
                _ => String::new(),
            };
            ask.set_place_text(place_line.into());
            ask.set_place_id(place.map(|p| p.id.as_str()).unwrap_or_default().into());
            ask.set_slip_text(
                match &a.slip {
                    None => "",
                    Some((_, PrintState::Printing)) => {
                        lang.pick("正在打印地址条…", "Printing the address…")
                    }
                    Some((_, PrintState::Printed)) => lang.pick(
                        "地址条已打印，请取走",
                        "The address is printed: take it with you",
                    ),
                    Some((_, _)) => lang.pick(
                        "地址条没有打印出来，请拍照或记下地址",
                        "The address did not print: note it or take a photo",
                    ),
                }
                .into(),
            );
            ask.set_map(a.map);
            if let (true, Some(here)) = (a.map, shown.here) {
                // An answer that names its place asks where the resident may go at all; else where its item is done.
                let item = answer.item.as_deref().filter(|_| answer.place.is_none());
                super::service_map::present(ui, shown.bundle, here, item, lang);
            }
            ask.set_answer_id(answer.id.as_str().into());
            ask.set_answer_version(answer.version.min(i32::MAX as u32) as i32);
            let mut also: Vec<ItemHit> = also
                .iter()
                .filter_map(|o| o.item.as_deref())
                .filter(|c| Some(*c) != answer.item.as_deref())
                .filter_map(|c| shown.catalog.and_then(|k| k.get(c)))
                .map(|i| super::item_hit(i, lang))
                .collect();
            also.dedup_by(|a, b| a.code == b.code);
            update(ask.get_also(), also, |a, b| a == b, |m| ask.set_also(m));
        }
    }
}
