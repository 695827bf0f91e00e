//! What the platform tells a resident without being asked (免申即享 and 智能推荐): `POST /overview` right after
//! identification, and `POST /offers/confirm` when the resident confirms a benefit with one touch.

use crate::Applicant;
use serde::{Deserialize, Serialize};

/// `POST /overview`: what this resident qualifies for, and what they may want now.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct OverviewRequest {
    pub terminal_id: String,
    pub applicant: Applicant,
}

impl std::fmt::Debug for OverviewRequest {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("OverviewRequest(…)")
    }
}

/// How a line of the overview is acted on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "kebab-case")]
pub enum OfferKind {
    /// 免申即享: paid or granted already; the touch shows what and how.
    Granted,
    /// The resident qualifies and only has to confirm (one touch, no form).
    Confirm,
    /// 智能推荐: an item the resident may want now (its `item_code` opens it).
    Suggest,
}

/// One line of the overview, in both languages (the terminal shows the one in use).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Offer {
    /// Stable for the resident and the benefit (`elder-allowance`, `suggest:YJS-CS`): a confirmation names it.
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 128))]
    pub id: String,
    pub kind: OfferKind,
    pub title: String,
    pub title_en: String,
    /// What the touch shows: the amount, how it is paid, or why the item is suggested.
    pub detail: String,
    pub detail_en: String,
    /// The catalogue item a `Suggest` opens.
    pub item_code: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct OverviewReply {
    pub offers: Vec<Offer>,
    /// The resident's cases a clerk sent back for correction (补正) and not corrected yet, with the reasons.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub returned: Vec<ReturnedCase>,
}

/// A case sent back for correction: what to fix, field by field and material by material, and what the case
/// holds now (so that the terminal shows the form as it was filed and asks only for what the clerk named).
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ReturnedCase {
    /// The case that was returned (for a bundle: the department's case).
    pub case_number: String,
    /// The catalogue entry the resident filed (for a department's case: its bundle), which the correction
    /// opens.
    pub item_code: String,
    pub item_name: String,
    pub department: String,
    /// 1 for the first return, 2 for a second one, …
    pub round: u32,
    pub reasons: Vec<ReturnReason>,
    /// The case's fields as filed (or as last corrected).
    pub fields: Vec<crate::FieldValue>,
}

impl std::fmt::Debug for ReturnedCase {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "ReturnedCase({}, round {}, {} reasons)",
            self.case_number,
            self.round,
            self.reasons.len()
        )
    }
}

/// One thing a clerk asks to be corrected: a field (by id) or a material (by name), and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ReturnReason {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub material: Option<String>,
    /// In the clerk's words, for the resident ("照片不清晰，请重新拍摄").
    pub note: String,
}

/// `POST /offers/confirm` (with an `Idempotency-Key`): the resident confirmed a `Confirm` offer; the answer is
/// a ticket, and the next overview lists the offer as granted.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct OfferConfirm {
    pub terminal_id: String,
    pub applicant: Applicant,
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 128))]
    pub offer_id: String,
}

impl std::fmt::Debug for OfferConfirm {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "OfferConfirm({}, …)", self.offer_id)
    }
}

/// `POST /held`: one thing the platform holds for the resident, to show them on the terminal when they open
/// it: an electronic certificate by number, or a material of one of their earlier cases by hash. Exactly one
/// of the two; only the resident's own.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct HeldRequest {
    pub terminal_id: String,
    pub applicant: Applicant,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(max_length = 64))]
    pub certificate: Option<String>,
    /// The material's SHA-256 (lower-case hex).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(max_length = 64))]
    pub material: Option<String>,
}

impl std::fmt::Debug for HeldRequest {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("HeldRequest(…)")
    }
}

/// What the resident sees of it: a title, who issued it, its rows, and the picture of a photographed material
/// (a JPEG, base64).
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct HeldView {
    pub title: String,
    pub issuer: String,
    pub rows: Vec<HeldRow>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub picture_jpeg_base64: Option<String>,
}

/// The platform's words in the view of an earlier case's material, which the terminal puts in the resident's
/// language (an e-certificate's words stay as the certificate has them).
pub mod held_words {
    pub const EARLIER: &str = "您之前提交的材料";
    pub const FILED_WITH: &str = "随办件提交";
    pub const FILED_ON: &str = "提交日期";
}

#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct HeldRow {
    pub label: String,
    pub value: String,
}

impl std::fmt::Debug for HeldView {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "HeldView({}, {} rows)", self.title, self.rows.len())
    }
}

impl std::fmt::Debug for HeldRow {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "HeldRow({}, …)", self.label)
    }
}
