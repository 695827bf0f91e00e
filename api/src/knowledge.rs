//! 杨小通's knowledge base as the platform serves it (`GET /knowledge`): answers to residents' questions, each
//! with its source, version and review date, and the questions 导办 asks back to decide between answers.
//! Terminals keep the last bundle they got and answer from it offline.
//!
//! Two layers, as the district plan has them: consultation answers (咨询解答, what a resident asks before
//! applying) and review points (审核要点, what a clerk checks and a resident should know before filing).

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// The whole knowledge base at one version; a terminal asks with `If-None-Match: "<version>"` and gets 304 when
/// it has it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct KnowledgeBundle {
    /// Rises by one with every publication.
    pub version: u32,
    #[serde(default, rename = "question")]
    pub questions: Vec<GuideQuestion>,
    #[serde(default, rename = "answer")]
    pub answers: Vec<Answer>,
    /// The district's service points: centres, community points, terminals (政务服务地图).
    #[serde(default, rename = "place")]
    pub places: Vec<ServicePoint>,
    /// Streets to draw the map with, each as a line of points.
    #[serde(default, rename = "road")]
    pub roads: Vec<Road>,
    /// Question patterns, tried before the ranking: a question with a word of every group is this answer's.
    #[serde(default, rename = "pattern")]
    pub patterns: Vec<QuestionPattern>,
}

/// "An age and money" is a question about the elderly allowances, whatever else it says: a pattern names the
/// answer and the groups of words that must all be there (one word of each).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct QuestionPattern {
    pub answer: String,
    pub all: Vec<Vec<String>>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "kebab-case")]
pub enum PlaceKind {
    /// The district's administrative service centre (区行政服务中心): every item.
    District,
    /// A street's community affairs centre (社区事务受理服务中心).
    Centre,
    /// A community service point of the 15-minute circle (党群服务站, 服务驿站).
    Community,
    /// A self-service terminal.
    Terminal,
}

/// One place a resident can go to.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ServicePoint {
    pub id: String,
    pub kind: PlaceKind,
    pub name: String,
    pub name_en: String,
    pub street: String,
    pub address: String,
    pub hours: String,
    pub hours_en: String,
    /// WGS-84 degrees.
    pub lat: f64,
    pub lon: f64,
    /// The catalogue items done there; `all_items`: every item of the catalogue and more.
    #[serde(default)]
    pub items: Vec<String>,
    #[serde(default)]
    pub all_items: bool,
    /// A remote virtual window (远程虚拟窗口) is there.
    #[serde(default)]
    pub remote_window: bool,
    /// The terminal's id, for a place that is a terminal.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub terminal: Option<String>,
}

/// A street of the map.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Road {
    pub name: String,
    /// (lat, lon) pairs, WGS-84 degrees.
    pub points: Vec<[f64; 2]>,
}

/// A question 导办 asks back ("本市户籍吗?"): answers of one family differ by their choice of it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct GuideQuestion {
    pub id: String,
    pub text: String,
    pub text_en: String,
    pub choices: Vec<GuideChoice>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct GuideChoice {
    pub value: String,
    pub label: String,
    pub label_en: String,
    /// Words of a question that already give this choice ("外地人" gives 户籍 = 外省市), so it is not asked.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub says: Vec<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "kebab-case")]
pub enum Layer {
    /// 咨询解答: who qualifies, what it costs, how long it takes.
    Consultation,
    /// 审核要点: what the department checks.
    Review,
}

/// One answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Answer {
    pub id: String,
    pub layer: Layer,
    pub title: String,
    pub title_en: String,
    /// The answer itself: who qualifies, amounts, rules.
    pub text: String,
    pub text_en: String,
    /// The catalogue item or bundle the answer starts on the terminal.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub item: Option<String>,
    /// Where to go when the terminal cannot do it (the answer has no `item`, or says more than the item does).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub go: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub go_en: Option<String>,
    /// The service point `go` means, when it is one place.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub place: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fee: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fee_en: Option<String>,
    /// How residents ask it, for recognition (the item's name and synonyms count too).
    #[serde(default)]
    pub asks: Vec<String>,
    /// Answers of one family are told apart by 导办's questions (`when`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub family: Option<String>,
    /// The choices (question id → value) this answer of a family is for.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub when: BTreeMap<String, String>,
    /// Shown among the common questions on 杨小通's page.
    #[serde(default)]
    pub common: Option<String>,
    #[serde(default)]
    pub common_en: Option<String>,
    /// The rule or page the answer is written from.
    pub source: String,
    /// The answer's own version, raised when its text changes.
    pub version: u32,
    /// When it was last checked against its source (YYYY-MM-DD).
    pub reviewed: String,
    /// When it must be checked again; past it the answer is stale (flagged in the operations view).
    pub review_by: String,
}

/// `POST /knowledge/unhelpful`: a resident marked an answer as not helping (以评促改).
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct UnhelpfulMark {
    pub terminal_id: String,
    pub answer_id: String,
    #[serde(deserialize_with = "crate::whole::number")]
    pub answer_version: u32,
    /// The question as asked, with every run of digits masked (`mask_digits`): a resident may type an ID or
    /// phone number into it.
    pub question: String,
}

impl std::fmt::Debug for UnhelpfulMark {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("UnhelpfulMark")
            .field("answer_id", &self.answer_id)
            .field("answer_version", &self.answer_version)
            .finish_non_exhaustive()
    }
}

/// The longest question a mark carries, in characters.
pub const QUESTION_MAX: usize = 64;

/// A question with every digit replaced by `*` and cut to `QUESTION_MAX` characters: what leaves the terminal
/// of a question typed freely.
pub fn mask_digits(question: &str) -> String {
    question
        .chars()
        .take(QUESTION_MAX)
        .map(|c| if c.is_ascii_digit() { '*' } else { c })
        .collect()
}

/// One answer in the operations view: stale or marked unhelpful.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AnswerStatus {
    pub id: String,
    pub title: String,
    pub version: u32,
    pub review_by: String,
    /// Past its review date on the hub's day.
    pub stale: bool,
    /// Marks for this version of the answer.
    pub unhelpful: u64,
    /// The last questions marked (digits masked), newest first, at most five.
    pub questions: Vec<String>,
}

/// `GET /operations/knowledge`: the published version and every answer's state.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct KnowledgeStatus {
    pub version: u32,
    pub answers: Vec<AnswerStatus>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn digits_never_leave_in_a_mark() {
        assert_eq!(
            mask_digits("310110195001011234 养老金"),
            "****************** 养老金"
        );
        assert_eq!(mask_digits(&"问".repeat(100)).chars().count(), QUESTION_MAX);
    }
}
