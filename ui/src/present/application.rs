//! What the pages of an application show: the item, its steps, the form with where each value came from and
//! what is wrong with it, materials, the signature, the review, the submission, the case and its printouts, and
//! 好差评. Words in the resident's language; everything personal is in these models only while the session
//! lasts (the end writes empty ones).

use crate::{
    ApplicationAdapter, Choice, DoneAdapter, FieldKeyboard, FormField, KioskWindow, Page, Row,
    ShellAdapter, SubmitState,
};
use kiosk_core::application::{
    Application, Keyboard, PrefillState, Problem, Step, Submission, NOT_DONE_REASONS,
};
use kiosk_core::session::{Screen, Terminal};
use kiosk_core::Language;
use slint::{ComponentHandle, Model, ModelRc, SharedString, VecModel};

pub(super) fn model<T: Clone + 'static>(v: Vec<T>) -> ModelRc<T> {
    ModelRc::new(VecModel::from(v))
}

/// Hands `rows` to the view only when they differ (by `same`) from what it shows. The kiosk redraws every
/// second for the clock; a new model each time would re-lay out and repaint the whole page each second.
pub(super) fn update<T: Clone + 'static>(
    shown: ModelRc<T>,
    rows: Vec<T>,
    same: impl Fn(&T, &T) -> bool,
    set: impl FnOnce(ModelRc<T>),
) {
    let unchanged = shown.row_count() == rows.len()
        && rows
            .iter()
            .enumerate()
            .all(|(i, r)| shown.row_data(i).is_some_and(|old| same(&old, r)));
    if !unchanged {
        set(model(rows));
    }
}

fn same_strings(a: &ModelRc<SharedString>, b: &ModelRc<SharedString>) -> bool {
    a.row_count() == b.row_count() && a.iter().zip(b.iter()).all(|(x, y)| x == y)
}

/// Two form fields look the same (a struct holding a model compares its model by identity, not by content).
fn same_field(a: &FormField, b: &FormField) -> bool {
    a.label == b.label
        && a.value == b.value
        && a.source == b.source
        && a.problem == b.problem
        && a.required == b.required
        && a.focused == b.focused
        && a.waiting == b.waiting
        && a.chosen == b.chosen
        && same_strings(&a.choices, &b.choices)
}

pub(super) fn zh_en(lang: Language, zh: &str, en: &str) -> SharedString {
    lang.pick(zh.into(), en.into())
}

pub fn page(a: &Application) -> Page {
    match a.step {
        Step::Identify => Page::Identify,
        Step::Form => Page::Form,
        Step::Materials => Page::Materials,
        Step::Sign => Page::Sign,
        Step::Review => Page::Review,
        Step::Submitting => Page::Submitting,
        Step::Done => Page::Done,
    }
}

pub fn problem_text(p: Problem, lang: Language) -> &'static str {
    let (zh, en) = match p {
        Problem::Required => ("请填写此项", "Please fill this in"),
        Problem::IdNumber => (
            "身份证号码不正确，请核对（18位，最后一位可能是X）",
            "This ID number is not valid: 18 characters, the last may be X",
        ),
        Problem::Phone => (
            "请填写11位手机号码，或8位固定电话",
            "Please enter an 11-digit mobile or an 8-digit landline number",
        ),
        Problem::Date => (
            "请按 年-月-日 填写，如 2026-01-31",
            "Please enter a date as year-month-day, e.g. 2026-01-31",
        ),
        Problem::Number => ("只能填写数字", "Digits only, please"),
        Problem::Amount => (
            "请填写金额，如 1200 或 1200.50",
            "Please enter an amount, e.g. 1200 or 1200.50",
        ),
        Problem::Choice => ("请选择一项", "Please choose one"),
        Problem::TooLong => (
            "内容太长，请精简到100字以内",
            "Too long: 100 characters at most",
        ),
    };
    lang.pick(zh, en)
}

/// The steps this item goes through, as the step indicator names them, and where the resident is.
fn steps(a: &Application, lang: Language) -> (Vec<SharedString>, i32) {
    let mut list: Vec<(Step, &str, &str)> = Vec::new();
    if a.item.identity != kiosk_catalog::Identity::None {
        list.push((Step::Identify, "实名认证", "Identify"));
    }
    if a.fields_in_use().next().is_some() {
        list.push((Step::Form, "填写信息", "Details"));
    }
    // Also when back reached it for a material of an earlier case, which skips it otherwise.
    if a.materials_needed() || a.step == Step::Materials {
        list.push((Step::Materials, "上传材料", "Documents"));
    }
    if a.signs() {
        list.push((Step::Sign, "承诺签名", "Sign"));
    }
    if a.item.kind != kiosk_catalog::Kind::Print {
        list.push((Step::Review, "确认提交", "Review"));
    }
    if a.item.kind == kiosk_catalog::Kind::Print {
        list.push((Step::Done, "打印取件", "Print"));
    } else {
        list.push((Step::Done, "完成评价", "Done"));
    }
    let step = if a.step == Step::Submitting {
        list.iter().rev().nth(1).map(|s| s.0).unwrap_or(Step::Form)
    } else {
        a.step
    };
    let index = list.iter().position(|s| s.0 == step).unwrap_or(0) as i32;
    (
        list.iter().map(|(_, zh, en)| zh_en(lang, zh, en)).collect(),
        index,
    )
}

/// The strokes of a signature as path commands, in thousandths of the pad's width.
pub fn signature_path(strokes: &[Vec<(f32, f32)>]) -> String {
    use std::fmt::Write;
    let mut out = String::new();
    for s in strokes {
        let Some(first) = s.first() else { continue };
        let _ = write!(out, "M {:.0} {:.0} ", first.0 * 1000.0, first.1 * 1000.0);
        if s.len() == 1 {
            // A dot is drawn as a very short line, so that it shows.
            let _ = write!(
                out,
                "L {:.0} {:.0} ",
                first.0 * 1000.0 + 2.0,
                first.1 * 1000.0
            );
        }
        for p in &s[1..] {
            let _ = write!(out, "L {:.0} {:.0} ", p.0 * 1000.0, p.1 * 1000.0);
        }
    }
    out
}

/// What changed that is costly to hand over (pictures).
pub struct Pictures {
    pub materials: bool,
}

pub fn present(ui: &KioskWindow, t: &Terminal, candidates: &[String], pictures: Pictures) {
    let done = ui.global::<DoneAdapter>();
    let form = ui.global::<ApplicationAdapter>();
    let shell = ui.global::<ShellAdapter>();
    let lang = t.language();
    update(
        done.get_not_done_reasons(),
        NOT_DONE_REASONS
            .iter()
            .enumerate()
            .map(|(i, (zh, en))| Choice {
                text: zh_en(lang, zh, en),
                selected: t.not_done_reason() == Some(i),
                index: i as i32,
            })
            .collect(),
        |x, y| x == y,
        |m| done.set_not_done_reasons(m),
    );
    let Some(a) = t.application().as_ref() else {
        // Only once after an application: the models are left empty, not rebuilt every second.
        if form.get_form_fields().row_count() > 0
            || !form.get_item_title().is_empty()
            || form.get_material_rows().row_count() > 0
        {
            clear(ui);
        }
        return;
    };
    if t.screen() == Screen::Apply {
        shell.set_page(page(a));
    }
    form.set_item_title(lang.pick(a.item.name.as_str().into(), a.item.name_en.as_str().into()));
    form.set_item_detail(
        if let Some(c) = &a.correction {
            let office = if c.department.is_empty() {
                a.item.department.as_str()
            } else {
                c.department.as_str()
            };
            lang.pick(
                format!("补正 · 原办件 {} · {office}", c.case_number),
                format!("Correction of case {} · {office}", c.case_number),
            )
        } else if a.item.is_bundle() {
            let parts = a.case_parts().len();
            lang.pick(
                format!(
                    "一表申请，{parts}个事项分送各部门 · {}牵头 · 办理时限：{}",
                    a.item.department, a.item.time_limit
                ),
                format!(
                    "One form for {parts} services · led by {}",
                    a.item.department
                ),
            )
        } else {
            lang.pick(
                format!("{} · 办理时限：{}", a.item.department, a.item.time_limit),
                a.item.department.clone(),
            )
        }
        .into(),
    );
    let (names, index) = steps(a, lang);
    update(
        form.get_step_names(),
        names,
        |x, y| x == y,
        |m| form.set_step_names(m),
    );
    form.set_step_index(index);

    let printer_ok = t.printer_ready(a.item.kind);
    form.set_item_warning(if a.step >= Step::Done {
        SharedString::new()
    } else if let Some(w) = super::checks::condition_warning(a, lang) {
        w
    } else if let Some(w) = super::checks::correction_note(a, lang) {
        w
    } else if printer_ok {
        SharedString::new()
    } else if a.item.kind == kiosk_catalog::Kind::Print {
        zh_en(
            lang,
            "打印机暂时不能打印，本机现在无法打印此材料。请到服务点窗口办理，或点「视频办」。",
            "The printer cannot print right now, so this document cannot be printed here. Please go to the counter, or use Video help.",
        )
    } else {
        zh_en(
            lang,
            "回执打印机暂时不能打印：可以照常提交，请记下屏幕上的受理编号。",
            "The receipt printer cannot print right now: you can still submit; please note the case number on screen.",
        )
    });

    // The primary button.
    let missing = a.missing_materials();
    let (next, enabled, hint): (SharedString, bool, SharedString) = match a.step {
        Step::Identify | Step::Submitting => ("".into(), false, "".into()),
        Step::Form => {
            let print = a.item.kind == kiosk_catalog::Kind::Print;
            (
                if print {
                    zh_en(lang, "打印", "Print")
                } else {
                    zh_en(lang, "下一步", "Next")
                },
                a.prefill != PrefillState::Waiting && (!print || printer_ok),
                if a.prefill == PrefillState::Waiting {
                    zh_en(lang, "正在获取您的信息…", "Fetching your details…")
                } else {
                    "".into()
                },
            )
        }
        Step::Materials => (
            zh_en(lang, "下一步", "Next"),
            missing.is_empty(),
            if missing.is_empty() {
                "".into()
            } else {
                let names: Vec<&str> = missing
                    .iter()
                    .filter_map(|i| a.item.materials.get(*i).map(|m| m.name.as_str()))
                    .collect();
                lang.pick(
                    format!("还需拍照：{}", names.join("、")).into(),
                    format!("Still to photograph: {}", names.join(", ")).into(),
                )
            },
        ),
        Step::Sign => (
            zh_en(lang, "下一步", "Next"),
            a.commitment_read && a.signed(),
            if a.commitment_read && a.signed() {
                "".into()
            } else {
                zh_en(
                    lang,
                    "请勾选「我已阅读」并签名",
                    "Please tick \"I have read\" and sign",
                )
            },
        ),
        Step::Review => {
            let fileable = a.fileable();
            (
                zh_en(lang, "提交", "Submit"),
                fileable,
                if fileable {
                    "".into()
                } else {
                    zh_en(
                        lang,
                        "请先处理上面红色的事项",
                        "Please deal with the items in red above first",
                    )
                },
            )
        }
        Step::Done => (
            zh_en(lang, "不评价，完成", "Finish without rating"),
            true,
            "".into(),
        ),
    };
    form.set_next_text(next);
    form.set_next_enabled(enabled);
    form.set_next_hint(hint);

    // The form.
    // A bundle's form shows the fields of the parts that apply: answering "sells food: no" takes the food
    // permit's fields away.
    let fields: Vec<FormField> = a
        .fields_in_use()
        .map(|(i, f)| {
            let waiting = a.prefill == PrefillState::Waiting
                && f.value.expose().is_empty()
                && matches!(
                    f.field.prefill,
                    Some(kiosk_catalog::Prefill::Platform(_))
                        | Some(kiosk_catalog::Prefill::Certificate { .. })
                );
            FormField {
                index: i as i32,
                label: f.field.label.as_str().into(),
                value: f.value.expose().as_str().into(),
                source: f
                    .source
                    .as_ref()
                    .map(|s| super::materials::source_text(s, lang, a.card_type()))
                    .unwrap_or_default(),
                problem: match (f.checked, f.problem) {
                    (true, Some(p)) => problem_text(p, lang).into(),
                    _ => SharedString::new(),
                },
                required: f.field.required,
                focused: a.focus == Some(i),
                waiting,
                choices: model(f.field.choices.iter().map(|c| c.as_str().into()).collect()),
                chosen: f
                    .field
                    .choices
                    .iter()
                    .position(|c| c == f.value.expose())
                    .map_or(-1, |p| p as i32),
            }
        })
        .collect();
    update(form.get_form_fields(), fields, same_field, |m| {
        form.set_form_fields(m)
    });
    let kb = a
        .focus
        .and_then(|i| a.slot_ref(i))
        .map(|f| f.keyboard())
        .unwrap_or(Keyboard::None);
    form.set_field_keyboard(match kb {
        Keyboard::None => FieldKeyboard::None,
        Keyboard::Digits => FieldKeyboard::Digits,
        Keyboard::IdNumber => FieldKeyboard::IdNumber,
        Keyboard::Amount => FieldKeyboard::Amount,
        Keyboard::Chinese => FieldKeyboard::Chinese,
    });
    form.set_composition(a.composition.as_str().into());
    form.set_field_latin(a.latin);
    update(
        form.get_candidates(),
        candidates.iter().map(|c| c.as_str().into()).collect(),
        |x, y| x == y,
        |m| form.set_candidates(m),
    );
    let shown = a.fields_in_use().count();
    let prefilled = a.fields_in_use().filter(|(_, f)| f.prefilled).count();
    form.set_prefill_note(
        match a.prefill {
            PrefillState::Failed => lang.pick(
                "暂时无法获取您在政府部门的信息，请手动填写。".into(),
                "Your details held by the government cannot be fetched right now: please type them."
                    .into(),
            ),
            _ if prefilled > 0 => lang.pick(
                format!("已为您自动填好 {prefilled} 项（共 {shown} 项），请核对。"),
                format!("{prefilled} of {shown} fields are filled in for you: please check them."),
            ),
            _ => String::new(),
        }
        .into(),
    );

    super::materials::present(&form, a, lang, pictures.materials);
    super::checks::present(&form, a, lang);

    // Commitment and signature.
    form.set_commitment_text(super::written::signed_text(a, lang).into());
    form.set_commitment_read(a.commitment_read);
    form.set_signature_path(signature_path(&a.strokes).into());
    form.set_signed(a.signed());

    // Review.
    let mut review: Vec<Row> = a
        .fields_in_use()
        .map(|(_, f)| Row {
            label: f.field.label.as_str().into(),
            value: f.value.expose().as_str().into(),
        })
        .collect();
    for (i, m) in a.item.materials.iter().enumerate() {
        if !a.material_in_use(i) {
            continue;
        }
        let state = if a.is_written(i) {
            zh_en(
                lang,
                "已为您写好，随签名提交",
                "written for you, signed with the form",
            )
        } else if a.reused_for(i).is_some() {
            super::materials::material_source(a, i, lang)
        } else if a.material_held(i) {
            zh_en(lang, "已获取，免于提交", "held by the government")
        } else if a.attached.iter().any(|x| x.material == i) {
            zh_en(lang, "已拍照", "photographed")
        } else {
            zh_en(lang, "未提交", "missing")
        };
        review.push(Row {
            label: m.name.as_str().into(),
            value: state,
        });
    }
    for p in a.case_parts() {
        review.push(Row {
            label: lang
                .pick(
                    format!("分送：{}", p.department),
                    format!("To: {}", p.department),
                )
                .into(),
            value: format!("{} · {}", p.item_name, p.time_limit).into(),
        });
    }
    if a.signs() {
        review.push(Row {
            label: zh_en(lang, "告知承诺", "Commitment"),
            value: zh_en(lang, "已阅读并签名", "read and signed"),
        });
    }
    update(
        form.get_review_rows(),
        review,
        |x, y| x == y,
        |m| form.set_review_rows(m),
    );

    // Submission.
    match &a.submission {
        Submission::Failed(e) => {
            form.set_submit_state(SubmitState::Failed);
            form.set_submit_error(if e.is_transient() {
                zh_en(
                    lang,
                    "暂时连不上政务服务平台，您的申请还没有提交。可以稍后点「重新提交」，或请工作人员帮助。",
                    "The service platform cannot be reached: your application has not been submitted. Try again in a moment, or ask for help.",
                )
            } else {
                zh_en(
                    lang,
                    "平台没有接受这份申请，您的申请还没有提交。请点「呼叫帮办」，工作人员会协助您。",
                    "The platform did not accept this application: it has not been submitted. Please call for help.",
                )
            });
        }
        _ => {
            form.set_submit_state(SubmitState::Waiting);
            form.set_submit_error(SharedString::new());
        }
    }

    super::done::present(&done, a, lang);
}

/// Empties every model of an application: nothing of the last resident stays in the view.
pub fn clear(ui: &KioskWindow) {
    let form = ui.global::<ApplicationAdapter>();
    let done = ui.global::<DoneAdapter>();
    form.set_item_title(SharedString::new());
    form.set_item_detail(SharedString::new());
    form.set_step_names(ModelRc::default());
    form.set_step_index(0);
    form.set_next_text(SharedString::new());
    form.set_next_hint(SharedString::new());
    form.set_item_warning(SharedString::new());
    form.set_concerns(ModelRc::default());
    form.set_form_fields(ModelRc::default());
    form.set_field_keyboard(FieldKeyboard::None);
    form.set_composition(SharedString::new());
    form.set_field_latin(false);
    form.set_candidates(ModelRc::default());
    form.set_prefill_note(SharedString::new());
    form.set_material_rows(ModelRc::default());
    form.set_viewing(false);
    form.set_view_picture(slint::Image::default());
    form.set_view_rows(ModelRc::default());
    form.set_view_shown(0);
    form.set_commitment_text(SharedString::new());
    form.set_commitment_read(false);
    form.set_signature_path(SharedString::new());
    form.set_signed(false);
    form.set_review_rows(ModelRc::default());
    form.set_submit_state(SubmitState::Waiting);
    form.set_submit_error(SharedString::new());
    done.set_case_number(SharedString::new());
    done.set_provisional_number(SharedString::new());
    done.set_case_state(SharedString::new());
    done.set_receipt_status(SharedString::new());
    done.set_document_status(SharedString::new());
    done.set_printed_title(SharedString::new());
    done.set_printed_rows(ModelRc::default());
    done.set_rating(0);
    done.set_rating_comment(SharedString::new());
    done.set_comment_focused(false);
    done.set_rating_reasons_left(ModelRc::default());
    done.set_rating_reasons_right(ModelRc::default());
}

#[cfg(test)]
mod tests {
    use super::*;
    use kiosk_core::session::{Input, Intent, Setup};
    use std::time::Instant;

    #[test]
    fn models_are_handed_over_again_only_when_they_change() {
        i_slint_backend_testing::init_no_event_loop();
        let ui = KioskWindow::new().expect("window");
        let now = Instant::now();
        let mut t = Terminal::new(Setup::default(), now);
        let card = kiosk_drivers::sim::sample_cards().remove(2).record;
        let today = kiosk_drivers::Date::new(2026, 11, 29).unwrap();
        t.handle(
            Input::Device {
                event: kiosk_drivers::DeviceEvent::CardInserted(Box::new(card)),
                today,
            },
            now,
        );
        let item = kiosk_catalog::Catalog::bundled()
            .unwrap()
            .get("HJ-002")
            .unwrap()
            .clone();
        t.handle(Input::Intent(Intent::OpenItem(Box::new(item))), now);
        let show = |t: &Terminal| present(&ui, t, &[], Pictures { materials: false });
        show(&t);
        let form = ui.global::<ApplicationAdapter>();
        let (fields, steps) = (form.get_form_fields(), form.get_step_names());
        assert!(fields.row_count() > 0);
        // A redraw with nothing changed (the clock's) keeps the very same models.
        show(&t);
        assert!(form.get_form_fields() == fields && form.get_step_names() == steps);
        // A changed field hands a new one over.
        t.handle(Input::Intent(Intent::FocusField(2)), now);
        show(&t);
        assert!(form.get_form_fields() != fields);
        assert!(form.get_step_names() == steps);
    }
}
