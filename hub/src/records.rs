//! The writes that carry no key in their body (ratings, help, 办不成事, session figures, device reports):
//! each taken once per `Idempotency-Key`, with a ticket of its kind.

use crate::common::*;
use crate::db::{Incoming, Taken};
use crate::platform::{kind, Platform, MAX_ID};
use crate::{error, TerminalId};
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use axum::{Extension, Json};
use kiosk_api::{
    ApiError, DeviceReport, Evaluation, HelpReply, HelpRequest, NotDoneReport, SessionFigures,
    Ticket, IDEMPOTENCY_KEY,
};
use serde::Serialize;
use std::sync::Arc;

/// A write without a key in its body (ratings, help, 办不成事, figures): the key comes in the
/// `Idempotency-Key` header, and each kind has its own tickets.
pub(crate) trait Record: Serialize {
    const KIND: &'static str;
    fn terminal_id(&self) -> &str;
    /// Why the platform cannot take it, if it cannot.
    fn problem(&self) -> Option<&'static str> {
        None
    }
    /// The stored answer for the `n`th of its kind.
    fn reply(n: i64) -> String;
}

fn ticket(prefix: &str, seq: i64) -> String {
    serde_json::to_string(&Ticket {
        ticket: format!("{prefix}{seq:06}"),
    })
    .unwrap_or_default()
}

impl Record for Evaluation {
    const KIND: &'static str = kind::EVALUATION;
    fn terminal_id(&self) -> &str {
        &self.terminal_id
    }
    fn problem(&self) -> Option<&'static str> {
        (!(1..=5).contains(&self.level)).then_some("评价等级应为1至5")
    }
    fn reply(n: i64) -> String {
        ticket("PJ", n)
    }
}

impl Record for HelpRequest {
    const KIND: &'static str = kind::HELP;
    fn terminal_id(&self) -> &str {
        &self.terminal_id
    }
    fn reply(n: i64) -> String {
        serde_json::to_string(&HelpReply {
            ticket: format!("BB{n:06}"),
            message: "已通知帮办人员，请在终端旁稍候。".into(),
        })
        .unwrap_or_default()
    }
}

impl Record for NotDoneReport {
    const KIND: &'static str = kind::NOT_DONE;
    fn terminal_id(&self) -> &str {
        &self.terminal_id
    }
    fn reply(n: i64) -> String {
        ticket("BCS", n)
    }
}

impl Record for SessionFigures {
    const KIND: &'static str = kind::FIGURES;
    fn terminal_id(&self) -> &str {
        &self.terminal_id
    }
    fn problem(&self) -> Option<&'static str> {
        let finite = self.session_s.is_finite() && self.steps.iter().all(|(_, s)| s.is_finite());
        (!finite).then_some("时长应为有限数值")
    }
    fn reply(n: i64) -> String {
        ticket("F", n)
    }
}

impl Record for DeviceReport {
    const KIND: &'static str = kind::TELEMETRY;
    fn terminal_id(&self) -> &str {
        &self.terminal_id
    }
    fn reply(n: i64) -> String {
        ticket("T", n)
    }
}

/// Takes a record once per kind and key, from the terminal it names.
pub(crate) async fn take<T: Record>(
    p: &Platform,
    who: &TerminalId,
    headers: &HeaderMap,
    value: &T,
) -> Response {
    if let Some(r) = other_terminal(who, value.terminal_id()) {
        return r;
    }
    if let Some(why) = value.problem() {
        return invalid(why);
    }
    let key = headers
        .get(IDEMPOTENCY_KEY)
        .and_then(|v| v.to_str().ok())
        .filter(|k| !k.is_empty() && k.chars().count() <= MAX_ID);
    let Some(key) = key else {
        return error(
            StatusCode::BAD_REQUEST,
            "idempotency-key-missing",
            "缺少 Idempotency-Key 请求头（1至128个字符）",
        );
    };
    let (body, hash) = canonical(value);
    let incoming = Incoming {
        key,
        terminal_id: &who.0,
        body_hash: &hash,
        body: &body,
        now_ms: now_ms(),
    };
    match p.db.take_record(T::KIND, &incoming, T::reply).await {
        Ok(Taken::New(r) | Taken::Repeat(r)) => reply_json(&r),
        Ok(Taken::KeyReused) => key_reused(),
        Err(e) => storage(e),
    }
}

/// 好差评 of a case, levels 1–5; 1 and 2 are followed up.
#[utoipa::path(post, path = "/api/v1/evaluations", tag = "platform", request_body = Evaluation,
    params(("Idempotency-Key" = String, Header, min_length = 1, max_length = 128, description = "Once per rating")),
    security(("terminal" = [])),
    responses(
        (status = 200, description = "Recorded", body = Ticket),
        (status = 400, description = "No Idempotency-Key", body = ApiError),
        (status = 403, description = "The rating names another terminal", body = ApiError),
        (status = 422, description = "Level out of range, or the key was used for another rating", body = ApiError)))]
pub(crate) async fn evaluations(
    State(p): State<Arc<Platform>>,
    Extension(who): Extension<TerminalId>,
    headers: HeaderMap,
    Json(e): Json<Evaluation>,
) -> Response {
    take(&p, &who, &headers, &e).await
}

/// A resident asked for a person.
#[utoipa::path(post, path = "/api/v1/help", tag = "platform", request_body = HelpRequest,
    params(("Idempotency-Key" = String, Header, min_length = 1, max_length = 128, description = "Once per request")),
    security(("terminal" = [])),
    responses(
        (status = 200, description = "Staff told", body = HelpReply),
        (status = 400, description = "No Idempotency-Key", body = ApiError),
        (status = 403, description = "The request names another terminal", body = ApiError),
        (status = 422, description = "The key was used for another request", body = ApiError)))]
pub(crate) async fn help(
    State(p): State<Arc<Platform>>,
    Extension(who): Extension<TerminalId>,
    headers: HeaderMap,
    Json(h): Json<HelpRequest>,
) -> Response {
    take(&p, &who, &headers, &h).await
}

/// 办不成事: item, step and reason.
#[utoipa::path(post, path = "/api/v1/not-done", tag = "platform", request_body = NotDoneReport,
    params(("Idempotency-Key" = String, Header, min_length = 1, max_length = 128, description = "Once per report")),
    security(("terminal" = [])),
    responses(
        (status = 200, description = "Recorded for follow-up", body = Ticket),
        (status = 400, description = "No Idempotency-Key", body = ApiError),
        (status = 403, description = "The report names another terminal", body = ApiError),
        (status = 422, description = "The key was used for another report", body = ApiError)))]
pub(crate) async fn not_done(
    State(p): State<Arc<Platform>>,
    Extension(who): Extension<TerminalId>,
    headers: HeaderMap,
    Json(n): Json<NotDoneReport>,
) -> Response {
    take(&p, &who, &headers, &n).await
}

/// The operations figures of one session, without personal data.
#[utoipa::path(post, path = "/api/v1/figures", tag = "platform", request_body = SessionFigures,
    params(("Idempotency-Key" = String, Header, min_length = 1, max_length = 128, description = "Once per session")),
    security(("terminal" = [])),
    responses(
        (status = 200, description = "Recorded", body = Ticket),
        (status = 400, description = "No Idempotency-Key", body = ApiError),
        (status = 403, description = "The figures name another terminal", body = ApiError),
        (status = 422, description = "Durations not finite, or the key was used for other figures", body = ApiError)))]
pub(crate) async fn figures(
    State(p): State<Arc<Platform>>,
    Extension(who): Extension<TerminalId>,
    headers: HeaderMap,
    Json(f): Json<SessionFigures>,
) -> Response {
    let reply = take(&p, &who, &headers, &f).await;
    if !reply.status().is_success() {
        return reply;
    }
    // The figures' row; a retry after a failure here (503) finds the record taken and adds the row then.
    let key = headers
        .get(IDEMPOTENCY_KEY)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    let row = crate::figures::SessionRow::of(&f, now_ms());
    match p.add_session(key, &who.0, &row).await {
        Ok(()) => reply,
        Err(e) => storage(e),
    }
}

/// A device of the terminal changed health (the fleet view reads these).
#[utoipa::path(post, path = "/api/v1/telemetry", tag = "platform", request_body = DeviceReport,
    params(("Idempotency-Key" = String, Header, min_length = 1, max_length = 128, description = "Once per report")),
    security(("terminal" = [])),
    responses(
        (status = 200, description = "Recorded", body = Ticket),
        (status = 400, description = "No Idempotency-Key", body = ApiError),
        (status = 403, description = "The report names another terminal", body = ApiError),
        (status = 422, description = "The key was used for another report", body = ApiError)))]
pub(crate) async fn telemetry(
    State(p): State<Arc<Platform>>,
    Extension(who): Extension<TerminalId>,
    headers: HeaderMap,
    Json(r): Json<DeviceReport>,
) -> Response {
    take(&p, &who, &headers, &r).await
}
