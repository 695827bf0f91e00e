//! What the terminal says (EN 301 549 5.1.3): every screen when it comes, every error, the receipt and what
//! is printed, and (from the screen reader) every element the keypad reaches.
//!
//! The words are taken from the view state the presenter has just written, so speech says what the screen
//! shows, in the language it shows it in. Personal data (the greeting's name, what is printed, a field's value)
//! is spoken only while headphones are in the jack (5.1.3.9); without them speech says where to plug them in.
//!
//! Speech is on in elder mode (长辈版), with headphones in, once the keypad has been used in the session, or
//! always when the terminal is set so; each session starts at the default volume, with nothing remembered.

use crate::config::{Language, SpeechOutput, SpeechSection};
use crate::session::{CaptureStep, Screen, Terminal};
use crate::view::screen_reader::Description;
use kiosk_speech::{EspeakNg, Lang, NullSink, Speaker, Volume};
use kiosk_ui::{ApplicationAdapter, DoneAdapter, HomeAdapter, KioskWindow, ShellAdapter};
use slint::ComponentHandle as _;
use slint::Model;
use std::cell::{Cell, RefCell};
use std::path::Path;

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
    fn say(&mut self, key: &str, text: impl Into<String>) {
        self.push(key, text.into(), false);
    }
    /// Personal data: spoken only into headphones.
    fn say_private(&mut self, key: &str, text: impl Into<String>) {
        self.push(key, text.into(), true);
    }
}

fn pick(lang: Language, zh: &'static str, en: &'static str) -> &'static str {
    match lang {
        Language::Zh => zh,
        Language::En => en,
    }
}

/// 视频办's page: where the call is and what can be done.
fn narrate_call(c: &crate::session::CallState, lang: Language, n: &mut Narration) {
    use crate::session::CallPhase;
    let zh = lang == Language::Zh;
    let (key, text) = match &c.phase {
        CallPhase::Joining => (
            "call-joining",
            if zh {
                "视频办。正在为您接通坐席。".to_string()
            } else {
                "Video service: connecting you to a clerk.".to_string()
            },
        ),
        CallPhase::Waiting {
            position,
            expected_wait_secs,
        } => {
            let ahead = position.saturating_sub(1);
            let minutes = expected_wait_secs.div_ceil(60).max(1);
            let mut t = if zh {
                format!("视频办。正在排队，您前面还有{ahead}位，预计等待约{minutes}分钟。")
            } else {
                format!("Video service: {ahead} ahead of you, about {minutes} minutes.")
            };
            if c.no_answer {
                t.push_str(if zh {
                    "坐席暂时都在忙。可以留下电话，稍后回电，或继续等待。"
                } else {
                    " All clerks are busy: leave a number for a call-back, or keep waiting."
                });
            }
            ("call-waiting", t)
        }
        CallPhase::Phone => (
            "call-phone",
            if zh {
                "请输入回电号码，然后选择确认回电。".to_string()
            } else {
                "Enter a number to be called back on, then choose Confirm.".to_string()
            },
        ),
        CallPhase::Talking { .. } | CallPhase::Reconnecting => (
            "call-talking",
            match (&c.clerk, zh) {
                (Some(k), true) => format!("坐席{k}已接听，请对着屏幕说话。"),
                (Some(k), false) => format!("Clerk {k} has answered: speak to the screen."),
                (None, true) => "正在连接坐席。".into(),
                (None, false) => "Connecting to the clerk.".into(),
            },
        ),
        CallPhase::Ended { .. } => (
            "call-ended",
            if zh {
                "视频通话已结束。请为本次服务评价，一到五星。".to_string()
            } else {
                "The call has ended. Please rate it, one to five stars.".to_string()
            },
        ),
    };
    n.screen = key.into();
    n.say(key, text);
}

/// What the screen now shown says, from the session and the view state the presenter wrote.
pub fn narrate(t: &Terminal, ui: &KioskWindow) -> Narration {
    let lang = t.language();
    let mut n = Narration::default();
    let keys = pick(
        lang,
        "用上下键选择，确认键办理，返回键返回，帮助键呼叫帮办，重复键再听一遍。",
        "Use up and down to move, select to choose, back to go back, help to call staff, repeat to hear this again.",
    );
    if t.out_of_service() {
        n.screen = "out-of-service".into();
        n.say(
            "oos",
            pick(
                lang,
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
                pick(
                    lang,
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
                    match lang {
                        Language::Zh => format!("{name}，您好。"),
                        Language::En => format!("Hello, {name}."),
                    },
                );
            }
            n.say(
                "home",
                pick(
                    lang,
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
                match lang {
                    Language::Zh => format!(
                        "{}，共{count}项。",
                        ui.global::<HomeAdapter>().get_category_title()
                    ),
                    Language::En => format!(
                        "{}: {count} services.",
                        ui.global::<HomeAdapter>().get_category_title()
                    ),
                },
            );
        }
        Screen::Capture => {
            n.screen = "capture".into();
            let step = match &t.capture() {
                CaptureStep::Aiming => pick(
                    lang,
                    "拍摄材料。请把材料平放在高拍仪下的垫板中间，然后选择拍照。",
                    "Photograph a document: lay it flat under the document camera, then choose Take photo.",
                ),
                CaptureStep::Taking => pick(lang, "正在拍照，请不要移动材料。", "Taking the photo; keep the document still."),
                CaptureStep::Review => pick(
                    lang,
                    "已拍好。选择使用这张，或重拍。",
                    "Photo taken. Choose Use this one, or Retake.",
                ),
                CaptureStep::Failed(_) => pick(
                    lang,
                    "没有拍到完整的材料。请把材料放平，再选择拍照。",
                    "The document was not fully in the photo. Lay it flat and take the photo again.",
                ),
            };
            n.say("capture", step);
        }
        Screen::NotDone => {
            n.screen = "not-done".into();
            n.say(
                "not-done",
                pick(
                    lang,
                    "办不成事。请选择遇到的问题，然后提交，工作人员会跟进。",
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
                match lang {
                    Language::Zh if count > 1 => format!(
                        "{}。第{}步，共{count}步：{step_name}。",
                        ui.global::<ApplicationAdapter>().get_item_title(),
                        index + 1
                    ),
                    Language::En if count > 1 => format!(
                        "{}. Step {} of {count}: {step_name}.",
                        ui.global::<ApplicationAdapter>().get_item_title(),
                        index + 1
                    ),
                    _ => format!("{}。", ui.global::<ApplicationAdapter>().get_item_title()),
                },
            );
            n.say(
                "printer",
                ui.global::<ApplicationAdapter>()
                    .get_printer_warning()
                    .to_string(),
            );
            match step {
                "identify" => n.say(
                    "identify",
                    pick(
                        lang,
                        "办理此事项需要实名认证。请插入身份证，或扫描随申码。",
                        "This service needs your identity: insert your ID card or scan your Suishenma.",
                    ),
                ),
                "form" => n.say("prefill", ui.global::<ApplicationAdapter>().get_prefill_note().to_string()),
                "sign" => n.say(
                    "sign",
                    pick(
                        lang,
                        "请阅读告知承诺，确认已阅读，然后签名。",
                        "Read the commitment, confirm you have read it, then sign.",
                    ),
                ),
                "review" => n.say(
                    "review",
                    pick(
                        lang,
                        "请核对填写的信息，无误后提交。",
                        "Check what you entered, then submit.",
                    ),
                ),
                "submit" => {
                    let error = ui.global::<ApplicationAdapter>().get_submit_error().to_string();
                    if error.is_empty() {
                        n.say("submitting", pick(lang, "正在提交，请稍候。", "Submitting, please wait."));
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
                            match lang {
                                Language::Zh => format!("已办理。办件编号{case}。"),
                                Language::En => format!("Done. Case number {case}."),
                            },
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
                            pick(
                                lang,
                                "请为本次服务评价，从非常满意到非常不满意，共五级。",
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
            pick(
                lang,
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
            pick(
                lang,
                "还在办理吗？即将退出并清除您的信息。按任意键或轻触屏幕继续办理。",
                "Are you still there? The session will end and your data will be cleared. Press any key or touch the screen to continue.",
            ),
        );
    }
    n
}

/// Said instead of personal data while no headphones are in.
fn plug_in(lang: Language) -> &'static str {
    pick(
        lang,
        "个人信息不公开朗读，请在键盘旁的耳机孔插入耳机收听。",
        "Personal details are not read aloud: plug headphones into the jack by the keypad to hear them.",
    )
}

fn lang_of(l: Language) -> Lang {
    match l {
        Language::Zh => Lang::Zh,
        Language::En => Lang::En,
    }
}

pub struct Voice {
    speaker: Option<Speaker>,
    always: bool,
    keypad_used: Cell<bool>,
    headset: Cell<bool>,
    last: RefCell<Narration>,
    /// Whether speech was on at the last redraw.
    was_active: Cell<bool>,
}

impl Voice {
    pub fn new(config: &SpeechSection, data_dir: &Path) -> Voice {
        Voice::paced(config, data_dir, true)
    }

    /// `realtime`: WAV files take as long to write as they would to play (the simulated terminal); tests that
    /// read what was said turn it off.
    pub fn paced(config: &SpeechSection, data_dir: &Path, realtime: bool) -> Voice {
        let engine = EspeakNg {
            program: config.engine.clone(),
            rate_wpm: config.rate_wpm.0,
        };
        let sink: Option<Box<dyn kiosk_speech::Sink>> = match config.output {
            SpeechOutput::Off => None,
            SpeechOutput::SoundCard => Some(Box::new(kiosk_speech::Aplay::new(
                Some(config.alsa_device.clone()).filter(|d| !d.is_empty()),
            ))),
            SpeechOutput::Files => {
                match kiosk_speech::WavFiles::new(data_dir.join("speech"), realtime) {
                    Ok(w) => Some(Box::new(w)),
                    Err(e) => {
                        tracing::error!("speech goes nowhere: {e}");
                        Some(Box::new(NullSink))
                    }
                }
            }
        };
        Voice {
            speaker: sink.map(|sink| Speaker::new(Box::new(engine), sink)),
            always: config.always,
            keypad_used: Cell::new(false),
            headset: Cell::new(false),
            last: RefCell::new(Narration::default()),
            was_active: Cell::new(false),
        }
    }

    /// The speaker, for tests and the benchmark.
    pub fn speaker(&self) -> Option<&Speaker> {
        self.speaker.as_ref()
    }

    fn active(&self, t: &Terminal) -> bool {
        self.always || t.elder() || self.headset.get() || self.keypad_used.get()
    }

    /// After each redraw: says what is new on the screen.
    pub fn screen_changed(&self, t: &Terminal, ui: &KioskWindow) {
        let now = narrate(t, ui);
        let active = self.active(t);
        // Speech just came on (elder mode accepted, headphones in): the screen is read from its start.
        let came_on = active && !self.was_active.replace(active);
        let mut last = self.last.borrow_mut();
        if *last == now && !came_on {
            return;
        }
        let new: Vec<&Part> = if last.screen != now.screen || came_on {
            now.parts.iter().collect()
        } else {
            now.parts
                .iter()
                .filter(|p| !last.parts.iter().any(|q| q.key == p.key))
                .collect()
        };
        if !new.is_empty() && active {
            let text = self.compose(
                new.iter().map(|p| (p.text.as_str(), p.private)),
                t.language(),
            );
            self.say(&text, t.language());
        }
        *last = now;
    }

    /// Says the whole screen again (the repeat key), from its start.
    pub fn repeat_screen(&self, t: &Terminal) {
        let last = self.last.borrow();
        let text = self.compose(
            last.parts.iter().map(|p| (p.text.as_str(), p.private)),
            t.language(),
        );
        self.say(&text, t.language());
    }

    /// Says what the screen reader reached.
    pub fn element(&self, d: &Description, lang: Language) {
        let mut text = d.text.clone();
        if let Some(p) = &d.private {
            text.push_str(if lang == Language::Zh { "。" } else { ". " });
            text.push_str(if self.headset.get() { p } else { plug_in(lang) });
        }
        self.say(&text, lang);
    }

    fn compose<'a>(&self, parts: impl Iterator<Item = (&'a str, bool)>, lang: Language) -> String {
        let mut out = String::new();
        let mut withheld = false;
        for (text, private) in parts {
            if private && !self.headset.get() {
                if withheld {
                    continue;
                }
                withheld = true;
                out.push_str(plug_in(lang));
            } else {
                out.push_str(text);
            }
            out.push(' ');
        }
        out.trim_end().to_string()
    }

    fn say(&self, text: &str, lang: Language) {
        if let Some(s) = &self.speaker {
            if !text.is_empty() {
                s.say(text, lang_of(lang));
            }
        }
    }

    /// The person acted: speech stops (5.1.3.5).
    pub fn stop(&self) {
        if let Some(s) = &self.speaker {
            s.stop();
        }
    }

    /// A keypad key: speech is on from now until the end of the session. What the key itself brings is said
    /// (the element reached, the screen on repeat), not the whole screen as when speech comes on otherwise.
    pub fn keypad(&self) {
        self.keypad_used.set(true);
        self.was_active.set(true);
    }

    /// Headphones in or out. In: that is said, then the screen from its start, now with its personal data.
    pub fn headset(&self, plugged: bool, t: &Terminal) {
        let lang = t.language();
        self.headset.set(plugged);
        let note = match (plugged, lang) {
            (true, Language::Zh) => "已插入耳机。",
            (true, Language::En) => "Headphones in.",
            (false, Language::Zh) => "耳机已拔出，个人信息不再朗读。",
            (false, Language::En) => "Headphones out: personal details are no longer read.",
        };
        if plugged {
            self.was_active.set(true);
            let screen = self.compose(
                self.last
                    .borrow()
                    .parts
                    .iter()
                    .map(|p| (p.text.as_str(), p.private)),
                lang,
            );
            self.say(&format!("{note}{screen}"), lang);
        } else if self.active(t) {
            self.say(note, lang);
        }
    }

    pub fn headset_in(&self) -> bool {
        self.headset.get()
    }

    /// Volume up (true) or down, and says the new step at the new loudness.
    pub fn volume(&self, up: bool, lang: Language) {
        if let Some(s) = &self.speaker {
            let v = if up {
                s.volume().up()
            } else {
                s.volume().down()
            };
            s.set_volume(v);
            let text = match lang {
                Language::Zh => format!("音量{}，最大{}。", v.step(), Volume::MAX),
                Language::En => format!("Volume {} of {}.", v.step(), Volume::MAX),
            };
            s.say(&text, lang_of(lang));
        }
    }

    /// The maintenance menu's speech test: a sentence in Mandarin, whatever the mode.
    pub fn test_phrase(&self) -> Result<String, String> {
        match &self.speaker {
            Some(s) => {
                s.say("语音测试。这是政务服务自助终端。", lang_of(Language::Zh));
                Ok("spoken".into())
            }
            None => Err("语音已在配置中关闭 speech is off in the configuration".into()),
        }
    }

    /// End of a session: silence, default volume, nothing kept; speech goes back to off unless elder mode or
    /// headphones call for it next time.
    pub fn session_ended(&self) {
        self.keypad_used.set(false);
        if let Some(s) = &self.speaker {
            s.forget();
        }
    }
}
