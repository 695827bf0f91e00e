//! 杨小通's page: the question being typed (pinyin composed into characters), the question asked, the choices
//! made in 导办 and whether the answer was marked unhelpful. What the answer is, the caller works out from the
//! knowledge base it holds (`kiosk_catalog::assistant`), from the question and the choices kept here.

use super::*;

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
        }
    }

    /// Back on 杨小通's page: the last choice, then the question, then the page.
    pub(super) fn ask_back(&mut self) {
        let Some(a) = self.asking.as_mut() else {
            self.screen = Screen::Home;
            return;
        };
        if a.chosen.pop().is_some() {
            a.marked = false;
        } else if a.question.take().is_some() {
            a.marked = false;
        } else {
            self.screen = a.back.unwrap_or(Screen::Home);
            if self.screen == Screen::Apply && self.application.is_none() {
                self.screen = Screen::Home;
            }
        }
    }
}
