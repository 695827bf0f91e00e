//! 杨小通's knowledge base at the hub: kept in the database, one row per published version (a new database
//! gets the bundle shipped in `data/knowledge.toml`); terminals fetch the newest with `If-None-Match` and answer
//! from it offline; residents' unhelpful marks are records of their own kind; the operations view lists every
//! answer with whether it is past its review date and how often its version was marked (以评促改).

use crate::common::*;
use crate::db::DbError;
use crate::platform::{Platform, MAX_ID};
use crate::records::{take, Record};
use crate::TerminalId;
use axum::extract::State;
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::{Extension, Json};
use kiosk_api::knowledge::{
    AnswerStatus, KnowledgeBundle, KnowledgeStatus, UnhelpfulMark, QUESTION_MAX,
};
use kiosk_api::{ApiError, Ticket};
use sqlx::Row;
use std::sync::Arc;

/// The kind of the unhelpful marks among the records.
pub const UNHELPFUL: &str = "unhelpful";

/// Why a bundle is not published.
#[derive(Debug, thiserror::Error)]
pub enum PublishError {
    /// It does not fit the catalogue terminals ship (an unknown item, choice or place, an item with no
    /// answer): terminals would refuse it and keep the last one, so the hub refuses it first and says why.
    #[error("{0}")]
    Invalid(String),
    #[error(transparent)]
    Db(#[from] DbError),
}

/// The largest bundle the hub publishes (the shipped one is about 40 KB).
pub const MAX_BUNDLE: usize = 1024 * 1024;

impl Record for UnhelpfulMark {
    const KIND: &'static str = UNHELPFUL;
    fn terminal_id(&self) -> &str {
        &self.terminal_id
    }
    fn problem(&self) -> Option<&'static str> {
        if self.answer_id.is_empty() || self.answer_id.chars().count() > MAX_ID {
            return Some("answer_id 应为1至128个字符");
        }
        if self.question.chars().count() > QUESTION_MAX {
            return Some("问题过长");
        }
        // A terminal masks digits; one that did not could send an ID or phone number to be kept.
        self.question
            .chars()
            .any(|c| c.is_ascii_digit())
            .then_some("问题中的数字应已遮盖")
    }
    fn reply(n: i64) -> String {
        serde_json::to_string(&Ticket {
            ticket: format!("ZS{n:06}"),
        })
        .unwrap_or_default()
    }
}

impl Platform {
    /// The newest bundle as stored (JSON) and its version.
    pub async fn knowledge(&self) -> Result<Option<(u32, String)>, DbError> {
        let row = sqlx::query(
            "SELECT version, body FROM knowledge_bundles ORDER BY version DESC LIMIT 1",
        )
        .fetch_optional(self.db.pool())
        .await?;
        row.map(|r| {
            let v: i64 = r.try_get(0)?;
            let v = u32::try_from(v).map_err(|_| DbError::Corrupt("knowledge version".into()))?;
            Ok((v, r.try_get(1)?))
        })
        .transpose()
    }

    /// Publishes `kb` as the next version, once it fits the shipped catalogue; returns the version.
    pub async fn publish_knowledge(&self, mut kb: KnowledgeBundle) -> Result<u32, PublishError> {
        let catalog = kiosk_catalog::Catalog::bundled()
            .map_err(|e| PublishError::Invalid(format!("the shipped catalogue: {e:?}")))?;
        kiosk_catalog::knowledge::fits(&kb, &catalog).map_err(PublishError::Invalid)?;
        let next = self
            .knowledge()
            .await?
            .map_or(1, |(v, _)| v.saturating_add(1));
        kb.version = next.max(kb.version);
        let body = serde_json::to_string(&kb).map_err(|e| DbError::Corrupt(e.to_string()))?;
        sqlx::query(
            "INSERT INTO knowledge_bundles (version, body, published_ms) VALUES ($1, $2, $3)",
        )
        .bind(i64::from(kb.version))
        .bind(body)
        .bind(now_ms())
        .execute(self.db.pool())
        .await
        .map_err(DbError::from)?;
        Ok(kb.version)
    }

    /// A database without a knowledge base gets the shipped one.
    pub(crate) async fn seed_knowledge(&self) -> Result<(), DbError> {
        if self.knowledge().await?.is_some() {
            return Ok(());
        }
        let kb = kiosk_catalog::knowledge::from_toml(kiosk_catalog::knowledge::BUNDLED_KNOWLEDGE)
            .map_err(|e| DbError::Corrupt(e.to_string()))?;
        let v = self.publish_knowledge(kb).await.map_err(|e| match e {
            PublishError::Db(e) => e,
            PublishError::Invalid(why) => DbError::Corrupt(why),
        })?;
        tracing::info!(
            version = v,
            "knowledge base created from the shipped bundle"
        );
        Ok(())
    }

    /// Every answer of the newest bundle: stale on `today` (YYYY-MM-DD), marks of its version.
    pub async fn knowledge_status(&self, today: &str) -> Result<KnowledgeStatus, DbError> {
        let Some((version, body)) = self.knowledge().await? else {
            return Ok(KnowledgeStatus {
                version: 0,
                answers: Vec::new(),
            });
        };
        let kb: KnowledgeBundle =
            serde_json::from_str(&body).map_err(|e| DbError::Corrupt(e.to_string()))?;
        let marks: Vec<UnhelpfulMark> = self
            .db
            .records(UNHELPFUL)
            .await?
            .iter()
            .filter_map(|b| serde_json::from_str(b).ok())
            .collect();
        let answers = kb
            .answers
            .iter()
            .map(|a| {
                let mine: Vec<&UnhelpfulMark> = marks
                    .iter()
                    .filter(|m| m.answer_id == a.id && m.answer_version == a.version)
                    .collect();
                AnswerStatus {
                    id: a.id.clone(),
                    title: a.title.clone(),
                    version: a.version,
                    review_by: a.review_by.clone(),
                    // Dates as YYYY-MM-DD compare as text.
                    stale: a.review_by.as_str() < today,
                    unhelpful: mine.len() as u64,
                    questions: mine
                        .iter()
                        .rev()
                        .filter(|m| !m.question.is_empty())
                        .take(5)
                        .map(|m| m.question.clone())
                        .collect(),
                }
            })
            .collect();
        Ok(KnowledgeStatus { version, answers })
    }
}

/// The quoted version of an ETag, as the terminal sends it back.
fn etag(version: u32) -> String {
    format!("\"{version}\"")
}

/// 杨小通's knowledge base, whole; `304` when the terminal has this version.
#[utoipa::path(get, path = "/api/v1/knowledge", tag = "platform",
    params(("If-None-Match" = Option<String>, Header, description = "The quoted version the terminal has")),
    security(("terminal" = [])),
    responses(
        (status = 200, description = "The newest bundle; its version is also the ETag", body = KnowledgeBundle),
        (status = 304, description = "The terminal has the newest version"),
        (status = 503, description = "No bundle could be read", body = ApiError)))]
pub(crate) async fn bundle(State(p): State<Arc<Platform>>, headers: HeaderMap) -> Response {
    match p.knowledge().await {
        Ok(Some((version, body))) => {
            let tag = etag(version);
            let have = headers
                .get(header::IF_NONE_MATCH)
                .and_then(|v| v.to_str().ok())
                .is_some_and(|v| v.split(',').any(|t| t.trim() == tag));
            if have {
                return (StatusCode::NOT_MODIFIED, [(header::ETAG, tag)]).into_response();
            }
            (
                [
                    (header::CONTENT_TYPE, "application/json".to_string()),
                    (header::ETAG, tag),
                ],
                body,
            )
                .into_response()
        }
        Ok(None) => storage("no knowledge base is published"),
        Err(e) => storage(e),
    }
}

/// A resident marked an answer as not helping; digits of the question masked by the terminal.
#[utoipa::path(post, path = "/api/v1/knowledge/unhelpful", tag = "platform", request_body = UnhelpfulMark,
    params(("Idempotency-Key" = String, Header, min_length = 1, max_length = 128, description = "Once per mark")),
    security(("terminal" = [])),
    responses(
        (status = 200, description = "Recorded for the operations view", body = Ticket),
        (status = 400, description = "No Idempotency-Key", body = ApiError),
        (status = 403, description = "The mark names another terminal", body = ApiError),
        (status = 422, description = "An empty or long answer id, a long question, digits in it, or the key used for another mark", body = ApiError)))]
pub(crate) async fn unhelpful(
    State(p): State<Arc<Platform>>,
    Extension(who): Extension<TerminalId>,
    headers: HeaderMap,
    Json(m): Json<UnhelpfulMark>,
) -> Response {
    take(&p, &who, &headers, &m).await
}
