//! `POST /held`: what the terminal shows a resident who opens something the government holds for them — an
//! electronic certificate (its rows as the certificate service has them) or a material of one of their
//! earlier cases (电子材料链: its picture, and the case it came with). Only the resident's own: the holder's
//! ID number and name must be the applicant's.

use crate::common::*;
use crate::platform::Platform;
use crate::resident::applicant_pattern;
use crate::{devdata, error, TerminalId};
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::{Extension, Json};
use base64::Engine as _;
use kiosk_api::resident::held_words;
use kiosk_api::{ApiError, CaseRequest, HeldRequest, HeldRow, HeldView};
use sqlx::Row;
use std::sync::Arc;

fn row(label: &str, value: impl Into<String>) -> HeldRow {
    HeldRow {
        label: label.into(),
        value: value.into(),
    }
}

fn not_yours() -> Response {
    error(StatusCode::FORBIDDEN, "not-yours", "这不是您的证照或材料")
}

/// An electronic certificate or an earlier case's material of the resident's, to show them.
#[utoipa::path(post, path = "/api/v1/held", tag = "platform", request_body = HeldRequest,
    security(("terminal" = [])),
    responses(
        (status = 200, description = "What the resident sees of it", body = HeldView),
        (status = 401, description = "No valid terminal token", body = ApiError),
        (status = 403, description = "Another terminal named, or not the applicant's", body = ApiError),
        (status = 404, description = "No such certificate or material", body = ApiError),
        (status = 422, description = "Neither or both of certificate and material named", body = ApiError),
        (status = 503, description = "Platform down", body = ApiError)))]
pub(crate) async fn held(
    State(p): State<Arc<Platform>>,
    Extension(who): Extension<TerminalId>,
    Json(r): Json<HeldRequest>,
) -> Response {
    if let Some(e) = other_terminal(&who, &r.terminal_id) {
        return e;
    }
    let answer = match (&r.certificate, &r.material) {
        (Some(number), None) => certificate(&p, &r, number).await,
        (None, Some(sha)) => material(&p, &r, sha).await,
        _ => Err(error(
            StatusCode::UNPROCESSABLE_ENTITY,
            "one-thing",
            "请指明一个电子证照或一份材料",
        )),
    };
    match answer {
        Ok(view) => Json(view).into_response(),
        Err(response) => response,
    }
}

async fn certificate(p: &Platform, r: &HeldRequest, number: &str) -> Result<HeldView, Response> {
    let cert = match p.db.certificate(number).await {
        Ok(Some(c)) => c,
        Ok(None) => {
            return Err(error(
                StatusCode::NOT_FOUND,
                "unknown-certificate",
                "无此电子证照",
            ))
        }
        Err(e) => return Err(storage(e)),
    };
    let holder = p.db.resident(&cert.id_number).await.map_err(storage)?;
    if cert.id_number != r.applicant.id_number || holder.is_none_or(|h| h.name != r.applicant.name)
    {
        return Err(not_yours());
    }
    let mut rows: Vec<HeldRow> = cert
        .fields
        .iter()
        .map(|(k, v)| row(devdata::field_label(k), v.clone()))
        .collect();
    rows.push(row("证照编号", cert.number.clone()));
    rows.push(row("签发日期", cert.issued_on.clone()));
    Ok(HeldView {
        title: cert.title,
        issuer: cert.issuer,
        rows,
        picture_jpeg_base64: None,
    })
}

async fn material(p: &Platform, r: &HeldRequest, sha: &str) -> Result<HeldView, Response> {
    let unknown = || error(StatusCode::NOT_FOUND, "unknown-material", "无此材料");
    let found = sqlx::query(
        "SELECT c.case_number, c.body, c.received_ms FROM case_materials m \
         JOIN cases c ON c.idempotency_key = m.idempotency_key \
         WHERE m.sha256 = $1 AND c.body LIKE $2 ORDER BY c.received_ms",
    )
    .bind(sha)
    .bind(applicant_pattern(&r.applicant.id_number))
    .fetch_all(p.db.pool())
    .await
    .map_err(storage)?;
    // The first case of the applicant's own (the pattern matched the number; the name must match too).
    let mut own = None;
    for f in &found {
        let body: String = f.try_get(1).map_err(storage)?;
        let Ok(body) = serde_json::from_str::<CaseRequest>(&body) else {
            continue;
        };
        if body.applicant.as_ref() == Some(&r.applicant) {
            let number: String = f.try_get(0).map_err(storage)?;
            let received: i64 = f.try_get(2).map_err(storage)?;
            own = Some((number, body, received));
            break;
        }
    }
    let Some((number, body, received)) = own else {
        // Someone's material or none: the same answer, so a hash tells nothing about whose it is.
        return Err(unknown());
    };
    let Some(m) = body.materials.iter().find(|m| m.sha256 == sha) else {
        return Err(unknown());
    };
    let picture = match (m.media_type.as_str(), p.material_path(sha)) {
        ("image/jpeg", Some(path)) => {
            let bytes = tokio::fs::read(&path).await.map_err(storage)?;
            Some(base64::engine::general_purpose::STANDARD.encode(bytes))
        }
        _ => None,
    };
    Ok(HeldView {
        title: m.name.clone(),
        issuer: held_words::EARLIER.into(),
        rows: vec![
            row(
                held_words::FILED_WITH,
                format!("{}（{}）", body.item_name, number),
            ),
            row(held_words::FILED_ON, crate::chain::shanghai_day(received)),
        ],
        picture_jpeg_base64: picture,
    })
}
