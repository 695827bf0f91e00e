//! The reference service-centre hub: the platform API the terminals talk to.
//!
//! It answers the terminals' health check, serves its OpenAPI description and the platform API of `platform`
//! (prefill, cases, evaluations, help, 办不成事, figures); the clerk console and the fleet view grow here.

pub mod platform;
pub use platform::Platform;

use axum::{routing::get, Json, Router};
use serde::Serialize;
use std::net::SocketAddr;
use tokio::net::TcpListener;

pub const API_PREFIX: &str = "/api/v1";

#[derive(Debug, Serialize, serde::Deserialize, PartialEq, Eq)]
pub struct Health {
    pub status: String,
    pub version: String,
}

async fn health() -> Json<Health> {
    Json(Health {
        status: "ok".into(),
        version: env!("CARGO_PKG_VERSION").into(),
    })
}

async fn openapi() -> Json<serde_json::Value> {
    Json(serde_json::json!({
        "openapi": "3.1.0",
        "info": { "title": "Kiosk hub platform API", "version": env!("CARGO_PKG_VERSION") },
        "paths": {
            "/api/v1/health": { "get": {
                "summary": "Liveness of the hub, for terminals and monitoring",
                "responses": { "200": { "description": "The hub is up", "content": { "application/json": {
                    "schema": { "type": "object", "required": ["status", "version"], "properties": {
                        "status": { "type": "string", "enum": ["ok"] },
                        "version": { "type": "string" } } } } } } }
            } },
            "/api/v1/openapi.json": { "get": {
                "summary": "This document",
                "responses": { "200": { "description": "OpenAPI 3.1 document" } }
            } },
            "/api/v1/identity": { "post": {
                "summary": "Whose 随申码 is this: the applicant's name and ID number (kiosk_api::IdentityRequest → IdentityReply; 404 for an unknown or expired code)",
                "responses": { "200": { "description": "The holder" }, "404": { "description": "Unknown code" }, "503": { "description": "Platform down" } }
            } },
            "/api/v1/prefill": { "post": {
                "summary": "What the government holds for a resident and item: real-name record and electronic certificates (PrefillRequest → PrefillReply)",
                "responses": { "200": { "description": "Values by source; absent sources are not held" }, "503": { "description": "Platform down" } }
            } },
            "/api/v1/cases": { "post": {
                "summary": "Submit a case; one case per idempotency key, a repeat gets the same reply (CaseRequest → CaseReply, with the document to print for print items)",
                "responses": { "200": { "description": "The case" }, "422": { "description": "Invalid request" }, "503": { "description": "Platform down" } }
            } },
            "/api/v1/evaluations": { "post": {
                "summary": "好差评 of a case, levels 1–5; 1 and 2 are followed up (Evaluation → Ticket)",
                "responses": { "200": { "description": "Recorded" }, "422": { "description": "Level out of range" } }
            } },
            "/api/v1/help": { "post": {
                "summary": "A resident asked for a person (HelpRequest → HelpReply)",
                "responses": { "200": { "description": "Staff told" } }
            } },
            "/api/v1/not-done": { "post": {
                "summary": "办不成事: item, step and reason (NotDoneReport → Ticket)",
                "responses": { "200": { "description": "Recorded for follow-up" } }
            } },
            "/api/v1/figures": { "post": {
                "summary": "Operations figures of one session, without personal data (SessionFigures → Ticket)",
                "responses": { "200": { "description": "Recorded" } }
            } }
        }
    }))
}

pub fn router() -> Router {
    router_with(std::sync::Arc::new(Platform::default()))
}

/// The hub with a platform state the caller keeps (to look at what arrived, or take the platform down).
pub fn router_with(platform: std::sync::Arc<Platform>) -> Router {
    Router::new()
        .route(&format!("{API_PREFIX}/health"), get(health))
        .route(&format!("{API_PREFIX}/openapi.json"), get(openapi))
        .nest(API_PREFIX, platform::routes(platform))
}

/// Serves the hub on `listener` until the future is dropped.
pub async fn serve(listener: TcpListener) -> std::io::Result<()> {
    axum::serve(listener, router()).await
}

/// Serves the hub with the caller's platform state.
pub async fn serve_with(
    listener: TcpListener,
    platform: std::sync::Arc<Platform>,
) -> std::io::Result<()> {
    axum::serve(listener, router_with(platform)).await
}

/// Binds `addr` and returns the listener and the address it got (port 0 picks a free one).
pub async fn bind(addr: SocketAddr) -> std::io::Result<(TcpListener, SocketAddr)> {
    let listener = TcpListener::bind(addr).await?;
    let local = listener.local_addr()?;
    Ok((listener, local))
}
