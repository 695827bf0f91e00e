//! The receipt printer over a serial port: status polling that publishes paper and health changes, and print
//! jobs that are refused with a reason when the printer cannot print and confirmed when the paper is out of it.

use super::protocol::{
    encode, job_id, job_marker, print_time, status_request, Completion, Layout, PrinterReply,
    PrinterStatus, Receipt, ReplyDecoder, STATUS_REQUESTS,
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
/// An idle printer that has `GS ( H` answers a marker at once; one that has not answers nothing.
const PROBE_TIME: Duration = Duration::from_millis(500);
/// How often the status is read while a receipt prints on a printer without job replies.
const PRINTING_POLL: Duration = Duration::from_millis(200);

/// How a finished job went.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JobReport {
    pub job: [u8; 4],
    pub bytes: usize,
    /// Lines printed as images because the printer's font lacks a character in them.
    pub rastered_lines: usize,
    /// Characters printed as the replacement character.
    pub replaced_chars: usize,
    /// The status once printed (`None`: the printer did not answer then; the receipt is printed all the same).
    pub status_after: Option<PrinterStatus>,
    /// How the end of the job was known.
    pub completion: Completion,
}

pub struct ReceiptPrinter {
    link: Link,
    decoder: ReplyDecoder,
    pub layout: Layout,
    next_job: u32,
    /// How jobs end on this printer: from the profile, or probed before the first job (`None` until then).
    completion: Option<Completion>,
    /// The completion was probed, not given: a printer unplugged may come back as another one.
    probed: bool,
}

impl ReceiptPrinter {
    pub fn new(path: impl Into<String>, baud: u32, layout: Layout) -> Self {
        Self {
            link: Link::new(path, baud),
            decoder: ReplyDecoder::default(),
            layout,
            next_job: 1,
            completion: None,
            probed: false,
        }
    }

    /// Sets how jobs end instead of probing (the profile's `completion`); `None` probes.
    pub fn with_completion(mut self, completion: Option<Completion>) -> Self {
        self.completion = completion;
        self
    }

    /// How jobs end on this printer, once known.
    pub fn completion(&self) -> Option<Completion> {
        self.completion
    }

    /// Asks once whether the printer answers `GS ( H`: a marker with nothing before it is answered at once
    /// by a printer that has it; silence means the status is watched instead.
    pub async fn probe_completion(&mut self) -> Result<Completion, DeviceError> {
        if let Some(c) = self.completion {
            return Ok(c);
        }
        self.link.discard_input();
        self.decoder.reset();
        let probe = job_id(0);
        self.link.send(&job_marker(probe)).await?;
        let deadline = Instant::now() + PROBE_TIME;
        let found = loop {
            match self.link.receive_until(&mut self.decoder, deadline).await {
                Ok(Ok(PrinterReply::JobDone(id))) if id == probe => break Completion::JobReply,
                Ok(_) => {}
                Err(DeviceError::Timeout(_)) => break Completion::StatusPolling,
                Err(e) => return Err(e),
            }
        };
        tracing::info!(printer = %self.link.path(), completion = found.name(), "receipt printer probed");
        self.completion = Some(found);
        self.probed = true;
        Ok(found)
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
        let read = self.read_status().await;
        if read.as_ref().is_err_and(|e| e.is_disconnect()) && self.probed {
            self.completion = None;
            self.probed = false;
        }
        read
    }

    async fn read_status(&mut self) -> Result<PrinterStatus, DeviceError> {
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
    /// everything up to the job's end marker is printed, or, on a printer without job replies, when the
    /// receipt's printing time has passed with its status fine.
    pub async fn print(&mut self, receipt: &Receipt) -> Result<JobReport, DeviceError> {
        let before = self.status().await?;
        if let Some(why) = before.refusal() {
            return Err(DeviceError::NotReady(why.into()));
        }
        let job = job_id(self.next_job);
        self.next_job = self.next_job.wrapping_add(1);
        let encoded = encode(receipt, &self.layout, job)
            .map_err(|e| DeviceError::InvalidData(e.to_string()))?;
        let completion = self.probe_completion().await?;
        self.link.send(&encoded.bytes).await?;
        let sent = wire_time(encoded.bytes.len(), self.link.baud());
        let status_after = match completion {
            Completion::JobReply => {
                self.wait_for_reply(job, Instant::now() + sent + PRINT_TIME)
                    .await?;
                // The receipt is out: a status that does not come now does not make it unprinted.
                self.status().await.ok()
            }
            // Its last poll is the status after.
            Completion::StatusPolling => Some(
                self.watch_status(Instant::now() + sent + print_time(receipt))
                    .await?,
            ),
        };
        Ok(JobReport {
            job,
            bytes: encoded.bytes.len(),
            rastered_lines: encoded.rastered_lines,
            replaced_chars: encoded.replaced_chars,
            status_after,
            completion,
        })
    }

    /// Until the printer's reply for `job`'s marker; at the deadline, why it stopped if the printer knows.
    async fn wait_for_reply(&mut self, job: [u8; 4], deadline: Instant) -> Result<(), DeviceError> {
        loop {
            match self.link.receive_until(&mut self.decoder, deadline).await {
                Ok(Ok(PrinterReply::JobDone(id))) if id == job => return Ok(()),
                Ok(_) => {}
                Err(DeviceError::Timeout(_)) => {
                    let now = self.status().await?;
                    return Err(match now.refusal() {
                        Some(why) => DeviceError::Hardware(format!("the job stopped: {why}")),
                        None => DeviceError::Timeout(PRINT_TIME.as_millis() as u64),
                    });
                }
                Err(e) => return Err(e),
            }
        }
    }

    /// A printer without job replies: its status, read while the receipt takes to print, must stay fine.
    /// Real-time status is answered even while the buffer prints, so a stop (paper out, cover open) is seen
    /// as it happens; a poll that goes unanswered is asked again, and the last one must answer.
    async fn watch_status(&mut self, until: Instant) -> Result<PrinterStatus, DeviceError> {
        loop {
            let last = Instant::now() >= until;
            match self.status().await {
                Ok(s) => {
                    if let Some(why) = s.refusal() {
                        return Err(DeviceError::Hardware(format!("the job stopped: {why}")));
                    }
                    if last {
                        return Ok(s);
                    }
                }
                Err(e) if e.is_disconnect() || last => return Err(e),
                Err(_) => {}
            }
            tokio::time::sleep(PRINTING_POLL.min(until.saturating_duration_since(Instant::now())))
                .await;
        }
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
            // How jobs end is found while the printer is idle and fine, not on a resident's first receipt.
            if self.printer.completion().is_none()
                && polled.as_ref().is_ok_and(|s| s.refusal().is_none())
            {
                if let Err(e) = self.printer.probe_completion().await {
                    tracing::debug!(device = %self.id, error = %e, "completion not probed yet");
                }
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
