//! The maintenance menu's rules, without I/O or a clock of its own (like the session: events in, effects out):
//! entry while the cabinet door is open, by PIN or a technician's ID card, checked against argon2id hashes; a
//! lock-out that grows after 5 wrong PINs and survives closing the door; the section shown; the device tests
//! and what each waits for; the settings being edited; and an audit line for every entry and action.
//!
//! While the door is open the resident's session is over and the devices belong to the technician: a card, a
//! scan or a key press answers the test that waits for it and starts nothing else.

use crate::config::{Language, Technician};
use kiosk_drivers::sensitive::{mask_id_number, mask_name};
use kiosk_drivers::{DeviceClass, DeviceEvent, ScanKind, Sensitive};
use std::collections::BTreeMap;
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
    pub fn of(s: &crate::session::Settings) -> SettingsDraft {
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

#[derive(Default)]
pub struct Maintenance {
    technicians: Vec<Technician>,
    door_open: bool,
    pin: Sensitive<String>,
    failures: u32,
    locked_until: Option<Instant>,
    who: Option<String>,
    pub section: Section,
    pub tests: BTreeMap<Test, TestState>,
    pub draft: Option<SettingsDraft>,
    /// The last thing the technician should read (a wrong PIN, a command's result).
    pub message: Option<String>,
}

impl Maintenance {
    pub fn new(technicians: Vec<Technician>) -> Maintenance {
        Maintenance {
            technicians,
            ..Maintenance::default()
        }
    }

    /// A new configuration's technicians (the one in the menu stays in until the door closes).
    pub fn set_technicians(&mut self, technicians: Vec<Technician>) {
        self.technicians = technicians;
    }

    pub fn door_open(&self) -> bool {
        self.door_open
    }

    /// The technician in the menu, once identified.
    pub fn who(&self) -> Option<&str> {
        self.who.as_deref()
    }

    pub fn has_technicians(&self) -> bool {
        !self.technicians.is_empty()
    }

    pub fn pin_length(&self) -> usize {
        self.pin.expose().chars().count()
    }

    /// Seconds of lock-out left.
    pub fn locked_for(&self, now: Instant) -> Option<u64> {
        self.locked_until
            .filter(|t| *t > now)
            .map(|t| t.duration_since(now).as_secs().max(1))
    }

    pub fn failures(&self) -> u32 {
        self.failures
    }

    /// The camera a running preview test wants (true: the face camera).
    pub fn camera_test(&self) -> Option<bool> {
        self.who.as_ref()?;
        let live = |t: Test| {
            matches!(
                self.tests.get(&t),
                Some(TestState::Running { .. } | TestState::Judge)
            )
        };
        if live(Test::FaceCamera) {
            Some(true)
        } else if live(Test::DocumentCamera) {
            Some(false)
        } else {
            None
        }
    }

    fn audit(&self, action: impl Into<String>) -> Out {
        Out::Audit {
            technician: self.who.clone().unwrap_or_else(|| "-".into()),
            action: action.into(),
        }
    }

    pub fn opened(&mut self) -> Vec<Out> {
        self.door_open = true;
        vec![self.audit("cabinet door opened")]
    }

    /// The door closed: out of the menu, everything the technician did on screen wiped. Failures and the
    /// lock-out stay (closing and opening the door must not buy more tries).
    pub fn closed(&mut self) -> Vec<Out> {
        let mut out = vec![];
        for (t, s) in &self.tests {
            if matches!(s, TestState::Running { .. } | TestState::Judge) {
                out.push(Out::Command(Command::StopTest(*t)));
            }
        }
        out.push(self.audit(match self.who {
            Some(_) => "left the maintenance menu (door closed)",
            None => "cabinet door closed",
        }));
        self.door_open = false;
        self.pin = Sensitive::default();
        self.who = None;
        self.section = Section::Devices;
        self.tests.clear();
        self.draft = None;
        self.message = None;
        out
    }

    fn wrong(&mut self, now: Instant, what: &str) -> Vec<Out> {
        self.failures += 1;
        let mut out = vec![self.audit(format!("{what} ({} in a row)", self.failures))];
        if self.failures >= FREE_TRIES {
            let doublings = (self.failures - FREE_TRIES).min(16);
            let lock = FIRST_LOCK.saturating_mul(1 << doublings).min(MAX_LOCK);
            self.locked_until = Some(now + lock);
            out.push(self.audit(format!("locked out for {} s", lock.as_secs())));
            out.push(Out::Command(Command::KeepLock {
                failures: self.failures,
                locked_for: lock,
            }));
            self.message = Some(format!(
                "已锁定 {} 秒 Locked for {} s",
                lock.as_secs(),
                lock.as_secs()
            ));
        } else {
            self.message = Some(format!(
                "密码错误，还可尝试 {} 次 Wrong PIN, {} tries left",
                FREE_TRIES - self.failures,
                FREE_TRIES - self.failures
            ));
            out.push(Out::Command(Command::KeepLock {
                failures: self.failures,
                locked_for: Duration::ZERO,
            }));
        }
        out
    }

    /// The count and lock kept from before a restart (`locked_for` from now).
    pub fn restore_lock(&mut self, failures: u32, locked_for: Duration, now: Instant) {
        self.failures = failures;
        self.locked_until = (!locked_for.is_zero()).then(|| now + locked_for);
    }

    fn enter(&mut self, name: String, how: &str) -> Vec<Out> {
        let had_failures = self.failures > 0;
        self.failures = 0;
        self.locked_until = None;
        self.who = Some(name);
        self.section = Section::Devices;
        self.message = None;
        let mut out = vec![self.audit(format!("entered the maintenance menu ({how})"))];
        if had_failures {
            out.push(Out::Command(Command::KeepLock {
                failures: 0,
                locked_for: Duration::ZERO,
            }));
        }
        out
    }

    pub fn intent(
        &mut self,
        intent: MaintIntent,
        now: Instant,
        settings: &crate::session::Settings,
    ) -> Vec<Out> {
        if !self.door_open {
            return vec![];
        }
        if self.who.is_none() {
            return self.pin_intent(intent, now);
        }
        match intent {
            MaintIntent::Digit(_) | MaintIntent::Erase | MaintIntent::Enter => vec![],
            MaintIntent::Section(s) => {
                self.section = s;
                self.message = None;
                if s == Section::Settings {
                    self.draft = Some(SettingsDraft::of(settings));
                }
                vec![]
            }
            MaintIntent::Test(t) => {
                self.tests.insert(t, TestState::Running { started: now });
                self.message = None;
                let mut out = vec![self.audit(format!("test {} started", t.name()))];
                if !t.waits_for_person() {
                    out.push(Out::Command(Command::RunTest(t)));
                }
                out
            }
            MaintIntent::Judge(t, ok) => {
                if self.tests.get(&t) != Some(&TestState::Judge) {
                    return vec![];
                }
                let (state, word) = match ok {
                    true => (
                        TestState::Passed("技术员确认正常 confirmed".into()),
                        "passed",
                    ),
                    false => (
                        TestState::Failed("技术员判定异常 not right".into()),
                        "failed",
                    ),
                };
                self.tests.insert(t, state);
                let mut out = vec![self.audit(format!("test {}: {word} (judged)", t.name()))];
                if matches!(t, Test::DocumentCamera | Test::FaceCamera) {
                    out.push(Out::Command(Command::StopTest(t)));
                }
                out
            }
            MaintIntent::SendNow => self.command(Command::SendNow, "outbox: send now"),
            MaintIntent::CheckNetwork => self.command(Command::CheckNetwork, "network checked"),
            MaintIntent::Restart => self.command(Command::Restart, "firmware restart"),
            MaintIntent::Reboot => self.command(Command::Reboot, "reboot"),
            MaintIntent::InstallUpdate => self.command(Command::InstallUpdate, "update: install"),
            MaintIntent::Reset(c) => self.command(
                Command::ResetCounter(c),
                &format!("{} paper refilled: counter reset", c.name()),
            ),
            MaintIntent::Adjust(s, up) => {
                let draft = self
                    .draft
                    .get_or_insert_with(|| SettingsDraft::of(settings));
                draft.adjust(s, up);
                vec![]
            }
            MaintIntent::Apply => {
                let Some(d) = self.draft else { return vec![] };
                let before = SettingsDraft::of(settings);
                if d == before {
                    self.message = Some("设置未改变 Nothing changed".into());
                    return vec![];
                }
                self.command(
                    Command::ApplySettings(d),
                    &format!("settings: {}", describe_change(&before, &d)),
                )
            }
        }
    }

    fn command(&mut self, c: Command, what: &str) -> Vec<Out> {
        self.message = None;
        vec![self.audit(what), Out::Command(c)]
    }

    fn pin_intent(&mut self, intent: MaintIntent, now: Instant) -> Vec<Out> {
        if self.locked_for(now).is_some() {
            return vec![];
        }
        match intent {
            MaintIntent::Digit(d) if d <= 9 && self.pin_length() < PIN_MAX => {
                let mut pin = self.pin.expose().clone();
                pin.push(char::from(b'0' + d));
                self.pin = Sensitive::new(pin);
                self.message = None;
                vec![]
            }
            MaintIntent::Erase => {
                let mut pin = self.pin.expose().clone();
                pin.pop();
                self.pin = Sensitive::new(pin);
                vec![]
            }
            MaintIntent::Enter => {
                if self.pin_length() < PIN_MIN {
                    self.message = Some("请输入4至8位密码 Enter 4 to 8 digits".into());
                    return vec![];
                }
                let pin = std::mem::take(&mut self.pin);
                let found = self
                    .technicians
                    .iter()
                    .find(|t| kiosk_api::secret::verify(pin.expose(), &t.pin_hash))
                    .map(|t| t.name.clone());
                match found {
                    Some(name) => self.enter(name, "PIN"),
                    None => self.wrong(now, "wrong PIN"),
                }
            }
            _ => vec![],
        }
    }

    /// A device event while the door is open; `None` when the menu has nothing to do with it (health and
    /// paper go on to the session as always).
    pub fn device(&mut self, event: &DeviceEvent, now: Instant) -> Option<Vec<Out>> {
        if !self.door_open {
            return None;
        }
        let running =
            |m: &Self, t: Test| matches!(m.tests.get(&t), Some(TestState::Running { .. }));
        let out = match event {
            DeviceEvent::CardInserted(record) if self.who.is_none() => {
                if self.locked_for(now).is_some() {
                    return Some(vec![]);
                }
                let id = record.id_number.expose().as_str();
                let found = self
                    .technicians
                    .iter()
                    .find(|t| {
                        t.card_hash
                            .as_deref()
                            .is_some_and(|h| kiosk_api::secret::verify(id, h))
                    })
                    .map(|t| t.name.clone());
                match found {
                    Some(name) => self.enter(name, "technician card"),
                    None => {
                        self.message = Some("不是维护人员的卡 Not a technician's card".into());
                        vec![self.audit("a card that is not a technician's was presented")]
                    }
                }
            }
            DeviceEvent::CardInserted(record) if running(self, Test::Card) => self.pass(
                Test::Card,
                format!(
                    "{} {}",
                    mask_name(record.name.expose()),
                    mask_id_number(record.id_number.expose().as_str())
                ),
            ),
            DeviceEvent::CardUnreadable(problem) if running(self, Test::Card) => {
                self.fail(Test::Card, format!("{problem:?}"))
            }
            DeviceEvent::CodeScanned(scan) if running(self, Test::Scan) => self.pass(
                Test::Scan,
                match scan.kind {
                    ScanKind::SuiShenMa => "随申码 SuiShenMa code".into(),
                    ScanKind::Other => {
                        format!("{} 字符 characters", scan.data.expose().chars().count())
                    }
                },
            ),
            DeviceEvent::PadKey(r) if running(self, Test::PadKeys) => {
                self.pass(Test::PadKeys, format!("{} ★", r.stars()))
            }
            DeviceEvent::KeypadKey(k) if running(self, Test::Keypad) => {
                self.pass(Test::Keypad, format!("{k:?}"))
            }
            DeviceEvent::HelpPressed if running(self, Test::HelpButton) => {
                self.pass(Test::HelpButton, "按下 pressed".into())
            }
            DeviceEvent::CardInserted(_)
            | DeviceEvent::CardUnreadable(_)
            | DeviceEvent::CardRemoved
            | DeviceEvent::CodeScanned(_)
            | DeviceEvent::PadKey(_)
            | DeviceEvent::KeypadKey(_)
            | DeviceEvent::HelpPressed
            | DeviceEvent::PresenceDetected
            | DeviceEvent::PresenceLost => vec![],
            _ => return None,
        };
        Some(out)
    }

    fn pass(&mut self, t: Test, what: String) -> Vec<Out> {
        self.tests.insert(t, TestState::Passed(what));
        vec![self.audit(format!("test {}: passed", t.name()))]
    }

    fn fail(&mut self, t: Test, why: String) -> Vec<Out> {
        let out = vec![self.audit(format!("test {}: failed: {why}", t.name()))];
        self.tests.insert(t, TestState::Failed(why));
        out
    }

    /// A test's device did its part: judged tests wait for the technician's verdict.
    pub fn test_done(&mut self, t: Test, result: Result<String, String>) -> Vec<Out> {
        if !matches!(self.tests.get(&t), Some(TestState::Running { .. })) {
            return vec![];
        }
        match result {
            Ok(_) if t.judged() => {
                self.tests.insert(t, TestState::Judge);
                vec![]
            }
            Ok(what) => self.pass(t, what),
            Err(why) => self.fail(t, why),
        }
    }

    /// The result of a command, for the technician to read.
    pub fn result(&mut self, message: String) {
        self.message = Some(message);
    }

    /// Tests waiting for a person give up after [`TEST_WAIT`].
    pub fn tick(&mut self, now: Instant) -> Vec<Out> {
        let stale: Vec<Test> = self
            .tests
            .iter()
            .filter(|(t, s)| {
                t.waits_for_person()
                    && matches!(s, TestState::Running { started } if now.duration_since(*started) >= TEST_WAIT)
            })
            .map(|(t, _)| *t)
            .collect();
        stale
            .into_iter()
            .flat_map(|t| {
                self.fail(
                    t,
                    format!(
                        "{} 秒内无操作 nothing within {} s",
                        TEST_WAIT.as_secs(),
                        TEST_WAIT.as_secs()
                    ),
                )
            })
            .collect()
    }
}

fn describe_change(a: &SettingsDraft, b: &SettingsDraft) -> String {
    let mut parts = vec![];
    if a.inactivity_timeout_s != b.inactivity_timeout_s {
        parts.push(format!(
            "inactivity timeout {} → {} s",
            a.inactivity_timeout_s, b.inactivity_timeout_s
        ));
    }
    if a.warning_s != b.warning_s {
        parts.push(format!("warning {} → {} s", a.warning_s, b.warning_s));
    }
    if a.elder_age != b.elder_age {
        parts.push(format!("elder age {} → {}", a.elder_age, b.elder_age));
    }
    if a.elder_default != b.elder_default {
        parts.push(format!(
            "elder mode by default {} → {}",
            a.elder_default, b.elder_default
        ));
    }
    if a.high_contrast != b.high_contrast {
        parts.push(format!(
            "high contrast {} → {}",
            a.high_contrast, b.high_contrast
        ));
    }
    if a.language != b.language {
        parts.push(format!(
            "language {} → {}",
            a.language.code(),
            b.language.code()
        ));
    }
    parts.join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::session::Settings;

    fn settings() -> Settings {
        Settings::from_config(&crate::config::Config::default())
    }

    fn menu() -> Maintenance {
        let hash = kiosk_api::secret::hash("246810").expect("hash");
        let card = kiosk_api::secret::hash("310110198001010014").expect("hash");
        Maintenance::new(vec![Technician {
            name: "王师傅".into(),
            pin_hash: hash,
            card_hash: Some(card),
        }])
    }

    fn type_pin(m: &mut Maintenance, pin: &str, now: Instant) -> Vec<Out> {
        let s = settings();
        for c in pin.chars() {
            m.intent(
                MaintIntent::Digit(c.to_digit(10).unwrap_or(0) as u8),
                now,
                &s,
            );
        }
        m.intent(MaintIntent::Enter, now, &s)
    }

    fn audits(out: &[Out]) -> Vec<String> {
        out.iter()
            .filter_map(|o| match o {
                Out::Audit { action, .. } => Some(action.clone()),
                _ => None,
            })
            .collect()
    }

    #[test]
    fn nothing_before_the_door_opens_and_the_right_pin_enters() {
        let t0 = Instant::now();
        let mut m = menu();
        assert!(type_pin(&mut m, "246810", t0).is_empty());
        assert_eq!(m.who(), None);
        m.opened();
        let out = type_pin(&mut m, "246810", t0);
        assert_eq!(m.who(), Some("王师傅"));
        assert_eq!(audits(&out), ["entered the maintenance menu (PIN)"]);
        assert_eq!(m.pin_length(), 0, "the PIN is not kept");
    }

    #[test]
    fn five_wrong_pins_lock_out_and_the_lock_grows_and_survives_the_door() {
        let t0 = Instant::now();
        let mut m = menu();
        m.opened();
        for i in 1..=4 {
            let out = type_pin(&mut m, "1111", t0);
            assert_eq!(audits(&out), [format!("wrong PIN ({i} in a row)")]);
            assert_eq!(m.locked_for(t0), None);
        }
        let out = type_pin(&mut m, "1111", t0);
        assert_eq!(audits(&out)[1], "locked out for 30 s");
        assert_eq!(m.locked_for(t0), Some(30));
        // Locked: even the right PIN does nothing, and the door does not reset it.
        assert!(type_pin(&mut m, "246810", t0 + Duration::from_secs(10)).is_empty());
        m.closed();
        m.opened();
        assert!(type_pin(&mut m, "246810", t0 + Duration::from_secs(20)).is_empty());
        assert_eq!(m.who(), None);
        // After the lock, one more wrong PIN locks for twice as long, then four times.
        let t1 = t0 + Duration::from_secs(31);
        let out = type_pin(&mut m, "2222", t1);
        assert_eq!(audits(&out)[1], "locked out for 60 s");
        let t2 = t1 + Duration::from_secs(61);
        let out = type_pin(&mut m, "2222", t2);
        assert_eq!(audits(&out)[1], "locked out for 120 s");
        // And it never exceeds an hour.
        let mut t = t2;
        for _ in 0..10 {
            t += MAX_LOCK + Duration::from_secs(1);
            type_pin(&mut m, "2222", t);
        }
        assert_eq!(m.locked_for(t), Some(MAX_LOCK.as_secs()));
        // The right PIN after the lock enters and clears the count.
        let later = t + MAX_LOCK + Duration::from_secs(1);
        type_pin(&mut m, "246810", later);
        assert_eq!(m.who(), Some("王师傅"));
        assert_eq!(m.failures(), 0);
    }

    #[test]
    fn the_count_and_the_lock_are_kept_for_a_restart() {
        let t0 = Instant::now();
        let mut m = menu();
        m.opened();
        let mut kept = None;
        for _ in 0..5 {
            for o in type_pin(&mut m, "1111", t0) {
                if let Out::Command(Command::KeepLock {
                    failures,
                    locked_for,
                }) = o
                {
                    kept = Some((failures, locked_for));
                }
            }
        }
        assert_eq!(kept, Some((5, FIRST_LOCK)));
        // A new firmware process: restored from what was kept, still locked.
        let t1 = t0 + Duration::from_secs(5);
        let mut again = menu();
        again.restore_lock(5, Duration::from_secs(25), t1);
        again.opened();
        assert!(type_pin(&mut again, "246810", t1).is_empty());
        assert_eq!(again.locked_for(t1), Some(25));
        // After it, one more wrong PIN doubles the lock: the count was kept too.
        let t2 = t1 + Duration::from_secs(26);
        let out = type_pin(&mut again, "1111", t2);
        assert_eq!(audits(&out)[1], "locked out for 60 s");
    }

    #[test]
    fn a_technician_card_enters_and_a_residents_card_does_not() {
        use kiosk_drivers::sim::sample_cards;
        let t0 = Instant::now();
        let mut m = menu();
        m.opened();
        let resident = sample_cards().remove(0).record;
        let out = m
            .device(&DeviceEvent::CardInserted(Box::new(resident)), t0)
            .expect("taken by the menu");
        assert_eq!(
            audits(&out),
            ["a card that is not a technician's was presented"]
        );
        assert_eq!(m.who(), None);
        let mut tech = sample_cards().remove(0).record;
        tech.id_number = Sensitive::new(
            kiosk_drivers::IdNumber::parse("310110198001010014").expect("a valid number"),
        );
        m.device(&DeviceEvent::CardInserted(Box::new(tech)), t0);
        assert_eq!(m.who(), Some("王师傅"));
    }

    #[test]
    fn tests_wait_for_their_device_then_pass_fail_or_time_out() {
        use kiosk_drivers::sim::sample_cards;
        let t0 = Instant::now();
        let s = settings();
        let mut m = menu();
        m.opened();
        type_pin(&mut m, "246810", t0);
        // A card test waits for a card and shows it masked.
        let out = m.intent(MaintIntent::Test(Test::Card), t0, &s);
        assert!(!out.contains(&Out::Command(Command::RunTest(Test::Card))));
        let card = sample_cards().remove(0).record;
        let name = card.name.expose().clone();
        m.device(&DeviceEvent::CardInserted(Box::new(card)), t0);
        match m.tests.get(&Test::Card) {
            Some(TestState::Passed(what)) => {
                assert!(!what.contains(&name) && what.contains('*'), "{what}")
            }
            other => panic!("{other:?}"),
        }
        // A print test is run by the printer; its answer settles it.
        let out = m.intent(MaintIntent::Test(Test::Receipt), t0, &s);
        assert!(out.contains(&Out::Command(Command::RunTest(Test::Receipt))));
        m.test_done(Test::Receipt, Err("out of paper".into()));
        assert_eq!(
            m.tests.get(&Test::Receipt),
            Some(&TestState::Failed("out of paper".into()))
        );
        // A light test waits for the technician's eyes.
        m.intent(MaintIntent::Test(Test::Lights), t0, &s);
        m.test_done(Test::Lights, Ok("flashed".into()));
        assert_eq!(m.tests.get(&Test::Lights), Some(&TestState::Judge));
        m.intent(MaintIntent::Judge(Test::Lights, true), t0, &s);
        assert!(matches!(
            m.tests.get(&Test::Lights),
            Some(TestState::Passed(_))
        ));
        // A scan that never comes fails after a minute.
        m.intent(MaintIntent::Test(Test::Scan), t0, &s);
        assert!(m.tick(t0 + Duration::from_secs(59)).is_empty());
        let out = m.tick(t0 + TEST_WAIT);
        assert_eq!(audits(&out).len(), 1);
        assert!(matches!(
            m.tests.get(&Test::Scan),
            Some(TestState::Failed(_))
        ));
        // Camera previews run while judged, and stop when the door closes.
        m.intent(MaintIntent::Test(Test::FaceCamera), t0, &s);
        assert_eq!(m.camera_test(), Some(true));
        let out = m.closed();
        assert!(out.contains(&Out::Command(Command::StopTest(Test::FaceCamera))));
        assert_eq!(m.camera_test(), None);
        assert!(m.tests.is_empty() && m.who().is_none());
    }

    #[test]
    fn settings_stay_in_bounds_and_apply_says_what_changed() {
        let t0 = Instant::now();
        let s = settings();
        let mut m = menu();
        m.opened();
        type_pin(&mut m, "246810", t0);
        m.intent(MaintIntent::Section(Section::Settings), t0, &s);
        assert!(
            m.intent(MaintIntent::Apply, t0, &s).is_empty(),
            "nothing changed"
        );
        for _ in 0..100 {
            m.intent(
                MaintIntent::Adjust(Setting::InactivityTimeout, false),
                t0,
                &s,
            );
        }
        m.intent(MaintIntent::Adjust(Setting::Warning, true), t0, &s);
        let d = m.draft.expect("draft");
        assert_eq!(d.inactivity_timeout_s, 30);
        assert_eq!(d.warning_s, 40);
        let out = m.intent(MaintIntent::Apply, t0, &s);
        assert_eq!(
            audits(&out),
            ["settings: inactivity timeout 120 → 30 s, warning 30 → 40 s"]
        );
        assert!(matches!(
            out.last(),
            Some(Out::Command(Command::ApplySettings(_)))
        ));
    }
}
