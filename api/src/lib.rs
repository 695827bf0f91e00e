//! The platform API (`/api/v1`) as types: what a terminal sends to the service centre and what it answers.
//! The terminal (`kiosk`) and the reference hub (`kiosk-hub`) share this crate and nothing else, so the two
//! sides cannot drift apart.
//!
//! Personal data travels in these types (a case carries the applicant's name and ID number); they implement
//! `Debug` without it, so that a `?request` in a log never prints it.

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// The paths, relative to the platform's base URL (which ends in `/api/v1`).
pub mod path {
    pub const HEALTH: &str = "/health";
    pub const IDENTITY: &str = "/identity";
    pub const PREFILL: &str = "/prefill";
    pub const CASES: &str = "/cases";
    pub const EVALUATIONS: &str = "/evaluations";
    pub const HELP: &str = "/help";
    pub const NOT_DONE: &str = "/not-done";
    pub const FIGURES: &str = "/figures";
}

/// Bytes as base64 in JSON (photos, signatures, PDFs).
mod b64 {
    use base64::{engine::general_purpose::STANDARD, Engine};
    use serde::{Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(v: &[u8], s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&STANDARD.encode(v))
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<u8>, D::Error> {
        let s = String::deserialize(d)?;
        STANDARD.decode(s).map_err(serde::de::Error::custom)
    }
}

/// Who is applying, as the ID card says.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Applicant {
    pub name: String,
    pub id_number: String,
}

impl std::fmt::Debug for Applicant {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Applicant(…)")
    }
}

/// `POST /identity`: a scanned 随申码, which only the platform can check (its format is not public).
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct IdentityRequest {
    pub terminal_id: String,
    /// The whole scan, as read.
    pub code: String,
}

impl std::fmt::Debug for IdentityRequest {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("IdentityRequest(…)")
    }
}

/// Who the 随申码 belongs to. An unknown or expired code is a 404 with an `ApiError`.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct IdentityReply {
    pub applicant: Applicant,
    /// YYYY-MM-DD.
    pub birth_date: String,
    pub sex: String,
    pub address: String,
}

impl std::fmt::Debug for IdentityReply {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("IdentityReply(…)")
    }
}

/// `POST /prefill`: what the government holds for this resident and item (real-name record, electronic
/// certificates), so that the form asks for nothing it already has.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PrefillRequest {
    pub item_code: String,
    pub applicant: Applicant,
    /// The sources the item's form names: `platform.phone`, `cert.residence_permit.address`, …
    pub sources: Vec<String>,
}

#[derive(Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PrefillReply {
    /// Values by source; a source the platform does not hold is absent (the resident types it).
    pub values: BTreeMap<String, String>,
}

impl std::fmt::Debug for PrefillReply {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "PrefillReply({} values)", self.values.len())
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum ItemKind {
    Print,
    Apply,
    Book,
    Query,
}

#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FieldValue {
    pub id: String,
    pub label: String,
    pub value: String,
}

#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Upload {
    /// The material's name in the catalogue (e.g. 户口簿).
    pub name: String,
    pub media_type: String,
    #[serde(with = "b64")]
    pub bytes: Vec<u8>,
}

/// `POST /cases`: an application or a request for a document. The idempotency key makes a retried request
/// (a lost reply, a resend from the outbox) one case, never two.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CaseRequest {
    pub idempotency_key: String,
    pub terminal_id: String,
    pub item_code: String,
    pub item_name: String,
    pub kind: ItemKind,
    pub applicant: Option<Applicant>,
    pub fields: Vec<FieldValue>,
    pub materials: Vec<Upload>,
    /// The 告知承诺 the resident read and signed, if the item uses it.
    pub commitment: Option<String>,
    /// The application as a PDF (form, commitment, signature), as the resident saw it.
    pub application_pdf: Option<Upload>,
    /// RFC 3339, the terminal's clock.
    pub submitted_at: String,
}

impl std::fmt::Debug for CaseRequest {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CaseRequest")
            .field("idempotency_key", &self.idempotency_key)
            .field("item_code", &self.item_code)
            .field("fields", &self.fields.len())
            .field("materials", &self.materials.len())
            .finish_non_exhaustive()
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum CaseState {
    /// Taken in; a clerk or a back office decides within the item's time limit.
    Accepted,
    /// Done at once (即办): a document to print comes with the reply.
    Done,
}

/// A document the platform issues for the resident to print (a payment record, a certificate).
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct IssuedDocument {
    pub title: String,
    pub issuer: String,
    pub rows: Vec<(String, String)>,
    pub note: Option<String>,
}

impl std::fmt::Debug for IssuedDocument {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "IssuedDocument({}, {} rows)",
            self.title,
            self.rows.len()
        )
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CaseReply {
    pub case_number: String,
    pub state: CaseState,
    /// Where the resident follows the case (printed as a QR code on the receipt).
    pub follow_url: String,
    pub document: Option<IssuedDocument>,
}

/// Where a rating was given.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Channel {
    /// The terminal's touch screen.
    Screen,
    /// The evaluation pad (评价器, PJQ).
    Pad,
}

/// `POST /evaluations`: 好差评, one per case. Levels 1 and 2 are 差评 and are followed up.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Evaluation {
    pub case_number: String,
    pub item_code: String,
    pub terminal_id: String,
    /// 1 非常不满意 … 5 非常满意.
    pub level: u8,
    pub reasons: Vec<String>,
    pub comment: Option<String>,
    pub channel: Channel,
    pub follow_up: bool,
}

/// `POST /help`: the resident asked for a person.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HelpRequest {
    pub terminal_id: String,
    pub item_code: Option<String>,
    pub step: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HelpReply {
    pub ticket: String,
    /// What the resident is told: who comes, or where to go.
    pub message: String,
}

/// `POST /not-done`: 办不成事, a resident could not get the item done here.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NotDoneReport {
    pub terminal_id: String,
    pub item_code: Option<String>,
    pub step: String,
    pub reason: String,
    pub comment: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Ticket {
    pub ticket: String,
}

/// How a session ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Outcome {
    /// A case was submitted (and a document printed if the item gives one).
    Submitted,
    /// The resident left (home, card removed, walked away) before submitting.
    Abandoned,
    TimedOut,
    /// Reported as 办不成事.
    NotDone,
    /// Nothing was started (looked around, searched).
    Browsed,
}

/// `POST /figures`: the operations figures of one session (operations-kpis.md). No personal data.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SessionFigures {
    pub terminal_id: String,
    pub item_code: Option<String>,
    pub outcome: Outcome,
    pub identified: bool,
    pub elder_mode: bool,
    /// Seconds spent in each step, by step name, in order.
    pub steps: Vec<(String, f64)>,
    pub session_s: f64,
    /// First touch of the item until submission.
    pub application_s: Option<f64>,
    pub fields_shown: u32,
    pub fields_prefilled: u32,
    /// Prefilled and accepted as they were: the numerator of the prefill rate.
    pub prefilled_unchanged: u32,
    /// Field edits after the first value was entered or prefilled.
    pub corrections: u32,
    pub help_used: bool,
    /// Help request until a person answered, when one did.
    pub help_response_s: Option<f64>,
    pub rating: Option<u8>,
    pub timeout_extensions: u32,
}

impl SessionFigures {
    /// Prefill rate of this session: prefilled and accepted unchanged ÷ fields shown.
    pub fn prefill_rate(&self) -> Option<f64> {
        (self.fields_shown > 0)
            .then(|| f64::from(self.prefilled_unchanged) / f64::from(self.fields_shown))
    }
}

/// An error as the platform reports it (any non-2xx reply carries one).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApiError {
    pub code: String,
    pub message: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uploads_round_trip_as_base64_and_debug_hides_personal_data() {
        let r = CaseRequest {
            idempotency_key: "k".into(),
            terminal_id: "t".into(),
            item_code: "SB-001".into(),
            item_name: "社保缴费记录打印".into(),
            kind: ItemKind::Print,
            applicant: Some(Applicant {
                name: "张建国".into(),
                id_number: "310110195203154417".into(),
            }),
            fields: vec![FieldValue {
                id: "name".into(),
                label: "姓名".into(),
                value: "张建国".into(),
            }],
            materials: vec![Upload {
                name: "x".into(),
                media_type: "image/jpeg".into(),
                bytes: vec![0xFF, 0xD8, 0, 1],
            }],
            commitment: None,
            application_pdf: None,
            submitted_at: "2026-11-29T10:00:00+08:00".into(),
        };
        let json = serde_json::to_string(&r).unwrap();
        assert!(json.contains("\"/9gAAQ==\""), "{json}");
        let back: CaseRequest = serde_json::from_str(&json).unwrap();
        assert!(back == r);
        let debug = format!("{r:?}");
        assert!(
            !debug.contains("张建国") && !debug.contains("3101101952"),
            "{debug}"
        );
    }
}
