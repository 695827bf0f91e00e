//! The evaluation pad over a serial port: single operations for technicians (`Pad`) and the service that keeps
//! a heartbeat, shows prompts, lights keys and publishes each rating exactly once (`PadService`).

use super::protocol::{Frame, FrameDecoder, LightMode, Message};
use crate::device::{DeviceId, Health};
use crate::error::DeviceError;
use crate::event::{DeviceEvent, Rating};
use crate::report::HealthReport;
use crate::serial::Link;
use std::collections::VecDeque;
use std::time::Duration;
use tokio::sync::mpsc::{unbounded_channel, UnboundedReceiver, UnboundedSender};
use tokio::time::Instant;

/// Every frame is answered within 100 ms by the protocol; 300 ms leaves room for a busy bus.
const REPLY_TIMEOUT: Duration = Duration::from_millis(300);
/// Heartbeat period; two missed answers mark the pad down: 2 × (600 + 300) ms < 2 s.
const HEARTBEAT: Duration = Duration::from_millis(600);
/// SEQs of recent key frames, to take repeats as repeats.
const SEEN_KEYS: usize = 8;

pub struct Pad {
    link: Link,
    decoder: FrameDecoder,
    seq: u8,
    seen: VecDeque<u8>,
    /// Ratings received while waiting for something else, in order.
    pub ratings: VecDeque<Rating>,
}

impl Pad {
    pub fn new(path: impl Into<String>, baud: u32) -> Self {
        Self {
            link: Link::new(path, baud),
            decoder: FrameDecoder::default(),
            seq: 0,
            seen: VecDeque::new(),
            ratings: VecDeque::new(),
        }
    }

    pub fn path(&self) -> &str {
        self.link.path()
    }

    /// Acknowledges a key frame and keeps the rating unless it is a repeat.
    async fn key(&mut self, seq: u8, level: u8) -> Result<(), DeviceError> {
        self.link
            .send(&Message::KeyAck(seq).encode(self.seq))
            .await?;
        if self.seen.contains(&seq) {
            return Ok(());
        }
        if self.seen.len() == SEEN_KEYS {
            self.seen.pop_front();
        }
        self.seen.push_back(seq);
        if let Some(r) = Rating::new(level) {
            self.ratings.push_back(r);
        }
        Ok(())
    }

    /// Reads one frame before `deadline`, handling key frames on the way (they may come at any time).
    async fn next_frame(&mut self, deadline: Instant) -> Result<Option<Frame>, DeviceError> {
        match self.link.receive_until(&mut self.decoder, deadline).await {
            Ok(Ok(Frame {
                seq,
                message: Message::Key(level),
            })) => {
                self.key(seq, level).await?;
                Ok(None)
            }
            Ok(Ok(f)) => Ok(Some(f)),
            Ok(Err(e)) => {
                tracing::warn!(port = self.link.path(), error = %e, "malformed frame from the pad");
                Ok(None)
            }
            Err(e) => Err(e),
        }
    }

    /// Sends a message and waits for its answer (any non-key frame that answers it).
    async fn request(&mut self, m: Message) -> Result<Message, DeviceError> {
        self.seq = self.seq.wrapping_add(1);
        let seq = self.seq;
        self.link.send(&m.encode(seq)).await?;
        let deadline = Instant::now() + REPLY_TIMEOUT;
        loop {
            let Some(f) = self.next_frame(deadline).await? else {
                continue;
            };
            match (&m, f.message) {
                (Message::Hello, v @ Message::Version(_)) => return Ok(v),
                (Message::Heartbeat, a @ Message::Alive { .. }) => return Ok(a),
                (_, Message::Ack(s)) if s == seq => return Ok(Message::Ack(s)),
                (_, Message::Nak { seq: s, reason }) if s == seq => {
                    return Err(DeviceError::Hardware(format!(
                        "the pad refused the request (reason {reason})"
                    )))
                }
                _ => {}
            }
        }
    }

    pub async fn version(&mut self) -> Result<String, DeviceError> {
        match self.request(Message::Hello).await? {
            Message::Version(v) => Ok(v),
            m => Err(DeviceError::InvalidData(format!("{m:?}"))),
        }
    }

    /// Returns the pad's status bits (0 = all well).
    pub async fn heartbeat(&mut self) -> Result<u8, DeviceError> {
        match self.request(Message::Heartbeat).await? {
            Message::Alive { status } => Ok(status),
            m => Err(DeviceError::InvalidData(format!("{m:?}"))),
        }
    }

    pub async fn prompt(&mut self, text: &str) -> Result<(), DeviceError> {
        self.request(Message::Prompt(text.into())).await.map(|_| ())
    }

    /// Lights the keys in `mask` (bit 0 = ★1).
    pub async fn lights(&mut self, mask: u8, mode: LightMode) -> Result<(), DeviceError> {
        self.request(Message::Lights { mask, mode })
            .await
            .map(|_| ())
    }

    /// Waits up to `timeout` for a key press.
    pub async fn wait_key(&mut self, timeout: Duration) -> Result<Option<Rating>, DeviceError> {
        let deadline = Instant::now() + timeout;
        loop {
            if let Some(r) = self.ratings.pop_front() {
                return Ok(Some(r));
            }
            match self.next_frame(deadline).await {
                Ok(_) => {}
                Err(DeviceError::Timeout(_)) => return Ok(self.ratings.pop_front()),
                Err(e) => return Err(e),
            }
        }
    }
}

/// What the terminal asks of the pad.
#[derive(Debug, Clone)]
pub enum PadCommand {
    Prompt(String),
    Lights { mask: u8, mode: LightMode },
}

pub struct PadService {
    pub id: DeviceId,
    pub pad: Pad,
    pub events: UnboundedSender<DeviceEvent>,
    commands: UnboundedReceiver<PadCommand>,
}

impl PadService {
    pub fn new(
        id: DeviceId,
        pad: Pad,
        events: UnboundedSender<DeviceEvent>,
    ) -> (Self, UnboundedSender<PadCommand>) {
        let (tx, commands) = unbounded_channel();
        (
            Self {
                id,
                pad,
                events,
                commands,
            },
            tx,
        )
    }

    fn publish(&self, e: DeviceEvent) {
        let _ = self.events.send(e);
    }

    pub async fn run(mut self) {
        let mut health = HealthReport::new(self.id.clone(), "evaluation pad", self.events.clone());
        let mut failures = 0u32;
        let mut greeted = false;
        // What the pad should show, re-sent after it comes back.
        let mut shown: Vec<PadCommand> = Vec::new();
        loop {
            let result = if !greeted {
                match self.pad.version().await {
                    Ok(v) => {
                        tracing::info!(device = %self.id, version = %v, "evaluation pad");
                        greeted = true;
                        let mut r = Ok(0);
                        for c in shown.clone() {
                            r = self.apply(c).await.map(|_| 0);
                        }
                        r
                    }
                    Err(e) => Err(e),
                }
            } else {
                self.pad.heartbeat().await
            };
            match result {
                Ok(status) => {
                    failures = 0;
                    let h = if status == 0 {
                        Health::Online
                    } else {
                        Health::Degraded {
                            reason: format!(
                                "the pad reports fault bits {status:#04b} (key stuck or display)"
                            ),
                        }
                    };
                    health.set(h);
                }
                Err(e) => {
                    failures += 1;
                    if e.is_disconnect() || failures >= 2 {
                        greeted = false;
                        health.set(Health::Down {
                            reason: format!("{}: {e}", self.pad.path()),
                        });
                    }
                }
            }
            while let Some(r) = self.pad.ratings.pop_front() {
                tracing::info!(device = %self.id, stars = r.stars(), "rating key");
                self.publish(DeviceEvent::PadKey(r));
            }
            let wait = Instant::now() + HEARTBEAT;
            loop {
                tokio::select! {
                    cmd = self.commands.recv() => match cmd {
                        None => return,
                        Some(c) => {
                            match &c {
                                PadCommand::Prompt(_) => shown.retain(|s| !matches!(s, PadCommand::Prompt(_))),
                                PadCommand::Lights { .. } => shown.retain(|s| !matches!(s, PadCommand::Lights { .. })),
                            }
                            shown.push(c.clone());
                            if greeted {
                                if let Err(e) = self.apply(c).await {
                                    tracing::warn!(device = %self.id, error = %e, "pad did not take the command");
                                }
                            }
                        }
                    },
                    // Keys arrive between heartbeats too.
                    got = self.pad.next_frame(wait), if greeted => {
                        if got.is_err() {
                            break;
                        }
                        while let Some(r) = self.pad.ratings.pop_front() {
                            tracing::info!(device = %self.id, stars = r.stars(), "rating key");
                            self.publish(DeviceEvent::PadKey(r));
                        }
                    },
                    _ = tokio::time::sleep_until(wait), if !greeted => break,
                }
                if Instant::now() >= wait {
                    break;
                }
            }
        }
    }

    async fn apply(&mut self, c: PadCommand) -> Result<(), DeviceError> {
        match c {
            PadCommand::Prompt(t) => self.pad.prompt(&t).await,
            PadCommand::Lights { mask, mode } => self.pad.lights(mask, mode).await,
        }
    }
}
