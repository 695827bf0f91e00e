//! The platform client: the terminal's side of the platform API (`kiosk-api`) over HTTP.
//!
//! Every call has a deadline and ends in a typed result; nothing here retries on its own (a retry is the
//! caller's choice: the resident's tap, or the outbox that comes with store and forward). A reply the terminal
//! cannot read is an error, never a guess.

use kiosk_api::{
    path, ApiError, CaseReply, CaseRequest, Evaluation, HelpReply, HelpRequest, IdentityReply,
    IdentityRequest, NotDoneReport, PrefillReply, PrefillRequest, SessionFigures, Ticket,
};
use serde::de::DeserializeOwned;
use serde::Serialize;
use std::time::Duration;
use thiserror::Error;

#[derive(Debug, Clone, Error, PartialEq, Eq)]
pub enum PlatformError {
    /// No answer: network down, hub stopped, deadline passed.
    #[error("platform not reachable: {0}")]
    Unreachable(String),
    /// The platform answered and said no (maintenance, invalid request).
    #[error("platform refused ({status}): {code}: {message}")]
    Refused {
        status: u16,
        code: String,
        message: String,
    },
    /// The platform answered something this terminal cannot read.
    #[error("unreadable reply from the platform: {0}")]
    BadReply(String),
}

impl PlatformError {
    /// Whether trying again later may work (as opposed to a request the platform will never take).
    pub fn is_transient(&self) -> bool {
        match self {
            PlatformError::Unreachable(_) => true,
            PlatformError::Refused { status, .. } => *status >= 500 || *status == 429,
            PlatformError::BadReply(_) => false,
        }
    }
}

#[derive(Clone)]
pub struct Platform {
    http: reqwest::Client,
    base: String,
    /// Deadline of a call that carries photos.
    upload_timeout: Duration,
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
        })
    }

    pub fn base(&self) -> &str {
        &self.base
    }

    async fn post<B: Serialize, R: DeserializeOwned>(
        &self,
        path: &str,
        body: &B,
        timeout: Duration,
    ) -> Result<R, PlatformError> {
        let reply = self
            .http
            .post(format!("{}{path}", self.base))
            .timeout(timeout)
            .json(body)
            .send()
            .await
            .map_err(|e| PlatformError::Unreachable(without_url(&e)))?;
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
        serde_json::from_slice(&bytes).map_err(|e| PlatformError::BadReply(e.to_string()))
    }

    pub async fn identity(&self, r: &IdentityRequest) -> Result<IdentityReply, PlatformError> {
        self.post(path::IDENTITY, r, CALL_TIMEOUT).await
    }

    pub async fn prefill(&self, r: &PrefillRequest) -> Result<PrefillReply, PlatformError> {
        self.post(path::PREFILL, r, CALL_TIMEOUT).await
    }

    pub async fn submit(&self, r: &CaseRequest) -> Result<CaseReply, PlatformError> {
        self.post(path::CASES, r, self.upload_timeout).await
    }

    pub async fn evaluate(&self, e: &Evaluation) -> Result<Ticket, PlatformError> {
        self.post(path::EVALUATIONS, e, CALL_TIMEOUT).await
    }

    pub async fn help(&self, h: &HelpRequest) -> Result<HelpReply, PlatformError> {
        self.post(path::HELP, h, CALL_TIMEOUT).await
    }

    pub async fn not_done(&self, n: &NotDoneReport) -> Result<Ticket, PlatformError> {
        self.post(path::NOT_DONE, n, CALL_TIMEOUT).await
    }

    pub async fn figures(&self, f: &SessionFigures) -> Result<Ticket, PlatformError> {
        self.post(path::FIGURES, f, CALL_TIMEOUT).await
    }
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
