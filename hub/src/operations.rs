//! The operations view for the service centre and the district's IT officers, behind the clerks' login:
//! the fleet (terminals, their health, silent ones flagged, configuration pushes, the technicians' audit
//! trail), the figures with charts and CSV, case decisions and the follow-up of bad ratings.

use crate::clerks::{authorised, refuse, security_headers};
use crate::common::{now_ms, storage};
use crate::figures::DECISIONS;
use crate::platform::Platform;
use axum::extract::{Path, Query, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::Json;
use chrono::{Days, NaiveDate};
use serde::Deserialize;
use std::sync::Arc;

const PAGE: &str = include_str!("../console/operations.html");
const SCRIPT: &str = include_str!("../console/operations.js");

/// The longest period the figures are asked for at once.
const MAX_DAYS: u64 = 366;

/// Why a request is not served: a refusal with its words, or storage trouble.
pub(crate) enum Refusal {
    Refused(StatusCode, &'static str),
    Storage(Box<crate::db::DbError>),
}

impl IntoResponse for Refusal {
    fn into_response(self) -> Response {
        match self {
            Refusal::Refused(status, why) => refuse(status, why),
            Refusal::Storage(e) => storage(e),
        }
    }
}

impl From<crate::db::DbError> for Refusal {
    fn from(e: crate::db::DbError) -> Refusal {
        Refusal::Storage(Box::new(e))
    }
}

fn signed_in(p: &Platform, headers: &HeaderMap) -> Result<(), Refusal> {
    match p.clerks.session(headers) {
        Some(_) => Ok(()),
        None => Err(Refusal::Refused(StatusCode::UNAUTHORIZED, "请先登录")),
    }
}

pub(crate) async fn page(State(p): State<Arc<Platform>>, headers: HeaderMap) -> Response {
    security_headers(match p.clerks.session(&headers) {
        Some(_) => Html(PAGE).into_response(),
        None => Redirect::to("/clerk/login").into_response(),
    })
}

pub(crate) async fn script() -> Response {
    security_headers(
        (
            [(header::CONTENT_TYPE, "text/javascript; charset=utf-8")],
            SCRIPT,
        )
            .into_response(),
    )
}

pub(crate) async fn fleet(State(p): State<Arc<Platform>>, headers: HeaderMap) -> Response {
    if let Err(r) = signed_in(&p, &headers) {
        return r.into_response();
    }
    match p.fleet(now_ms()).await {
        Ok(rows) => security_headers(Json(rows).into_response()),
        Err(e) => storage(e),
    }
}

/// A whole kiosk.toml for a terminal, as the request's text body.
pub(crate) async fn push_config(
    State(p): State<Arc<Platform>>,
    Path(terminal): Path<String>,
    headers: HeaderMap,
    body: String,
) -> Response {
    if let Err(r) = clerk_of(&p, &headers) {
        return r.into_response();
    }
    if body.trim().is_empty() || body.len() > crate::fleet::MAX_CONFIG {
        return refuse(StatusCode::UNPROCESSABLE_ENTITY, "配置为空或超过 64 KB");
    }
    match p.push_config(&terminal, &body).await {
        Ok(id) => Json(serde_json::json!({ "id": id })).into_response(),
        Err(e) => storage(e),
    }
}

#[derive(Deserialize)]
pub(crate) struct AuditQuery {
    terminal: Option<String>,
}

pub(crate) async fn audit(
    State(p): State<Arc<Platform>>,
    headers: HeaderMap,
    Query(q): Query<AuditQuery>,
) -> Response {
    if let Err(r) = signed_in(&p, &headers) {
        return r.into_response();
    }
    match p.audit(q.terminal.as_deref()).await {
        Ok(a) => security_headers(Json(a).into_response()),
        Err(e) => storage(e),
    }
}

#[derive(Deserialize)]
pub(crate) struct Period {
    from: Option<String>,
    to: Option<String>,
}

impl Period {
    /// The days asked for; by default the last 7 up to today (Shanghai).
    fn days(&self) -> Result<(NaiveDate, NaiveDate), Refusal> {
        let parse = |s: &Option<String>| -> Result<Option<NaiveDate>, Refusal> {
            match s.as_deref().filter(|s| !s.is_empty()) {
                None => Ok(None),
                Some(s) => NaiveDate::parse_from_str(s, "%Y-%m-%d")
                    .map(Some)
                    .map_err(|_| Refusal::Refused(StatusCode::BAD_REQUEST, "日期应为 YYYY-MM-DD")),
            }
        };
        let today = crate::figures::day_of_ms(now_ms());
        let today = NaiveDate::parse_from_str(&today, "%Y-%m-%d").unwrap_or_default();
        let to = parse(&self.to)?.unwrap_or(today);
        let from = parse(&self.from)?.unwrap_or(to.checked_sub_days(Days::new(6)).unwrap_or(to));
        if from > to {
            return Err(Refusal::Refused(
                StatusCode::BAD_REQUEST,
                "开始日期晚于结束日期",
            ));
        }
        if to.signed_duration_since(from).num_days() >= MAX_DAYS as i64 {
            return Err(Refusal::Refused(
                StatusCode::BAD_REQUEST,
                "一次最多查询 366 天",
            ));
        }
        Ok((from, to))
    }
}

async fn report(
    p: &Platform,
    headers: &HeaderMap,
    q: &Period,
) -> Result<crate::figures::Report, Refusal> {
    signed_in(p, headers)?;
    let (from, to) = q.days()?;
    Ok(p.figures(from, to).await?)
}

/// The figures as JSON: every group with its sums and figures.
pub(crate) async fn figures(
    State(p): State<Arc<Platform>>,
    headers: HeaderMap,
    Query(q): Query<Period>,
) -> Response {
    let r = match report(&p, &headers, &q).await {
        Ok(r) => r,
        Err(e) => return e.into_response(),
    };
    let rows: Vec<_> = r
        .rows()
        .into_iter()
        .map(|(grouping, key, s)| {
            serde_json::json!({
                "grouping": grouping,
                "key": key,
                "figures": crate::figures::Figures::from(s),
            })
        })
        .collect();
    security_headers(
        Json(serde_json::json!({ "from": r.from, "to": r.to, "rows": rows })).into_response(),
    )
}

pub(crate) async fn csv(
    State(p): State<Arc<Platform>>,
    headers: HeaderMap,
    Query(q): Query<Period>,
) -> Response {
    let r = match report(&p, &headers, &q).await {
        Ok(r) => r,
        Err(e) => return e.into_response(),
    };
    match r.csv() {
        Ok(text) => {
            let disposition = format!("attachment; filename=\"figures-{}-{}.csv\"", r.from, r.to);
            security_headers(
                (
                    [
                        (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_string()),
                        (header::CONTENT_DISPOSITION, disposition),
                    ],
                    text,
                )
                    .into_response(),
            )
        }
        Err(e) => storage(e),
    }
}

/// `/clerk/charts/{name}.svg`.
pub(crate) async fn chart(
    State(p): State<Arc<Platform>>,
    Path(file): Path<String>,
    headers: HeaderMap,
    Query(q): Query<Period>,
) -> Response {
    let name = file.strip_suffix(".svg").unwrap_or(&file);
    if !crate::charts::CHARTS.contains(&name) {
        return refuse(StatusCode::NOT_FOUND, "无此图表");
    }
    let r = match report(&p, &headers, &q).await {
        Ok(r) => r,
        Err(e) => return e.into_response(),
    };
    match crate::charts::chart(&r, name) {
        Some(Ok(svg)) => {
            security_headers(([(header::CONTENT_TYPE, "image/svg+xml")], svg).into_response())
        }
        Some(Err(e)) => storage(e),
        None => refuse(StatusCode::NOT_FOUND, "无此图表"),
    }
}

pub(crate) async fn bad_ratings(State(p): State<Arc<Platform>>, headers: HeaderMap) -> Response {
    if let Err(r) = signed_in(&p, &headers) {
        return r.into_response();
    }
    match p.bad_ratings().await {
        Ok(b) => security_headers(Json(b).into_response()),
        Err(e) => storage(e),
    }
}

/// 杨小通's answers: past their review date, marked unhelpful.
pub(crate) async fn knowledge(State(p): State<Arc<Platform>>, headers: HeaderMap) -> Response {
    if let Err(r) = signed_in(&p, &headers) {
        return r.into_response();
    }
    let today = crate::chain::shanghai_day(now_ms());
    match p.knowledge_status(&today).await {
        Ok(s) => security_headers(Json(s).into_response()),
        Err(e) => storage(e),
    }
}

/// Publishes a new knowledge base (the whole bundle, JSON); terminals take it at their next sync.
pub(crate) async fn publish_knowledge(
    State(p): State<Arc<Platform>>,
    headers: HeaderMap,
    body: String,
) -> Response {
    if let Err(r) = clerk_of(&p, &headers) {
        return r.into_response();
    }
    let Ok(kb) = serde_json::from_str::<kiosk_api::knowledge::KnowledgeBundle>(&body) else {
        return refuse(StatusCode::UNPROCESSABLE_ENTITY, "知识库格式不正确");
    };
    if kb.answers.is_empty() {
        return refuse(StatusCode::UNPROCESSABLE_ENTITY, "知识库没有答案");
    }
    match p.publish_knowledge(kb).await {
        Ok(version) => Json(serde_json::json!({ "version": version })).into_response(),
        Err(crate::knowledge::PublishError::Invalid(why)) => refuse(
            StatusCode::UNPROCESSABLE_ENTITY,
            &format!("知识库与事项目录不符：{why}"),
        ),
        Err(crate::knowledge::PublishError::Db(e)) => storage(e),
    }
}

#[derive(Deserialize)]
pub(crate) struct FollowUp {
    note: String,
}

/// The clerk of a state-changing request (cookie, origin and CSRF checked), or the refusal.
fn clerk_of(p: &Platform, headers: &HeaderMap) -> Result<String, Refusal> {
    authorised(p, headers)
        .map(|s| s.name)
        .map_err(|(status, why)| Refusal::Refused(status, why))
}

/// The answer to a clerk's write: done, not found (`missing` says what), or storage trouble.
fn written(r: Result<bool, crate::db::DbError>, missing: &str) -> Response {
    match r {
        Ok(true) => StatusCode::NO_CONTENT.into_response(),
        Ok(false) => refuse(StatusCode::NOT_FOUND, missing),
        Err(e) => storage(e),
    }
}

pub(crate) async fn follow_up(
    State(p): State<Arc<Platform>>,
    Path(key): Path<String>,
    headers: HeaderMap,
    Json(f): Json<FollowUp>,
) -> Response {
    let clerk = match clerk_of(&p, &headers) {
        Ok(c) => c,
        Err(r) => return r.into_response(),
    };
    let note = f.note.trim();
    if note.is_empty() || note.chars().count() > 2000 {
        return refuse(
            StatusCode::UNPROCESSABLE_ENTITY,
            "请写明回访情况（最多2000字）",
        );
    }
    written(p.follow_up(&key, &clerk, note).await, "无此差评")
}

#[derive(Deserialize)]
pub(crate) struct Decision {
    decision: String,
    /// For `correction`: what to correct, each naming a field or material of the case.
    #[serde(default)]
    reasons: Vec<crate::returns::ClerkReason>,
}

pub(crate) async fn decide(
    State(p): State<Arc<Platform>>,
    Path(number): Path<String>,
    headers: HeaderMap,
    Json(d): Json<Decision>,
) -> Response {
    let clerk = match clerk_of(&p, &headers) {
        Ok(c) => c,
        Err(r) => return r.into_response(),
    };
    if !DECISIONS.contains(&d.decision.as_str()) {
        return refuse(
            StatusCode::UNPROCESSABLE_ENTITY,
            "决定应为 accepted、correction 或 rejected",
        );
    }
    if d.decision == "correction" {
        match crate::returns::record_return(&p.db, &number, &d.reasons, &clerk).await {
            Ok(Ok(())) => {}
            Ok(Err(why)) if why == "无此办件" => return refuse(StatusCode::NOT_FOUND, &why),
            Ok(Err(why)) => return refuse(StatusCode::UNPROCESSABLE_ENTITY, &why),
            Err(e) => return storage(e),
        }
    }
    written(p.decide(&number, &d.decision, &clerk).await, "无此办件")
}
