//! 杨小通's page: the question being typed (pinyin composed into characters), the question asked, the choices
//! made in 导办 and whether the answer was marked unhelpful. What the answer is, the caller works out from the
//! knowledge base it holds (`kiosk_catalog::assistant`), from the question and the choices kept here.

use super::*;
use crate::application::PrintState;

/// The longest question, in characters.
pub const QUESTION_MAX: usize = 60;

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Asking {
    /// What is typed so far.
    pub text: String,
    /// Pinyin letters being composed into characters.
    pub composition: String,
    /// Letters go in as letters (for English), not as pinyin.
    pub latin: bool,
    /// The question asked, once sent or picked.
    pub question: Option<String>,
    /// 导办's choices so far: (question id, value), in order.
    pub chosen: Vec<(String, String)>,
    /// The resident said the answer did not help.
    pub marked: bool,
    /// The service map shows (where else the answer's item is done, nearest first).
    pub map: bool,
    /// A place's address printed on a slip: its print key and how the printing went.
    pub slip: Option<(String, PrintState)>,
    /// Where Back leaves the page for.
    pub(super) back: Option<Screen>,
}

impl Asking {
    fn key(&mut self, key: &str, first: Option<(String, usize)>) {
        let room = |t: &String| t.chars().count() < QUESTION_MAX;
        match key {
            "backspace" => {
                if self.composition.pop().is_none() {
                    self.text.pop();
                }
            }
            "clear" => {
                self.composition.clear();
                self.text.clear();
            }
            "latin" => {
                let pending = std::mem::take(&mut self.composition);
                self.text.push_str(&pending);
                self.latin = !self.latin;
            }
            "space" => match first {
                Some((text, consumed)) if !self.composition.is_empty() => {
                    self.pick(&text, consumed)
                }
                _ if room(&self.text) => self.text.push(' '),
                _ => {}
            },
            k => {
                let mut chars = k.chars();
                let (Some(c), None) = (chars.next(), chars.next()) else {
                    return;
                };
                if c.is_ascii_alphabetic() && !self.latin {
                    if self.composition.len() < 32 {
                        self.composition.push(c.to_ascii_lowercase());
                    }
                } else if room(&self.text) {
                    self.text.push(c);
                }
            }
        }
    }

    fn pick(&mut self, text: &str, consumed: usize) {
        let consumed = consumed.min(self.composition.len());
        self.composition.drain(..consumed);
        for c in text.chars() {
            if self.text.chars().count() < QUESTION_MAX {
                self.text.push(c);
            }
        }
    }

    fn ask(&mut self, question: String) {
        let q: String = question.trim().chars().take(QUESTION_MAX).collect();
        if q.is_empty() {
            return;
        }
        self.text = q.clone();
        self.composition.clear();
        self.question = Some(q);
        self.chosen.clear();
        self.marked = false;
    }
}

/// 杨小通's intents (see `Intent`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AskIntent {
    /// Open the page (the button on every screen).
    Open,
    /// A key of the keyboard (as `Intent::FieldKey`).
    Key {
        key: String,
        first: Option<(String, usize)>,
    },
    Pick {
        text: String,
        consumed: usize,
    },
    /// Ask what is typed.
    Send,
    /// Ask a common question, or a whole text from a hardware keyboard.
    Question(String),
    /// 导办: the resident chose `value` for question `question`.
    Choose {
        question: String,
        value: String,
    },
    /// The answer shown did not help.
    Unhelpful {
        answer: String,
        version: u32,
    },
    /// Ask something else.
    Again,
    /// Show or leave the service map.
    Map(bool),
    /// Print where to go: the place (looked up by the caller) and the walk to it.
    PrintPlace(Box<PlaceSlip>),
}

/// What a slip says of a place to go (the caller takes it from the service map).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlaceSlip {
    /// What it is for (the answer's title).
    pub about: String,
    pub name: String,
    pub address: String,
    pub hours: String,
    pub minutes: u32,
    pub remote_window: bool,
    /// A geo URI (RFC 5870) of the place, for its QR code: a phone's map opens it.
    pub geo: String,
}

/// The slip of a place to go: what a resident takes along when this terminal cannot do it.
fn place_slip(p: &PlaceSlip) -> kiosk_drivers::printer::protocol::Receipt {
    use kiosk_drivers::printer::protocol::Receipt;
    let mut r = Receipt::new()
        .title("去这里办理")
        .row("事项", p.about.as_str())
        .text(p.name.as_str())
        .row("地址", p.address.as_str())
        .row("时间", p.hours.as_str());
    if p.minutes > 0 {
        r = r.row("步行约", format!("{}分钟", p.minutes));
    }
    if p.remote_window {
        r = r.row("远程虚拟窗口", "有");
    }
    r.qr(p.geo.as_str()).text("扫码在手机地图上查看").feed(3)
}

impl Terminal {
    /// 杨小通's page while it is open or was left for an item (then `None` once the session ends).
    pub fn asking(&self) -> &Option<Asking> {
        &self.asking
    }

    pub(super) fn ask_intent(&mut self, intent: AskIntent, fx: &mut Vec<Effect>) {
        if let AskIntent::Open = intent {
            if self.screen == Screen::Attract {
                fx.push(Effect::SessionStarted { identified: false });
            }
            let back = match self.screen {
                Screen::Attract | Screen::Ask => Screen::Home,
                s => s,
            };
            self.keyboard = false;
            let a = self.asking.get_or_insert_with(Asking::default);
            a.back = Some(back);
            self.screen = Screen::Ask;
            return;
        }
        if self.screen != Screen::Ask {
            return;
        }
        if let AskIntent::PrintPlace(slip) = &intent {
            let ready = self.asking.as_ref().is_some_and(|a| {
                a.question.is_some() && !matches!(a.slip, Some((_, PrintState::Printing)))
            });
            if ready {
                let key = self.next_key();
                fx.push(Effect::Print(Box::new(Printout {
                    key: key.clone(),
                    receipt: Some(place_slip(slip)),
                    document: None,
                })));
                if let Some(a) = self.asking.as_mut() {
                    a.slip = Some((key, PrintState::Printing));
                }
            }
            return;
        }
        let terminal_id = self.terminal_id.clone();
        let Some(a) = self.asking.as_mut() else {
            return;
        };
        match intent {
            AskIntent::Open => {}
            AskIntent::Key { key, first } => a.key(&key, first),
            AskIntent::Pick { text, consumed } => a.pick(&text, consumed),
            AskIntent::Send => {
                let mut typed = a.text.clone();
                typed.push_str(&a.composition);
                a.ask(typed);
            }
            AskIntent::Question(q) => a.ask(q),
            AskIntent::Choose { question, value } => {
                if a.question.is_some()
                    && a.chosen.len() < kiosk_catalog::knowledge::MAX_GUIDE_STEPS
                    && !a.chosen.iter().any(|(q, _)| *q == question)
                {
                    a.chosen.push((question, value));
                }
            }
            AskIntent::Unhelpful { answer, version } => {
                if let (Some(q), false) = (&a.question, a.marked) {
                    a.marked = true;
                    fx.push(Effect::Unhelpful(kiosk_api::knowledge::UnhelpfulMark {
                        terminal_id,
                        answer_id: answer,
                        answer_version: version,
                        question: kiosk_api::knowledge::mask_digits(q),
                    }));
                }
            }
            AskIntent::Again => {
                *a = Asking {
                    back: a.back,
                    ..Asking::default()
                };
            }
            AskIntent::Map(on) => a.map = on && a.question.is_some(),
            // Taken above.
            AskIntent::PrintPlace(_) => {}
        }
    }

    /// Back on 杨小通's page: the last choice, then the question, then the page.
    pub(super) fn ask_back(&mut self) {
        let Some(a) = self.asking.as_mut() else {
            self.screen = Screen::Home;
            return;
        };
        // The map first, then the last choice, then the question.
        if std::mem::take(&mut a.map) {
            return;
        }
        if a.chosen.pop().is_some() || a.question.take().is_some() {
            a.marked = false;
            a.slip = None;
        } else {
            self.screen = a.back.unwrap_or(Screen::Home);
            if self.screen == Screen::Apply && self.application.is_none() {
                self.screen = Screen::Home;
            }
        }
    }
}
