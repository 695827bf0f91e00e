//! A simulated A4 printer: a small IPP printer on loopback (Get-Printer-Attributes, Print-Job, Get-Job-Attributes,
//! Cancel-Job), so the simulated terminal drives it through the same IPP client as a real one. Jobs take a set
//! time to print and keep the PDF they were sent; faults can be switched on: printer conditions (out of paper,
//! door open, jam, toner low, …), not accepting jobs, refusing documents, silence (answers nothing), unplugged.
//! The tests of the IPP client against a real printer use CUPS's `ippeveprinter`; this one is for the simulator
//! window and for faults that program cannot play.

use super::{Condition, JobState, PDF};
use axum::body::Bytes;
use axum::extract::State as AxumState;
use axum::http::header::CONTENT_TYPE;
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use axum::Router;
use ipp::model::{DelimiterTag, IppVersion, Operation, StatusCode};
use ipp::parser::IppParser;
use ipp::prelude::{IppAttribute, IppRequestResponse, IppValue};
use ipp::reader::IppReader;
use ipp::value::BoundedString;
use std::collections::BTreeSet;
use std::io::Cursor;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;
use tokio::task::JoinHandle;

/// A document the simulated printer printed.
#[derive(Debug, Clone)]
pub struct Printed {
    pub job_id: i32,
    pub name: String,
    pub pdf: Bytes,
}

struct Job {
    id: i32,
    name: String,
    state: JobState,
    done: Duration,
    pdf: Bytes,
}

struct Printer {
    conditions: BTreeSet<Condition>,
    accepting: bool,
    reject_documents: bool,
    silent: bool,
    /// How long one job takes to print.
    print_time: Duration,
    jobs: Vec<Job>,
    printed: Vec<Printed>,
    next_id: i32,
}

impl Printer {
    fn stopping(&self) -> Option<Condition> {
        self.conditions.iter().copied().find(|c| c.stops_printing())
    }

    /// Moves the first unfinished job on by `dt`.
    fn tick(&mut self, dt: Duration) {
        let stopping = self.stopping();
        let Some(job) = self.jobs.iter_mut().find(|j| !j.state.is_final()) else {
            return;
        };
        if stopping.is_some() {
            if job.state == JobState::Processing {
                job.state = JobState::Stopped;
            }
            return;
        }
        job.state = JobState::Processing;
        job.done += dt;
        if job.done >= self.print_time {
            job.state = JobState::Completed;
            // The output tray holds the last documents only, so a long simulation does not grow without end.
            if self.printed.len() >= crate::sim::KEPT_PRINTOUTS {
                self.printed.remove(0);
            }
            // The document now lives in the tray; the job keeps its state for whoever asks about it.
            let pdf = std::mem::take(&mut job.pdf);
            self.printed.push(Printed {
                job_id: job.id,
                name: job.name.clone(),
                pdf,
            });
        }
    }

    fn printer_state(&self) -> i32 {
        if self.stopping().is_some() {
            5
        } else if self.jobs.iter().any(|j| !j.state.is_final()) {
            4
        } else {
            3
        }
    }
}

type Shared = Arc<Mutex<Printer>>;

fn lock(p: &Shared) -> MutexGuard<'_, Printer> {
    // A panic elsewhere while holding the lock leaves plain data behind; carry on with it.
    p.lock().unwrap_or_else(|e| e.into_inner())
}

pub struct A4Sim {
    printer: Shared,
    addr: SocketAddr,
    runtime: tokio::runtime::Handle,
    server: Mutex<Option<JoinHandle<()>>>,
    ticker: JoinHandle<()>,
}

impl Drop for A4Sim {
    fn drop(&mut self) {
        self.ticker.abort();
        if let Some(s) = self.server.lock().unwrap_or_else(|e| e.into_inner()).take() {
            s.abort();
        }
    }
}

const TICK: Duration = Duration::from_millis(50);

impl A4Sim {
    /// Starts the printer on a free loopback port. Must be called inside the tokio runtime.
    pub fn spawn() -> std::io::Result<Self> {
        let printer: Shared = Arc::new(Mutex::new(Printer {
            conditions: BTreeSet::new(),
            accepting: true,
            reject_documents: false,
            silent: false,
            print_time: Duration::from_millis(1500),
            jobs: Vec::new(),
            printed: Vec::new(),
            next_id: 1,
        }));
        let listener = std::net::TcpListener::bind("127.0.0.1:0")?;
        let addr = listener.local_addr()?;
        let runtime = tokio::runtime::Handle::current();
        let ticking = printer.clone();
        let ticker = runtime.spawn(async move {
            let mut t = tokio::time::interval(TICK);
            loop {
                t.tick().await;
                lock(&ticking).tick(TICK);
            }
        });
        let sim = Self {
            printer,
            addr,
            runtime,
            server: Mutex::new(None),
            ticker,
        };
        sim.serve(listener)?;
        Ok(sim)
    }

    fn serve(&self, listener: std::net::TcpListener) -> std::io::Result<()> {
        listener.set_nonblocking(true)?;
        let app = Router::new()
            .route("/ipp/print", post(handle))
            .with_state(self.printer.clone());
        let _guard = self.runtime.enter();
        let listener = tokio::net::TcpListener::from_std(listener)?;
        let task = self.runtime.spawn(async move {
            if let Err(e) = axum::serve(listener, app).await {
                tracing::warn!(error = %e, "simulated A4 printer stopped serving");
            }
        });
        *self.server.lock().unwrap_or_else(|e| e.into_inner()) = Some(task);
        Ok(())
    }

    pub fn uri(&self) -> String {
        format!("ipp://{}/ipp/print", self.addr)
    }

    pub fn set_condition(&self, c: Condition, present: bool) {
        let mut p = lock(&self.printer);
        if present {
            p.conditions.insert(c);
        } else {
            p.conditions.remove(&c);
        }
    }

    pub fn conditions(&self) -> BTreeSet<Condition> {
        lock(&self.printer).conditions.clone()
    }

    pub fn set_accepting(&self, accepting: bool) {
        lock(&self.printer).accepting = accepting;
    }

    /// Refuses every document as malformed.
    pub fn set_reject_documents(&self, reject: bool) {
        lock(&self.printer).reject_documents = reject;
    }

    /// Takes connections but answers nothing (a hung print server).
    pub fn set_silent(&self, silent: bool) {
        lock(&self.printer).silent = silent;
    }

    pub fn set_print_time(&self, t: Duration) {
        lock(&self.printer).print_time = t;
    }

    /// Stops listening (cable pulled, printer off): connections are refused.
    pub fn unplug(&self) {
        if let Some(s) = self.server.lock().unwrap_or_else(|e| e.into_inner()).take() {
            s.abort();
        }
    }

    /// Listens again on the same port.
    pub fn replug(&self) -> std::io::Result<()> {
        if self
            .server
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .is_some()
        {
            return Ok(());
        }
        self.serve(std::net::TcpListener::bind(self.addr)?)
    }

    pub fn is_plugged(&self) -> bool {
        self.server
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .is_some()
    }

    /// Jobs taken and not yet finished (printing, waiting or stopped): what a test waits for instead of a
    /// fixed time.
    pub fn unfinished_jobs(&self) -> usize {
        lock(&self.printer)
            .jobs
            .iter()
            .filter(|j| !j.state.is_final())
            .count()
    }

    /// Jobs the mechanism is printing now.
    pub fn printing_jobs(&self) -> usize {
        lock(&self.printer)
            .jobs
            .iter()
            .filter(|j| j.state == JobState::Processing)
            .count()
    }

    /// The documents printed so far (the last `sim::KEPT_PRINTOUTS`).
    pub fn printed(&self) -> Vec<Printed> {
        lock(&self.printer).printed.clone()
    }
}

fn reply(resp: IppRequestResponse) -> Response {
    ([(CONTENT_TYPE, "application/ipp")], resp.to_bytes()).into_response()
}

fn status(version: IppVersion, id: i32, code: StatusCode, message: &str) -> Response {
    match IppRequestResponse::new_response(version, code, id) {
        Ok(mut r) => {
            if let Ok(m) = IppValue::new_text_without_language(message) {
                r.attributes_mut()
                    .add(DelimiterTag::OperationAttributes, attr("status-message", m));
            }
            reply(r)
        }
        Err(_) => axum::http::StatusCode::INTERNAL_SERVER_ERROR.into_response(),
    }
}

fn attr(name: &str, v: IppValue) -> IppAttribute {
    // Our names are short IPP keywords, well inside the name length limit.
    IppAttribute::new(ipp::value::IppName::new_truncated(name), v)
}

fn add(r: &mut IppRequestResponse, tag: DelimiterTag, name: &str, v: Option<IppValue>) {
    if let Some(v) = v {
        r.attributes_mut().add(tag, attr(name, v));
    }
}

async fn handle(AxumState(printer): AxumState<Shared>, body: Bytes) -> Response {
    let silent = lock(&printer).silent;
    if silent {
        std::future::pending::<()>().await;
    }
    let parsed = IppParser::new(IppReader::new(Cursor::new(body.clone()))).parse_parts();
    let Ok((header, attrs, rest)) = parsed else {
        return (axum::http::StatusCode::BAD_REQUEST, "not an IPP request").into_response();
    };
    let document = body.slice((rest.into_inner().position() as usize).min(body.len())..);
    let (version, id) = (header.version, header.request_id);
    let op_attr = |name: &str| {
        attrs
            .groups_of(DelimiterTag::OperationAttributes)
            .find_map(|g| g.get(name))
            .map(|a| a.value().clone())
    };
    let ok = || IppRequestResponse::new_response(version, StatusCode::SuccessfulOk, id);
    let mut p = lock(&printer);
    let op = [
        Operation::GetPrinterAttributes,
        Operation::PrintJob,
        Operation::GetJobAttributes,
        Operation::CancelJob,
    ]
    .into_iter()
    .find(|o| *o as i16 == header.operation_or_status);
    match op {
        Some(Operation::GetPrinterAttributes) => {
            let Ok(mut r) = ok() else {
                return axum::http::StatusCode::INTERNAL_SERVER_ERROR.into_response();
            };
            let t = DelimiterTag::PrinterAttributes;
            add(
                &mut r,
                t,
                "printer-state",
                Some(IppValue::Enum(p.printer_state())),
            );
            let reasons: Vec<IppValue> = if p.conditions.is_empty() {
                IppValue::new_keyword("none").into_iter().collect()
            } else {
                p.conditions
                    .iter()
                    .filter_map(|c| IppValue::new_keyword(c.keyword()).ok())
                    .collect()
            };
            add(
                &mut r,
                t,
                "printer-state-reasons",
                Some(IppValue::Array(reasons)),
            );
            add(
                &mut r,
                t,
                "printer-is-accepting-jobs",
                Some(IppValue::Boolean(p.accepting)),
            );
            let message = match p.stopping() {
                Some(c) => c.describe().to_string(),
                None => "Idle.".into(),
            };
            add(
                &mut r,
                t,
                "printer-state-message",
                IppValue::new_text_without_language(message).ok(),
            );
            add(
                &mut r,
                t,
                "document-format-supported",
                BoundedString::new(PDF).ok().map(IppValue::MimeMediaType),
            );
            add(
                &mut r,
                t,
                "printer-make-and-model",
                IppValue::new_text_without_language("Simulated A4 printer").ok(),
            );
            reply(r)
        }
        Some(Operation::PrintJob) => {
            if !p.accepting {
                return status(
                    version,
                    id,
                    StatusCode::ServerErrorNotAcceptingJobs,
                    "not accepting jobs",
                );
            }
            let format = op_attr("document-format").map(|v| v.to_string());
            if format
                .as_deref()
                .is_some_and(|f| f != PDF && f != "application/octet-stream")
            {
                return status(
                    version,
                    id,
                    StatusCode::ClientErrorDocumentFormatNotSupported,
                    "only application/pdf",
                );
            }
            if p.reject_documents || !document.starts_with(b"%PDF-") {
                return status(
                    version,
                    id,
                    StatusCode::ClientErrorDocumentFormatError,
                    "not a PDF document",
                );
            }
            let job_id = p.next_id;
            p.next_id += 1;
            let name = op_attr("job-name")
                .map(|v| v.to_string())
                .unwrap_or_default();
            // A job history as printers keep one: the unfinished jobs, and the last finished ones.
            let finished = p.jobs.iter().filter(|j| j.state.is_final()).count();
            if finished >= crate::sim::KEPT_PRINTOUTS {
                if let Some(oldest) = p.jobs.iter().position(|j| j.state.is_final()) {
                    p.jobs.remove(oldest);
                }
            }
            p.jobs.push(Job {
                id: job_id,
                name,
                state: JobState::Pending,
                done: Duration::ZERO,
                pdf: document,
            });
            let Ok(mut r) = ok() else {
                return axum::http::StatusCode::INTERNAL_SERVER_ERROR.into_response();
            };
            let t = DelimiterTag::JobAttributes;
            add(&mut r, t, "job-id", Some(IppValue::Integer(job_id)));
            add(
                &mut r,
                t,
                "job-state",
                Some(IppValue::Enum(JobState::Pending.to_ipp())),
            );
            reply(r)
        }
        Some(op @ (Operation::GetJobAttributes | Operation::CancelJob)) => {
            let Some(IppValue::Integer(job_id)) = op_attr("job-id") else {
                return status(version, id, StatusCode::ClientErrorBadRequest, "no job-id");
            };
            let stopping = p.stopping();
            let Some(job) = p.jobs.iter_mut().find(|j| j.id == job_id) else {
                return status(version, id, StatusCode::ClientErrorNotFound, "no such job");
            };
            if op == Operation::CancelJob {
                if job.state.is_final() {
                    return status(
                        version,
                        id,
                        StatusCode::ClientErrorNotPossible,
                        "the job has ended",
                    );
                }
                job.state = JobState::Canceled;
                return match ok() {
                    Ok(r) => reply(r),
                    Err(_) => axum::http::StatusCode::INTERNAL_SERVER_ERROR.into_response(),
                };
            }
            let Ok(mut r) = ok() else {
                return axum::http::StatusCode::INTERNAL_SERVER_ERROR.into_response();
            };
            let t = DelimiterTag::JobAttributes;
            add(&mut r, t, "job-id", Some(IppValue::Integer(job.id)));
            add(
                &mut r,
                t,
                "job-state",
                Some(IppValue::Enum(job.state.to_ipp())),
            );
            let reason = match job.state {
                JobState::Completed => "job-completed-successfully",
                JobState::Canceled => "job-canceled-by-user",
                JobState::Stopped => "printer-stopped",
                JobState::Processing => "job-printing",
                _ => "none",
            };
            add(
                &mut r,
                t,
                "job-state-reasons",
                IppValue::new_keyword(reason).ok(),
            );
            if let (JobState::Stopped, Some(c)) = (job.state, stopping) {
                add(
                    &mut r,
                    t,
                    "job-state-message",
                    IppValue::new_text_without_language(c.describe()).ok(),
                );
            }
            reply(r)
        }
        _ => status(
            version,
            id,
            StatusCode::ServerErrorOperationNotSupported,
            "not supported here",
        ),
    }
}
