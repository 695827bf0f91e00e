//! The serial scanner service: reads scans (and in trigger mode asks for them) and publishes each as a
//! classified [`ScanPayload`]. Payloads stay `Sensitive`: nothing here logs them.

use super::payload::ScanPayload;
use super::protocol::{
    newland_command, scan_text, ScanDecoder, ScanError, ScanFrame, ScanProtocol, Terminator,
    HONEYWELL_START, NEWLAND_SETUP, NEWLAND_TRIGGER,
};
use crate::codec::Decoder;
use crate::device::{DeviceId, Health};
use crate::error::DeviceError;
use crate::event::DeviceEvent;
use crate::report::HealthReport;
use crate::serial::Link;
use std::time::Duration;
use tokio::sync::mpsc::UnboundedSender;
use tokio::time::Instant;

/// A scan with no terminator ends after the line is quiet this long.
const IDLE_END: Duration = Duration::from_millis(60);
/// A trigger-mode scanner is asked again this often (its own read timeout is set to 30 s).
const RETRIGGER: Duration = Duration::from_secs(25);
/// A Newland scanner answers a command at once; no answer this long means it is not there.
const REPLY_TIMEOUT: Duration = Duration::from_millis(500);

pub struct ScannerConfig {
    pub path: String,
    pub baud: u32,
    pub terminator: Terminator,
    pub protocol: ScanProtocol,
}

/// One scanner on one port, for the service and for `kiosk diag scanner`.
pub struct Scanner {
    link: Link,
    decoder: ScanDecoder,
    terminator: Terminator,
    protocol: ScanProtocol,
}

impl Scanner {
    pub fn new(c: ScannerConfig) -> Self {
        Self {
            link: Link::new(c.path, c.baud),
            decoder: ScanDecoder::new(c.terminator, c.protocol),
            terminator: c.terminator,
            protocol: c.protocol,
        }
    }

    pub fn path(&self) -> &str {
        self.link.path()
    }

    /// Sends a Newland command and waits for its acknowledgement; scans arriving meanwhile are returned.
    async fn newland(&mut self, body: &str, keep: bool) -> Result<Vec<String>, DeviceError> {
        self.link.send(&newland_command(keep, body)).await?;
        let deadline = Instant::now() + REPLY_TIMEOUT;
        let mut scans = Vec::new();
        loop {
            match self.link.receive_until(&mut self.decoder, deadline).await? {
                Ok(ScanFrame::Reply { ack: true }) => return Ok(scans),
                Ok(ScanFrame::Reply { ack: false }) => {
                    return Err(DeviceError::Hardware(format!("the scanner refused {body}")))
                }
                Ok(ScanFrame::Code(c)) => scans.push(scan_text(&c)),
                Err(e) => {
                    tracing::warn!(port = self.link.path(), error = %e, "scanner sent something malformed")
                }
            }
        }
    }

    /// Opens the port and sets the scanner up for its protocol (Newland: trigger mode and timeouts).
    pub async fn start(&mut self) -> Result<(), DeviceError> {
        self.link.open()?;
        self.decoder.reset();
        if self.protocol == ScanProtocol::Newland {
            for setting in NEWLAND_SETUP {
                self.newland(setting, false).await?;
            }
        }
        Ok(())
    }

    /// Asks a trigger-mode scanner to read; scans that came with the acknowledgement are returned.
    pub async fn trigger(&mut self) -> Result<Vec<String>, DeviceError> {
        match self.protocol {
            ScanProtocol::Line => Ok(Vec::new()),
            ScanProtocol::Honeywell => self.link.send(&HONEYWELL_START).await.map(|_| Vec::new()),
            ScanProtocol::Newland => self.newland(NEWLAND_TRIGGER, false).await,
        }
    }

    /// Waits up to `timeout` for the next scan.
    pub async fn next_scan(&mut self, timeout: Duration) -> Result<Option<String>, DeviceError> {
        let deadline = Instant::now() + timeout;
        loop {
            // With no terminator a scan ends when the line is quiet: look every IDLE_END.
            let until = if self.terminator == Terminator::None {
                (Instant::now() + IDLE_END).min(deadline)
            } else {
                deadline
            };
            match self.link.receive_until(&mut self.decoder, until).await {
                Ok(Ok(ScanFrame::Code(c))) => return Ok(Some(scan_text(&c))),
                Ok(Ok(ScanFrame::Reply { .. })) => {}
                Ok(Err(ScanError::TooLong)) => {
                    tracing::warn!(port = self.link.path(), "overlong scan dropped")
                }
                Ok(Err(e)) => {
                    tracing::warn!(port = self.link.path(), error = %e, "scanner sent something malformed")
                }
                Err(DeviceError::Timeout(_)) => {
                    if let Some(Ok(ScanFrame::Code(c))) = self.decoder.finish() {
                        return Ok(Some(scan_text(&c)));
                    }
                    if Instant::now() >= deadline {
                        return Ok(None);
                    }
                }
                Err(e) => return Err(e),
            }
        }
    }
}

/// Publishes scans and the scanner's health; reopens the port after it goes away.
pub struct ScannerService {
    pub id: DeviceId,
    pub scanner: Scanner,
    pub events: UnboundedSender<DeviceEvent>,
}

impl ScannerService {
    fn publish(&self, e: DeviceEvent) {
        let _ = self.events.send(e);
    }

    fn scanned(&self, text: &str) {
        let payload = ScanPayload::classify(text);
        tracing::info!(device = %self.id, kind = ?payload.kind, "scan");
        self.publish(DeviceEvent::CodeScanned(payload));
    }

    pub async fn run(mut self) {
        let mut health = HealthReport::new(self.id.clone(), "scanner", self.events.clone());
        let mut backoff = Duration::from_millis(250);
        'open: loop {
            if let Err(e) = self.scanner.start().await {
                health.set(Health::Down {
                    reason: e.to_string(),
                });
                if !e.is_disconnect() {
                    // Open but not answering: close so the next try starts clean.
                    self.scanner.link.close();
                }
                tokio::time::sleep(backoff).await;
                backoff = (backoff * 2).min(Duration::from_secs(4));
                continue;
            }
            backoff = Duration::from_millis(250);
            health.set(Health::Online);
            loop {
                match self.scanner.trigger().await {
                    Ok(scans) => scans.iter().for_each(|s| self.scanned(s)),
                    Err(e) => {
                        health.set(Health::Down {
                            reason: e.to_string(),
                        });
                        self.scanner.link.close();
                        continue 'open;
                    }
                }
                health.set(Health::Online);
                match self.scanner.next_scan(RETRIGGER).await {
                    Ok(Some(text)) => self.scanned(&text),
                    Ok(None) => {}
                    Err(e) => {
                        health.set(Health::Down {
                            reason: format!("{e}: unplugged? it is reopened as soon as it is back"),
                        });
                        continue 'open;
                    }
                }
            }
        }
    }
}
