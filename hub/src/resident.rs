//! What the platform tells a resident after identification (`/overview`: 免申即享 and 智能推荐) and the
//! one-touch confirmation of a benefit (`/offers/confirm`).

use crate::common::*;
use crate::db::{Db, DbError};
use crate::platform::{kind, Platform};
use crate::records::{take, Record};
use crate::TerminalId;
use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Response};
use axum::{Extension, Json};
use kiosk_api::{ApiError, OfferConfirm, OverviewReply, OverviewRequest, Ticket};
use sqlx::Row;
use std::sync::Arc;

impl Record for OfferConfirm {
    const KIND: &'static str = kind::OFFER_CONFIRM;
    fn terminal_id(&self) -> &str {
        &self.terminal_id
    }
    fn problem(&self) -> Option<&'static str> {
        let len = self.offer_id.chars().count();
        (len == 0 || len > crate::platform::MAX_ID).then_some("缺少待遇编号")
    }
    fn reply(n: i64) -> String {
        serde_json::to_string(&Ticket {
            ticket: format!("MS{n:06}"),
        })
        .unwrap_or_default()
    }
}

/// What this resident qualifies for without applying, and what they may want now.
#[utoipa::path(post, path = "/api/v1/overview", tag = "platform", request_body = OverviewRequest,
    security(("terminal" = [])),
    responses(
        (status = 200, description = "Lines for the home screen; none for someone the record does not know", body = OverviewReply),
        (status = 401, description = "No valid terminal token", body = ApiError),
        (status = 403, description = "The request names another terminal", body = ApiError),
        (status = 503, description = "Platform down", body = ApiError)))]
pub(crate) async fn overview(
    State(p): State<Arc<Platform>>,
    Extension(who): Extension<TerminalId>,
    Json(r): Json<OverviewRequest>,
) -> Response {
    if let Some(e) = other_terminal(&who, &r.terminal_id) {
        return e;
    }
    let id = &r.applicant.id_number;
    let found = tokio::try_join!(
        p.db.resident(id),
        p.db.certificates(id),
        filed_items(&p.db, id),
        about(&p.db, kind::OFFER_CONFIRM, id),
    );
    let (resident, certs, filed, confirmations) = match found {
        Ok(x) => x,
        Err(e) => return storage(e),
    };
    let returned = match crate::returns::returned_for(&p.db, &r.applicant).await {
        Ok(r) => r,
        Err(e) => return storage(e),
    };
    let offers = match resident {
        // Only for the person named, as prefill.
        Some(res) if res.name == r.applicant.name => {
            let confirmed: Vec<String> = confirmations
                .iter()
                .filter_map(|b| serde_json::from_str::<OfferConfirm>(b).ok())
                .filter(|c| &c.applicant.id_number == id)
                .map(|c| c.offer_id)
                .collect();
            let today = chrono::Local::now().date_naive();
            crate::offers::offers(&res, &certs, &filed, &confirmed, today)
        }
        _ => Vec::new(),
    };
    Json(OverviewReply { offers, returned }).into_response()
}

/// The resident confirmed a benefit the overview offered; once per `Idempotency-Key`.
#[utoipa::path(post, path = "/api/v1/offers/confirm", tag = "platform", request_body = OfferConfirm,
    params(("Idempotency-Key" = String, Header, min_length = 1, max_length = 128, description = "Once per confirmation")),
    security(("terminal" = [])),
    responses(
        (status = 200, description = "Recorded; the next overview lists it as granted", body = Ticket),
        (status = 400, description = "No Idempotency-Key", body = ApiError),
        (status = 403, description = "The request names another terminal", body = ApiError),
        (status = 422, description = "No offer named, or the key was used for another request", body = ApiError)))]
pub(crate) async fn confirm(
    State(p): State<Arc<Platform>>,
    Extension(who): Extension<TerminalId>,
    headers: HeaderMap,
    Json(c): Json<OfferConfirm>,
) -> Response {
    take(&p, &who, &headers, &c).await
}

/// A LIKE pattern for a body (canonical JSON) whose applicant has this ID number. An ID number is digits and
/// X; anything else (a `%` or `_` sent by a client) is dropped, so the pattern matches that person only.
pub(crate) fn applicant_pattern(id_number: &str) -> String {
    let clean: String = id_number
        .chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .collect();
    format!("%\"id_number\":\"{clean}\"%")
}

/// The item codes of a resident's cases, for the overview's "not filed yet".
async fn filed_items(db: &Db, id_number: &str) -> Result<Vec<String>, DbError> {
    let rows = sqlx::query("SELECT item_code FROM cases WHERE body LIKE $1")
        .bind(applicant_pattern(id_number))
        .fetch_all(db.pool())
        .await?;
    rows.iter().map(|r| Ok(r.try_get(0)?)).collect()
}

/// Bodies of the records of a kind that name this resident.
async fn about(db: &Db, kind: &str, id_number: &str) -> Result<Vec<String>, DbError> {
    let rows = sqlx::query("SELECT body FROM records WHERE kind = $1 AND body LIKE $2")
        .bind(kind)
        .bind(applicant_pattern(id_number))
        .fetch_all(db.pool())
        .await?;
    rows.iter().map(|r| Ok(r.try_get(0)?)).collect()
}
