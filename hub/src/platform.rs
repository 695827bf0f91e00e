//! The platform API the terminals use: identity by 随申码, prefill, cases with their materials, ratings, help,
//! 办不成事, session figures and electronic certificates.
//!
//! Everything a terminal writes is kept in the database (`db`) once per idempotency key; a request under a
//! used key with another body is refused. The hub plays the service centre from its data set (`devdata`):
//! prefill from the real-name record and certificates, 随申码 tokens, documents of print items.

use crate::common::*;
use crate::db::{Certificate, Db, DbError, Incoming, Resident, Taken};
use crate::materials::files::MaterialFiles;
use crate::{devdata, error, TerminalId};
use axum::extract::{Path, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::{Extension, Json};
use kiosk_api::{
    ApiError, Applicant, CaseReply, CaseRequest, DeviceReport, Evaluation, HelpRequest,
    IdentityReply, IdentityRequest, IssuedDocument, ItemKind, NotDoneReport, PrefillReply,
    PrefillRequest, SessionFigures,
};
use std::collections::BTreeMap;
use std::path::{Path as FsPath, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Arc;
use thiserror::Error;

#[derive(Debug, Error)]
pub enum HubError {
    #[error(transparent)]
    Db(#[from] DbError),
    #[error("data directory {path}: {why}")]
    DataDir { path: String, why: String },
    #[error("no randomness from the system: {0}")]
    Random(String),
}

/// What the hub has received, read back from its database (for the fleet view and tests).
#[derive(Default)]
pub struct Received {
    /// Cases by idempotency key.
    pub cases: BTreeMap<String, CaseReply>,
    /// The cases' requests, oldest first.
    pub bodies: Vec<CaseRequest>,
    pub evaluations: Vec<Evaluation>,
    pub help: Vec<HelpRequest>,
    pub not_done: Vec<NotDoneReport>,
    pub figures: Vec<SessionFigures>,
    pub telemetry: Vec<DeviceReport>,
}

/// How many of each the hub holds.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Counts {
    pub cases: usize,
    pub evaluations: usize,
    pub help: usize,
    pub not_done: usize,
    pub figures: usize,
    pub telemetry: usize,
}

/// The kinds of records kept under an idempotency key (besides cases).
pub mod kind {
    pub const EVALUATION: &str = "evaluation";
    pub const HELP: &str = "help";
    pub const NOT_DONE: &str = "not-done";
    pub const FIGURES: &str = "figures";
    pub const TELEMETRY: &str = "telemetry";
    pub const OFFER_CONFIRM: &str = "offer-confirm";
}

/// Longest idempotency key, terminal id or code taken (longer is a client bug or an attack).
pub(crate) const MAX_ID: usize = 128;

/// The hub's platform state, shared by its handlers.
pub struct Platform {
    pub(crate) db: Db,
    pub(crate) materials: MaterialFiles,
    /// When false every platform call answers 503, as a platform under maintenance does (the simulator's
    /// "platform down" switch, tests).
    available: AtomicBool,
    /// The fault drill: the next bundle fails (503) before its n-th department case; 0 = never.
    pub(crate) fail_bundle_after: AtomicUsize,
    pub(crate) clerks: crate::clerks::sessions::Clerks,
    /// The remote virtual window's queue and live calls.
    pub calls: crate::calls::exchange::Exchange,
}

impl Platform {
    /// Opens the hub's state: the database at `database` (default: SQLite `hub.db` in `data_dir`) and the
    /// materials under `data_dir/materials`. A new database gets the development data set.
    pub async fn open(
        data_dir: &FsPath,
        database: Option<&str>,
    ) -> Result<Arc<Platform>, HubError> {
        let dir_err = |e: std::io::Error| HubError::DataDir {
            path: data_dir.display().to_string(),
            why: e.to_string(),
        };
        std::fs::create_dir_all(data_dir).map_err(dir_err)?;
        let url = match database {
            Some(u) => u.to_string(),
            None => format!("sqlite://{}?mode=rwc", data_dir.join("hub.db").display()),
        };
        let db = Db::connect(&url).await?;
        if db.resident_count().await? == 0 {
            let residents = devdata::residents();
            let certificates = devdata::certificates(&residents, chrono::Local::now().date_naive());
            let tokens = devdata::tokens(&residents, now_ms());
            db.insert_dataset(&residents, &certificates, &tokens)
                .await?;
            tracing::info!(
                residents = residents.len(),
                certificates = certificates.len(),
                "development data set created"
            );
        }
        let materials = MaterialFiles::open(&data_dir.join("materials")).map_err(dir_err)?;
        let platform = Arc::new(Platform {
            db,
            materials,
            available: AtomicBool::new(true),
            fail_bundle_after: AtomicUsize::new(0),
            clerks: crate::clerks::sessions::Clerks::default(),
            calls: crate::calls::exchange::Exchange::default(),
        });
        platform.seed_knowledge().await?;
        Ok(platform)
    }

    pub fn db(&self) -> &Db {
        &self.db
    }

    pub fn material_path(&self, sha256: &str) -> Option<PathBuf> {
        self.materials.complete_path(sha256)
    }

    pub fn set_available(&self, up: bool) {
        self.available.store(up, Ordering::SeqCst);
    }

    /// The fault drill: the next bundle submitted fails before its `n`-th department case is taken, as a
    /// platform that dies half-way does; the cases taken before stay.
    pub fn fail_next_bundle_at(&self, n: usize) {
        self.fail_bundle_after.store(n, Ordering::SeqCst);
    }

    /// Whether the drill's failure is still to come (false once a bundle met it).
    pub fn bundle_fault_pending(&self) -> bool {
        self.fail_bundle_after.load(Ordering::SeqCst) != 0
    }

    pub fn is_available(&self) -> bool {
        self.available.load(Ordering::SeqCst)
    }

    /// The answer while the platform is down, if it is.
    pub(crate) fn unavailable(&self) -> Option<Response> {
        (!self.is_available())
            .then(|| error(StatusCode::SERVICE_UNAVAILABLE, "maintenance", "平台维护中"))
    }

    /// A one-time enrolment code for a terminal, valid for `valid_for`: what a technician types into the
    /// terminal's setup. Only its hash is kept.
    pub async fn enrolment_code(
        &self,
        terminal_id: &str,
        valid_for: std::time::Duration,
    ) -> Result<String, HubError> {
        // No 0/O or 1/I: a person reads it off one screen and types it on another.
        const ALPHABET: &[u8] = b"ABCDEFGHJKLMNPQRSTUVWXYZ23456789";
        let mut raw = [0u8; 10];
        getrandom::fill(&mut raw).map_err(|e| HubError::Random(e.to_string()))?;
        let chars: String = raw
            .iter()
            .map(|b| ALPHABET[usize::from(*b) % ALPHABET.len()] as char)
            .collect();
        let code = format!("{}-{}", &chars[..5], &chars[5..]);
        self.db
            .add_enrolment_code(
                &code_hash(&code),
                terminal_id,
                now_ms() + valid_for.as_millis() as i64,
            )
            .await?;
        Ok(code)
    }

    /// Revokes a terminal's tokens; it must enrol again. Returns how many were revoked.
    pub async fn revoke(&self, terminal_id: &str) -> Result<u64, HubError> {
        Ok(self.db.revoke(terminal_id, now_ms()).await?)
    }

    /// How many of each were received (cases, and records by kind), without reading them.
    pub async fn counts(&self) -> Result<Counts, HubError> {
        let mut c = Counts::default();
        for (k, n) in self.db.counts().await? {
            let n = n as usize;
            match k.as_str() {
                "case" => c.cases = n,
                kind::EVALUATION => c.evaluations = n,
                kind::HELP => c.help = n,
                kind::NOT_DONE => c.not_done = n,
                kind::FIGURES => c.figures = n,
                kind::TELEMETRY => c.telemetry = n,
                _ => {}
            }
        }
        Ok(c)
    }

    /// Everything received, read back from the database.
    pub async fn received(&self) -> Result<Received, HubError> {
        let corrupt = |e: serde_json::Error| HubError::Db(DbError::Corrupt(e.to_string()));
        let mut r = Received::default();
        for (key, body, reply) in self.db.cases().await? {
            r.cases
                .insert(key, serde_json::from_str(&reply).map_err(corrupt)?);
            r.bodies.push(serde_json::from_str(&body).map_err(corrupt)?);
        }
        for body in self.db.records(kind::EVALUATION).await? {
            r.evaluations
                .push(serde_json::from_str(&body).map_err(corrupt)?);
        }
        for body in self.db.records(kind::HELP).await? {
            r.help.push(serde_json::from_str(&body).map_err(corrupt)?);
        }
        for body in self.db.records(kind::NOT_DONE).await? {
            r.not_done
                .push(serde_json::from_str(&body).map_err(corrupt)?);
        }
        for body in self.db.records(kind::FIGURES).await? {
            r.figures
                .push(serde_json::from_str(&body).map_err(corrupt)?);
        }
        for body in self.db.records(kind::TELEMETRY).await? {
            r.telemetry
                .push(serde_json::from_str(&body).map_err(corrupt)?);
        }
        Ok(r)
    }
}

fn too_long(values: &[&str]) -> bool {
    values.iter().any(|v| v.chars().count() > MAX_ID)
}

fn identity_of(r: &Resident) -> IdentityReply {
    IdentityReply {
        applicant: Applicant {
            name: r.name.clone(),
            id_number: r.id_number.clone(),
        },
        birth_date: r.birth_date.clone(),
        sex: r.sex.clone(),
        address: r.address.clone(),
    }
}

/// Whose 随申码 is this.
#[utoipa::path(post, path = "/api/v1/identity", tag = "platform", request_body = IdentityRequest,
    security(("terminal" = [])),
    responses(
        (status = 200, description = "The code's holder", body = IdentityReply),
        (status = 404, description = "Unknown or expired code", body = ApiError),
        (status = 401, description = "No valid terminal token", body = ApiError),
        (status = 503, description = "Platform down", body = ApiError)))]
pub(crate) async fn identity(
    State(p): State<Arc<Platform>>,
    Json(r): Json<IdentityRequest>,
) -> Response {
    let token = r
        .code
        .strip_prefix(crate::DEMO_CODE_PREFIX)
        .filter(|t| !t.is_empty() && t.chars().count() <= MAX_ID);
    let Some(token) = token else {
        return error(StatusCode::NOT_FOUND, "unknown-code", "随申码无效或已过期");
    };
    match p.db.resident_by_token(token, now_ms()).await {
        Ok(Some(r)) => Json(identity_of(&r)).into_response(),
        Ok(None) => error(StatusCode::NOT_FOUND, "unknown-code", "随申码无效或已过期"),
        Err(e) => storage(e),
    }
}

/// What the record holds for a source name: `platform.phone`, `cert.residence_permit.address`, …
fn held(source: &str, resident: &Resident, certs: &[Certificate]) -> Option<String> {
    match source {
        "platform.phone" => Some(resident.phone.clone()),
        "platform.bank_account" => Some(resident.bank_account.clone()),
        "platform.address" => Some(resident.address.clone()),
        _ => {
            let rest = source.strip_prefix("cert.")?;
            let (kind, field) = rest.split_once('.')?;
            certs
                .iter()
                .find(|c| c.kind == kind)
                .and_then(|c| c.field(field))
                .map(str::to_string)
        }
    }
}

/// What the government holds for a resident and item.
#[utoipa::path(post, path = "/api/v1/prefill", tag = "platform", request_body = PrefillRequest,
    security(("terminal" = [])),
    responses(
        (status = 200, description = "Values by source (sources not held are absent), and the materials of earlier cases still taken", body = PrefillReply),
        (status = 401, description = "No valid terminal token", body = ApiError),
        (status = 503, description = "Platform down", body = ApiError)))]
pub(crate) async fn prefill(
    State(p): State<Arc<Platform>>,
    Json(r): Json<PrefillRequest>,
) -> Response {
    let id = &r.applicant.id_number;
    let (resident, certs) = match tokio::try_join!(p.db.resident(id), p.db.certificates(id)) {
        Ok(x) => x,
        Err(e) => return storage(e),
    };
    let values = match resident {
        // Only for the person named: a mismatched name gets nothing (a typo or someone else's number).
        Some(res) if res.name == r.applicant.name => r
            .sources
            .iter()
            .filter_map(|s| held(s, &res, &certs).map(|v| (s.clone(), v)))
            .collect(),
        _ => BTreeMap::new(),
    };
    let earlier =
        match crate::chain::earlier_materials(&p.db, &r.applicant, &r.materials, now_ms()).await {
            Ok(e) => e,
            Err(e) => return storage(e),
        };
    Json(PrefillReply { values, earlier }).into_response()
}

/// The document of a print item, from the resident's certificates.
fn document(r: &CaseRequest, certs: &[Certificate]) -> Option<IssuedDocument> {
    if r.kind != ItemKind::Print {
        return None;
    }
    let field = |k: &str| r.fields.iter().find(|f| f.id == k).map(|f| f.value.clone());
    let mut rows = vec![
        ("姓名".to_string(), field("name").unwrap_or_default()),
        (
            "证件号码".to_string(),
            field("id_number").unwrap_or_default(),
        ),
    ];
    let note;
    if r.item_code == "SB-001" {
        let months = match field("period").as_deref() {
            Some("近24个月") => 24,
            Some("全部缴费记录") => 36,
            _ => 12,
        };
        match certs.iter().find(|c| c.kind == "social_insurance") {
            Some(si) => {
                let base: u64 = si.field("base").and_then(|b| b.parse().ok()).unwrap_or(0);
                rows.push((
                    "参保单位".into(),
                    si.field("employer").unwrap_or_default().to_string(),
                ));
                let today = chrono::Utc::now().date_naive();
                use chrono::Datelike;
                let (mut y, mut m) = (today.year(), today.month());
                for _ in 0..months {
                    m = if m == 1 {
                        y -= 1;
                        12
                    } else {
                        m - 1
                    };
                    rows.push((
                        format!("{y}年{m:02}月"),
                        format!(
                            "缴费基数 {base} 元 · 养老 {:.2} · 医疗 {:.2} · 失业 {:.2}",
                            base as f64 * 0.08,
                            base as f64 * 0.02,
                            base as f64 * 0.005
                        ),
                    ));
                }
            }
            None => rows.push(("缴费记录".into(), "本市无参保缴费记录".into())),
        }
        note = "本记录由上海市社会保险事业管理中心提供，可扫码核验。".to_string();
    } else {
        rows.extend(
            r.fields
                .iter()
                .filter(|f| f.id != "name" && f.id != "id_number")
                .map(|f| (f.label.clone(), f.value.clone())),
        );
        note = "本证明经数据核验后出具，可扫码核验。".to_string();
    }
    Some(IssuedDocument {
        title: r.item_name.clone(),
        issuer: "上海市杨浦区政务服务中心".into(),
        rows,
        note: Some(note),
    })
}

/// Submit a case; one per idempotency key.
#[utoipa::path(post, path = "/api/v1/cases", tag = "platform", request_body = CaseRequest,
    security(("terminal" = [])),
    responses(
        (status = 200, description = "The case (the same for a repeated request; for a correction, the case corrected)", body = CaseReply),
        (status = 401, description = "No valid terminal token", body = ApiError),
        (status = 403, description = "The request names another terminal, or corrects another person's case", body = ApiError),
        (status = 409, description = "A material was not uploaded (code material-missing)", body = ApiError),
        (status = 422, description = "Invalid, the key was used for another request, or a correction of a case that is unknown (unknown-case) or not returned (not-returned)", body = ApiError),
        (status = 503, description = "Platform down", body = ApiError)))]
pub(crate) async fn cases(
    State(p): State<Arc<Platform>>,
    Extension(who): Extension<TerminalId>,
    Json(r): Json<CaseRequest>,
) -> Response {
    if let Some(e) = other_terminal(&who, &r.terminal_id) {
        return e;
    }
    if r.idempotency_key.is_empty()
        || r.item_code.is_empty()
        || too_long(&[&r.idempotency_key, &r.item_code])
    {
        return invalid("缺少幂等键或事项编码");
    }
    if let Some(problem) = crate::bundles::check_parts(&r) {
        return invalid(problem);
    }
    if r.corrects.is_some() && !r.parts.is_empty() {
        return invalid("补正不分项");
    }
    let mut refs: Vec<(String, String)> = Vec::new();
    for m in r.materials.iter().chain(r.application_pdf.iter()) {
        match p.materials.status(&p.db, &m.sha256).await {
            Ok(s) if s.complete && s.size == m.size => {
                if let Err(e) = p.db.material_done(&m.sha256, s.size as i64, now_ms()).await {
                    return storage(e);
                }
                refs.push((m.sha256.clone(), m.name.clone()))
            }
            Ok(_) => {
                return error(
                    StatusCode::CONFLICT,
                    "material-missing",
                    &format!("材料未上传完整：{}", m.name),
                )
            }
            Err(e) => return e,
        }
    }
    if let Some(number) = &r.corrects {
        return crate::returns::take_correction(&p, &r, number).await;
    }
    let id = r
        .applicant
        .as_ref()
        .map(|a| a.id_number.clone())
        .unwrap_or_default();
    let certs = match p.db.certificates(&id).await {
        Ok(c) => c,
        Err(e) => return storage(e),
    };
    let document = document(&r, &certs);
    let (body, hash) = canonical(&r);
    let incoming = Incoming {
        key: &r.idempotency_key,
        terminal_id: &r.terminal_id,
        body_hash: &hash,
        body: &body,
        now_ms: now_ms(),
    };
    let parts = if r.parts.is_empty() {
        Vec::new()
    } else {
        match crate::bundles::take_parts(&p, &r, &refs).await {
            Ok(parts) => parts,
            Err(response) => return response,
        }
    };
    let taken =
        p.db.take_case(&incoming, &r.item_code, &refs, |seq| {
            let reply = crate::bundles::case_reply(seq, document, parts);
            (
                reply.case_number.clone(),
                serde_json::to_string(&reply).unwrap_or_default(),
            )
        })
        .await;
    match taken {
        Ok(Taken::New(reply)) => {
            tracing::info!(item = %r.item_code, terminal = %r.terminal_id, "case taken");
            reply_json(&reply)
        }
        Ok(Taken::Repeat(reply)) => reply_json(&reply),
        Ok(Taken::KeyReused) => key_reused(),
        Err(e) => storage(e),
    }
}

/// An electronic certificate as a PDF, for printing or for a clerk.
#[utoipa::path(get, path = "/api/v1/certificates/{number}", tag = "platform",
    params(("number" = String, Path, description = "The certificate's number")),
    security(("terminal" = [])),
    responses(
        (status = 200, description = "The certificate", content_type = "application/pdf", body = Vec<u8>),
        (status = 401, description = "No valid terminal token", body = ApiError),
        (status = 404, description = "No such certificate", body = ApiError)))]
pub(crate) async fn certificate(
    State(p): State<Arc<Platform>>,
    Path(number): Path<String>,
) -> Response {
    let cert = match p.db.certificate(&number).await {
        Ok(Some(c)) => c,
        Ok(None) => return error(StatusCode::NOT_FOUND, "unknown-certificate", "无此电子证照"),
        Err(e) => return storage(e),
    };
    let pdf = tokio::task::spawn_blocking(move || certificate_pdf(&cert)).await;
    match pdf {
        Ok(Ok(bytes)) => ([(header::CONTENT_TYPE, "application/pdf")], bytes).into_response(),
        Ok(Err(e)) => storage(e),
        Err(e) => storage(e),
    }
}

fn certificate_pdf(c: &Certificate) -> Result<Vec<u8>, kiosk_documents::DocumentError> {
    use kiosk_documents::{render, Fonts, Section, Sheet};
    let fonts = Fonts::shared()?;
    let mut rows: Vec<(String, String)> = c
        .fields
        .iter()
        .map(|(k, v)| (devdata::field_label(k).to_string(), v.clone()))
        .collect();
    rows.push(("证照编号".into(), c.number.clone()));
    rows.push(("签发日期".into(), c.issued_on.clone()));
    let sheet = Sheet {
        issuer: c.issuer.clone(),
        title: c.title.clone(),
        subtitle: None,
        sections: vec![
            Section::Rows(rows),
            Section::Paragraph(
                "本电子证照由上海市电子证照库提供（开发数据，人物均为虚构）。".into(),
            ),
        ],
        footer: "电子证照".into(),
    };
    Ok(render(&sheet, fonts)?.pdf)
}

impl IntoResponse for HubError {
    fn into_response(self) -> Response {
        storage(self)
    }
}
pub use crate::DEMO_CODE_PREFIX;
