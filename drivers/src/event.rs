//! What devices tell the rest of the terminal. Drivers and simulators publish these; the kiosk decides what a
//! session makes of them.

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

/// Paper state of a printer, from its status sensor.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PaperState {
    Ok,
    NearEnd,
    Out,
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
}
