//! The maintenance menu's rules, without I/O or a clock of its own (like the session: events in, effects out):
//! entry while the cabinet door is open, by PIN or a technician's ID card, checked against argon2id hashes; a
//! lock-out that grows after 5 wrong PINs and survives closing the door; the section shown; the device tests
//! and what each waits for; the settings being edited; and an audit line for every entry and action.
//!
//! While the door is open the resident's session is over and the devices belong to the technician: a card, a
//! scan or a key press answers the test that waits for it and starts nothing else.

use crate::model::Technician;
use kiosk_drivers::sensitive::{mask_id_number, mask_name};
use kiosk_drivers::{DeviceEvent, ScanKind, Sensitive};
use std::collections::BTreeMap;
use std::time::{Duration, Instant};

mod vocabulary;
pub use vocabulary::*;
#[cfg(test)]
mod tests;

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

    /// When the menu next needs a tick, seen from `now`: a test waiting for a person runs out, or a second of
    /// the lock-out's countdown passes (and then the lock-out ends).
    pub fn next_deadline(&self, now: Instant) -> Option<Instant> {
        let tests = self.tests.iter().filter_map(|(t, s)| match s {
            TestState::Running { started } if t.waits_for_person() => Some(*started + TEST_WAIT),
            _ => None,
        });
        let lock = self
            .locked_until
            .filter(|until| *until > now)
            .map(|until| (now + Duration::from_secs(1)).min(until));
        tests.chain(lock).min()
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
        settings: &crate::model::Settings,
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
