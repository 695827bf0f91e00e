//! The terminal's configuration (`/etc/kiosk/kiosk.toml`) and its hardware profile.
//!
//! Every setting has a default that works in simulation; a key that is unknown or a value that is wrong is an
//! error naming the file, the line and the key, never a silent default.

pub mod problems;
pub mod profile;
pub mod setup;

pub use problems::{Bounded, Problem};
pub use profile::{Connection, DeviceSpec, Orientation, Panel, Profile};
// The terminal's model types that the configuration names: defined with the core, read here.
pub use kiosk_core::{Language, Technician};

use problems::Problems;
use serde::Deserialize;
use std::path::{Path, PathBuf};

pub const DEFAULT_CONFIG_PATH: &str = "/etc/kiosk/kiosk.toml";
pub const DEFAULT_DATA_DIR: &str = "/var/lib/kiosk";

/// The simulated profile, built in so that `kiosk run --simulate` needs no file.
pub const SIMULATED_PROFILE: &str = include_str!("../../../hardware/profiles/simulated.toml");
pub const SIMULATED_PROFILE_NAME: &str = "hardware/profiles/simulated.toml (built in)";

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct TerminalSection {
    /// The terminal's id on the platform, e.g. `yp-yinhang-001`.
    pub id: String,
    /// The title shown at the top of every screen.
    pub title: String,
    /// Where the terminal stands, shown under the title.
    pub location: String,
    /// The 街道 and 社区 it serves: the district's figures are grouped by them (sent with the heartbeat).
    pub street: String,
    pub community: String,
    /// The hardware profile; relative paths are relative to this file.
    pub profile: Option<PathBuf>,
    pub language: Language,
}

impl Default for TerminalSection {
    fn default() -> Self {
        Self {
            id: "sim-0001".into(),
            title: "一网通办 · 政务服务自助终端".into(),
            location: "杨浦区 · 15分钟政务服务圈 · 社区服务点".into(),
            street: "殷行街道".into(),
            community: "开鲁新村社区".into(),
            profile: None,
            language: Language::Zh,
        }
    }
}

/// An http(s) URL; checked here so that a typo is found before the terminal goes to the wall.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HttpUrl(pub String);

impl<'de> Deserialize<'de> for HttpUrl {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        let rest = s
            .strip_prefix("https://")
            .or_else(|| s.strip_prefix("http://"));
        match rest {
            Some(host)
                if !host.is_empty()
                    && !host.starts_with('/')
                    && !s.contains(char::is_whitespace) =>
            {
                Ok(Self(s))
            }
            _ => Err(serde::de::Error::custom(format!(
                "`{s}` is not an http:// or https:// URL with a host"
            ))),
        }
    }
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct PlatformSection {
    /// Base URL of the platform API (the hub), e.g. `https://hub.district.example/api/v1`.
    pub url: HttpUrl,
    /// The one-time enrolment code a technician got from the hub (`kiosk-hub enrolment-code`): traded for
    /// the terminal's token at the first start; the token is kept sealed in the store, the code is spent.
    pub enrolment_code: Option<String>,
}

impl Default for PlatformSection {
    fn default() -> Self {
        Self {
            url: HttpUrl("http://127.0.0.1:8080/api/v1".into()),
            enrolment_code: None,
        }
    }
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct SessionSection {
    /// Seconds without a touch before the session ends and personal data is wiped.
    pub inactivity_timeout_s: Bounded<30, 900>,
    /// Seconds of warning (with a one-tap extension) before that end.
    pub warning_s: Bounded<20, 120>,
    /// Age from which elder mode is proposed when an ID card is read.
    pub elder_age: Bounded<50, 100>,
}

impl Default for SessionSection {
    fn default() -> Self {
        Self {
            inactivity_timeout_s: Bounded(120),
            warning_s: Bounded(30),
            elder_age: Bounded(65),
        }
    }
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct UiSection {
    pub elder_mode: bool,
    pub high_contrast: bool,
    /// The items on the elder-mode home screen (长辈版首页), by catalogue code, most used first; at most 6 are
    /// shown. A district sets them from its own figures; codes the catalogue lacks are left out with a warning.
    pub elder_items: Vec<String>,
}

/// What elderly residents come for most at a community terminal: the pension check (养老金资格认证), the
/// payment record, medical-insurance payments, the senior card, the elderly allowance and long-term care.
pub const ELDER_ITEMS: [&str; 6] = ["SB-002", "SB-001", "YB-001", "MZ-001", "MZ-002", "YB-004"];

impl Default for UiSection {
    fn default() -> Self {
        Self {
            elder_mode: false,
            high_contrast: false,
            elder_items: ELDER_ITEMS.iter().map(|s| s.to_string()).collect(),
        }
    }
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct StorageSection {
    pub data_dir: PathBuf,
    /// Days a record (an application, its photos, a rating) stays on the terminal at most, delivered or not.
    pub retention_days: Bounded<1, 365>,
}

impl Default for StorageSection {
    fn default() -> Self {
        Self {
            data_dir: PathBuf::from(DEFAULT_DATA_DIR),
            retention_days: Bounded(crate::platform::outbox::RETENTION_DAYS),
        }
    }
}

/// Where speech goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Default)]
#[serde(rename_all = "kebab-case")]
pub enum SpeechOutput {
    /// The sound card (speaker and 3.5 mm jack) through ALSA's aplay.
    #[default]
    SoundCard,
    /// WAV files under `<data_dir>/speech/` (the simulated terminal), removed at the end of each session.
    Files,
    /// No speech at all.
    Off,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct SpeechSection {
    pub output: SpeechOutput,
    /// The ALSA device for `sound-card`, e.g. `plughw:CARD=Headphones`; empty for the default.
    pub alsa_device: String,
    /// The espeak-ng program.
    pub engine: PathBuf,
    /// Speaking rate in words per minute.
    pub rate_wpm: Bounded<80, 300>,
    /// Speak for everyone, not only in elder mode, with headphones in or once the keypad is used.
    pub always: bool,
}

impl Default for SpeechSection {
    fn default() -> Self {
        Self {
            output: SpeechOutput::SoundCard,
            alsa_device: String::new(),
            engine: PathBuf::from("espeak-ng"),
            rate_wpm: Bounded(150),
            always: false,
        }
    }
}

/// A technician who may open the maintenance menu: a PIN, and optionally an ID card, both kept only as argon2id
/// hashes (`kiosk technician` makes the lines).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct MaintenanceSection {
    /// `[[maintenance.technician]]` entries; none: nobody can open the menu on the terminal (`kiosk diag`
    /// over SSH still works).
    #[serde(rename = "technician")]
    pub technicians: Vec<Technician>,
}

#[derive(Debug, Clone, Default)]
pub struct Config {
    pub terminal: TerminalSection,
    pub platform: PlatformSection,
    pub session: SessionSection,
    pub ui: UiSection,
    pub storage: StorageSection,
    pub speech: SpeechSection,
    pub maintenance: MaintenanceSection,
}

const SECTIONS: [&str; 7] = [
    "terminal",
    "platform",
    "session",
    "ui",
    "storage",
    "speech",
    "maintenance",
];

impl Config {
    /// What the session takes from the configuration.
    pub fn settings(&self) -> kiosk_core::Settings {
        kiosk_core::Settings {
            inactivity_timeout: std::time::Duration::from_secs(
                self.session.inactivity_timeout_s.0.into(),
            ),
            warning: std::time::Duration::from_secs(self.session.warning_s.0.into()),
            elder_age: self.session.elder_age.0 as u16,
            elder_default: self.ui.elder_mode,
            high_contrast: self.ui.high_contrast,
            language: self.terminal.language,
        }
    }

    /// Parses a configuration file's text, returning every problem found.
    pub fn parse(file: &Path, source: &str) -> Result<Config, Vec<Problem>> {
        let (config, problems) = Config::parse_partial(file, source);
        if problems.is_empty() {
            Ok(config)
        } else {
            Err(problems)
        }
    }

    /// Parses what it can: sections with problems keep their defaults, and the problems are returned beside
    /// the result so that the terminal can start with whatever works and say what does not.
    pub fn parse_partial(file: &Path, source: &str) -> (Config, Vec<Problem>) {
        let mut p = Problems::new(file, source);
        let root = p.parse();
        let mut config = Config::default();
        for (key, value) in root.get_ref().iter() {
            let name = key.get_ref().as_ref();
            let hint = "see the commented example in README.md, section Configuration";
            match name {
                "terminal" => {
                    config.terminal = p.deserialize(name, value, hint).unwrap_or_default()
                }
                "platform" => {
                    config.platform = p.deserialize(name, value, hint).unwrap_or_default()
                }
                "session" => config.session = p.deserialize(name, value, hint).unwrap_or_default(),
                "ui" => config.ui = p.deserialize(name, value, hint).unwrap_or_default(),
                "storage" => config.storage = p.deserialize(name, value, hint).unwrap_or_default(),
                "speech" => config.speech = p.deserialize(name, value, hint).unwrap_or_default(),
                "maintenance" => {
                    config.maintenance = p.deserialize(name, value, hint).unwrap_or_default()
                }
                other => p.add(
                    Some(key.span()),
                    other,
                    "unknown section",
                    format!(
                        "the sections are {}",
                        SECTIONS.map(|s| format!("[{s}]")).join(", ")
                    ),
                ),
            }
        }
        if config.session.warning_s.0 >= config.session.inactivity_timeout_s.0 {
            p.add(
                None,
                "session.warning_s",
                format!(
                    "the warning ({} s) must be shorter than the inactivity timeout ({} s)",
                    config.session.warning_s.0, config.session.inactivity_timeout_s.0
                ),
                "shorten warning_s or lengthen inactivity_timeout_s",
            );
        }
        (config, p.list)
    }

    /// Reads and parses a configuration file.
    pub fn load(file: &Path) -> Result<Config, Vec<Problem>> {
        let (config, problems) = Config::load_partial(file);
        if problems.is_empty() {
            Ok(config)
        } else {
            Err(problems)
        }
    }

    /// Reads what it can; an unreadable file gives the defaults and one problem.
    pub fn load_partial(file: &Path) -> (Config, Vec<Problem>) {
        match std::fs::read_to_string(file) {
            Ok(source) => Config::parse_partial(file, &source),
            Err(e) => (
                Config::default(),
                vec![unreadable(
                    file,
                    &e,
                    "pass --config FILE, or use --simulate for the built-in defaults",
                )],
            ),
        }
    }

    /// The profile this configuration names, resolved against the configuration file's folder.
    pub fn profile_path(&self, config_file: Option<&Path>) -> Option<PathBuf> {
        let p = self.terminal.profile.as_ref()?;
        Some(match config_file.and_then(Path::parent) {
            Some(dir) if p.is_relative() => dir.join(p),
            _ => p.clone(),
        })
    }
}

pub(crate) fn unreadable(file: &Path, e: &std::io::Error, hint: &str) -> Problem {
    Problem {
        file: file.to_path_buf(),
        line: 0,
        column: 0,
        key: String::new(),
        message: format!("cannot read the file: {e}"),
        hint: hint.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(s: &str) -> Result<Config, Vec<Problem>> {
        Config::parse(Path::new("kiosk.toml"), s)
    }

    #[test]
    fn empty_file_gives_the_defaults() {
        let c = parse("").unwrap();
        assert_eq!(c.session.inactivity_timeout_s.0, 120);
        assert_eq!(c.terminal.language, Language::Zh);
    }

    #[test]
    fn every_problem_is_reported_with_its_line() {
        let src = "[terminal]\nid = \"t1\"\nlanguag = \"en\"\n\n[session]\ninactivity_timeout_s = 5\nelder_age = \"old\"\n\n[platfrom]\nurl = \"x\"\n\n[platform]\nurl = \"ftp://x\"\n";
        let problems = parse(src).unwrap_err();
        let text: Vec<String> = problems.iter().map(|p| p.to_string()).collect();
        let find = |needle: &str| text.iter().find(|t| t.contains(needle)).cloned();
        assert!(
            find("kiosk.toml:3:1: `terminal.languag`").is_some(),
            "{text:#?}"
        );
        assert!(
            find("kiosk.toml:6:24: `session.inactivity_timeout_s`: 5 is out of range").is_some(),
            "{text:#?}"
        );
        assert!(
            find("kiosk.toml:7:13: `session.elder_age`").is_some(),
            "{text:#?}"
        );
        assert!(
            find("kiosk.toml:9:2: `platfrom`: unknown section").is_some(),
            "{text:#?}"
        );
        assert!(
            find("kiosk.toml:13:7: `platform.url`").is_some(),
            "{text:#?}"
        );
        assert_eq!(problems.len(), 5, "{text:#?}");
    }

    #[test]
    fn syntax_errors_are_located() {
        let problems = parse("[terminal]\nid = \"unterminated\n").unwrap_err();
        assert_eq!(problems[0].line, 2, "{problems:?}");
    }

    #[test]
    fn warning_must_be_shorter_than_the_timeout() {
        let problems = parse("[session]\ninactivity_timeout_s = 60\nwarning_s = 60\n").unwrap_err();
        assert!(problems[0].message.contains("shorter"));
    }

    #[test]
    fn a_missing_file_names_the_file() {
        let problems = Config::load(Path::new("/nonexistent/kiosk.toml")).unwrap_err();
        assert!(problems[0]
            .to_string()
            .starts_with("/nonexistent/kiosk.toml: cannot read"));
    }
}
