//! IPP client of the A4 printer: status, a print job of one PDF followed to its end, cancel. Every request has
//! a deadline, so a printer that stops answering (or a CUPS that hangs) ends an operation with an error, never a
//! wait without end.

use super::{JobState, JobStatus, PrinterStatus, PDF, STATUS_ATTRIBUTES};
use crate::error::DeviceError;
use bytes::Bytes;
use ipp::prelude::{
    AsyncIppClient, IppError, IppOperationBuilder, IppPayload, IppRequestResponse, StatusCode, Uri,
};
use std::io::Cursor;
use std::time::Duration;
use tokio::time::Instant;

/// A document to print: a PDF and the job's name (what a CUPS queue or the printer's panel shows; never
/// a resident's name).
#[derive(Debug, Clone)]
pub struct Document {
    pub name: String,
    pub pdf: Bytes,
}

impl Document {
    pub fn new(name: impl Into<String>, pdf: impl Into<Bytes>) -> Self {
        Self {
            name: name.into(),
            pdf: pdf.into(),
        }
    }
}

/// How a job that completed went.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JobReport {
    pub job_id: i32,
    pub elapsed: Duration,
}

/// How long a job may take and how often it is looked at.
#[derive(Debug, Clone, Copy)]
pub struct JobLimits {
    /// The longest pause between two looks at a job (the first looks come sooner).
    pub poll: Duration,
    /// After this the job is cancelled and the print reported failed (a resident does not wait longer).
    pub give_up: Duration,
}

impl Default for JobLimits {
    fn default() -> Self {
        Self {
            // A job's end is seen within a quarter second; each look is one small IPP request.
            poll: Duration::from_millis(250),
            give_up: Duration::from_secs(120),
        }
    }
}

/// One IPP printer (or CUPS queue) at a URI.
#[derive(Clone)]
pub struct A4Printer {
    uri: Uri,
    text: String,
    /// Deadline of one request.
    timeout: Duration,
}

const USER: &str = "kiosk";

impl A4Printer {
    /// `uri` is `ipp://host[:port]/path`. `ipps://` needs TLS, which this firmware does not build in: a printer
    /// on the network is reached through the terminal's own CUPS queue (`ipp://localhost:631/printers/NAME`).
    pub fn new(uri: &str) -> Result<Self, DeviceError> {
        let bad = |reason: &str| DeviceError::NotConnected {
            path: uri.to_string(),
            reason: reason.to_string(),
        };
        let parsed: Uri = uri
            .parse()
            .map_err(|e| bad(&format!("not a valid URI: {e}")))?;
        match parsed.scheme_str() {
            Some("ipp") | Some("http") => {}
            Some("ipps") | Some("https") => {
                return Err(bad(
                    "ipps:// needs TLS, which this build leaves out; print through the local CUPS queue (ipp://localhost:631/printers/NAME)",
                ))
            }
            _ => return Err(bad("the URI must start with ipp://")),
        }
        if parsed.host().is_none() {
            return Err(bad("the URI names no host"));
        }
        Ok(Self {
            uri: parsed,
            text: uri.to_string(),
            timeout: Duration::from_secs(10),
        })
    }

    pub fn with_timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    pub fn uri(&self) -> &str {
        &self.text
    }

    fn error(&self, e: IppError) -> DeviceError {
        match e {
            IppError::AsyncClientError(e) if e.is_timeout() => {
                DeviceError::Timeout(self.timeout.as_millis() as u64)
            }
            IppError::AsyncClientError(e) => {
                // reqwest's own text is terse; the innermost cause says what happened (refused, reset, …).
                let mut cause: &dyn std::error::Error = &e;
                while let Some(inner) = cause.source() {
                    cause = inner;
                }
                DeviceError::NotConnected {
                    path: self.text.clone(),
                    reason: format!("cannot reach the printer: {cause}"),
                }
            }
            IppError::IoError(e) => DeviceError::NotConnected {
                path: self.text.clone(),
                reason: format!("cannot reach the printer: {e}"),
            },
            IppError::RequestError(code) => {
                DeviceError::Hardware(format!("the printer answered HTTP {code}"))
            }
            IppError::ParseError(e) => DeviceError::InvalidData(format!("not an IPP answer: {e}")),
            e => DeviceError::Hardware(e.to_string()),
        }
    }

    async fn send(&self, req: IppRequestResponse) -> Result<IppRequestResponse, DeviceError> {
        let client = AsyncIppClient::builder(self.uri.clone())
            .request_timeout(self.timeout)
            .build();
        // The client's own timeout covers the request once connected; this one also covers connecting.
        match tokio::time::timeout(self.timeout, client.send(req)).await {
            Err(_) => Err(DeviceError::Timeout(self.timeout.as_millis() as u64)),
            Ok(r) => r.map_err(|e| self.error(e)),
        }
    }

    fn build_error(&self, e: impl std::fmt::Display) -> DeviceError {
        DeviceError::InvalidData(format!("cannot build the IPP request: {e}"))
    }

    /// The printer's state and conditions.
    pub async fn status(&self) -> Result<PrinterStatus, DeviceError> {
        let op = IppOperationBuilder::get_printer_attributes(self.uri.clone())
            .attributes(STATUS_ATTRIBUTES)
            .build()
            .map_err(|e| self.build_error(e))?;
        let resp = self.send(op.into()).await?;
        check(&resp)?;
        PrinterStatus::from_attributes(resp.attributes()).map_err(DeviceError::InvalidData)
    }

    /// Sends the document; the printer's job id.
    pub async fn submit(&self, doc: &Document) -> Result<i32, DeviceError> {
        let payload = IppPayload::new(Cursor::new(doc.pdf.clone()));
        let op = IppOperationBuilder::print_job(self.uri.clone(), payload)
            .user_name(USER)
            .job_title(&doc.name)
            .document_format(PDF)
            .build()
            .map_err(|e| self.build_error(e))?;
        let resp = self.send(op.into()).await?;
        check(&resp)?;
        JobStatus::job_id(resp.attributes())
            .ok_or_else(|| DeviceError::InvalidData("the printer gave no job-id".into()))
    }

    pub async fn job(&self, job_id: i32) -> Result<JobStatus, DeviceError> {
        let op = IppOperationBuilder::get_job_attributes(self.uri.clone(), job_id)
            .user_name(USER)
            .build()
            .map_err(|e| self.build_error(e))?;
        let resp = self.send(op.into()).await?;
        check(&resp)?;
        JobStatus::from_attributes(resp.attributes()).map_err(DeviceError::InvalidData)
    }

    pub async fn cancel(&self, job_id: i32) -> Result<(), DeviceError> {
        let op = IppOperationBuilder::cancel_job(self.uri.clone(), job_id)
            .user_name(USER)
            .build()
            .map_err(|e| self.build_error(e))?;
        let resp = self.send(op.into()).await?;
        check(&resp)
    }

    /// Prints `doc` and follows the job to its end; `on_state` hears every state it passes through. Refused at
    /// once when the printer cannot print now (the reason says why); a job that does not end within
    /// `limits.give_up` is cancelled. Losing the printer for three looks in a row ends the wait (the job may
    /// still print: the error says so).
    pub async fn print(
        &self,
        doc: &Document,
        limits: JobLimits,
        mut on_state: impl FnMut(i32, &JobStatus),
    ) -> Result<JobReport, DeviceError> {
        let started = Instant::now();
        if let Some(why) = self.status().await?.refusal() {
            return Err(DeviceError::NotReady(why));
        }
        let job_id = self.submit(doc).await?;
        let mut last: Option<JobState> = None;
        let mut lost = 0u32;
        let mut last_status: Option<JobStatus> = None;
        // Quick looks first (a short job on an idle printer ends within a few tens of ms), then every `poll`.
        let mut wait = Duration::from_millis(25).min(limits.poll);
        loop {
            match self.job(job_id).await {
                Ok(s) => {
                    lost = 0;
                    if last != Some(s.state) {
                        last = Some(s.state);
                        on_state(job_id, &s);
                    }
                    match s.state {
                        JobState::Completed => {
                            return Ok(JobReport {
                                job_id,
                                elapsed: started.elapsed(),
                            })
                        }
                        JobState::Aborted | JobState::Canceled => {
                            return Err(DeviceError::Hardware(s.failure()))
                        }
                        _ => {}
                    }
                    last_status = Some(s);
                }
                Err(e) => {
                    lost += 1;
                    if lost >= 3 {
                        return Err(DeviceError::NotConnected {
                            path: self.text.clone(),
                            reason: format!(
                                "lost the printer while job {job_id} was printing ({e}); it may still print"
                            ),
                        });
                    }
                }
            }
            if started.elapsed() >= limits.give_up {
                let _ = self.cancel(job_id).await;
                let state = last_status
                    .map(|s| match s.message {
                        Some(m) => format!("{}: {m}", s.state.key()),
                        None => s.state.key().to_string(),
                    })
                    .unwrap_or_else(|| "unknown".into());
                return Err(DeviceError::NotReady(format!(
                    "job {job_id} did not finish within {} s (last state {state}); cancelled",
                    limits.give_up.as_secs()
                )));
            }
            tokio::time::sleep(wait).await;
            wait = (wait * 2).min(limits.poll);
        }
    }
}

/// An IPP status other than success, in words.
fn check(resp: &IppRequestResponse) -> Result<(), DeviceError> {
    let code = resp.header().status_code();
    if code.is_success() {
        return Ok(());
    }
    let message = resp
        .attributes()
        .groups()
        .iter()
        .find_map(|g| g.get("status-message"))
        .map(|a| a.value().to_string());
    let what = match message {
        Some(m) => format!("{code} ({m})"),
        None => code.to_string(),
    };
    Err(match code {
        StatusCode::ClientErrorDocumentFormatNotSupported
        | StatusCode::ClientErrorDocumentFormatError
        | StatusCode::ClientErrorAttributesOrValuesNotSupported => {
            DeviceError::Unsupported(format!("the printer rejected the document: {what}"))
        }
        StatusCode::ServerErrorNotAcceptingJobs
        | StatusCode::ServerErrorBusy
        | StatusCode::ServerErrorServiceUnavailable => {
            DeviceError::NotReady(format!("the printer cannot take jobs now: {what}"))
        }
        _ => DeviceError::Hardware(format!("the printer answered {what}")),
    })
}
