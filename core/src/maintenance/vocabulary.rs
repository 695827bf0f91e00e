//! The menu's words: its sections, the device tests, the settings a technician may change, what a touch
//! means and what the menu asks of the outside.

use crate::model::Language;
use kiosk_drivers::DeviceClass;
use std::time::{Duration, Instant};

pub const PIN_MIN: usize = 4;
pub const PIN_MAX: usize = 8;
/// Wrong PINs allowed before the first lock-out.
pub const FREE_TRIES: u32 = 5;
/// The first lock-out; each further wrong PIN doubles it, up to [`MAX_LOCK`].
pub const FIRST_LOCK: Duration = Duration::from_secs(30);
pub const MAX_LOCK: Duration = Duration::from_secs(3600);
/// A test that waits for a person (a card, a scan, a key) gives up after this long.
pub const TEST_WAIT: Duration = Duration::from_secs(60);

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Default)]
pub enum Section {
    #[default]
    Devices,
    Queue,
    Logs,
    Settings,
    System,
    Consumables,
}

impl Section {
    pub const ALL: [Section; 6] = [
        Section::Devices,
        Section::Queue,
        Section::Logs,
        Section::Settings,
        Section::System,
        Section::Consumables,
    ];

    pub fn index(self) -> i32 {
        Section::ALL.iter().position(|s| *s == self).unwrap_or(0) as i32
    }

    pub fn from_index(i: i32) -> Option<Section> {
        usize::try_from(i)
            .ok()
            .and_then(|i| Section::ALL.get(i).copied())
    }
}

/// A device test of the menu.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Test {
    Card,
    Scan,
    Receipt,
    A4,
    DocumentCamera,
    FaceCamera,
    PadKeys,
    PadLights,
    Lights,
    Buzzer,
    Keypad,
    HelpButton,
    Speech,
}

impl Test {
    pub const ALL: [Test; 13] = [
        Test::Card,
        Test::Scan,
        Test::Receipt,
        Test::A4,
        Test::DocumentCamera,
        Test::FaceCamera,
        Test::PadKeys,
        Test::PadLights,
        Test::Lights,
        Test::Buzzer,
        Test::Keypad,
        Test::HelpButton,
        Test::Speech,
    ];

    /// Its name in action ids and the audit trail.
    pub fn name(self) -> &'static str {
        match self {
            Test::Card => "card",
            Test::Scan => "scan",
            Test::Receipt => "receipt",
            Test::A4 => "a4",
            Test::DocumentCamera => "document-camera",
            Test::FaceCamera => "face-camera",
            Test::PadKeys => "pad-keys",
            Test::PadLights => "pad-lights",
            Test::Lights => "lights",
            Test::Buzzer => "buzzer",
            Test::Keypad => "keypad",
            Test::HelpButton => "help-button",
            Test::Speech => "speech",
        }
    }

    pub fn parse(s: &str) -> Option<Test> {
        Test::ALL.into_iter().find(|t| t.name() == s)
    }

    /// What the technician reads on the button.
    pub fn label(self) -> &'static str {
        match self {
            Test::Card => "读卡 Read a card",
            Test::Scan => "扫码 Scan a code",
            Test::Receipt => "打印测试小票 Test receipt",
            Test::A4 => "打印A4测试页 A4 test page",
            Test::DocumentCamera => "高拍仪预览 Preview",
            Test::FaceCamera => "人脸摄像头预览 Preview",
            Test::PadKeys => "评价器按键 Keys",
            Test::PadLights => "评价器指示灯 Lights",
            Test::Lights => "状态灯 Status lights",
            Test::Buzzer => "蜂鸣器 Buzzer",
            Test::Keypad => "盲文键盘 Keypad",
            Test::HelpButton => "求助按钮 Help button",
            Test::Speech => "语音 Speech",
        }
    }

    /// The tests of a device class (the speech test belongs to no device).
    pub fn for_class(c: DeviceClass) -> &'static [Test] {
        match c {
            DeviceClass::IdCardReader => &[Test::Card],
            DeviceClass::QrScanner => &[Test::Scan],
            DeviceClass::ReceiptPrinter => &[Test::Receipt],
            DeviceClass::A4Printer => &[Test::A4],
            DeviceClass::DocumentCamera => &[Test::DocumentCamera],
            DeviceClass::FaceCamera => &[Test::FaceCamera],
            DeviceClass::EvaluationPad => &[Test::PadKeys, Test::PadLights],
            DeviceClass::Lights => &[Test::Lights],
            DeviceClass::Buzzer => &[Test::Buzzer],
            DeviceClass::TactileKeypad => &[Test::Keypad],
            DeviceClass::HelpButton => &[Test::HelpButton],
            DeviceClass::PresenceSensor | DeviceClass::DoorSwitch => &[],
        }
    }

    /// Tests that wait for a person to do something at a device.
    pub fn waits_for_person(self) -> bool {
        matches!(
            self,
            Test::Card | Test::Scan | Test::PadKeys | Test::Keypad | Test::HelpButton
        )
    }

    /// Tests whose outcome only a person can judge (a picture, a light, a sound).
    pub fn judged(self) -> bool {
        matches!(
            self,
            Test::DocumentCamera
                | Test::FaceCamera
                | Test::PadLights
                | Test::Lights
                | Test::Buzzer
                | Test::Speech
        )
    }

    /// What the technician is asked to do or look at while it runs.
    pub fn prompt(self) -> &'static str {
        match self {
            Test::Card => "请放置身份证 Place an ID card on the reader",
            Test::Scan => "请扫描任意二维码 Show a code to the scanner",
            Test::PadKeys => "请按评价器任意键 Press a key of the pad",
            Test::Keypad => "请按盲文键盘任意键 Press a key of the keypad",
            Test::HelpButton => "请按求助按钮 Press the help button",
            Test::Receipt | Test::A4 => "正在打印 Printing…",
            _ => "进行中 Running…",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TestState {
    /// Waiting for the person or the device.
    Running {
        started: Instant,
    },
    /// Done on the device's side: did it look or sound right?
    Judge,
    Passed(String),
    Failed(String),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Consumable {
    Receipt,
    A4,
}

impl Consumable {
    pub fn name(self) -> &'static str {
        match self {
            Consumable::Receipt => "receipt",
            Consumable::A4 => "a4",
        }
    }
}

/// The settings a technician changes at the terminal (the rest of the configuration comes by file or by a
/// push from the platform). Bounds are the configuration's own.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SettingsDraft {
    pub inactivity_timeout_s: u32,
    pub warning_s: u32,
    pub elder_age: u32,
    pub elder_default: bool,
    pub high_contrast: bool,
    pub language: Language,
}

impl SettingsDraft {
    pub fn of(s: &crate::model::Settings) -> SettingsDraft {
        SettingsDraft {
            inactivity_timeout_s: s.inactivity_timeout.as_secs() as u32,
            warning_s: s.warning.as_secs() as u32,
            elder_age: u32::from(s.elder_age),
            elder_default: s.elder_default,
            high_contrast: s.high_contrast,
            language: s.language,
        }
    }

    /// One step up (`up`) or down, within the bounds; a switch flips.
    pub fn adjust(&mut self, setting: Setting, up: bool) {
        let step = |v: u32, by: u32, lo: u32, hi: u32| {
            if up {
                (v + by).min(hi)
            } else {
                v.saturating_sub(by).max(lo)
            }
        };
        match setting {
            Setting::InactivityTimeout => {
                self.inactivity_timeout_s = step(self.inactivity_timeout_s, 30, 30, 900)
            }
            Setting::Warning => self.warning_s = step(self.warning_s, 10, 20, 120),
            Setting::ElderAge => self.elder_age = step(self.elder_age, 1, 50, 100),
            Setting::ElderDefault => self.elder_default = !self.elder_default,
            Setting::HighContrast => self.high_contrast = !self.high_contrast,
            Setting::Language => {
                self.language = match self.language {
                    Language::Zh => Language::En,
                    Language::En => Language::Zh,
                }
            }
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Setting {
    InactivityTimeout,
    Warning,
    ElderAge,
    ElderDefault,
    HighContrast,
    Language,
}

impl Setting {
    pub const ALL: [Setting; 6] = [
        Setting::InactivityTimeout,
        Setting::Warning,
        Setting::ElderAge,
        Setting::ElderDefault,
        Setting::HighContrast,
        Setting::Language,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Setting::InactivityTimeout => "inactivity-timeout",
            Setting::Warning => "warning",
            Setting::ElderAge => "elder-age",
            Setting::ElderDefault => "elder-default",
            Setting::HighContrast => "high-contrast",
            Setting::Language => "language",
        }
    }

    pub fn parse(s: &str) -> Option<Setting> {
        Setting::ALL.into_iter().find(|x| x.name() == s)
    }
}

/// What the outside world must do for the menu.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Command {
    /// Start a test at its device (the answer comes back through `Maintenance::test_done`).
    RunTest(Test),
    /// Stop what a test left running (a camera preview).
    StopTest(Test),
    SendNow,
    CheckNetwork,
    Restart,
    Reboot,
    /// Install the update bundle the System section offers (RAUC, into the slot not running).
    InstallUpdate,
    ResetCounter(Consumable),
    /// Write the settings to the configuration and apply them; the result comes back as the menu's message.
    ApplySettings(SettingsDraft),
    /// Keep the wrong-PIN count and how long the pad stays locked, so that a restart does not reset them.
    KeepLock {
        failures: u32,
        locked_for: Duration,
    },
}

/// A technician's touch in the menu.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MaintIntent {
    Digit(u8),
    Erase,
    Enter,
    Section(Section),
    Test(Test),
    /// The technician's verdict on a judged test.
    Judge(Test, bool),
    SendNow,
    CheckNetwork,
    Restart,
    Reboot,
    InstallUpdate,
    Reset(Consumable),
    Adjust(Setting, bool),
    Apply,
}

impl MaintIntent {
    /// The intent of a row's action id (`test:card`, `judge:lights:ok`, `adjust:warning:up`, `reset:a4`, …).
    pub fn from_action(id: &str) -> Option<MaintIntent> {
        let parts: Vec<&str> = id.split(':').collect();
        Some(match parts.as_slice() {
            ["test", t] => MaintIntent::Test(Test::parse(t)?),
            ["judge", t, v] => MaintIntent::Judge(Test::parse(t)?, *v == "ok"),
            ["send-now"] => MaintIntent::SendNow,
            ["check-network"] => MaintIntent::CheckNetwork,
            ["restart"] => MaintIntent::Restart,
            ["reboot"] => MaintIntent::Reboot,
            ["install-update"] => MaintIntent::InstallUpdate,
            ["reset", "receipt"] => MaintIntent::Reset(Consumable::Receipt),
            ["reset", "a4"] => MaintIntent::Reset(Consumable::A4),
            ["adjust", s, dir] => MaintIntent::Adjust(Setting::parse(s)?, *dir == "up"),
            ["apply"] => MaintIntent::Apply,
            _ => return None,
        })
    }
}

/// What the menu asks of the session: audit lines and commands.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Out {
    Audit { technician: String, action: String },
    Command(Command),
}

/// The self-test that decides whether the running slot is good.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub enum SlotCheck {
    /// Not yet: the first frame is not shown or the firmware has not run long enough.
    #[default]
    Waiting,
    /// Marked good; RAUC's words.
    Good(String),
    /// The self-test failed or RAUC refused: the slot keeps counting its tries.
    NotMarked(String),
}

/// An installation of an update bundle.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub enum UpdateRun {
    #[default]
    Idle,
    Running {
        bundle: String,
        percent: u8,
        step: String,
    },
    Installed(String),
    Failed(String),
}
