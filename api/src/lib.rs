//! The platform API (`/api/v1`) as types: what a terminal sends to the service centre and what it answers.
//! The terminal (`kiosk`) and the reference hub (`kiosk-hub`) share this crate and nothing else, so the two
//! sides cannot drift apart.
//!
//! Personal data travels in these types (a case carries the applicant's name and ID number); they implement
//! `Debug` without it, so that a `?request` in a log never prints it.

pub mod call;
pub mod knowledge;
pub mod resident;
pub mod secret;

pub use resident::{
    HeldRequest, HeldRow, HeldView, Offer, OfferConfirm, OfferKind, OverviewReply, OverviewRequest,
    ReturnReason, ReturnedCase,
};

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
    pub const TELEMETRY: &str = "/telemetry";
    /// The terminal's heartbeat (every 30 s); the reply may carry a configuration to apply.
    pub const HEARTBEAT: &str = "/heartbeat";
    /// What a technician did in the maintenance menu.
    pub const AUDIT: &str = "/audit";
    /// `/materials/{sha256}`: a material's bytes, uploaded in chunks that resume after a cut.
    pub const MATERIALS: &str = "/materials";
    pub const ENROL: &str = "/enrol";
    pub const OPENAPI: &str = "/openapi.json";
    /// The remote virtual window's signalling WebSocket (terminal side).
    pub const CALL_WS: &str = "/call/ws";
    /// A document a clerk sent to print during a call: `/call/documents/{id}`.
    pub const CALL_DOCUMENTS: &str = "/call/documents";
    /// 免申即享 and 智能推荐: what the platform tells a resident after identification.
    pub const OVERVIEW: &str = "/overview";
    /// A resident confirmed a benefit offered by the overview.
    pub const OFFER_CONFIRM: &str = "/offers/confirm";
    /// An e-certificate or an earlier case's material, to show the resident who opens it.
    pub const HELD: &str = "/held";
    /// 杨小通's knowledge base, the whole bundle (`If-None-Match` with the version a terminal has).
    pub const KNOWLEDGE: &str = "/knowledge";
    /// A resident marked an answer as not helping.
    pub const KNOWLEDGE_UNHELPFUL: &str = "/knowledge/unhelpful";
}

/// The header that carries the idempotency key of a write that has no key in its body (ratings, help,
/// 办不成事, figures): the platform takes each key once.
pub const IDEMPOTENCY_KEY: &str = "Idempotency-Key";

/// The largest chunk of a material the platform takes in one request.
pub const MAX_CHUNK: usize = 256 * 1024;

/// Whole numbers as JSON has them: `5` and `5.0` are the same number (JSON has no integer type, and JSON
/// Schema counts `5.0` as an integer), so both are taken; a fraction or an out-of-range value is refused.
mod whole {
    use serde::{Deserialize, Deserializer};

    fn convert<T: TryFrom<u64>, E: serde::de::Error>(n: serde_json::Number) -> Result<T, E> {
        let v = match n.as_u64() {
            Some(v) => v,
            None => match n.as_f64() {
                Some(f) if f >= 0.0 && f.fract() == 0.0 && f <= u64::MAX as f64 => f as u64,
                _ => return Err(E::custom(format!("{n} is not a whole number ≥ 0"))),
            },
        };
        T::try_from(v).map_err(|_| E::custom(format!("{v} is out of range")))
    }

    pub fn number<'de, D: Deserializer<'de>, T: TryFrom<u64>>(d: D) -> Result<T, D::Error> {
        convert(serde_json::Number::deserialize(d)?)
    }

    pub fn option<'de, D: Deserializer<'de>, T: TryFrom<u64>>(d: D) -> Result<Option<T>, D::Error> {
        Option::<serde_json::Number>::deserialize(d)?
            .map(convert)
            .transpose()
    }
}

/// Who is applying, as the ID card says.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
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
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
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
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
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
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PrefillRequest {
    pub item_code: String,
    pub applicant: Applicant,
    /// The sources the item's form names: `platform.phone`, `cert.residence_permit.address`, …
    pub sources: Vec<String>,
    /// The materials the resident would photograph, by name: the platform answers with those it holds
    /// from the resident's earlier cases (电子材料链) and still takes.
    #[serde(default)]
    pub materials: Vec<String>,
}

#[derive(Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PrefillReply {
    /// Values by source; a source the platform does not hold is absent (the resident types it).
    pub values: BTreeMap<String, String>,
    /// Materials of the request's `materials` the resident handed in with an earlier case and the platform
    /// still takes: used again, not photographed again.
    #[serde(default)]
    pub earlier: Vec<EarlierMaterial>,
}

impl std::fmt::Debug for PrefillReply {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "PrefillReply({} values, {} earlier materials)",
            self.values.len(),
            self.earlier.len()
        )
    }
}

/// A material from one of the resident's earlier cases (电子材料链): where it came from and the material
/// itself, already at the platform (a case names it like a new one, with nothing to upload).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct EarlierMaterial {
    pub case_number: String,
    /// The day that case was filed (YYYY-MM-DD, Shanghai time).
    pub filed_on: String,
    pub material: MaterialRef,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "kebab-case")]
pub enum ItemKind {
    Print,
    Apply,
    Book,
    Query,
}

#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct FieldValue {
    pub id: String,
    pub label: String,
    pub value: String,
}

/// A material with its bytes, as the terminal holds it (photos, the application PDF). Only its reference
/// travels in a case; the bytes go first, in chunks, to `/materials/{sha256}`.
#[derive(Clone, PartialEq, Eq)]
pub struct Upload {
    /// The material's name in the catalogue (e.g. 户口簿).
    pub name: String,
    pub media_type: String,
    pub bytes: Vec<u8>,
}

impl std::fmt::Debug for Upload {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Upload({}, {} bytes)", self.name, self.bytes.len())
    }
}

impl Upload {
    pub fn reference(&self) -> MaterialRef {
        MaterialRef {
            name: self.name.clone(),
            media_type: self.media_type.clone(),
            sha256: sha256_hex(&self.bytes),
            size: self.bytes.len() as u64,
        }
    }
}

/// Lower-case hex SHA-256: the name a material has on both sides (content-addressed).
pub fn sha256_hex(bytes: &[u8]) -> String {
    use sha2::Digest;
    let digest = sha2::Sha256::digest(bytes);
    digest.iter().map(|b| format!("{b:02x}")).collect()
}

/// A material a case refers to; its bytes were uploaded under `sha256` before the case was sent.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct MaterialRef {
    pub name: String,
    pub media_type: String,
    /// Lower-case hex SHA-256 of the bytes.
    pub sha256: String,
    #[serde(deserialize_with = "whole::number")]
    pub size: u64,
}

/// How much of a material the platform holds: `GET /materials/{sha256}` and the answer to each chunk. An
/// upload cut in the middle resumes at `received`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct MaterialStatus {
    pub sha256: String,
    pub received: u64,
    /// The whole size once the first chunk said it; 0 before.
    pub size: u64,
    /// Every byte is there and the hash matched.
    pub complete: bool,
}

/// `POST /enrol`: a terminal trades the one-time code a technician got from the hub for its token.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct EnrolRequest {
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 64))]
    pub terminal_id: String,
    #[cfg_attr(feature = "openapi", schema(max_length = 64))]
    pub code: String,
}

impl std::fmt::Debug for EnrolRequest {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "EnrolRequest({}, …)", self.terminal_id)
    }
}

/// The terminal's credential: sent as `Authorization: Bearer …` on every call. The hub keeps only its hash
/// and can revoke it.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct EnrolReply {
    pub token: String,
}

impl std::fmt::Debug for EnrolReply {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("EnrolReply(…)")
    }
}

/// `POST /cases`: an application or a request for a document. The idempotency key makes a retried request
/// (a lost reply, a resend from the outbox) one case, never two.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CaseRequest {
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 128))]
    pub idempotency_key: String,
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 128))]
    pub terminal_id: String,
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 128))]
    pub item_code: String,
    pub item_name: String,
    pub kind: ItemKind,
    pub applicant: Option<Applicant>,
    pub fields: Vec<FieldValue>,
    pub materials: Vec<MaterialRef>,
    /// The 告知承诺 the resident read and signed, if the item uses it.
    pub commitment: Option<String>,
    /// The application as a PDF (form, commitment, signature), as the resident saw it.
    pub application_pdf: Option<MaterialRef>,
    /// RFC 3339, the terminal's clock.
    pub submitted_at: String,
    /// A 一件事 bundle: the department items filed with this one form (the platform takes a case for each);
    /// empty for one item.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub parts: Vec<CasePart>,
    /// Materials not submitted because the platform holds them as electronic certificates (两个免于提交).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub certificates: Vec<HeldMaterial>,
    /// A correction (补正) of the case with this number, which a clerk sent back: the request carries only
    /// what the clerk asked for (its fields and new photos), and the reply is that case again, not a new one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub corrects: Option<String>,
}

/// One department's item of a bundle: which of the bundle's fields and materials it takes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CasePart {
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 128))]
    pub item_code: String,
    pub item_name: String,
    pub department: String,
    pub time_limit: String,
    /// Field ids of the request's fields.
    pub fields: Vec<String>,
    /// Material names of the request's materials and certificates.
    pub materials: Vec<String>,
}

/// A material the platform holds as an electronic certificate (电子证照), used instead of a photo.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct HeldMaterial {
    /// The material's name in the catalogue (出生医学证明).
    pub name: String,
    /// The certificate's kind (`birth_certificate`).
    pub certificate: String,
    pub number: String,
}

impl std::fmt::Debug for HeldMaterial {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "HeldMaterial({}, …)", self.certificate)
    }
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
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "kebab-case")]
pub enum CaseState {
    /// Taken in; a clerk or a back office decides within the item's time limit.
    Accepted,
    /// Done at once (即办): a document to print comes with the reply.
    Done,
}

/// A document the platform issues for the resident to print (a payment record, a certificate).
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
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
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CaseReply {
    pub case_number: String,
    pub state: CaseState,
    /// Where the resident follows the case (printed as a QR code on the receipt).
    pub follow_url: String,
    pub document: Option<IssuedDocument>,
    /// A bundle's department cases, in the order of the request's parts; empty for one item.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub parts: Vec<DepartmentCase>,
}

/// One department's case of a bundle, as the receipt lists it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DepartmentCase {
    pub item_code: String,
    pub item_name: String,
    pub department: String,
    pub case_number: String,
    pub state: CaseState,
    pub time_limit: String,
}

/// Where a rating was given.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "kebab-case")]
pub enum Channel {
    /// The terminal's touch screen.
    Screen,
    /// The evaluation pad (评价器, PJQ).
    Pad,
}

/// `POST /evaluations`: 好差评, one per case. Levels 1 and 2 are 差评 and are followed up.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Evaluation {
    pub case_number: String,
    pub item_code: String,
    pub terminal_id: String,
    /// 1 非常不满意 … 5 非常满意.
    #[cfg_attr(feature = "openapi", schema(minimum = 1, maximum = 5))]
    #[serde(deserialize_with = "whole::number")]
    pub level: u8,
    pub reasons: Vec<String>,
    pub comment: Option<String>,
    pub channel: Channel,
    pub follow_up: bool,
}

/// `POST /help`: the resident asked for a person.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct HelpRequest {
    pub terminal_id: String,
    pub item_code: Option<String>,
    pub step: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct HelpReply {
    pub ticket: String,
    /// What the resident is told: who comes, or where to go.
    pub message: String,
}

/// `POST /not-done`: 办不成事, a resident could not get the item done here.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct NotDoneReport {
    pub terminal_id: String,
    pub item_code: Option<String>,
    pub step: String,
    pub reason: String,
    pub comment: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Ticket {
    pub ticket: String,
}

/// How a session ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
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
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
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
    #[serde(deserialize_with = "whole::number")]
    pub fields_shown: u32,
    #[serde(deserialize_with = "whole::number")]
    pub fields_prefilled: u32,
    /// Prefilled and accepted as they were: the numerator of the prefill rate.
    #[serde(deserialize_with = "whole::number")]
    pub prefilled_unchanged: u32,
    /// Field edits after the first value was entered or prefilled.
    #[serde(deserialize_with = "whole::number")]
    pub corrections: u32,
    pub help_used: bool,
    /// Help request until a person answered, when one did.
    pub help_response_s: Option<f64>,
    #[cfg_attr(feature = "openapi", schema(minimum = 1, maximum = 5))]
    #[serde(default, deserialize_with = "whole::option")]
    pub rating: Option<u8>,
    #[serde(deserialize_with = "whole::number")]
    pub timeout_extensions: u32,
    /// 视频办: joining the queue until a clerk took the call (the "021" target is a person within a minute);
    /// `None` when nobody did or there was no call.
    #[serde(default)]
    pub call_wait_s: Option<f64>,
    /// From the clerk taking the call to its end.
    #[serde(default)]
    pub call_s: Option<f64>,
    /// How the call ended (`done`, `call-back`, `resident-left`, …).
    #[serde(default)]
    pub call_outcome: Option<String>,
    #[cfg_attr(feature = "openapi", schema(minimum = 1, maximum = 5))]
    #[serde(default, deserialize_with = "whole::option")]
    pub call_rating: Option<u8>,
    /// When the session ended, RFC 3339 with the terminal's offset: the figures' day (a session delivered
    /// late by the outbox still counts on the day it happened). Absent: the day the platform received it.
    #[serde(default)]
    pub ended_at: Option<String>,
}

impl SessionFigures {
    /// Prefill rate of this session: prefilled and accepted unchanged ÷ fields shown.
    pub fn prefill_rate(&self) -> Option<f64> {
        (self.fields_shown > 0)
            .then(|| f64::from(self.prefilled_unchanged) / f64::from(self.fields_shown))
    }
}

/// `POST /telemetry`: a device of the terminal changed health (for the fleet view). No personal data: device
/// reasons name parts and faults ("out of paper", "cannot open /dev/ttyUSB0").
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DeviceReport {
    pub terminal_id: String,
    /// The profile's name for the device (`idcard`, `receipt`, …).
    pub device: String,
    /// Its class (`idcard-reader`, `receipt-printer`, …).
    pub class: String,
    /// `simulated`, `online`, `degraded` or `down`.
    pub state: String,
    pub reason: Option<String>,
    /// RFC 3339, the terminal's clock.
    pub at: String,
}

/// One device in a heartbeat.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DeviceHealth {
    pub device: String,
    pub class: String,
    /// `ok`, `simulated`, `degraded: …` or `down: …`.
    pub state: String,
    /// Seconds in this state.
    #[serde(deserialize_with = "whole::number")]
    pub since_s: u64,
    /// The reason of the last time it was down, kept after it recovered.
    pub last_error: Option<String>,
}

/// `POST /heartbeat`, every 30 s: how the terminal is. Not queued (a stale heartbeat says nothing); the
/// platform flags a terminal silent for 2 minutes. No personal data.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Heartbeat {
    pub terminal_id: String,
    /// The firmware's version.
    pub version: String,
    /// The installed slot and bundle as RAUC reports them, when the image has RAUC.
    pub update: Option<String>,
    #[serde(deserialize_with = "whole::number")]
    pub uptime_s: u64,
    /// 街道 and 社区 of the terminal's site (its configuration), for the figures by place.
    #[cfg_attr(feature = "openapi", schema(max_length = 64))]
    pub street: String,
    #[cfg_attr(feature = "openapi", schema(max_length = 64))]
    pub community: String,
    pub devices: Vec<DeviceHealth>,
    #[serde(deserialize_with = "whole::number")]
    pub outbox_depth: u64,
    #[serde(default, deserialize_with = "whole::option")]
    pub outbox_oldest_s: Option<u64>,
    pub outbox_last_error: Option<String>,
    #[serde(default, deserialize_with = "whole::option")]
    pub free_disk_bytes: Option<u64>,
    pub temperature_c: Option<f64>,
    /// What became of the last configuration the platform pushed.
    pub config_result: Option<ConfigResult>,
    /// RFC 3339, the terminal's clock.
    pub sent_at: String,
}

/// A configuration the platform pushes: the whole `kiosk.toml`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ConfigPush {
    pub id: String,
    pub toml: String,
}

/// The terminal's answer to a pushed configuration.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ConfigResult {
    pub id: String,
    /// False: refused or rolled back, and the terminal runs on its previous configuration.
    pub applied: bool,
    pub message: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct HeartbeatReply {
    pub config: Option<ConfigPush>,
}

/// `POST /audit`: one thing a technician did in the maintenance menu (entry, failed PIN, lock-out, tests,
/// settings, restart). Delivered through the outbox, so none is lost.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AuditEntry {
    pub terminal_id: String,
    /// The technician's name as configured; `-` before anyone is identified (a wrong PIN).
    pub technician: String,
    pub action: String,
    /// RFC 3339, the terminal's clock.
    pub at: String,
}

/// An error as the platform reports it (any non-2xx reply carries one).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ApiError {
    pub code: String,
    pub message: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_case_refers_to_its_materials_by_hash_and_debug_hides_personal_data() {
        let photo = Upload {
            name: "x".into(),
            media_type: "image/jpeg".into(),
            bytes: b"abc".to_vec(),
        };
        let r = CaseRequest {
            parts: Vec::new(),
            certificates: Vec::new(),
            corrects: None,
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
            materials: vec![photo.reference()],
            commitment: None,
            application_pdf: None,
            submitted_at: "2026-11-29T10:00:00+08:00".into(),
        };
        let json = serde_json::to_string(&r).unwrap();
        // SHA-256 of "abc" (FIPS 180-2's first example).
        assert!(
            json.contains("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"),
            "{json}"
        );
        let back: CaseRequest = serde_json::from_str(&json).unwrap();
        assert!(back == r);
        let debug = format!("{r:?} {photo:?}");
        assert!(
            !debug.contains("张建国") && !debug.contains("3101101952"),
            "{debug}"
        );
    }

    #[test]
    fn whole_numbers_may_come_as_floats_but_fractions_are_refused() {
        let json = |level: &str| {
            format!(
                r#"{{"case_number":"YP1","item_code":"SB-001","terminal_id":"T1","level":{level},
                   "reasons":[],"comment":null,"channel":"screen","follow_up":false}}"#
            )
        };
        let e: Evaluation = serde_json::from_str(&json("5.0")).unwrap();
        assert_eq!(e.level, 5);
        assert!(serde_json::from_str::<Evaluation>(&json("4.5")).is_err());
        assert!(serde_json::from_str::<Evaluation>(&json("256")).is_err());
        assert!(serde_json::from_str::<Evaluation>(&json("-1")).is_err());
    }
}
