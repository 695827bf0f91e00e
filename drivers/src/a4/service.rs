//! The A4 printer service: looks at the printer every few seconds (health, paper, conditions as events) and runs
//! print jobs one at a time, publishing each job's state changes. Both go on side by side, so a long job does
//! not blind the terminal to a door opened meanwhile.

use super::driver::{A4Printer, Document, JobLimits, JobReport};
use super::{Condition, PrinterStatus};
use crate::device::{DeviceId, Health};
use crate::error::DeviceError;
use crate::event::DeviceEvent;
use crate::jobs::{queue, JobHandle, Jobs};
use crate::report::HealthReport;
use std::collections::BTreeSet;
use std::time::Duration;
use tokio::sync::mpsc::UnboundedSender;

/// How often the printer is looked at while idle.
pub const POLL_INTERVAL: Duration = Duration::from_secs(2);

/// Where the terminal sends A4 documents.
pub type A4Handle = JobHandle<Document, JobReport>;

pub struct A4Service {
    pub id: DeviceId,
    pub printer: A4Printer,
    pub events: UnboundedSender<DeviceEvent>,
    pub limits: JobLimits,
    jobs: Jobs<Document, JobReport>,
}

impl A4Service {
    pub fn new(
        id: DeviceId,
        printer: A4Printer,
        events: UnboundedSender<DeviceEvent>,
    ) -> (Self, A4Handle) {
        let (handle, jobs) = queue(8);
        (
            Self {
                id,
                printer,
                events,
                limits: JobLimits::default(),
                jobs,
            },
            handle,
        )
    }

    pub async fn run(self) {
        let watch = watch_printer(self.id.clone(), self.printer.clone(), self.events.clone());
        let jobs = run_jobs(self.id, self.printer, self.events, self.limits, self.jobs);
        // The jobs loop ends when every handle is gone; the watch runs as long as the service.
        tokio::select! {
            _ = watch => {}
            _ = jobs => {}
        }
    }
}

/// What changed between two looks at the printer, as events.
pub fn changes(
    device: &DeviceId,
    before: Option<&PrinterStatus>,
    now: &PrinterStatus,
) -> Vec<DeviceEvent> {
    let mut out = Vec::new();
    let empty = BTreeSet::new();
    let old = before.map(|b| &b.conditions).unwrap_or(&empty);
    for c in Condition::ALL {
        let (was, is) = (old.contains(&c), now.conditions.contains(&c));
        if was != is {
            out.push(DeviceEvent::PrinterCondition {
                device: device.clone(),
                condition: c,
                present: is,
            });
        }
    }
    if before.map(|b| b.paper()) != Some(now.paper()) {
        out.push(DeviceEvent::Paper {
            device: device.clone(),
            state: now.paper(),
        });
    }
    out
}

async fn watch_printer(id: DeviceId, printer: A4Printer, events: UnboundedSender<DeviceEvent>) {
    let mut health = HealthReport::new(id.clone(), "A4 printer", events.clone());
    let mut last: Option<PrinterStatus> = None;
    let mut failures = 0u32;
    loop {
        match printer.status().await {
            Ok(s) => {
                failures = 0;
                for e in changes(&id, last.as_ref(), &s) {
                    health.publish(e);
                }
                if !s.other_reasons.is_empty()
                    && last.as_ref().map(|l| &l.other_reasons) != Some(&s.other_reasons)
                {
                    tracing::info!(device = %id, reasons = ?s.other_reasons, "A4 printer reports");
                }
                health.set(s.health());
                last = Some(s);
            }
            Err(e) => {
                failures += 1;
                // One lost look is not an outage (a busy CUPS); two are.
                if failures >= 2 || matches!(e, DeviceError::NotConnected { .. }) {
                    health.set(Health::Down {
                        reason: e.to_string(),
                    });
                    // What was known of a printer we cannot reach is stale: the first look after it is back
                    // publishes its conditions and paper afresh.
                    last = None;
                }
            }
        }
        tokio::time::sleep(POLL_INTERVAL).await;
    }
}

async fn run_jobs(
    id: DeviceId,
    printer: A4Printer,
    events: UnboundedSender<DeviceEvent>,
    limits: JobLimits,
    mut jobs: Jobs<Document, JobReport>,
) {
    while let Some((doc, reply)) = jobs.recv().await {
        let result = printer
            .print(&doc, limits, |job, s| {
                tracing::info!(device = %id, job, state = s.state.key(), "A4 job");
                let _ = events.send(DeviceEvent::PrintJob {
                    device: id.clone(),
                    job,
                    state: s.state,
                });
            })
            .await;
        match &result {
            Ok(r) => {
                tracing::info!(device = %id, job = r.job_id, ms = r.elapsed.as_millis() as u64, "A4 document printed")
            }
            Err(e) => tracing::warn!(device = %id, error = %e, "A4 document not printed"),
        }
        let _ = reply.send(result);
    }
}
