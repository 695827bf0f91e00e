//! What devices tell the rest of the terminal. Drivers and simulators publish these; the kiosk decides what a
//! session makes of them.

use crate::a4::{Condition, JobState};
pub use crate::device::PaperState;
use crate::device::{DeviceId, Health};
use crate::idcard::IdCardRecord;
use crate::scanner::ScanPayload;

/// One of the five 好差评 levels, ★1 (非常不满意) to ★5 (非常满意).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Rating(u8);

impl Rating {
    pub fn new(stars: u8) -> Option<Self> {
        (1..=5).contains(&stars).then_some(Self(stars))
    }

    pub fn stars(self) -> u8 {
        self.0
    }

    /// In Shanghai ★1 and ★2 count as 差评 and go to follow-up.
    pub fn is_bad(self) -> bool {
        self.0 <= 2
    }
}

/// A key of the tactile keypad (non-visual use: raised keys, audio through the headphone jack).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum KeypadKey {
    Up,
    Down,
    Left,
    Right,
    Select,
    Back,
    Help,
    /// Say the current screen again.
    Repeat,
    VolumeUp,
    VolumeDown,
}

impl KeypadKey {
    pub const ALL: [KeypadKey; 10] = [
        KeypadKey::Up,
        KeypadKey::Down,
        KeypadKey::Left,
        KeypadKey::Right,
        KeypadKey::Select,
        KeypadKey::Back,
        KeypadKey::Help,
        KeypadKey::Repeat,
        KeypadKey::VolumeUp,
        KeypadKey::VolumeDown,
    ];

    /// The name in profiles (`keys = { up = 5, … }`).
    pub fn key(self) -> &'static str {
        match self {
            KeypadKey::Up => "up",
            KeypadKey::Down => "down",
            KeypadKey::Left => "left",
            KeypadKey::Right => "right",
            KeypadKey::Select => "select",
            KeypadKey::Back => "back",
            KeypadKey::Help => "help",
            KeypadKey::Repeat => "repeat",
            KeypadKey::VolumeUp => "volume-up",
            KeypadKey::VolumeDown => "volume-down",
        }
    }

    pub fn from_key(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.key() == s)
    }

    /// The key a USB keypad in keyboard mode sends (Linux key codes): arrows, Enter, Backspace or Esc, F1 or
    /// Help, Space for repeat, the volume keys.
    pub fn from_linux_code(code: u16) -> Option<Self> {
        Some(match code {
            103 => KeypadKey::Up,
            108 => KeypadKey::Down,
            105 => KeypadKey::Left,
            106 => KeypadKey::Right,
            28 | 96 => KeypadKey::Select,
            1 | 14 => KeypadKey::Back,
            59 | 138 => KeypadKey::Help,
            57 => KeypadKey::Repeat,
            115 => KeypadKey::VolumeUp,
            114 => KeypadKey::VolumeDown,
            _ => return None,
        })
    }
}

/// Why a card on the reader gave no record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CardProblem {
    /// A card type this terminal does not read yet (named for technicians).
    Unsupported(String),
    /// Read attempts failed (card moved, bad contact, damaged card).
    ReadFailed,
}

#[derive(Debug, Clone)]
pub enum DeviceEvent {
    /// A card was read once after insertion.
    CardInserted(Box<IdCardRecord>),
    CardRemoved,
    /// A card is on the reader but gives no record.
    CardUnreadable(CardProblem),
    CodeScanned(ScanPayload),
    HelpPressed,
    PadKey(Rating),
    KeypadKey(KeypadKey),
    /// Headphones went into (true) or out of the jack: personal data may be spoken only while they are in.
    /// Jack detection comes as a Linux input switch (SW_HEADPHONE_INSERT), from a USB keypad's jack or from
    /// the board's ALSA jack.
    Headset(bool),
    DoorOpened,
    DoorClosed,
    PresenceDetected,
    PresenceLost,
    Paper {
        device: DeviceId,
        state: PaperState,
    },
    Health {
        device: DeviceId,
        health: Health,
    },
    /// A printer condition (`printer-state-reasons` of the A4 printer) appeared or cleared.
    PrinterCondition {
        device: DeviceId,
        condition: Condition,
        present: bool,
    },
    /// An A4 print job changed state.
    PrintJob {
        device: DeviceId,
        job: i32,
        state: JobState,
    },
}
