//! The platform API the terminals use: prefill, cases, evaluations, help, 办不成事 and session figures.
//!
//! This reference hub keeps what it receives in memory (a database store comes with the store-and-forward
//! work) and plays the service centre: it answers prefill from a resident record it derives from the ID
//! number (so that any card of the simulator works), takes cases exactly once per idempotency key, and issues
//! the documents of print items (a social-insurance payment record, …) built from the same record.

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use axum::{Json, Router};
use kiosk_api::{
    path, ApiError, Applicant, CaseReply, CaseRequest, CaseState, Evaluation, HelpReply,
    HelpRequest, IdentityReply, IdentityRequest, IssuedDocument, ItemKind, NotDoneReport,
    PrefillReply, PrefillRequest, SessionFigures, Ticket,
};
use std::collections::BTreeMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};

/// What the hub has received, for the fleet view and for tests.
#[derive(Default)]
pub struct Received {
    /// Cases by idempotency key: a retried request gets the same reply.
    pub cases: BTreeMap<String, CaseReply>,
    /// The most recent requests whole (materials, PDFs), at most `KEPT_BODIES`: this hub keeps them in
    /// memory, and a long-running one must not grow without end (a database keeps them all).
    pub bodies: std::collections::VecDeque<CaseRequest>,
    pub evaluations: Vec<Evaluation>,
    pub help: Vec<HelpRequest>,
    pub not_done: Vec<NotDoneReport>,
    pub figures: Vec<SessionFigures>,
    next_case: u32,
}

/// How many whole case requests the in-memory hub keeps.
pub const KEPT_BODIES: usize = 64;

/// The hub's platform state, shared by its handlers.
pub struct Platform {
    received: Mutex<Received>,
    /// When false every platform call answers 503, as a platform under maintenance does (for the simulator's
    /// "platform down" switch and tests).
    available: AtomicBool,
}

impl Default for Platform {
    fn default() -> Self {
        Platform {
            received: Mutex::new(Received::default()),
            available: AtomicBool::new(true),
        }
    }
}

impl Platform {
    pub fn received(&self) -> MutexGuard<'_, Received> {
        // A handler that panicked while holding the lock leaves plain data behind: still readable.
        self.received.lock().unwrap_or_else(|e| e.into_inner())
    }

    pub fn set_available(&self, up: bool) {
        self.available.store(up, Ordering::SeqCst);
    }

    pub fn is_available(&self) -> bool {
        self.available.load(Ordering::SeqCst)
    }

    /// The answer while the platform is down, if it is.
    fn unavailable(&self) -> Option<Response> {
        (!self.available.load(Ordering::SeqCst))
            .then(|| error(StatusCode::SERVICE_UNAVAILABLE, "maintenance", "平台维护中"))
    }
}

fn error(status: StatusCode, code: &str, message: &str) -> Response {
    (
        status,
        Json(ApiError {
            code: code.into(),
            message: message.into(),
        }),
    )
        .into_response()
}

/// A number from an ID number, to derive a stable demo record for any resident.
fn seed(id_number: &str) -> u64 {
    id_number.bytes().fold(0xcbf2_9ce4_8422_2325u64, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x100_0000_01b3)
    })
}

/// The resident record the hub plays: what a real platform holds in its real-name and certificate stores.
fn held_value(source: &str, id_number: &str) -> Option<String> {
    let s = seed(id_number);
    match source {
        "platform.phone" => Some(format!("139{:08}", s % 100_000_000)),
        "platform.bank_account" => Some(format!(
            "6222 0210 {:04} {:04} {:03}",
            s % 10_000,
            (s / 10_000) % 10_000,
            (s / 100_000_000) % 1_000
        )),
        "cert.residence_permit.address" => Some("上海市杨浦区控江路1555号".into()),
        "cert.employment.last_employer" => Some("上海杨浦城市建设有限公司".into()),
        // Nobody's disability card is held unless it exists: the resident types its number.
        _ => None,
    }
}

/// The prefix of the 随申码 the simulator's scanner shows; the hub plays the platform that knows them.
pub const DEMO_CODE_PREFIX: &str = "https://ssm.example.invalid/c/";

/// ISO 7064 MOD 11-2 check character of the first 17 digits of an ID number.
fn check_char(first17: &str) -> char {
    const W: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
    let sum: u32 = first17
        .chars()
        .zip(W)
        .map(|(c, w)| c.to_digit(10).unwrap_or(0) * w)
        .sum();
    ['1', '0', 'X', '9', '8', '7', '6', '5', '4', '3', '2'][(sum % 11) as usize]
}

/// The resident a demo 随申码 stands for: stable per code, with a valid ID number.
fn demo_resident(token: &str) -> IdentityReply {
    const NAMES: [&str; 6] = ["王秀英", "陈志明", "刘桂兰", "周晓峰", "吴丽华", "徐建平"];
    let s = seed(token);
    let year = 1940 + (s % 60) as u32;
    let month = 1 + ((s >> 8) % 12) as u32;
    let day = 1 + ((s >> 16) % 28) as u32;
    let seq = (s >> 24) % 1000;
    let first17 = format!("310110{year:04}{month:02}{day:02}{seq:03}");
    let sex = if seq % 2 == 1 { "男" } else { "女" };
    IdentityReply {
        applicant: Applicant {
            name: NAMES[(s % NAMES.len() as u64) as usize].into(),
            id_number: format!("{first17}{}", check_char(&first17)),
        },
        birth_date: format!("{year:04}-{month:02}-{day:02}"),
        sex: sex.into(),
        address: "上海市杨浦区长阳路1080号".into(),
    }
}

async fn identity(State(p): State<Arc<Platform>>, Json(r): Json<IdentityRequest>) -> Response {
    if let Some(e) = p.unavailable() {
        return e;
    }
    match r.code.strip_prefix(DEMO_CODE_PREFIX) {
        Some(token) if !token.is_empty() => Json(demo_resident(token)).into_response(),
        _ => error(StatusCode::NOT_FOUND, "unknown-code", "随申码无效或已过期"),
    }
}

async fn prefill(State(p): State<Arc<Platform>>, Json(r): Json<PrefillRequest>) -> Response {
    if let Some(e) = p.unavailable() {
        return e;
    }
    let values = r
        .sources
        .iter()
        .filter_map(|s| held_value(s, &r.applicant.id_number).map(|v| (s.clone(), v)))
        .collect();
    Json(PrefillReply { values }).into_response()
}

fn document(r: &CaseRequest) -> Option<IssuedDocument> {
    if r.kind != ItemKind::Print {
        return None;
    }
    let id = r
        .applicant
        .as_ref()
        .map(|a| a.id_number.as_str())
        .unwrap_or("");
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
        let base = 7_000 + seed(id) % 5_000;
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

async fn cases(State(p): State<Arc<Platform>>, Json(r): Json<CaseRequest>) -> Response {
    if let Some(e) = p.unavailable() {
        return e;
    }
    if r.idempotency_key.is_empty() || r.item_code.is_empty() {
        return error(
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid",
            "缺少幂等键或事项编码",
        );
    }
    let mut rec = p.received();
    if let Some(reply) = rec.cases.get(&r.idempotency_key) {
        return Json(reply.clone()).into_response();
    }
    rec.next_case += 1;
    let case_number = format!(
        "YP{}{:05}",
        chrono::Utc::now().format("%Y%m%d"),
        rec.next_case
    );
    let document = document(&r);
    let reply = CaseReply {
        follow_url: format!("https://zwdt.sh.gov.cn/case/{case_number}"),
        case_number,
        state: if document.is_some() {
            CaseState::Done
        } else {
            CaseState::Accepted
        },
        document,
    };
    tracing::info!(case = %reply.case_number, item = %r.item_code, "case taken");
    rec.cases.insert(r.idempotency_key.clone(), reply.clone());
    if rec.bodies.len() >= KEPT_BODIES {
        rec.bodies.pop_front();
    }
    rec.bodies.push_back(r);
    Json(reply).into_response()
}

async fn evaluations(State(p): State<Arc<Platform>>, Json(e): Json<Evaluation>) -> Response {
    if let Some(r) = p.unavailable() {
        return r;
    }
    if !(1..=5).contains(&e.level) {
        return error(
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid",
            "评价等级应为1至5",
        );
    }
    let mut rec = p.received();
    rec.evaluations.push(e);
    let ticket = format!("PJ{:06}", rec.evaluations.len());
    Json(Ticket { ticket }).into_response()
}

async fn help(State(p): State<Arc<Platform>>, Json(h): Json<HelpRequest>) -> Response {
    if let Some(r) = p.unavailable() {
        return r;
    }
    let mut rec = p.received();
    rec.help.push(h);
    Json(HelpReply {
        ticket: format!("BB{:06}", rec.help.len()),
        message: "已通知帮办人员，请在终端旁稍候。".into(),
    })
    .into_response()
}

async fn not_done(State(p): State<Arc<Platform>>, Json(n): Json<NotDoneReport>) -> Response {
    if let Some(r) = p.unavailable() {
        return r;
    }
    let mut rec = p.received();
    rec.not_done.push(n);
    Json(Ticket {
        ticket: format!("BCS{:06}", rec.not_done.len()),
    })
    .into_response()
}

async fn figures(State(p): State<Arc<Platform>>, Json(f): Json<SessionFigures>) -> Response {
    if let Some(r) = p.unavailable() {
        return r;
    }
    let mut rec = p.received();
    rec.figures.push(f);
    Json(Ticket {
        ticket: format!("F{:06}", rec.figures.len()),
    })
    .into_response()
}

/// The platform routes, relative to the API prefix.
pub fn routes(platform: Arc<Platform>) -> Router {
    Router::new()
        .route(path::IDENTITY, post(identity))
        .route(path::PREFILL, post(prefill))
        .route(path::CASES, post(cases))
        .route(path::EVALUATIONS, post(evaluations))
        .route(path::HELP, post(help))
        .route(path::NOT_DONE, post(not_done))
        .route(path::FIGURES, post(figures))
        .with_state(platform)
}
