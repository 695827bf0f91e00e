//! What each screen says (EN 301 549 5.1.3), in the language it shows: taken from the view state the presenter
//! has just written, so speech says what the screen shows. Parts that hold personal data are marked private;
//! the kiosk's voice speaks them only into headphones.

use crate::{
    ApplicationAdapter, AskAdapter, AskState, DoneAdapter, HomeAdapter, KioskWindow, ShellAdapter,
};
use kiosk_core::session::{CaptureStep, Screen, Terminal};
use kiosk_core::Language;
use slint::ComponentHandle as _;
use slint::Model;

/// One thing a screen says; `key` tells whether it changed since it was last said.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Part {
    pub key: String,
    pub text: String,
    pub private: bool,
}

/// What a screen says: its parts, and the key of the screen (a new screen says all of its parts, the same
/// screen only the parts that changed).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Narration {
    pub screen: String,
    pub parts: Vec<Part>,
}

impl Narration {
    fn push(&mut self, key: &str, text: String, private: bool) {
        if !text.trim().is_empty() {
            self.parts.push(Part {
                key: format!("{key}:{text}"),
                text,
                private,
            });
        }
    }
    pub fn say(&mut self, key: &str, text: impl Into<String>) {
        self.push(key, text.into(), false);
    }
    /// Personal data: spoken only into headphones.
    pub fn say_private(&mut self, key: &str, text: impl Into<String>) {
        self.push(key, text.into(), true);
    }
}

/// 杨小通's page: the common questions, the question asked back with its choices, or the whole answer (in elder
/// mode every answer is spoken). The question as typed may hold personal data: headphones only.
fn narrate_ask(ui: &KioskWindow, lang: Language, n: &mut Narration) {
    let ask = ui.global::<AskAdapter>();
    let list = |m: slint::ModelRc<slint::SharedString>| {
        m.iter()
            .map(|s| s.to_string())
            .collect::<Vec<_>>()
            .join(lang.pick("；", "; "))
    };
    match ask.get_state() {
        AskState::Typing => {
            n.screen = "ask".into();
            n.say(
                "ask",
                lang.pick(
                    "问杨小通。请用键盘输入您的问题，或选择常见问题：",
                    "Ask 杨小通. Type your question, or choose a common one: ",
                )
                .to_string()
                    + &list(ask.get_common()),
            );
        }
        AskState::Guiding => {
            n.screen = format!("ask-guide-{}", ask.get_guide_text());
            n.say_private("question", ask.get_question().to_string());
            let choices: Vec<String> = ask
                .get_choices()
                .iter()
                .map(|c| c.label.to_string())
                .collect();
            n.say(
                "guide",
                format!(
                    "{} {}{}",
                    ask.get_guide_step(),
                    ask.get_guide_text(),
                    lang.pick("请选择：", " Choose: ").to_string()
                        + &choices.join(lang.pick("；", "; "))
                ),
            );
        }
        AskState::Answer => {
            n.screen = format!("ask-answer-{}", ask.get_answer_id());
            n.say_private("question", ask.get_question().to_string());
            n.say("title", ask.get_title().to_string());
            n.say("body", ask.get_body().to_string());
            for f in ask.get_facts().iter() {
                n.say(
                    &format!("fact-{}", f.label),
                    format!("{}：{}", f.label, f.value),
                );
            }
            n.say("go", ask.get_go().to_string());
            n.say("start", ask.get_start_label().to_string());
        }
        AskState::Nothing => {
            n.screen = "ask-nothing".into();
            n.say(
                "nothing",
                lang.pick(
                    "杨小通没有找到答案。可以换个说法再问，或选择视频办问工作人员。",
                    "杨小通 found no answer. Ask in other words, or choose Video service to ask a clerk.",
                ),
            );
        }
    }
}

/// 视频办's page: where the call is and what can be done.
fn narrate_call(c: &kiosk_core::session::CallState, lang: Language, n: &mut Narration) {
    use kiosk_core::session::CallPhase;
    let (key, text) = match &c.phase {
        CallPhase::Joining => (
            "call-joining",
            lang.pick(
                "视频办。正在为您接通坐席。".to_string(),
                "Video service: connecting you to a clerk.".to_string(),
            ),
        ),
        CallPhase::Waiting {
            position,
            expected_wait_secs,
        } => {
            let ahead = position.saturating_sub(1);
            let minutes = expected_wait_secs.div_ceil(60).max(1);
            let mut t = lang.pick(
                format!("视频办。正在排队，您前面还有{ahead}位，预计等待约{minutes}分钟。"),
                format!("Video service: {ahead} ahead of you, about {minutes} minutes."),
            );
            if c.no_answer {
                t.push_str(lang.pick(
                    "坐席暂时都在忙。可以留下电话，稍后回电，或继续等待。",
                    " All clerks are busy: leave a number for a call-back, or keep waiting.",
                ));
            }
            ("call-waiting", t)
        }
        CallPhase::Phone => (
            "call-phone",
            lang.pick(
                "请输入回电号码，然后选择确认回电。".to_string(),
                "Enter a number to be called back on, then choose Confirm.".to_string(),
            ),
        ),
        CallPhase::Talking { .. } | CallPhase::Reconnecting => (
            "call-talking",
            match &c.clerk {
                Some(k) => lang.pick(
                    format!("坐席{k}已接听，请对着屏幕说话。"),
                    format!("Clerk {k} has answered: speak to the screen."),
                ),
                None => lang
                    .pick("正在连接坐席。", "Connecting to the clerk.")
                    .into(),
            },
        ),
        CallPhase::Ended { .. } => (
            "call-ended",
            lang.pick(
                "视频通话已结束。请为本次服务评价，一到五星。".to_string(),
                "The call has ended. Please rate it, one to five stars.".to_string(),
            ),
        ),
    };
    n.screen = key.into();
    n.say(key, text);
}

/// What the screen now shown says, from the session and the view state the presenter wrote.
pub fn narrate(t: &Terminal, ui: &KioskWindow) -> Narration {
    let lang = t.language();
    let mut n = Narration::default();
    let keys = lang.pick("用上下键选择，确认键办理，返回键返回，帮助键呼叫帮办，重复键再听一遍。",
        "Use up and down to move, select to choose, back to go back, help to call staff, repeat to hear this again.",
    );
    if t.out_of_service() {
        n.screen = "out-of-service".into();
        n.say(
            "oos",
            lang.pick(
                "设备维护中。请稍候，或到服务点窗口办理。",
                "This terminal is being serviced. Please wait, or go to the service counter.",
            ),
        );
        return n;
    }
    if let Some(c) = t.call().as_ref().filter(|c| c.expanded) {
        narrate_call(c, lang, &mut n);
        return n;
    }
    match t.screen() {
        Screen::Attract => {
            n.screen = "attract".into();
            n.say(
                "welcome",
                lang.pick(
                    "欢迎使用政务服务自助终端。请插入身份证，或扫描随申码，或按确认键开始。",
                    "Welcome. Insert your ID card, scan your Suishenma, or press select to start.",
                ),
            );
            n.say("keys", keys);
        }
        Screen::Home => {
            n.screen = "home".into();
            let name = ui.global::<ShellAdapter>().get_greeting_name().to_string();
            if !name.is_empty() {
                n.say_private(
                    "greeting",
                    lang.pick(format!("{name}，您好。"), format!("Hello, {name}.")),
                );
            }
            // The resident's benefits: for the headphones, as the greeting.
            if let Some(said) = super::offers::spoken(t.returned(), t.offers(), lang) {
                n.say_private("offers", said);
            }
            n.say(
                "home",
                lang.pick(
                    "首页。请选择要办理的事项，或搜索事项。",
                    "Home. Choose a service, or search for one.",
                ),
            );
            n.say("keys", keys);
        }
        Screen::Category(id) => {
            n.screen = format!("category-{id}");
            let count = ui.global::<HomeAdapter>().get_category_items().row_count();
            n.say(
                "category",
                lang.pick(
                    format!(
                        "{}，共{count}项。",
                        ui.global::<HomeAdapter>().get_category_title()
                    ),
                    format!(
                        "{}: {count} services.",
                        ui.global::<HomeAdapter>().get_category_title()
                    ),
                ),
            );
        }
        Screen::Capture => {
            n.screen = "capture".into();
            let step = match &t.capture() {
                CaptureStep::Aiming => lang.pick("拍摄材料。请把材料平放在高拍仪下的垫板中间，然后选择拍照。",
                    "Photograph a document: lay it flat under the document camera, then choose Take photo.",
                ),
                CaptureStep::Taking => lang.pick("正在拍照，请不要移动材料。", "Taking the photo; keep the document still."),
                CaptureStep::Review => lang.pick("已拍好。选择使用这张，或重拍。",
                    "Photo taken. Choose Use this one, or Retake.",
                ),
                CaptureStep::Failed(_) => lang.pick("没有拍到完整的材料。请把材料放平，再选择拍照。",
                    "The document was not fully in the photo. Lay it flat and take the photo again.",
                ),
            };
            n.say("capture", step);
        }
        Screen::Ask => narrate_ask(ui, lang, &mut n),
        Screen::NotDone => {
            n.screen = "not-done".into();
            n.say(
                "not-done",
                lang.pick("办不成事。请选择遇到的问题，然后提交，工作人员会跟进。",
                    "Could not get it done? Choose what went wrong and send it; staff will follow up.",
                ),
            );
        }
        Screen::Apply => {
            let step = t
                .application()
                .as_ref()
                .map(|a| a.step.name())
                .unwrap_or("");
            n.screen = format!("apply-{step}");
            let names = ui.global::<ApplicationAdapter>().get_step_names();
            let index = ui.global::<ApplicationAdapter>().get_step_index();
            let count = names.row_count();
            let step_name = usize::try_from(index)
                .ok()
                .and_then(|i| names.row_data(i))
                .unwrap_or_default();
            n.say(
                "item",
                if count > 1 {
                    let title = ui.global::<ApplicationAdapter>().get_item_title();
                    lang.pick(
                        format!("{title}。第{}步，共{count}步：{step_name}。", index + 1),
                        format!("{title}. Step {} of {count}: {step_name}.", index + 1),
                    )
                } else {
                    format!("{}。", ui.global::<ApplicationAdapter>().get_item_title())
                },
            );
            n.say(
                "warning",
                ui.global::<ApplicationAdapter>()
                    .get_item_warning()
                    .to_string(),
            );
            match step {
                "identify" => n.say(
                    "identify",
                    lang.pick("办理此事项需要实名认证。请插入身份证，或扫描随申码。",
                        "This service needs your identity: insert your ID card or scan your Suishenma.",
                    ),
                ),
                "form" => n.say("prefill", ui.global::<ApplicationAdapter>().get_prefill_note().to_string()),
                "materials" if ui.global::<ApplicationAdapter>().get_viewing() => {
                    let form = ui.global::<ApplicationAdapter>();
                    let title = form.get_view_title().to_string();
                    n.say(
                        "viewing",
                        lang.pick(format!("已打开{title}。看完请点「看完了」。"),
                            format!("{title} is open. Touch Done when you have seen it.")),
                    );
                    n.say("view-status", form.get_view_status().to_string());
                    // What a certificate or a case says about the resident: into the headphones only.
                    let rows: Vec<String> = form
                        .get_view_rows()
                        .iter()
                        .map(|r| format!("{}：{}", r.label, r.value))
                        .collect();
                    n.say_private("view-rows", rows.join("；"));
                }
                "sign" => {
                    let written = t
                        .application()
                        .as_ref()
                        .map(super::written::names)
                        .unwrap_or_default();
                    if written.is_empty() {
                        n.say(
                            "sign",
                            lang.pick("请阅读告知承诺，确认已阅读，然后签名。",
                                "Read the commitment, confirm you have read it, then sign.",
                            ),
                        );
                    } else {
                        n.say(
                            "sign",
                            lang.pick(
                                format!("已按您填写的内容写好{}。请阅读告知承诺和这些材料，确认后签名。", written.join("、")),
                                format!("The {} {} written for you from your form. Read them and the commitment, confirm, then sign.",
                                    written.join(", "), if written.len() > 1 { "are" } else { "is" }),
                            ),
                        );
                    }
                    // The texts hold the resident's name, number and address.
                    n.say_private("signed-text", ui.global::<ApplicationAdapter>().get_commitment_text().to_string());
                }
                "review" => {
                    let concerns: Vec<String> = ui
                        .global::<ApplicationAdapter>()
                        .get_concerns()
                        .iter()
                        .map(|c| c.text.to_string())
                        .collect();
                    n.say(
                        "review",
                        if concerns.is_empty() {
                            lang.pick("请核对填写的信息，无误后提交。",
                                "Check what you entered, then submit.",
                            ).to_string()
                        } else {
                            lang.pick(
                                format!("提交前请看：{}", concerns.join("")),
                                format!("Before you submit: {}", concerns.join(" ")),
                            )
                        },
                    )
                }
                "submit" => {
                    let error = ui.global::<ApplicationAdapter>().get_submit_error().to_string();
                    if error.is_empty() {
                        n.say("submitting", lang.pick("正在提交，请稍候。", "Submitting, please wait."));
                    } else {
                        n.say("submit-error", error);
                    }
                }
                "done" => {
                    let case = ui.global::<DoneAdapter>().get_case_number().to_string();
                    let provisional = ui.global::<DoneAdapter>().get_provisional_number().to_string();
                    if !case.is_empty() {
                        n.say(
                            "case",
                            lang.pick(format!("已办理。办件编号{case}。"), format!("Done. Case number {case}.")),
                        );
                    } else if !provisional.is_empty() {
                        n.say("case", ui.global::<DoneAdapter>().get_case_state().to_string());
                    }
                    n.say("receipt", ui.global::<DoneAdapter>().get_receipt_status().to_string());
                    n.say("document", ui.global::<DoneAdapter>().get_document_status().to_string());
                    // What is printed, read out (5.1.3.16): it is the resident's own record.
                    let rows = ui.global::<DoneAdapter>().get_printed_rows();
                    if rows.row_count() > 0 {
                        let text: Vec<String> = rows
                            .iter()
                            .map(|r| format!("{}：{}", r.label, r.value))
                            .collect();
                        n.say_private(
                            "printed",
                            format!("{}。{}。", ui.global::<DoneAdapter>().get_printed_title(), text.join("；")),
                        );
                    }
                    if ui.global::<DoneAdapter>().get_rating() == 0 {
                        n.say(
                            "rate",
                            lang.pick("请为本次服务评价，从非常满意到非常不满意，共五级。",
                                "Please rate this service, from very satisfied to very dissatisfied.",
                            ),
                        );
                    }
                }
                _ => n.say("next", ui.global::<ApplicationAdapter>().get_next_hint().to_string()),
            }
        }
    }
    if t.elder_proposal() {
        n.say(
            "elder",
            lang.pick(
                "要使用长辈版吗？字更大、按钮更大，还会读出屏幕内容。",
                "Use elder mode? Larger text and buttons, and the screen is read aloud.",
            ),
        );
    }
    if ui.global::<ShellAdapter>().get_notice_visible() {
        n.say(
            "notice",
            ui.global::<ShellAdapter>().get_notice_text().to_string(),
        );
    }
    let alert = ui.global::<ShellAdapter>().get_device_alert().to_string();
    if !alert.is_empty() {
        n.say("alert", alert);
    }
    if ui.global::<ShellAdapter>().get_timeout_warning() {
        n.say(
            "timeout",
            lang.pick("还在办理吗？即将退出并清除您的信息。按任意键或轻触屏幕继续办理。",
                "Are you still there? The session will end and your data will be cleared. Press any key or touch the screen to continue.",
            ),
        );
    }
    n
}
