//! 补正: a clerk sends a case back with reasons (each naming a field or a material of the case), the resident
//! sees it the next time they identify at a terminal and corrects just that; the correction answers the
//! return and the case waits for a decision again. Every return is a round, so second returns are counted.

use crate::common::*;
use crate::db::{Db, DbError};
use crate::error;
use crate::platform::Platform;
use axum::http::StatusCode;
use axum::response::Response;
use kiosk_api::{Applicant, CaseReply, CaseRequest, CaseState, ReturnReason, ReturnedCase};
use serde::Deserialize;
use sqlx::Row;

/// The most reasons one return names, and the longest note.
pub const MAX_REASONS: usize = 20;
pub const MAX_NOTE: usize = 200;

/// A reason as the clerk writes it: what (a field's id or label, or a material's name) and why.
#[derive(Debug, Deserialize)]
pub struct ClerkReason {
    pub target: String,
    pub note: String,
}

/// A case as the platform took it.
struct Filed {
    key: String,
    item_code: String,
    body: CaseRequest,
}

fn parse<T: serde::de::DeserializeOwned>(body: &str) -> Result<T, DbError> {
    serde_json::from_str(body).map_err(|e| DbError::Corrupt(e.to_string()))
}

async fn filed(db: &Db, case_number: &str) -> Result<Option<Filed>, DbError> {
    let row =
        sqlx::query("SELECT idempotency_key, item_code, body FROM cases WHERE case_number = $1")
            .bind(case_number)
            .fetch_optional(db.pool())
            .await?;
    let Some(r) = row else { return Ok(None) };
    let body: String = r.try_get(2)?;
    Ok(Some(Filed {
        key: r.try_get(0)?,
        item_code: r.try_get(1)?,
        body: parse(&body)?,
    }))
}

/// Each reason's target found in the case as filed: a field by id or label, a material or certificate by
/// name. A reason that names nothing of the case is refused, so that the resident can always act on it.
pub fn resolve(case: &CaseRequest, reasons: &[ClerkReason]) -> Result<Vec<ReturnReason>, String> {
    if reasons.is_empty() || reasons.len() > MAX_REASONS {
        return Err(format!("退回补正须写明原因（1 至 {MAX_REASONS} 条）"));
    }
    reasons
        .iter()
        .map(|r| {
            let (target, note) = (r.target.trim(), r.note.trim());
            if note.is_empty() || note.chars().count() > MAX_NOTE {
                return Err(format!("每条原因须写明（最多{MAX_NOTE}字）"));
            }
            let field = case
                .fields
                .iter()
                .find(|f| f.id == target || f.label == target)
                .map(|f| f.id.clone());
            let material = case
                .materials
                .iter()
                .map(|m| &m.name)
                .chain(case.certificates.iter().map(|c| &c.name))
                .find(|n| n.as_str() == target)
                .cloned();
            if field.is_none() && material.is_none() {
                return Err(format!("「{target}」不是此办件的字段或材料"));
            }
            Ok(ReturnReason {
                material: if field.is_some() { None } else { material },
                field,
                note: note.to_string(),
            })
        })
        .collect()
}

/// Records a return with its reasons: a new round, or new reasons for a return not corrected yet. The inner
/// error is the clerk's mistake, in words.
pub(crate) async fn record_return(
    db: &Db,
    case_number: &str,
    reasons: &[ClerkReason],
    clerk: &str,
) -> Result<Result<(), String>, DbError> {
    let Some(case) = filed(db, case_number).await? else {
        return Ok(Err("无此办件".into()));
    };
    let resolved = match resolve(&case.body, reasons) {
        Ok(r) => r,
        Err(why) => return Ok(Err(why)),
    };
    let json = serde_json::to_string(&resolved).map_err(|e| DbError::Corrupt(e.to_string()))?;
    let mut tx = db.pool().begin().await?;
    let updated = sqlx::query(
        "UPDATE case_returns SET reasons = $1, clerk = $2, returned_ms = $3 \
         WHERE case_number = $4 AND corrected_ms IS NULL",
    )
    .bind(&json)
    .bind(clerk)
    .bind(now_ms())
    .bind(case_number)
    .execute(&mut *tx)
    .await?
    .rows_affected();
    if updated == 0 {
        let round: i64 = sqlx::query(
            "SELECT CAST(COALESCE(MAX(round), 0) AS BIGINT) FROM case_returns WHERE case_number = $1",
        )
        .bind(case_number)
        .fetch_one(&mut *tx)
        .await?
        .try_get(0)?;
        sqlx::query(
            "INSERT INTO case_returns (case_number, round, reasons, clerk, returned_ms) \
             VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(case_number)
        .bind(round + 1)
        .bind(&json)
        .bind(clerk)
        .bind(now_ms())
        .execute(&mut *tx)
        .await?;
    }
    tx.commit().await?;
    Ok(Ok(()))
}

/// The resident's cases waiting for a correction, with the reasons and the fields as they stand.
pub(crate) async fn returned_for(
    db: &Db,
    applicant: &Applicant,
) -> Result<Vec<ReturnedCase>, DbError> {
    let rows = sqlx::query(
        "SELECT c.case_number, r.round, r.reasons FROM case_returns r \
         JOIN cases c ON c.case_number = r.case_number \
         WHERE r.corrected_ms IS NULL AND c.body LIKE $1 ORDER BY r.returned_ms",
    )
    .bind(crate::resident::applicant_pattern(&applicant.id_number))
    .fetch_all(db.pool())
    .await?;
    let mut out = Vec::new();
    for r in &rows {
        let number: String = r.try_get(0)?;
        let round: i64 = r.try_get(1)?;
        let reasons: String = r.try_get(2)?;
        let Some(case) = filed(db, &number).await? else {
            continue;
        };
        // Only the person named: the pattern matched the ID number, the name must match too.
        if case.body.applicant.as_ref() != Some(applicant) {
            continue;
        }
        let (mut item_code, mut item_name, mut department) = (
            case.item_code.clone(),
            case.body.item_name.clone(),
            String::new(),
        );
        // A department's case of a bundle is corrected through its bundle's form.
        if let Some((bundle_key, _)) = case.key.split_once('/') {
            let row = sqlx::query("SELECT item_code, body FROM cases WHERE idempotency_key = $1")
                .bind(bundle_key)
                .fetch_optional(db.pool())
                .await?;
            if let Some(b) = row {
                let body: CaseRequest = parse(&b.try_get::<String, _>(1)?)?;
                item_code = b.try_get(0)?;
                if let Some(part) = body.parts.iter().find(|p| p.item_code == case.item_code) {
                    department = part.department.clone();
                }
                item_name = body.item_name;
            }
        }
        let mut fields = case.body.fields.clone();
        let corrections =
            sqlx::query("SELECT body FROM case_corrections WHERE case_number = $1 ORDER BY round")
                .bind(&number)
                .fetch_all(db.pool())
                .await?;
        for c in &corrections {
            let body: CaseRequest = parse(&c.try_get::<String, _>(0)?)?;
            for f in body.fields {
                match fields.iter_mut().find(|x| x.id == f.id) {
                    Some(x) => x.value = f.value,
                    None => fields.push(f),
                }
            }
        }
        out.push(ReturnedCase {
            case_number: number,
            item_code,
            item_name,
            department,
            round: u32::try_from(round).unwrap_or(u32::MAX),
            reasons: parse(&reasons)?,
            fields,
        });
    }
    Ok(out)
}

/// A correction of case `number` (`CaseRequest::corrects`): once per idempotency key, only by the person who
/// filed the case, only while a return waits for it. The reply is the case again.
pub(crate) async fn take_correction(p: &Platform, r: &CaseRequest, number: &str) -> Response {
    match correct(p, r, number).await {
        Ok(Ok(reply)) => reply_json(&reply),
        Ok(Err(response)) => response,
        Err(e) => storage(e),
    }
}

/// The answer to an earlier correction under this key: the same reply for the same body, else the key was
/// used for another request.
async fn earlier(
    db: &Db,
    key: &str,
    hash: &str,
) -> Result<Option<Result<String, Response>>, DbError> {
    let row =
        sqlx::query("SELECT body_hash, reply FROM case_corrections WHERE idempotency_key = $1")
            .bind(key)
            .fetch_optional(db.pool())
            .await?;
    let Some(row) = row else { return Ok(None) };
    let (h, reply): (String, String) = (row.try_get(0)?, row.try_get(1)?);
    Ok(Some(if h == hash {
        Ok(reply)
    } else {
        Err(key_reused())
    }))
}

async fn correct(
    p: &Platform,
    r: &CaseRequest,
    number: &str,
) -> Result<Result<String, Response>, DbError> {
    let (body, hash) = canonical(r);
    if let Some(answer) = earlier(&p.db, &r.idempotency_key, &hash).await? {
        return Ok(answer);
    }
    let Some(case) = filed(&p.db, number).await? else {
        // 422, not 404 or 409: final for the terminal's outbox, which retries anything else.
        return Ok(Err(error(
            StatusCode::UNPROCESSABLE_ENTITY,
            "unknown-case",
            "无此办件",
        )));
    };
    if case.body.applicant.is_none() || case.body.applicant != r.applicant {
        return Ok(Err(error(
            StatusCode::FORBIDDEN,
            "not-your-case",
            "只能补正本人的办件",
        )));
    }
    let reply = CaseReply {
        follow_url: format!("https://zwdt.sh.gov.cn/case/{number}"),
        case_number: number.to_string(),
        state: CaseState::Accepted,
        document: None,
        parts: Vec::new(),
    };
    let reply = serde_json::to_string(&reply).map_err(|e| DbError::Corrupt(e.to_string()))?;
    let now = now_ms();
    let mut tx = p.db.pool().begin().await?;
    // The write first: it takes the return, so two corrections racing answer it once.
    let round = sqlx::query(
        "UPDATE case_returns SET corrected_by = $1, corrected_ms = $2 \
         WHERE case_number = $3 AND corrected_ms IS NULL RETURNING round",
    )
    .bind(&r.idempotency_key)
    .bind(now)
    .bind(number)
    .fetch_optional(&mut *tx)
    .await?;
    let Some(round) = round else {
        tx.rollback().await?;
        // A retry of this very correction that won the race answers as it did.
        if let Some(answer) = earlier(&p.db, &r.idempotency_key, &hash).await? {
            return Ok(answer);
        }
        return Ok(Err(error(
            StatusCode::UNPROCESSABLE_ENTITY,
            "not-returned",
            "此办件没有待补正的内容",
        )));
    };
    let round: i64 = round.try_get(0)?;
    sqlx::query(
        "INSERT INTO case_corrections (idempotency_key, case_number, round, terminal_id, body_hash, body, \
         reply, received_ms) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
    )
    .bind(&r.idempotency_key)
    .bind(number)
    .bind(round)
    .bind(&r.terminal_id)
    .bind(&hash)
    .bind(&body)
    .bind(&reply)
    .bind(now)
    .execute(&mut *tx)
    .await?;
    // Waiting for a decision again.
    sqlx::query("DELETE FROM case_decisions WHERE case_number = $1")
        .bind(number)
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    tracing::info!(case = %number, round, item = %case.item_code, "correction taken");
    Ok(Ok(reply))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reason(target: &str, note: &str) -> ClerkReason {
        ClerkReason {
            target: target.into(),
            note: note.into(),
        }
    }

    #[test]
    fn a_reason_names_a_field_by_id_or_label_or_a_material_by_name() {
        let mut case = kiosk_api_sample();
        case.fields.push(kiosk_api::FieldValue {
            id: "shop_name".into(),
            label: "店铺名称".into(),
            value: "浩然咖啡".into(),
        });
        case.materials.push(kiosk_api::MaterialRef {
            name: "店招设计效果图".into(),
            media_type: "image/jpeg".into(),
            sha256: "00".into(),
            size: 1,
        });
        let got = resolve(
            &case,
            &[
                reason("店铺名称", "与名称自主申报不一致"),
                reason("shop_name", "再看一次"),
                reason("店招设计效果图", "照片不清晰"),
            ],
        )
        .expect("resolved");
        assert_eq!(got[0].field.as_deref(), Some("shop_name"));
        assert_eq!(got[1].field.as_deref(), Some("shop_name"));
        assert_eq!(got[2].material.as_deref(), Some("店招设计效果图"));
        assert!(resolve(&case, &[reason("户口簿", "缺")]).is_err());
        assert!(resolve(&case, &[reason("店铺名称", " ")]).is_err());
        assert!(resolve(&case, &[]).is_err());
    }

    fn kiosk_api_sample() -> CaseRequest {
        CaseRequest {
            idempotency_key: "k".into(),
            terminal_id: "T".into(),
            item_code: "YJS-KD".into(),
            item_name: "开店一件事".into(),
            kind: kiosk_api::ItemKind::Apply,
            applicant: None,
            fields: Vec::new(),
            materials: Vec::new(),
            commitment: None,
            application_pdf: None,
            submitted_at: String::new(),
            parts: Vec::new(),
            certificates: Vec::new(),
            corrects: None,
        }
    }
}
