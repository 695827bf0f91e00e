//! 一件事: the platform splits a bundle into its department cases. Each part is a case of its own under the key
//! `<bundle key>/<part code>`, with the fields and materials it takes, taken before the bundle's own case; so a
//! request cut half-way (a crash, a lost reply) is completed by the terminal's retry under the same key, and
//! the parts already taken answer with the case they have (never a second one).

use crate::common::*;
use crate::db::{Incoming, Taken};
use crate::error;
use crate::platform::{Platform, MAX_ID};
use axum::http::StatusCode;
use axum::response::Response;
use kiosk_api::{CaseReply, CaseRequest, CaseState, DepartmentCase};
use std::sync::atomic::Ordering;

/// A department case's request: the bundle's applicant, commitment and signature, and the part's own fields
/// and materials. Made the same way from the same bundle request, so a retry has the same body.
pub(crate) fn part_request(r: &CaseRequest, part: &kiosk_api::CasePart) -> CaseRequest {
    CaseRequest {
        idempotency_key: format!("{}/{}", r.idempotency_key, part.item_code),
        terminal_id: r.terminal_id.clone(),
        item_code: part.item_code.clone(),
        item_name: part.item_name.clone(),
        kind: r.kind,
        applicant: r.applicant.clone(),
        fields: r
            .fields
            .iter()
            .filter(|f| part.fields.contains(&f.id))
            .cloned()
            .collect(),
        materials: r
            .materials
            .iter()
            .filter(|m| part.materials.contains(&m.name))
            .cloned()
            .collect(),
        commitment: r.commitment.clone(),
        application_pdf: r.application_pdf.clone(),
        submitted_at: r.submitted_at.clone(),
        parts: Vec::new(),
        certificates: r
            .certificates
            .iter()
            .filter(|c| part.materials.contains(&c.name))
            .cloned()
            .collect(),
        corrects: None,
    }
}

/// What is wrong with a bundle's parts, if anything.
pub(crate) fn check_parts(r: &CaseRequest) -> Option<&'static str> {
    let mut codes = std::collections::HashSet::new();
    for p in &r.parts {
        if p.item_code.is_empty()
            || p.item_code.contains('/')
            || p.item_code.chars().count() > MAX_ID
            || !codes.insert(p.item_code.as_str())
        {
            return Some("一件事的分项编码缺失、重复或过长");
        }
    }
    (r.parts.len() > 32).then_some("一件事的分项过多")
}

/// Takes each part's department case; their replies, in order, or the response to send instead.
pub(crate) async fn take_parts(
    p: &Platform,
    r: &CaseRequest,
    refs: &[(String, String)],
) -> Result<Vec<DepartmentCase>, Response> {
    let mut out = Vec::new();
    for part in &r.parts {
        // The fault drill's "the platform died half-way": the parts taken so far stay taken.
        if p.fail_bundle_after.load(Ordering::SeqCst) == out.len() + 1 {
            p.fail_bundle_after.store(0, Ordering::SeqCst);
            return Err(error(
                StatusCode::SERVICE_UNAVAILABLE,
                "unavailable",
                "平台暂不可用，请稍后重试",
            ));
        }
        let pr = part_request(r, part);
        let part_refs: Vec<(String, String)> = refs
            .iter()
            .filter(|(_, name)| {
                part.materials.contains(name) || pr.application_pdf.iter().any(|a| &a.name == name)
            })
            .cloned()
            .collect();
        let (body, hash) = canonical(&pr);
        let incoming = Incoming {
            key: &pr.idempotency_key,
            terminal_id: &pr.terminal_id,
            body_hash: &hash,
            body: &body,
            now_ms: now_ms(),
        };
        let taken =
            p.db.take_case(&incoming, &pr.item_code, &part_refs, |seq| {
                let reply = case_reply(seq, None, Vec::new());
                (
                    reply.case_number.clone(),
                    serde_json::to_string(&reply).unwrap_or_default(),
                )
            })
            .await;
        let stored = match taken {
            Ok(Taken::New(s)) => {
                tracing::info!(part = %part.item_code, department = %part.department, "department case taken");
                s
            }
            Ok(Taken::Repeat(s)) => s,
            Ok(Taken::KeyReused) => return Err(key_reused()),
            Err(e) => return Err(storage(e)),
        };
        let reply: CaseReply = match serde_json::from_str(&stored) {
            Ok(r) => r,
            Err(e) => return Err(storage(e)),
        };
        out.push(DepartmentCase {
            item_code: part.item_code.clone(),
            item_name: part.item_name.clone(),
            department: part.department.clone(),
            case_number: reply.case_number,
            state: reply.state,
            time_limit: part.time_limit.clone(),
        });
    }
    Ok(out)
}

/// A case's reply under the number `seq` gives.
pub(crate) fn case_reply(
    seq: i64,
    document: Option<kiosk_api::IssuedDocument>,
    parts: Vec<DepartmentCase>,
) -> CaseReply {
    let case_number = format!("YP{}{seq:06}", chrono::Utc::now().format("%Y%m%d"));
    CaseReply {
        follow_url: format!("https://zwdt.sh.gov.cn/case/{case_number}"),
        case_number,
        state: if document.is_some() {
            CaseState::Done
        } else {
            CaseState::Accepted
        },
        document,
        parts,
    }
}
