//! Helpers every part of the hub's API shares: the clock, randomness, hashes of codes, the refusals it
//! answers with, and the canonical form of a request.

use crate::{error, TerminalId};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use kiosk_api::sha256_hex;
use serde::Serialize;

pub fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_millis() as i64)
        .unwrap_or(0)
}

/// `bytes` random bytes as hex: tokens, session ids, call ids. No fallback: without the system's randomness
/// nothing secret or unique can be made, and the caller refuses.
pub(crate) fn random_hex(bytes: usize) -> Result<String, getrandom::Error> {
    let mut raw = vec![0u8; bytes];
    getrandom::fill(&mut raw)?;
    Ok(raw.iter().map(|b| format!("{b:02x}")).collect())
}

/// Enrolment codes are compared without case or dashes (a person types them).
pub(crate) fn code_hash(code: &str) -> String {
    let norm: String = code
        .chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .map(|c| c.to_ascii_uppercase())
        .collect();
    sha256_hex(norm.as_bytes())
}

/// A database failure: the terminal tries again later (its outbox keeps the request).
pub(crate) fn storage(e: impl std::fmt::Display) -> Response {
    tracing::error!(error = %e, "hub storage failed");
    error(
        StatusCode::SERVICE_UNAVAILABLE,
        "storage",
        "平台存储暂不可用，请稍后重试",
    )
}

pub(crate) fn invalid(message: &str) -> Response {
    error(StatusCode::UNPROCESSABLE_ENTITY, "invalid", message)
}

pub(crate) fn key_reused() -> Response {
    error(
        StatusCode::UNPROCESSABLE_ENTITY,
        "idempotency-key-reused",
        "该幂等键已用于另一份请求",
    )
}

/// A terminal may write only as itself: the refusal when a request names another.
pub(crate) fn other_terminal(who: &TerminalId, claimed: &str) -> Option<Response> {
    (who.0 != claimed).then(|| {
        error(
            StatusCode::FORBIDDEN,
            "terminal-mismatch",
            "请求中的终端编号与凭证不符",
        )
    })
}

/// The canonical bytes of a request and their hash (serde writes a struct's fields in one order).
pub(crate) fn canonical<T: Serialize>(value: &T) -> (String, String) {
    let body = serde_json::to_string(value).unwrap_or_default();
    let hash = sha256_hex(body.as_bytes());
    (body, hash)
}

pub(crate) fn reply_json(stored: &str) -> Response {
    (
        [(header::CONTENT_TYPE, "application/json")],
        stored.to_string(),
    )
        .into_response()
}
