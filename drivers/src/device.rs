//! The face every device shares (after XFS4IoT's Common class): what it is, what it is called in the profile,
//! and how it is doing.

use serde::{Deserialize, Serialize};
use std::fmt;

/// The device classes a terminal profile can list.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum DeviceClass {
    IdCardReader,
    QrScanner,
    ReceiptPrinter,
    A4Printer,
    FaceCamera,
    DocumentCamera,
    EvaluationPad,
    Lights,
    HelpButton,
    PresenceSensor,
    DoorSwitch,
    TactileKeypad,
    Buzzer,
}

impl DeviceClass {
    pub const ALL: [DeviceClass; 13] = [
        DeviceClass::IdCardReader,
        DeviceClass::QrScanner,
        DeviceClass::ReceiptPrinter,
        DeviceClass::A4Printer,
        DeviceClass::FaceCamera,
        DeviceClass::DocumentCamera,
        DeviceClass::EvaluationPad,
        DeviceClass::Lights,
        DeviceClass::HelpButton,
        DeviceClass::PresenceSensor,
        DeviceClass::DoorSwitch,
        DeviceClass::TactileKeypad,
        DeviceClass::Buzzer,
    ];

    /// The name used in profiles and logs.
    pub fn key(self) -> &'static str {
        match self {
            DeviceClass::IdCardReader => "id-card-reader",
            DeviceClass::QrScanner => "qr-scanner",
            DeviceClass::ReceiptPrinter => "receipt-printer",
            DeviceClass::A4Printer => "a4-printer",
            DeviceClass::FaceCamera => "face-camera",
            DeviceClass::DocumentCamera => "document-camera",
            DeviceClass::EvaluationPad => "evaluation-pad",
            DeviceClass::Lights => "lights",
            DeviceClass::HelpButton => "help-button",
            DeviceClass::PresenceSensor => "presence-sensor",
            DeviceClass::DoorSwitch => "door-switch",
            DeviceClass::TactileKeypad => "tactile-keypad",
            DeviceClass::Buzzer => "buzzer",
        }
    }

    /// The name a resident or technician reads on screen.
    pub fn name_zh(self) -> &'static str {
        match self {
            DeviceClass::IdCardReader => "身份证阅读器",
            DeviceClass::QrScanner => "扫码器",
            DeviceClass::ReceiptPrinter => "回执打印机",
            DeviceClass::A4Printer => "A4 打印机",
            DeviceClass::FaceCamera => "人脸摄像头",
            DeviceClass::DocumentCamera => "高拍仪",
            DeviceClass::EvaluationPad => "评价器",
            DeviceClass::Lights => "指示灯",
            DeviceClass::HelpButton => "帮办按钮",
            DeviceClass::PresenceSensor => "人体感应器",
            DeviceClass::DoorSwitch => "柜门开关",
            DeviceClass::TactileKeypad => "盲文键盘",
            DeviceClass::Buzzer => "蜂鸣器",
        }
    }

    pub fn name_en(self) -> &'static str {
        match self {
            DeviceClass::IdCardReader => "ID card reader",
            DeviceClass::QrScanner => "QR scanner",
            DeviceClass::ReceiptPrinter => "Receipt printer",
            DeviceClass::A4Printer => "A4 printer",
            DeviceClass::FaceCamera => "Face camera",
            DeviceClass::DocumentCamera => "Document camera",
            DeviceClass::EvaluationPad => "Evaluation pad",
            DeviceClass::Lights => "Lights",
            DeviceClass::HelpButton => "Help button",
            DeviceClass::PresenceSensor => "Presence sensor",
            DeviceClass::DoorSwitch => "Door switch",
            DeviceClass::TactileKeypad => "Tactile keypad",
            DeviceClass::Buzzer => "Buzzer",
        }
    }
}

impl fmt::Display for DeviceClass {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.key())
    }
}

/// The profile's name for one device, e.g. `idcard` or `receipt`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct DeviceId(pub String);

impl fmt::Display for DeviceId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// How a device is doing, as the UI, the maintenance menu and telemetry see it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Health {
    /// Played by the device simulator.
    Simulated,
    /// Its port or line opened; the class driver talks to it.
    Online,
    /// Working, with a warning a technician should act on (paper low, …).
    Degraded { reason: String },
    /// Not usable; the reason names what failed and what to do.
    Down { reason: String },
}

impl Health {
    pub fn is_usable(&self) -> bool {
        !matches!(self, Health::Down { .. })
    }
}

/// Paper state of a printer, from its status sensor.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PaperState {
    Ok,
    NearEnd,
    Out,
}
