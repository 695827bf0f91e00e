//! What the terminal says (EN 301 549 5.1.3): every screen when it comes, every error, the receipt and what
//! is printed, and (from the screen reader) every element the keypad reaches.
//!
//! The words are `kiosk_ui::present::narration`'s, taken from the view state just written. Personal data (the
//! greeting's name, what is printed, a field's value) is spoken only while headphones are in the jack (5.1.3.9); without them speech says where to plug them in.
//!
//! Speech is on in elder mode (长辈版), with headphones in, once the keypad has been used in the session, or
//! always when the terminal is set so; each session starts at the default volume, with nothing remembered.

use crate::config::{Language, SpeechOutput, SpeechSection};
use kiosk_core::session::Terminal;
use kiosk_speech::{EspeakNg, Lang, NullSink, Speaker, Volume};
use kiosk_ui::present::narration::{narrate, Narration, Part};
use kiosk_ui::present::screen_reader::Description;
use kiosk_ui::KioskWindow;
use std::cell::{Cell, RefCell};
use std::path::Path;

/// Said instead of personal data while no headphones are in.
fn plug_in(lang: Language) -> &'static str {
    lang.pick("个人信息不公开朗读，请在键盘旁的耳机孔插入耳机收听。",
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
        let note = {
            let (zh, en) = match plugged {
                true => ("已插入耳机。", "Headphones in."),
                false => (
                    "耳机已拔出，个人信息不再朗读。",
                    "Headphones out: personal details are no longer read.",
                ),
            };
            lang.pick(zh, en)
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
            let text = lang.pick(
                format!("音量{}，最大{}。", v.step(), Volume::MAX),
                format!("Volume {} of {}.", v.step(), Volume::MAX),
            );
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
