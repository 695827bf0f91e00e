//! The receipt printer over a serial port: status polling that publishes paper and health changes, and print
//! jobs that are refused with a reason when the printer cannot print and confirmed when the paper is out of it.

use super::protocol::{
    encode, job_id, status_request, Layout, PrinterReply, PrinterStatus, Receipt, ReplyDecoder,
    STATUS_REQUESTS,
};
use crate::codec::Decoder;
use crate::device::{DeviceId, Health};
use crate::error::DeviceError;
use crate::event::{DeviceEvent, PaperState};
use crate::jobs::{queue, JobHandle, Jobs};
use crate::report::HealthReport;
use crate::serial::{wire_time, Link};
use std::time::Duration;
use tokio::sync::mpsc::UnboundedSender;
use tokio::time::Instant;

const STATUS_TIMEOUT: Duration = Duration::from_millis(300);
// Two missed polls mark the printer down: 2 × (500 + 300) ms < 2 s.
const POLL_INTERVAL: Duration = Duration::from_millis(500);
/// Time a receipt may take to print after its bytes are sent (a long receipt at 100 mm/s with a cut).
const PRINT_TIME: Duration = Duration::from_secs(10);

/// How a finished job went.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JobReport {
    pub job: [u8; 4],
    pub bytes: usize,
    /// Lines printed as images because the printer's font lacks a character in them.
    pub rastered_lines: usize,
    /// Characters printed as the replacement character.
    pub replaced_chars: usize,
    pub status_after: PrinterStatus,
}

pub struct ReceiptPrinter {
    link: Link,
    decoder: ReplyDecoder,
    pub layout: Layout,
    next_job: u32,
}

impl ReceiptPrinter {
    pub fn new(path: impl Into<String>, baud: u32, layout: Layout) -> Self {
        Self {
            link: Link::new(path, baud),
            decoder: ReplyDecoder::default(),
            layout,
            next_job: 1,
        }
    }

    pub fn path(&self) -> &str {
        self.link.path()
    }

    async fn status_byte(&mut self) -> Result<u8, DeviceError> {
        loop {
            // The decoder is infallible: the inner Result is always Ok.
            let Ok(reply) = self.link.receive(&mut self.decoder, STATUS_TIMEOUT).await?;
            if let PrinterReply::Status(b) = reply {
                return Ok(b);
            }
        }
    }

    /// The printer's real-time status.
    pub async fn status(&mut self) -> Result<PrinterStatus, DeviceError> {
        self.link.discard_input();
        self.decoder.reset();
        let mut b = [0u8; 3];
        for (i, r) in STATUS_REQUESTS.into_iter().enumerate() {
            self.link.send(&status_request(r)).await?;
            b[i] = self.status_byte().await?;
        }
        PrinterStatus::from_bytes(b[0], b[1], b[2])
            .ok_or_else(|| DeviceError::InvalidData(format!("status bytes {b:02X?}")))
    }

    /// Prints a receipt: refused with the reason when the printer cannot print, confirmed when the printer says
    /// everything up to the job's end marker is printed.
    pub async fn print(&mut self, receipt: &Receipt) -> Result<JobReport, DeviceError> {
        let before = self.status().await?;
        if let Some(why) = before.refusal() {
            return Err(DeviceError::NotReady(why.into()));
        }
        let job = job_id(self.next_job);
        self.next_job = self.next_job.wrapping_add(1);
        let encoded = encode(receipt, &self.layout, job)
            .map_err(|e| DeviceError::InvalidData(e.to_string()))?;
        self.link.send(&encoded.bytes).await?;
        let deadline =
            Instant::now() + wire_time(encoded.bytes.len(), self.link.baud()) + PRINT_TIME;
        loop {
            match self.link.receive_until(&mut self.decoder, deadline).await {
                Ok(Ok(PrinterReply::JobDone(id))) if id == job => break,
                Ok(_) => {}
                Err(DeviceError::Timeout(_)) => {
                    // Say why, if the printer knows.
                    let now = self.status().await?;
                    return Err(match now.refusal() {
                        Some(why) => DeviceError::Hardware(format!("the job stopped: {why}")),
                        None => DeviceError::Timeout(PRINT_TIME.as_millis() as u64),
                    });
                }
                Err(e) => return Err(e),
            }
        }
        let status_after = self.status().await?;
        Ok(JobReport {
            job,
            bytes: encoded.bytes.len(),
            rastered_lines: encoded.rastered_lines,
            replaced_chars: encoded.replaced_chars,
            status_after,
        })
    }
}

/// Where the terminal sends receipts.
pub type PrinterHandle = JobHandle<Receipt, JobReport>;

pub struct PrinterService {
    pub id: DeviceId,
    pub printer: ReceiptPrinter,
    pub events: UnboundedSender<DeviceEvent>,
    jobs: Jobs<Receipt, JobReport>,
}

impl PrinterService {
    pub fn new(
        id: DeviceId,
        printer: ReceiptPrinter,
        events: UnboundedSender<DeviceEvent>,
    ) -> (Self, PrinterHandle) {
        let (handle, jobs) = queue(8);
        (
            Self {
                id,
                printer,
                events,
                jobs,
            },
            handle,
        )
    }

    fn publish(&self, e: DeviceEvent) {
        let _ = self.events.send(e);
    }

    pub async fn run(mut self) {
        let mut health = HealthReport::new(self.id.clone(), "receipt printer", self.events.clone());
        let mut paper: Option<PaperState> = None;
        let mut failures = 0u32;
        loop {
            let polled = self.printer.status().await;
            let h = match &polled {
                Ok(s) => {
                    failures = 0;
                    if paper != Some(s.paper) {
                        paper = Some(s.paper);
                        self.publish(DeviceEvent::Paper {
                            device: self.id.clone(),
                            state: s.paper,
                        });
                    }
                    match s.refusal() {
                        // Out of paper is told by the paper event; the printer itself is fine.
                        Some(_) if s.paper == PaperState::Out && !s.cover_open => {
                            Some(Health::Online)
                        }
                        Some(why) => Some(Health::Down { reason: why.into() }),
                        None => Some(Health::Online),
                    }
                }
                Err(e) if e.is_disconnect() => Some(Health::Down {
                    reason: format!("{e}: unplugged? it is reopened as soon as it is back"),
                }),
                Err(e) => {
                    failures += 1;
                    (failures >= 2).then(|| Health::Down {
                        reason: format!(
                            "{}: the printer stopped answering ({e})",
                            self.printer.path()
                        ),
                    })
                }
            };
            if let Some(h) = h {
                health.set(h);
            }
            let wait = if polled.as_ref().is_err_and(|e| e.is_disconnect()) {
                Duration::from_millis(500)
            } else {
                POLL_INTERVAL
            };
            tokio::select! {
                job = self.jobs.recv() => match job {
                    None => return,
                    Some((receipt, reply)) => {
                        let result = self.printer.print(&receipt).await;
                        match &result {
                            Ok(r) => tracing::info!(device = %self.id, job = %String::from_utf8_lossy(&r.job), bytes = r.bytes, "receipt printed"),
                            Err(e) => tracing::warn!(device = %self.id, error = %e, "receipt not printed"),
                        }
                        let _ = reply.send(result);
                    }
                },
                _ = tokio::time::sleep(wait) => {}
            }
        }
    }
}
