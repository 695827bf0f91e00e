//! The platform client: the terminal's side of the platform API (`kiosk-api`) over HTTP.
//!
//! Every call has a deadline and ends in a typed result; nothing here retries on its own (a retry is the
//! caller's choice: the resident's tap, or the outbox). A reply the terminal cannot read is an error, never a
//! guess. Every call carries the terminal's token (from enrolment); materials go first, in chunks that resume
//! where the platform says it is.

pub mod enrolment;
pub mod outbox;
pub mod telemetry;

use kiosk_api::{
    path, ApiError, CaseReply, CaseRequest, EnrolReply, EnrolRequest, Evaluation, HelpReply,
    HelpRequest, IdentityReply, IdentityRequest, MaterialRef, MaterialStatus, NotDoneReport,
    PrefillReply, PrefillRequest, SessionFigures, Ticket, IDEMPOTENCY_KEY, MAX_CHUNK,
};
use serde::de::DeserializeOwned;
use serde::Serialize;
use std::sync::{Arc, RwLock};
use std::time::Duration;

pub use kiosk_core::PlatformError;

#[derive(Clone)]
pub struct Platform {
    http: reqwest::Client,
    base: String,
    /// Deadline of a call that carries photos.
    upload_timeout: Duration,
    /// The terminal's bearer token, once enrolled (shared by every clone).
    token: Arc<RwLock<Option<String>>>,
}

/// Deadline of a small call; a resident is waiting.
const CALL_TIMEOUT: Duration = Duration::from_secs(8);

impl Platform {
    /// `base` is the API's base URL, ending in `/api/v1`.
    pub fn new(base: &str) -> Result<Platform, PlatformError> {
        let http = reqwest::Client::builder()
            .connect_timeout(Duration::from_secs(3))
            .build()
            .map_err(|e| PlatformError::Unreachable(format!("no HTTP client: {e}")))?;
        Ok(Platform {
            http,
            base: base.trim_end_matches('/').to_string(),
            upload_timeout: Duration::from_secs(60),
            token: Arc::new(RwLock::new(None)),
        })
    }

    pub fn base(&self) -> &str {
        &self.base
    }

    /// The token every call carries from now on (`None`: not enrolled).
    pub fn set_token(&self, token: Option<String>) {
        *self.token.write().unwrap_or_else(|e| e.into_inner()) = token;
    }

    fn request(&self, method: reqwest::Method, path: &str) -> reqwest::RequestBuilder {
        let rb = self.http.request(method, format!("{}{path}", self.base));
        match self
            .token
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .as_deref()
        {
            Some(t) => rb.bearer_auth(t),
            None => rb,
        }
    }

    async fn post<B: Serialize, R: DeserializeOwned>(
        &self,
        path: &str,
        body: &B,
        timeout: Duration,
    ) -> Result<R, PlatformError> {
        self.send(
            self.request(reqwest::Method::POST, path)
                .timeout(timeout)
                .json(body),
        )
        .await
    }

    /// A write that has no key in its body: the key goes in the `Idempotency-Key` header.
    async fn post_once<B: Serialize, R: DeserializeOwned>(
        &self,
        path: &str,
        key: &str,
        body: &B,
    ) -> Result<R, PlatformError> {
        self.send(
            self.request(reqwest::Method::POST, path)
                .timeout(CALL_TIMEOUT)
                .header(IDEMPOTENCY_KEY, key)
                .json(body),
        )
        .await
    }

    async fn send<R: DeserializeOwned>(
        &self,
        request: reqwest::RequestBuilder,
    ) -> Result<R, PlatformError> {
        let bytes = self.send_raw(request).await?;
        serde_json::from_slice(&bytes).map_err(|e| PlatformError::BadReply(e.to_string()))
    }

    /// A request whose reply body is not JSON (a PDF); refusals still come as `ApiError`.
    async fn send_raw(
        &self,
        request: reqwest::RequestBuilder,
    ) -> Result<bytes::Bytes, PlatformError> {
        let reply = request
            .send()
            .await
            .map_err(|e| PlatformError::Unreachable(without_url(&e)))?;
        Self::read(reply).await
    }

    /// A reply's body; a refusal as `ApiError` says it.
    async fn read(reply: reqwest::Response) -> Result<bytes::Bytes, PlatformError> {
        let status = reply.status();
        let bytes = reply
            .bytes()
            .await
            .map_err(|e| PlatformError::Unreachable(without_url(&e)))?;
        if !status.is_success() {
            let e: ApiError = serde_json::from_slice(&bytes).unwrap_or(ApiError {
                code: "http".into(),
                message: status.canonical_reason().unwrap_or("error").into(),
            });
            return Err(PlatformError::Refused {
                status: status.as_u16(),
                code: e.code,
                message: e.message,
            });
        }
        Ok(bytes)
    }

    /// The token, for the call's signalling WebSocket (which carries it in its handshake).
    pub fn token(&self) -> Option<String> {
        self.token.read().unwrap_or_else(|e| e.into_inner()).clone()
    }

    /// A PDF the clerk sent to print during a call.
    pub async fn call_document(&self, id: &str) -> Result<bytes::Bytes, PlatformError> {
        if id.is_empty() || !id.chars().all(|c| c.is_ascii_alphanumeric()) {
            return Err(PlatformError::BadReply(
                "a document id that is not one".into(),
            ));
        }
        let pdf = self
            .send_raw(
                self.request(
                    reqwest::Method::GET,
                    &format!("{}/{id}", path::CALL_DOCUMENTS),
                )
                .timeout(self.upload_timeout),
            )
            .await?;
        if !pdf.starts_with(b"%PDF-") {
            return Err(PlatformError::BadReply("the document is not a PDF".into()));
        }
        Ok(pdf)
    }

    pub async fn identity(&self, r: &IdentityRequest) -> Result<IdentityReply, PlatformError> {
        self.post(path::IDENTITY, r, CALL_TIMEOUT).await
    }

    pub async fn prefill(&self, r: &PrefillRequest) -> Result<PrefillReply, PlatformError> {
        self.post(path::PREFILL, r, CALL_TIMEOUT).await
    }

    /// An e-certificate or an earlier case's material of the resident's, to show them.
    pub async fn held(
        &self,
        r: &kiosk_api::HeldRequest,
    ) -> Result<kiosk_api::HeldView, PlatformError> {
        self.post(path::HELD, r, CALL_TIMEOUT).await
    }

    /// 免申即享 and 智能推荐 for the resident just identified.
    pub async fn overview(
        &self,
        r: &kiosk_api::OverviewRequest,
    ) -> Result<kiosk_api::OverviewReply, PlatformError> {
        self.post(path::OVERVIEW, r, CALL_TIMEOUT).await
    }

    /// A benefit of the overview, confirmed by the resident (once per `key`).
    pub async fn confirm_offer(
        &self,
        c: &kiosk_api::OfferConfirm,
        key: &str,
    ) -> Result<Ticket, PlatformError> {
        self.post_once(path::OFFER_CONFIRM, key, c).await
    }

    /// 杨小通's knowledge base, unless the platform's version is `have` (then `None`: 304 Not Modified).
    pub async fn knowledge(
        &self,
        have: Option<u32>,
    ) -> Result<Option<kiosk_api::knowledge::KnowledgeBundle>, PlatformError> {
        let mut rb = self
            .request(reqwest::Method::GET, path::KNOWLEDGE)
            .timeout(self.upload_timeout);
        if let Some(v) = have {
            rb = rb.header(reqwest::header::IF_NONE_MATCH, format!("\"{v}\""));
        }
        let reply = rb
            .send()
            .await
            .map_err(|e| PlatformError::Unreachable(without_url(&e)))?;
        if reply.status() == reqwest::StatusCode::NOT_MODIFIED {
            return Ok(None);
        }
        let bytes = Self::read(reply).await?;
        serde_json::from_slice(&bytes)
            .map(Some)
            .map_err(|e| PlatformError::BadReply(e.to_string()))
    }

    /// A resident marked an answer as not helping (once per `key`).
    pub async fn unhelpful(
        &self,
        m: &kiosk_api::knowledge::UnhelpfulMark,
        key: &str,
    ) -> Result<Ticket, PlatformError> {
        self.post_once(path::KNOWLEDGE_UNHELPFUL, key, m).await
    }

    /// Trades a one-time enrolment code for the terminal's token (which the caller keeps and sets).
    pub async fn enrol(&self, terminal_id: &str, code: &str) -> Result<String, PlatformError> {
        let r: EnrolReply = self
            .post(
                path::ENROL,
                &EnrolRequest {
                    terminal_id: terminal_id.into(),
                    code: code.into(),
                },
                CALL_TIMEOUT,
            )
            .await?;
        Ok(r.token)
    }

    /// How much of a material the platform holds.
    pub async fn material_status(&self, sha256: &str) -> Result<MaterialStatus, PlatformError> {
        self.send(
            self.request(
                reqwest::Method::GET,
                &format!("{}/{sha256}", path::MATERIALS),
            )
            .timeout(CALL_TIMEOUT),
        )
        .await
    }

    /// Uploads a material in chunks from where the platform is (a cut upload resumes; a complete one is not
    /// sent again).
    pub async fn upload(&self, m: &MaterialRef, bytes: &[u8]) -> Result<(), PlatformError> {
        let size = bytes.len() as u64;
        let mut at = self.material_status(&m.sha256).await?;
        // Every chunk moves forward, or the platform says where it is: more rounds than chunks is a loop.
        for _ in 0..(bytes.len() / MAX_CHUNK + 8) {
            if at.complete {
                return Ok(());
            }
            let start = at.received;
            // All bytes there but not finished (the platform stopped before it checked them): an empty
            // chunk at the end asks it to finish.
            if start > size {
                return Err(PlatformError::BadReply(format!(
                    "the platform holds {start} bytes of a {size}-byte material"
                )));
            }
            let end = (start as usize + MAX_CHUNK).min(bytes.len());
            let chunk = bytes[start as usize..end].to_vec();
            let put = self
                .request(
                    reqwest::Method::PUT,
                    &format!(
                        "{}/{}?offset={start}&size={size}",
                        path::MATERIALS,
                        m.sha256
                    ),
                )
                .timeout(self.upload_timeout)
                .header(reqwest::header::CONTENT_TYPE, "application/octet-stream")
                .body(chunk);
            at = match self.send::<MaterialStatus>(put).await {
                Ok(s) => s,
                // An answer was lost: the platform holds another length. Ask, and go on from there.
                Err(PlatformError::Refused { status: 409, .. }) => {
                    self.material_status(&m.sha256).await?
                }
                Err(e) => return Err(e),
            };
        }
        Err(PlatformError::BadReply(
            "the upload does not advance".into(),
        ))
    }

    /// Delivers a case: its materials (each named in the request by its hash), then the case.
    pub async fn deliver(
        &self,
        r: &CaseRequest,
        materials: &[(String, Vec<u8>)],
    ) -> Result<CaseReply, PlatformError> {
        for m in r.materials.iter().chain(r.application_pdf.iter()) {
            let Some((_, bytes)) = materials.iter().find(|(sha, _)| *sha == m.sha256) else {
                // A material of an earlier case (电子材料链) is at the platform already.
                if self.material_status(&m.sha256).await?.complete {
                    continue;
                }
                return Err(PlatformError::BadReply(format!(
                    "material {} is neither on this terminal nor at the platform",
                    m.name
                )));
            };
            self.upload(m, bytes).await?;
        }
        self.post(path::CASES, r, self.upload_timeout).await
    }

    pub async fn evaluate(&self, e: &Evaluation, key: &str) -> Result<Ticket, PlatformError> {
        self.post_once(path::EVALUATIONS, key, e).await
    }

    pub async fn help(&self, h: &HelpRequest, key: &str) -> Result<HelpReply, PlatformError> {
        self.post_once(path::HELP, key, h).await
    }

    pub async fn not_done(&self, n: &NotDoneReport, key: &str) -> Result<Ticket, PlatformError> {
        self.post_once(path::NOT_DONE, key, n).await
    }

    pub async fn figures(&self, f: &SessionFigures, key: &str) -> Result<Ticket, PlatformError> {
        self.post_once(path::FIGURES, key, f).await
    }

    pub async fn telemetry(
        &self,
        r: &kiosk_api::DeviceReport,
        key: &str,
    ) -> Result<Ticket, PlatformError> {
        self.post_once(path::TELEMETRY, key, r).await
    }

    pub async fn audit(
        &self,
        a: &kiosk_api::AuditEntry,
        key: &str,
    ) -> Result<Ticket, PlatformError> {
        self.post_once(path::AUDIT, key, a).await
    }

    /// The heartbeat: sent, never queued; the reply may carry a configuration to apply.
    pub async fn heartbeat(
        &self,
        h: &kiosk_api::Heartbeat,
    ) -> Result<kiosk_api::HeartbeatReply, PlatformError> {
        self.post(path::HEARTBEAT, h, CALL_TIMEOUT).await
    }

    /// Whether the platform answers at `base` (any URL, not only this client's), and how fast: the maintenance
    /// menu's reachability check and the test of a new platform URL before it is kept.
    pub async fn probe(base: &str) -> Result<Duration, PlatformError> {
        let client = Platform::new(base)?;
        let started = std::time::Instant::now();
        let reply = client
            .request(reqwest::Method::GET, path::HEALTH)
            .timeout(Duration::from_secs(5))
            .send()
            .await
            .map_err(|e| PlatformError::Unreachable(without_url(&e)))?;
        if !reply.status().is_success() {
            return Err(PlatformError::Refused {
                status: reply.status().as_u16(),
                code: "health".into(),
                message: "the platform is not healthy".into(),
            });
        }
        Ok(started.elapsed())
    }
}

/// A fresh idempotency key: a prefix and 16 random hex digits.
pub fn fresh_key(prefix: &str) -> String {
    let mut raw = [0u8; 8];
    // Without system randomness the clock's nanoseconds still tell two keys of one terminal apart.
    if getrandom::fill(&mut raw).is_err() {
        let n = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_nanos() as u64)
            .unwrap_or(0);
        raw = n.to_le_bytes();
    }
    let hex: String = raw.iter().map(|b| format!("{b:02x}")).collect();
    format!("{prefix}-{hex}")
}

/// reqwest's message without the URL's query (none here) and in one line, for a technician's log.
fn without_url(e: &reqwest::Error) -> String {
    let kind = if e.is_timeout() {
        "timed out"
    } else if e.is_connect() {
        "cannot connect"
    } else {
        "request failed"
    };
    format!("{kind}: {e}")
}
