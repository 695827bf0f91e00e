//! The reference service-centre hub: the platform API the terminals talk to.
//!
//! This first version answers the terminals' health check and serves its OpenAPI description; the platform
//! API proper (identity, catalogue, cases, evaluations, help, telemetry) and the clerk console grow here.

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
            } }
        }
    }))
}

pub fn router() -> Router {
    Router::new()
        .route(&format!("{API_PREFIX}/health"), get(health))
        .route(&format!("{API_PREFIX}/openapi.json"), get(openapi))
}

/// Serves the hub on `listener` until the future is dropped.
pub async fn serve(listener: TcpListener) -> std::io::Result<()> {
    axum::serve(listener, router()).await
}

/// Binds `addr` and returns the listener and the address it got (port 0 picks a free one).
pub async fn bind(addr: SocketAddr) -> std::io::Result<(TcpListener, SocketAddr)> {
    let listener = TcpListener::bind(addr).await?;
    let local = listener.local_addr()?;
    Ok((listener, local))
}
