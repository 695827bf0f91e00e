//! The done page: the case and its department cases, the receipt as the screen shows it, the printouts and
//! 好差评.

use super::application::{update, zh_en};
use crate::{Choice, DoneAdapter, Row};
use kiosk_api::CaseState;
use kiosk_core::application::{Application, PrintState, Submission, BAD_RATING_REASONS};
use kiosk_core::Language;
use slint::SharedString;

/// The receipt as the screen shows it: the item, its number (the platform's, or the provisional one), and for
/// a case the platform took its time limit and office.
fn receipt_rows(
    a: &Application,
    number_label: SharedString,
    number: &str,
    lang: Language,
    taken: bool,
) -> Vec<Row> {
    let mut rows = vec![
        Row {
            label: zh_en(lang, "事项", "Item"),
            value: a.item.name.as_str().into(),
        },
        Row {
            label: number_label,
            value: number.into(),
        },
    ];
    if let Some(c) = a.correction.as_ref().filter(|c| !c.department.is_empty()) {
        rows.push(Row {
            label: zh_en(lang, "补正部门", "Office"),
            value: c.department.as_str().into(),
        });
        return rows;
    }
    if taken {
        rows.push(Row {
            label: zh_en(lang, "办理时限", "Time limit"),
            value: a.item.time_limit.as_str().into(),
        });
        rows.push(Row {
            label: if a.item.is_bundle() {
                zh_en(lang, "牵头部门", "Lead office")
            } else {
                zh_en(lang, "受理部门", "Office")
            },
            value: a.item.department.as_str().into(),
        });
    }
    // A bundle: every department's case, with its number once the platform gave it.
    let cases = match &a.submission {
        Submission::Accepted(reply) => reply.parts.clone(),
        _ => Vec::new(),
    };
    if cases.is_empty() {
        for p in a.case_parts() {
            rows.push(Row {
                label: format!("{} · {}", p.item_name, p.department).into(),
                value: lang
                    .pick(
                        format!("联网后分送 · {}", p.time_limit),
                        format!("sent when online · {}", p.time_limit),
                    )
                    .into(),
            });
        }
    }
    for c in cases {
        rows.push(Row {
            label: format!("{} · {}", c.item_name, c.department).into(),
            value: format!("{} · {}", c.case_number, c.time_limit).into(),
        });
    }
    rows
}

fn print_status(state: &PrintState, document: bool, lang: Language) -> SharedString {
    let (zh, en) = match (state, document) {
        (PrintState::None, _) => ("", ""),
        (PrintState::Printing, false) => ("正在打印回执…", "Printing your receipt…"),
        (PrintState::Printing, true) => ("正在打印，请稍候…", "Printing, please wait…"),
        (PrintState::Printed, false) => ("回执已打印，请取走", "Receipt printed: please take it"),
        (PrintState::Printed, true) => ("已打印，请从出纸口取走", "Printed: please take it from the tray"),
        (PrintState::Failed(_), false) => (
            "回执未能打印。请记下受理编号，凭编号可查询进度。",
            "The receipt could not be printed. Please note the case number to follow your case.",
        ),
        (PrintState::Failed(_), true) => (
            "未能打印。请凭受理编号到服务点窗口打印，或点「呼叫帮办」。",
            "It could not be printed. Please take the case number to the counter, or call for help.",
        ),
    };
    zh_en(lang, zh, en)
}

fn receipt_title(a: &Application, lang: Language) -> SharedString {
    if a.correction.is_some() {
        zh_en(lang, "补正回执", "Correction receipt")
    } else {
        zh_en(lang, "受理回执", "Receipt")
    }
}

pub(super) fn present(done: &DoneAdapter, a: &Application, lang: Language) {
    // A case kept on the terminal until the platform can take it.
    if let Submission::Queued { provisional } = &a.submission {
        done.set_case_number(SharedString::new());
        done.set_case_state(zh_en(
            lang,
            "已保存，网络恢复后自动提交",
            "Saved here: it is sent as soon as the network is back",
        ));
        done.set_provisional_number(provisional.as_str().into());
        done.set_receipt_status(print_status(&a.receipt, false, lang));
        done.set_document_status(SharedString::new());
        done.set_printed_title(receipt_title(a, lang));
        update(
            done.get_printed_rows(),
            receipt_rows(
                a,
                zh_en(lang, "暂存编号", "Provisional number"),
                provisional,
                lang,
                false,
            ),
            |x, y| x == y,
            |m| done.set_printed_rows(m),
        );
    } else {
        done.set_provisional_number(SharedString::new());
    }
    // The case.
    if let Submission::Accepted(reply) = &a.submission {
        done.set_case_number(reply.case_number.as_str().into());
        done.set_case_state(
            match reply.state {
                CaseState::Done => lang.pick("已办结".into(), "Done".into()),
                CaseState::Accepted if a.correction.is_some() => lang.pick(
                    "补正已提交，等待部门审核".into(),
                    "Correction sent: the office reviews it".into(),
                ),
                CaseState::Accepted => lang.pick(
                    format!("已受理，{}内办结", a.item.time_limit),
                    "Accepted".into(),
                ),
            }
            .into(),
        );
        done.set_receipt_status(print_status(&a.receipt, false, lang));
        done.set_document_status(print_status(&a.document, true, lang));
        match &reply.document {
            Some(d) => {
                done.set_printed_title(d.title.as_str().into());
                update(
                    done.get_printed_rows(),
                    d.rows
                        .iter()
                        .map(|(k, v)| Row {
                            label: k.as_str().into(),
                            value: v.as_str().into(),
                        })
                        .collect(),
                    |x, y| x == y,
                    |m| done.set_printed_rows(m),
                );
            }
            None => {
                done.set_printed_title(receipt_title(a, lang));
                update(
                    done.get_printed_rows(),
                    receipt_rows(
                        a,
                        zh_en(lang, "受理编号", "Case number"),
                        &reply.case_number,
                        lang,
                        true,
                    ),
                    |x, y| x == y,
                    |m| done.set_printed_rows(m),
                );
            }
        }
    }
    done.set_rating(a.rating.map_or(0, i32::from));
    done.set_rating_comment(a.comment.value.expose().as_str().into());
    done.set_comment_slot(a.comment_slot().min(i32::MAX as usize) as i32);
    done.set_comment_focused(a.focus == Some(a.comment_slot()));
    let reasons = |column: usize| -> Vec<Choice> {
        BAD_RATING_REASONS
            .iter()
            .enumerate()
            .filter(|(i, _)| i % 2 == column)
            .map(|(i, (zh, en))| Choice {
                text: zh_en(lang, zh, en),
                selected: a.reasons.contains(&i),
                index: i as i32,
            })
            .collect()
    };
    update(
        done.get_rating_reasons_left(),
        reasons(0),
        |x, y| x == y,
        |m| done.set_rating_reasons_left(m),
    );
    update(
        done.get_rating_reasons_right(),
        reasons(1),
        |x, y| x == y,
        |m| done.set_rating_reasons_right(m),
    );
}
