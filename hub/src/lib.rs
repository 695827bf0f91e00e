//! The reference service-centre hub: the platform API the terminals talk to, under `/api/v1`.
//!
//! Terminals enrol with a one-time code and then carry a bearer token (kept hashed, revocable). The API is
//! described by an OpenAPI document generated from the handlers (`/api/v1/openapi.json`). State lives in
//! SQLite or PostgreSQL (`db`) and materials in files (`materials`). Every refusal is a 4xx with an
//! `ApiError` body saying why; a storage failure is a 503 the terminal retries.

mod bundles;
mod calls;
mod chain;
pub mod charts;
pub mod clerks;
pub mod common;
pub mod db;
pub mod devdata;
pub mod figures;
pub mod fleet;
mod held;
pub mod knowledge;
pub mod materials;
pub mod offers;
pub mod operations;
pub mod platform;
pub mod records;
mod resident;
pub mod returns;
pub use platform::{HubError, Platform, Received};

use axum::extract::{DefaultBodyLimit, Request, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use kiosk_api::{path, ApiError, EnrolReply, EnrolRequest, MAX_CHUNK};
use serde::Serialize;
use std::net::SocketAddr;
use std::sync::Arc;
use tokio::net::TcpListener;
use utoipa::OpenApi;

pub const API_PREFIX: &str = "/api/v1";

/// The prefix of the 随申码 the simulator's scanner shows; the hub plays the platform that knows them.
pub const DEMO_CODE_PREFIX: &str = "https://ssm.example.invalid/c/";

/// The largest JSON body taken (a case without its materials, which come in chunks).
pub const MAX_JSON: usize = 1024 * 1024;

#[derive(Debug, Serialize, serde::Deserialize, PartialEq, Eq, utoipa::ToSchema)]
pub struct Health {
    pub status: String,
    pub version: String,
}

/// The terminal a request's token belongs to (put there by the token check).
#[derive(Debug, Clone)]
pub struct TerminalId(pub String);

pub(crate) fn error(status: StatusCode, code: &str, message: &str) -> Response {
    (
        status,
        Json(ApiError {
            code: code.into(),
            message: message.into(),
        }),
    )
        .into_response()
}

/// Liveness of the hub, for terminals and monitoring.
#[utoipa::path(get, path = "/api/v1/health", tag = "hub",
    responses((status = 200, description = "The hub is up", body = Health)))]
async fn health() -> Json<Health> {
    Json(Health {
        status: "ok".into(),
        version: env!("CARGO_PKG_VERSION").into(),
    })
}

/// This document.
#[utoipa::path(get, path = "/api/v1/openapi.json", tag = "hub",
    responses((status = 200, description = "OpenAPI document", content_type = "application/json", body = Object)))]
async fn openapi() -> Json<serde_json::Value> {
    Json(document())
}

/// The OpenAPI document: generated from the handlers and types, then completed with what every operation
/// shares (refusals axum makes before a handler runs, the token check, maintenance) and with tuple lengths
/// (a `(String, String)` row has exactly two items).
pub fn document() -> serde_json::Value {
    let mut doc = serde_json::to_value(ApiDoc::openapi()).unwrap_or_default();
    fix_tuples(&mut doc);
    let refusal = |what: &str| {
        serde_json::json!({
            "description": what,
            "content": { "application/json": { "schema": { "$ref": "#/components/schemas/ApiError" } } }
        })
    };
    if let Some(paths) = doc.get_mut("paths").and_then(|p| p.as_object_mut()) {
        for item in paths.values_mut().filter_map(|i| i.as_object_mut()) {
            for op in item.values_mut().filter_map(|o| o.as_object_mut()) {
                let has_body = op.contains_key("requestBody");
                let has_params = op.contains_key("parameters");
                let secured = op.contains_key("security");
                let Some(responses) = op.get_mut("responses").and_then(|r| r.as_object_mut())
                else {
                    continue;
                };
                let mut add = |code: &str, what: &str| {
                    responses.entry(code).or_insert_with(|| refusal(what));
                };
                if has_body {
                    add("400", "Unreadable body (not JSON, or cut short)");
                    add("413", "Body too large");
                    add("415", "Wrong content type");
                    add("422", "Well-formed but invalid");
                }
                if has_params {
                    add("400", "A parameter is missing or malformed");
                }
                if secured {
                    add("401", "No valid terminal token");
                    add(
                        "503",
                        "Platform down for maintenance, or its storage unavailable",
                    );
                }
            }
        }
    }
    doc
}

/// Arrays with `prefixItems` (Rust tuples) take exactly that many items.
fn fix_tuples(v: &mut serde_json::Value) {
    match v {
        serde_json::Value::Object(o) => {
            if let Some(n) = o
                .get("prefixItems")
                .and_then(|p| p.as_array())
                .map(Vec::len)
            {
                o.insert("minItems".into(), n.into());
                o.insert("maxItems".into(), n.into());
            }
            o.values_mut().for_each(fix_tuples);
        }
        serde_json::Value::Array(a) => a.iter_mut().for_each(fix_tuples),
        _ => {}
    }
}

/// A terminal trades a one-time code for its token.
#[utoipa::path(post, path = "/api/v1/enrol", tag = "hub", request_body = EnrolRequest,
    responses(
        (status = 200, description = "The terminal's token (shown once)", body = EnrolReply),
        (status = 401, description = "Unknown, spent or expired code, or another terminal's", body = ApiError),
        (status = 422, description = "Invalid request", body = ApiError)))]
async fn enrol(State(p): State<Arc<Platform>>, Json(r): Json<EnrolRequest>) -> Response {
    if r.terminal_id.is_empty() || r.terminal_id.chars().count() > 64 || r.code.chars().count() > 64
    {
        return error(
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid",
            "终端编号应为1至64个字符",
        );
    }
    let token = match common::random_hex(32) {
        Ok(t) => t,
        Err(e) => return common::storage(e),
    };
    match p
        .db
        .enrol(
            &common::code_hash(&r.code),
            &r.terminal_id,
            &kiosk_api::sha256_hex(token.as_bytes()),
            common::now_ms(),
        )
        .await
    {
        Ok(true) => {
            tracing::info!(terminal = %r.terminal_id, "terminal enrolled");
            Json(EnrolReply { token }).into_response()
        }
        Ok(false) => unauthorised("注册码无效、已使用或已过期"),
        Err(e) => common::storage(e),
    }
}

fn unauthorised(message: &str) -> Response {
    let mut r = error(StatusCode::UNAUTHORIZED, "unauthorised", message);
    r.headers_mut()
        .insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
    r
}

/// Every platform call: the hub is up, and the bearer token is a terminal's and not revoked.
async fn authorise(State(p): State<Arc<Platform>>, mut req: Request, next: Next) -> Response {
    if let Some(r) = p.unavailable() {
        return r;
    }
    let token = req
        .headers()
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .map(str::trim)
        .filter(|t| !t.is_empty() && t.len() <= 128);
    let Some(token) = token else {
        return unauthorised("缺少终端凭证（Authorization: Bearer …）");
    };
    match p
        .db
        .token_terminal(&kiosk_api::sha256_hex(token.as_bytes()))
        .await
    {
        Ok(Some(terminal)) => {
            req.extensions_mut().insert(TerminalId(terminal));
            next.run(req).await
        }
        Ok(None) => unauthorised("终端凭证无效或已吊销"),
        Err(e) => common::storage(e),
    }
}

/// Refusals that axum makes itself (unreadable JSON, a body too large, an unknown path) come as plain text;
/// they leave as an `ApiError` like every other refusal.
async fn json_errors(req: Request, next: Next) -> Response {
    let r = next.run(req).await;
    // JSON is already an `ApiError`; HTML is the clerk console's login page saying why, for a person.
    let is_json_or_page = r.headers().get(header::CONTENT_TYPE).is_some_and(|v| {
        v.as_bytes().starts_with(b"application/json") || v.as_bytes().starts_with(b"text/html")
    });
    if !(r.status().is_client_error() || r.status().is_server_error()) || is_json_or_page {
        return r;
    }
    let status = r.status();
    let (parts, body) = r.into_parts();
    let text = axum::body::to_bytes(body, 4096).await.unwrap_or_default();
    let message = String::from_utf8_lossy(&text).trim().to_string();
    let code = status
        .canonical_reason()
        .unwrap_or("error")
        .to_ascii_lowercase()
        .replace(' ', "-");
    let mut out = error(
        status,
        &code,
        if message.is_empty() { &code } else { &message },
    );
    for (name, value) in parts.headers.iter() {
        if name != header::CONTENT_TYPE && name != header::CONTENT_LENGTH {
            out.headers_mut().insert(name, value.clone());
        }
    }
    out
}

struct TerminalToken;

impl utoipa::Modify for TerminalToken {
    fn modify(&self, doc: &mut utoipa::openapi::OpenApi) {
        use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
        let components = doc.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "terminal",
            SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).build()),
        );
    }
}

#[derive(OpenApi)]
#[openapi(
    info(title = "Kiosk hub platform API", description = "What the self-service terminals send to the service centre, and its answers."),
    paths(
        health, openapi, enrol,
        platform::identity, platform::prefill, platform::cases, records::evaluations, records::help,
        records::not_done, records::figures, records::telemetry, platform::certificate, materials::status, materials::upload,
        calls::document, fleet::heartbeat, fleet::audit, resident::overview, resident::confirm, held::held,
        knowledge::bundle, knowledge::unhelpful,
    ),
    modifiers(&TerminalToken)
)]
pub struct ApiDoc;

/// The hub's routes with its platform state.
pub fn router_with(platform: Arc<Platform>) -> Router {
    let guarded = Router::new()
        .route(path::IDENTITY, post(platform::identity))
        .route(path::PREFILL, post(platform::prefill))
        .route(path::CASES, post(platform::cases))
        .route(path::OVERVIEW, post(resident::overview))
        .route(path::OFFER_CONFIRM, post(resident::confirm))
        .route(path::HELD, post(held::held))
        .route(path::KNOWLEDGE, get(knowledge::bundle))
        .route(path::KNOWLEDGE_UNHELPFUL, post(knowledge::unhelpful))
        .route(path::EVALUATIONS, post(records::evaluations))
        .route(path::HELP, post(records::help))
        .route(path::NOT_DONE, post(records::not_done))
        .route(path::FIGURES, post(records::figures))
        .route(path::TELEMETRY, post(records::telemetry))
        .route(path::HEARTBEAT, post(fleet::heartbeat))
        .route(path::AUDIT, post(fleet::audit))
        .route("/certificates/{number}", get(platform::certificate))
        .route(
            "/materials/{sha256}",
            get(materials::status)
                .put(materials::upload)
                .layer(DefaultBodyLimit::max(MAX_CHUNK)),
        )
        .route(path::CALL_WS, get(calls::terminal_ws))
        .route("/call/documents/{id}", get(calls::document))
        .route_layer(middleware::from_fn_with_state(platform.clone(), authorise));
    // The clerk console: its own login, not the terminals' tokens.
    let clerk = Router::new()
        .route("/clerk", get(clerks::console))
        .route("/clerk/login", get(clerks::login_form).post(clerks::login))
        .route("/clerk/logout", post(clerks::logout))
        .route("/clerk/me", get(clerks::me))
        .route("/clerk/console.js", get(clerks::asset))
        .route("/clerk/console.css", get(clerks::asset))
        .route("/clerk/font.otf", get(clerks::font))
        .route("/clerk/ws", get(calls::clerk_ws))
        .route(
            "/clerk/print",
            post(calls::print).layer(DefaultBodyLimit::max(calls::MAX_PRINT)),
        )
        .route("/clerk/materials/{sha256}", get(calls::material))
        .route("/clerk/operations", get(operations::page))
        .route("/clerk/operations.js", get(operations::script))
        .route("/clerk/api/fleet", get(operations::fleet))
        .route(
            "/clerk/api/fleet/{terminal}/config",
            post(operations::push_config),
        )
        .route("/clerk/api/audit", get(operations::audit))
        .route("/clerk/api/figures", get(operations::figures))
        .route("/clerk/figures.csv", get(operations::csv))
        .route("/clerk/charts/{file}", get(operations::chart))
        .route("/clerk/api/bad-ratings", get(operations::bad_ratings))
        .route(
            "/clerk/api/knowledge",
            get(operations::knowledge)
                .put(operations::publish_knowledge)
                .layer(DefaultBodyLimit::max(knowledge::MAX_BUNDLE)),
        )
        .route(
            "/clerk/api/bad-ratings/{key}/follow-up",
            post(operations::follow_up),
        )
        .route(
            "/clerk/api/cases/{number}/decision",
            post(operations::decide),
        );
    let open = Router::new()
        .route(path::HEALTH, get(health))
        .route(path::OPENAPI, get(openapi))
        .route(path::ENROL, post(enrol));
    Router::new()
        .nest(API_PREFIX, guarded.merge(open))
        .merge(clerk)
        .layer(DefaultBodyLimit::max(MAX_JSON))
        .layer(middleware::from_fn(json_errors))
        .with_state(platform)
}

/// Serves the hub with the caller's platform state until the future is dropped.
pub async fn serve_with(listener: TcpListener, platform: Arc<Platform>) -> std::io::Result<()> {
    // The client's address is kept for the clerk login's rate limit.
    axum::serve(
        listener,
        router_with(platform).into_make_service_with_connect_info::<SocketAddr>(),
    )
    .await
}

/// Binds `addr` and returns the listener and the address it got (port 0 picks a free one).
pub async fn bind(addr: SocketAddr) -> std::io::Result<(TcpListener, SocketAddr)> {
    let listener = TcpListener::bind(addr).await?;
    let local = listener.local_addr()?;
    Ok((listener, local))
}
