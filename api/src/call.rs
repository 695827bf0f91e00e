//! The remote virtual window's signalling (远程虚拟窗口): JSON messages over one WebSocket per side, through the
//! hub. The terminal speaks [`FromTerminal`] and hears [`ToTerminal`] on [`path::CALL_WS`]; the clerk's page
//! speaks [`FromClerk`] and hears [`ToClerk`] on `/clerk/ws`. Every message is one JSON object with a `type`.
//!
//! The terminal makes the WebRTC offer once a clerk has taken the call (it knows which codecs it can encode);
//! the clerk's browser answers; ICE candidates trickle both ways.
//!
//! [`path::CALL_WS`]: crate::path::CALL_WS

use serde::{Deserialize, Serialize};
use std::time::Duration;

/// The longest message either side may send (an SDP with many candidates is a few kB).
pub const MAX_MESSAGE: usize = 64 * 1024;

/// How long a resident waits before the terminal offers a call-back (the "021" target: a person within a
/// minute).
pub const NO_ANSWER_SECS: u64 = 60;

/// Who is calling, as the clerk sees them: never the full ID number.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct CallResident {
    pub name: String,
    /// 310***********1234.
    pub id_masked: String,
    /// The ID card's photo as JPEG in base64, where the terminal or the platform has one.
    pub photo_jpeg_base64: Option<String>,
}

/// One ICE candidate, as the browser's `RTCIceCandidate.toJSON()` writes it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct IceCandidate {
    pub candidate: String,
    #[serde(default)]
    pub sdp_mid: Option<String>,
    #[serde(default)]
    pub sdp_m_line_index: Option<u32>,
}

/// A field of the form on the terminal, as the resident leaves it.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FieldUpdate {
    pub item_code: String,
    pub field: String,
    pub label: String,
    pub value: String,
}

impl std::fmt::Debug for FieldUpdate {
    // The value is personal data: never in a log.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "FieldUpdate({}/{} = …)", self.item_code, self.field)
    }
}

/// A photo the clerk asked for, uploaded to `/materials/{sha256}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CapturedMaterial {
    pub sha256: String,
    pub name: String,
    pub bytes: u64,
}

/// What became of a document the clerk sent to print.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PrintResult {
    pub document: String,
    pub ok: bool,
    pub message: String,
}

/// How a call ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Outcome {
    /// The clerk finished the matter.
    Done,
    /// The clerk handed it on (a case opened, a visit booked).
    Referred,
    /// It cannot be done remotely.
    NotPossible,
    /// The resident hung up.
    ResidentLeft,
    /// Nobody answered and the resident asked to be called back.
    CallBack,
    /// The connection was lost and did not come back.
    Dropped,
}

impl Outcome {
    pub fn as_str(self) -> &'static str {
        match self {
            Outcome::Done => "done",
            Outcome::Referred => "referred",
            Outcome::NotPossible => "not-possible",
            Outcome::ResidentLeft => "resident-left",
            Outcome::CallBack => "call-back",
            Outcome::Dropped => "dropped",
        }
    }
}

/// Terminal → hub.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "kebab-case")]
pub enum FromTerminal {
    /// Join the queue, or re-join the call `resume` after a dropped connection.
    Join {
        resident: Option<CallResident>,
        item_code: Option<String>,
        language: String,
        elder: bool,
        #[serde(default)]
        resume: Option<String>,
    },
    Offer {
        sdp: String,
    },
    Candidate {
        candidate: IceCandidate,
    },
    /// The resident changed a field of the form the clerk pushed (or any form open during the call).
    Field(FieldUpdate),
    /// A document was captured and uploaded.
    Captured(CapturedMaterial),
    Printed(PrintResult),
    /// Nobody answered: call me back on this number.
    CallBack {
        phone: String,
    },
    /// The resident hung up.
    Leave,
}

impl std::fmt::Debug for FromTerminal {
    // A call-back number is personal data: never in a log (field values hide in `FieldUpdate`'s own Debug).
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            FromTerminal::Join { elder, resume, .. } => {
                write!(f, "Join(elder: {elder}, resume: {resume:?})")
            }
            FromTerminal::Offer { .. } => f.write_str("Offer"),
            FromTerminal::Candidate { .. } => f.write_str("Candidate"),
            FromTerminal::Field(u) => write!(f, "{u:?}"),
            FromTerminal::Captured(c) => write!(f, "{c:?}"),
            FromTerminal::Printed(p) => write!(f, "{p:?}"),
            FromTerminal::CallBack { .. } => f.write_str("CallBack(…)"),
            FromTerminal::Leave => f.write_str("Leave"),
        }
    }
}

/// Hub → terminal.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "kebab-case")]
pub enum ToTerminal {
    /// In the queue: how many are ahead, and the expected wait from recent calls.
    Queued {
        call: String,
        position: u32,
        expected_wait_secs: u32,
    },
    /// A clerk took the call: make the offer.
    Taken {
        clerk: String,
    },
    Answer {
        sdp: String,
    },
    Candidate {
        candidate: IceCandidate,
    },
    /// Open this item's form for the resident.
    PushForm {
        item_code: String,
    },
    /// Please capture a document (what the clerk asks for, in words for the resident).
    Capture {
        what: String,
    },
    /// Print this PDF: fetch it from `/call/documents/{document}`.
    Print {
        document: String,
        title: String,
    },
    Ended {
        outcome: Outcome,
    },
    /// The hub refused a message; the call goes on unless it says otherwise.
    Error {
        code: String,
        message: String,
    },
}

/// One waiting or running call, as the clerks' queue shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct QueueEntry {
    pub call: String,
    pub terminal: String,
    pub resident: Option<CallResident>,
    pub item_code: Option<String>,
    pub elder: bool,
    pub waiting_secs: u64,
    /// The clerk who has it, once taken.
    pub clerk: Option<String>,
}

/// Clerk's page → hub.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "kebab-case")]
pub enum FromClerk {
    Take { call: String },
    Answer { sdp: String },
    Candidate { candidate: IceCandidate },
    PushForm { item_code: String },
    Capture { what: String },
    End { outcome: Outcome },
}

/// Hub → clerk's page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "kebab-case")]
pub enum ToClerk {
    Queue {
        calls: Vec<QueueEntry>,
    },
    /// The call is yours: who it is; the terminal's offer follows.
    Taken {
        call: String,
        terminal: String,
        resident: Option<CallResident>,
        ice_servers: serde_json::Value,
    },
    Offer {
        sdp: String,
    },
    Candidate {
        candidate: IceCandidate,
    },
    Field(FieldUpdate),
    Captured(CapturedMaterial),
    Printed(PrintResult),
    /// The terminal's connection dropped; it has a minute to come back.
    Reconnecting,
    /// The terminal is back: a new offer follows.
    Resumed,
    Ended {
        outcome: Outcome,
    },
    Error {
        code: String,
        message: String,
    },
}

/// What a running call tells the terminal (the kiosk's call task hears the hub and the media and says this).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CallEvent {
    Queued {
        /// The hub's id of the call.
        call: String,
        position: u32,
        expected_wait_secs: u32,
    },
    /// Nobody answered in time: offer a call-back or to keep waiting (said once per call).
    NoAnswer,
    Taken {
        clerk: String,
    },
    /// Video and sound flow both ways.
    Connected,
    /// The connection to the hub or the clerk dropped; trying again.
    Reconnecting,
    PushForm {
        item_code: String,
    },
    Capture {
        what: String,
    },
    Print {
        document: String,
        title: String,
    },
    /// The hub said something went wrong; the call goes on.
    Notice {
        message: String,
    },
    Ended {
        outcome: Outcome,
        /// From joining to a clerk taking the call, if one did.
        waited: Duration,
        answered: Option<Duration>,
    },
}

/// What the kiosk tells the call: the terminal's messages that carry no signalling (fields, captures, print
/// results, a call-back number, hanging up). Join, offers and candidates are the call's own business: sent
/// here they are ignored.
pub type CallCommand = FromTerminal;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_are_tagged_objects() {
        let m = FromTerminal::Field(FieldUpdate {
            item_code: "SB-001".into(),
            field: "phone".into(),
            label: "联系电话".into(),
            value: "13912345678".into(),
        });
        let j = serde_json::to_value(&m).unwrap();
        assert_eq!(j["type"], "field");
        assert_eq!(
            j["value"], "13912345678",
            "the payload's fields sit beside the type"
        );
        assert!(!format!("{m:?}").contains("139"));
        let c = FromTerminal::CallBack {
            phone: "13912345678".into(),
        };
        assert!(!format!("{c:?}").contains("139"));
        let back: FromTerminal = serde_json::from_value(j).unwrap();
        assert_eq!(back, m);
        let c: FromClerk =
            serde_json::from_str(r#"{"type":"end","outcome":"not-possible"}"#).unwrap();
        assert_eq!(
            c,
            FromClerk::End {
                outcome: Outcome::NotPossible
            }
        );
        assert!(serde_json::from_str::<FromClerk>(r#"{"type":"end","outcome":"x"}"#).is_err());
        let cand: IceCandidate = serde_json::from_str(
            r#"{"candidate":"candidate:1 1 udp 1 127.0.0.1 5000 typ host","sdpMid":"0","sdpMLineIndex":0}"#,
        )
        .unwrap();
        assert_eq!(cand.sdp_mid.as_deref(), Some("0"));
    }
}
