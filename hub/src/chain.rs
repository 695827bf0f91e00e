//! 电子材料链: what a resident handed in with an earlier case, offered again with the prefill so that nothing
//! is asked twice across sessions. A material counts while its case is recent (`EARLIER_DAYS`) and no clerk
//! returned the case for it; the newest of a name wins. Only the person who filed it gets it.

use crate::db::{Db, DbError};
use crate::resident::applicant_pattern;
use kiosk_api::{Applicant, CaseRequest, EarlierMaterial, ReturnReason};
use sqlx::Row;
use std::collections::HashSet;

/// How long a material handed in stays usable for another case. The district's rule of thumb for
/// photographed documents (a lease, a floor plan, a drawing): half a year; a certificate the platform holds
/// is fetched fresh every time and is not part of this.
pub const EARLIER_DAYS: i64 = 180;

/// The resident's earlier materials among `wanted` (by name), newest first, one per name.
pub(crate) async fn earlier_materials(
    db: &Db,
    applicant: &Applicant,
    wanted: &[String],
    now_ms: i64,
) -> Result<Vec<EarlierMaterial>, DbError> {
    if wanted.is_empty() {
        return Ok(Vec::new());
    }
    let pattern = applicant_pattern(&applicant.id_number);
    // What clerks returned, by the filed case's key (a department's case counts for its bundle).
    let returns = sqlx::query(
        "SELECT c.idempotency_key, r.reasons FROM case_returns r \
         JOIN cases c ON c.case_number = r.case_number WHERE c.body LIKE $1",
    )
    .bind(&pattern)
    .fetch_all(db.pool())
    .await?;
    let mut returned: HashSet<(String, String)> = HashSet::new();
    for r in &returns {
        let key: String = r.try_get(0)?;
        let reasons: Vec<ReturnReason> =
            serde_json::from_str(&r.try_get::<String, _>(1)?).unwrap_or_default();
        let root = key.split('/').next().unwrap_or(&key).to_string();
        for m in reasons.into_iter().filter_map(|r| r.material) {
            returned.insert((root.clone(), m));
        }
    }
    let since = now_ms - EARLIER_DAYS * 24 * 3600 * 1000;
    // A bundle's department cases repeat its materials: the bundle's own case is enough.
    let rows = sqlx::query(
        "SELECT idempotency_key, case_number, body, received_ms FROM cases \
         WHERE body LIKE $1 AND received_ms >= $2 AND idempotency_key NOT LIKE '%/%' \
         ORDER BY received_ms DESC",
    )
    .bind(&pattern)
    .bind(since)
    .fetch_all(db.pool())
    .await?;
    let mut out: Vec<EarlierMaterial> = Vec::new();
    for r in &rows {
        let key: String = r.try_get(0)?;
        let case_number: String = r.try_get(1)?;
        let Ok(body) = serde_json::from_str::<CaseRequest>(&r.try_get::<String, _>(2)?) else {
            continue;
        };
        // The pattern matched the ID number; the name must match too.
        if body.applicant.as_ref() != Some(applicant) {
            continue;
        }
        let received: i64 = r.try_get(3)?;
        for m in body.materials {
            let taken = out.iter().any(|e| e.material.name == m.name);
            if taken
                || !wanted.contains(&m.name)
                || returned.contains(&(key.clone(), m.name.clone()))
            {
                continue;
            }
            out.push(EarlierMaterial {
                case_number: case_number.clone(),
                filed_on: shanghai_day(received),
                material: m,
            });
        }
    }
    Ok(out)
}

/// The day in Shanghai (UTC+8, no daylight saving) of a time in milliseconds.
pub(crate) fn shanghai_day(ms: i64) -> String {
    chrono::DateTime::from_timestamp_millis(ms + 8 * 3600 * 1000)
        .map(|t| t.format("%Y-%m-%d").to_string())
        .unwrap_or_default()
}
