//! The GA 467 reader over a serial port: single operations for technicians (`Reader`) and the service that
//! polls for cards and publishes events (`ReaderService`).

use super::photo::PhotoDecoder;
use super::protocol::{
    decode_text, format_sam_id, status_text, sw3, CardData, Command, FrameDecoder, Reply,
};
use super::record::IdCardRecord;
use crate::codec::Decoder;
use crate::device::{DeviceId, Health};
use crate::error::DeviceError;
use crate::event::{CardProblem, DeviceEvent};
use crate::report::HealthReport;
use crate::serial::{Link, LINE_SPEEDS};
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::mpsc::UnboundedSender;

/// Timeouts seen in vendor host code: find/select 1 s, read 3 s. Status polls are shorter so a reader that stops
/// answering is reported within 2 s.
pub const FIND_TIMEOUT: Duration = Duration::from_millis(1000);
pub const READ_TIMEOUT: Duration = Duration::from_millis(3000);
const POLL_TIMEOUT: Duration = Duration::from_millis(600);
const PROBE_TIMEOUT: Duration = Duration::from_millis(300);
pub const POLL_INTERVAL: Duration = Duration::from_millis(250);

/// A card read: the record and, when asked for, the fingerprint bytes.
pub struct CardRead {
    pub record: IdCardRecord,
    pub fingerprint: Option<Vec<u8>>,
}

/// One reader on one port.
pub struct Reader {
    link: Link,
    decoder: FrameDecoder,
}

impl Reader {
    pub fn new(path: impl Into<String>, baud: u32) -> Self {
        Self {
            link: Link::new(path, baud),
            decoder: FrameDecoder::new(),
        }
    }

    pub fn link(&mut self) -> &mut Link {
        &mut self.link
    }

    /// Sends a command and returns its reply, whatever its status. A corrupted reply is retried once.
    pub async fn exchange(
        &mut self,
        cmd: Command,
        timeout: Duration,
    ) -> Result<Reply, DeviceError> {
        let mut last = None;
        for _ in 0..2 {
            // A late answer to an earlier command must not be taken for this one's.
            self.link.discard_input();
            self.decoder.reset();
            self.link.send(&cmd.encode()).await?;
            match self.link.receive(&mut self.decoder, timeout).await {
                Ok(Ok(body)) => {
                    return Reply::from_body(&body)
                        .map_err(|e| DeviceError::InvalidData(e.to_string()))
                }
                Ok(Err(e)) => {
                    tracing::warn!(port = self.link.path(), error = %e, ?cmd, "corrupted reply; asking again");
                    last = Some(DeviceError::InvalidData(e.to_string()));
                }
                Err(e) => {
                    self.decoder.reset();
                    return Err(e);
                }
            }
        }
        Err(last.unwrap_or(DeviceError::InvalidData("no reply".into())))
    }

    /// Sends a command and insists on its success status.
    pub async fn command(&mut self, cmd: Command, timeout: Duration) -> Result<Reply, DeviceError> {
        let reply = self.exchange(cmd, timeout).await?;
        if reply.status() == cmd.success() {
            Ok(reply)
        } else {
            Err(DeviceError::Hardware(format!(
                "{:02X} {}",
                reply.status(),
                status_text(reply.status())
            )))
        }
    }

    pub async fn sam_status(&mut self, timeout: Duration) -> Result<(), DeviceError> {
        self.command(Command::SamStatus, timeout).await.map(|_| ())
    }

    pub async fn reset(&mut self) -> Result<(), DeviceError> {
        self.command(Command::ResetSam, FIND_TIMEOUT)
            .await
            .map(|_| ())
    }

    pub async fn sam_id(&mut self) -> Result<String, DeviceError> {
        let reply = self.command(Command::ReadSamId, FIND_TIMEOUT).await?;
        format_sam_id(&reply.data).ok_or_else(|| {
            DeviceError::InvalidData(format!("SAM id of {} bytes", reply.data.len()))
        })
    }

    /// Whether a card is in the field.
    pub async fn find(&mut self, timeout: Duration) -> Result<bool, DeviceError> {
        let reply = self.exchange(Command::FindCard, timeout).await?;
        match reply.status() {
            sw3::CARD_FOUND => Ok(true),
            sw3::FIND_FAILED => Ok(false),
            s => Err(DeviceError::Hardware(format!("{s:02X} {}", status_text(s)))),
        }
    }

    pub async fn select(&mut self) -> Result<bool, DeviceError> {
        let reply = self.exchange(Command::SelectCard, FIND_TIMEOUT).await?;
        match reply.status() {
            sw3::SUCCESS => Ok(true),
            sw3::SELECT_FAILED => Ok(false),
            s => Err(DeviceError::Hardware(format!("{s:02X} {}", status_text(s)))),
        }
    }

    /// Reads the selected card: text and photo, and the fingerprint when asked.
    pub async fn read(&mut self, fingerprint: bool) -> Result<CardRead, DeviceError> {
        let cmd = if fingerprint {
            Command::ReadTextFingerprint
        } else {
            Command::ReadText
        };
        let reply = self.command(cmd, READ_TIMEOUT).await?;
        let data = CardData::parse(&reply.data, fingerprint)
            .map_err(|e| DeviceError::InvalidData(e.to_string()))?;
        let record = decode_text(&data.text, data.photo).map_err(|e| match e {
            // A type mark this terminal does not know is a card it cannot read, not a broken one.
            super::protocol::TextError::UnknownType(mark) => {
                DeviceError::Unsupported(format!("card type mark {mark:?}"))
            }
            e => DeviceError::InvalidData(e.to_string()),
        })?;
        Ok(CardRead {
            record,
            fingerprint: data.fingerprint,
        })
    }

    /// Find, select and read: one card, start to end.
    pub async fn read_card(&mut self) -> Result<CardRead, DeviceError> {
        if !self.find(FIND_TIMEOUT).await? {
            return Err(DeviceError::NotReady("no card on the reader".into()));
        }
        if !self.select().await? {
            return Err(DeviceError::NotReady(
                "the card could not be selected; place it flat on the reader".into(),
            ));
        }
        self.read(false).await
    }

    /// Finds the reader's line speed: the current one first, then the others fastest first, each tried with
    /// the SAM-status command. Leaves the port at the speed found.
    pub async fn detect_baud(&mut self) -> Result<u32, DeviceError> {
        let first = self.link.baud();
        let order = std::iter::once(first).chain(LINE_SPEEDS.into_iter().filter(|&b| b != first));
        let mut last = DeviceError::Timeout(PROBE_TIMEOUT.as_millis() as u64);
        for baud in order {
            self.link.set_baud(baud)?;
            match self.sam_status(PROBE_TIMEOUT).await {
                Ok(()) => return Ok(baud),
                Err(e) if e.is_disconnect() => return Err(e),
                Err(e) => last = e,
            }
        }
        self.link.set_baud(first)?;
        Err(last)
    }

    /// Switches reader and port to another line speed.
    pub async fn set_line_speed(&mut self, baud: u32) -> Result<(), DeviceError> {
        let index = LINE_SPEEDS
            .iter()
            .position(|&b| b == baud)
            .ok_or_else(|| DeviceError::Unsupported(format!("{baud} baud")))?;
        self.command(Command::SetBaud(index as u8), FIND_TIMEOUT)
            .await?;
        self.link.set_baud(baud)
    }
}

/// Consecutive failed polls after which the reader is reported down (2 × (250 + 600) ms < 2 s).
const DOWN_AFTER: u32 = 2;
/// Failed reads of one card after which the resident is asked to place it flat.
const READ_ATTEMPTS_BEFORE_TELLING: u32 = 3;
/// Consecutive empty polls after which a card counts as removed (debounce).
const REMOVED_AFTER: u32 = 2;

/// Polls a reader for cards and publishes what happens: card inserted (read once per insertion), card removed,
/// and the reader's health, recovering by itself from unplugging, silence and a changed line speed.
pub struct ReaderService {
    pub id: DeviceId,
    pub reader: Reader,
    pub events: UnboundedSender<DeviceEvent>,
    pub photo: Option<Arc<PhotoDecoder>>,
}

impl ReaderService {
    fn publish(&self, e: DeviceEvent) {
        // The receiver goes only at shutdown.
        let _ = self.events.send(e);
    }

    pub async fn run(mut self) {
        let configured = self.reader.link.baud();
        let mut health = HealthReport::new(self.id.clone(), "ID card reader", self.events.clone());
        let mut online = false;
        let mut failures = 0u32;
        let mut present = false;
        let mut empty_polls = 0u32;
        let mut failed_reads = 0u32;
        let mut backoff = Duration::from_millis(250);
        loop {
            if let Err(e) = self.reader.link.open() {
                health.set(Health::Down {
                    reason: e.to_string(),
                });
                online = false;
                tokio::time::sleep(backoff).await;
                backoff = (backoff * 2).min(Duration::from_secs(4));
                continue;
            }
            backoff = Duration::from_millis(250);
            if !online {
                match self.reader.detect_baud().await {
                    Ok(baud) => {
                        if baud != configured {
                            tracing::warn!(device = %self.id, found = baud, configured, "the reader answers at another line speed than the profile says");
                        }
                        online = true;
                        failures = 0;
                        health.set(Health::Online);
                    }
                    Err(e) => {
                        if e.is_disconnect() {
                            self.reader.link.close();
                        }
                        health.set(Health::Down {
                            reason: format!(
                                "{}: no answer at any line speed ({e})",
                                self.reader.link.path()
                            ),
                        });
                        tokio::time::sleep(POLL_INTERVAL).await;
                        continue;
                    }
                }
            }
            match self.reader.find(POLL_TIMEOUT).await {
                Ok(found) => {
                    failures = 0;
                    let still_there =
                        found || (present && matches!(self.reader.select().await, Ok(true)));
                    if still_there {
                        empty_polls = 0;
                        if !present {
                            present = self.insertion(&mut failed_reads).await;
                        }
                    } else if !present {
                        failed_reads = 0;
                    } else {
                        empty_polls += 1;
                        if empty_polls >= REMOVED_AFTER {
                            present = false;
                            failed_reads = 0;
                            empty_polls = 0;
                            self.publish(DeviceEvent::CardRemoved);
                        }
                    }
                }
                Err(e) if e.is_disconnect() => {
                    online = false;
                    health.set(Health::Down {
                        reason: format!("{e}: unplugged? it is reopened as soon as it is back"),
                    });
                    continue;
                }
                Err(e) => {
                    failures += 1;
                    tracing::debug!(device = %self.id, error = %e, failures, "poll failed");
                    if failures >= DOWN_AFTER {
                        online = false;
                        health.set(Health::Down {
                            reason: format!(
                                "{}: the reader stopped answering ({e})",
                                self.reader.link.path()
                            ),
                        });
                        continue;
                    }
                }
            }
            tokio::time::sleep(POLL_INTERVAL).await;
        }
    }

    /// Selects and reads a newly found card; publishes it once. Returns whether the card is now taken as present.
    async fn insertion(&mut self, failed_reads: &mut u32) -> bool {
        let read = match self.reader.select().await {
            Ok(true) => self.reader.read(false).await,
            Ok(false) => return false,
            Err(e) => Err(e),
        };
        match read {
            Ok(mut card) => {
                if let Some(decoder) = &self.photo {
                    match decoder.decode(card.record.photo_wlt.expose()) {
                        Ok(bmp) => card.record.photo_bmp = Some(crate::Sensitive::new(bmp)),
                        Err(e) => {
                            tracing::warn!(device = %self.id, error = %e, "card photo not decoded; passed on as wlt")
                        }
                    }
                }
                tracing::info!(device = %self.id, "card read");
                self.publish(DeviceEvent::CardInserted(Box::new(card.record)));
                true
            }
            Err(DeviceError::Unsupported(what)) => {
                tracing::warn!(device = %self.id, card = %what, "card type not supported");
                self.publish(DeviceEvent::CardUnreadable(CardProblem::Unsupported(what)));
                true
            }
            Err(e) => {
                // Pulled out half-way or a bad contact: the next poll tries again. After a few failures the
                // resident is told to place the card flat, once per insertion.
                *failed_reads += 1;
                tracing::warn!(device = %self.id, error = %e, attempt = *failed_reads, "card read failed; retrying");
                if *failed_reads == READ_ATTEMPTS_BEFORE_TELLING {
                    self.publish(DeviceEvent::CardUnreadable(CardProblem::ReadFailed));
                }
                false
            }
        }
    }
}
