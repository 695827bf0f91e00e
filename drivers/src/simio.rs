//! What every serial simulator shares: the pty it plays on, reading what the driver sent, and answering at the
//! pace of the line speed, with the faults a test can script.

use crate::serial::{wire_time, SimPort};
use std::path::{Path, PathBuf};
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::time::Instant;

/// How a simulated device answers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Behaviour {
    Normal,
    /// Answers each request after this delay.
    Slow(Duration),
    /// Reads requests but never answers (a hung device).
    Silent,
}

/// A one-shot fault applied to the next answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Fault {
    /// Garbage bytes before the answer.
    NoiseBefore(Vec<u8>),
    /// The answer's last byte (its checksum, for framed protocols) is corrupted.
    BadChecksum,
    /// Only the first half of the answer is sent, then nothing.
    Truncate,
}

/// What every simulated serial device can be told, whatever its class.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LineControl {
    Behaviour(Behaviour),
    Fault(Fault),
    /// The device's own line speed, as a technician's tool might have left it.
    LineSpeed(u32),
    Unplug,
    Replug,
}

/// The controls every simulator handle offers; a handle only says how to pass a [`LineControl`] on.
pub trait LineControls {
    fn line(&self, c: LineControl);

    fn set_behaviour(&self, b: Behaviour) {
        self.line(LineControl::Behaviour(b));
    }
    /// A one-shot fault on the next answer.
    fn inject(&self, f: Fault) {
        self.line(LineControl::Fault(f));
    }
    fn set_line_speed(&self, baud: u32) {
        self.line(LineControl::LineSpeed(baud));
    }
    fn unplug(&self) {
        self.line(LineControl::Unplug);
    }
    fn replug(&self) {
        self.line(LineControl::Replug);
    }
}

/// The pty of a simulator, which can be unplugged (the pty goes away) and plugged back (a new pty behind the same
/// link), and which answers at the device's line speed.
pub struct SimLine {
    link: PathBuf,
    port: Option<SimPort>,
    /// The device's own line speed; when the driver's differs, the device hears garbage and answers garbage.
    pub baud: u32,
    pub behaviour: Behaviour,
    pub faults: Vec<Fault>,
}

impl SimLine {
    pub fn create(link: &Path, baud: u32) -> std::io::Result<Self> {
        Ok(Self {
            link: link.to_path_buf(),
            port: Some(SimPort::create(link)?),
            baud,
            behaviour: Behaviour::Normal,
            faults: Vec::new(),
        })
    }

    pub fn control(&mut self, c: LineControl) {
        match c {
            LineControl::Behaviour(b) => self.behaviour = b,
            LineControl::Fault(f) => self.faults.push(f),
            LineControl::LineSpeed(b) => self.baud = b,
            LineControl::Unplug => self.unplug(),
            LineControl::Replug => {
                if let Err(e) = self.replug() {
                    tracing::error!(link = %self.link.display(), error = %e, "simulated device cannot be plugged back");
                }
            }
        }
    }

    pub fn unplug(&mut self) {
        if let Some(p) = self.port.take() {
            p.unplug();
        }
    }

    pub fn replug(&mut self) -> std::io::Result<()> {
        if self.port.is_none() {
            self.port = Some(SimPort::create(&self.link)?);
        }
        Ok(())
    }

    /// Whether the driver's line speed matches the device's.
    pub fn speed_matches(&self) -> bool {
        self.port
            .as_ref()
            .and_then(|p| p.peer_baud())
            .is_none_or(|b| b == self.baud)
    }

    /// Waits for bytes from the driver. Pends forever while unplugged; waits out the time no driver has the
    /// terminal side open (reads fail with EIO then).
    pub async fn read(&mut self, buf: &mut [u8]) -> usize {
        loop {
            let Some(port) = self.port.as_mut() else {
                std::future::pending::<()>().await;
                continue;
            };
            match port.master.read(buf).await {
                Ok(n) if n > 0 => return n,
                _ => tokio::time::sleep(Duration::from_millis(10)).await,
            }
        }
    }

    /// Answers with `bytes`, after the behaviour's delay and with the next scripted fault, paced at the line
    /// speed. When the speeds differ the driver receives line noise instead.
    pub async fn answer(&mut self, bytes: &[u8]) {
        match self.behaviour {
            Behaviour::Silent => return,
            Behaviour::Slow(d) => tokio::time::sleep(d).await,
            Behaviour::Normal => {}
        }
        let mut out = Vec::with_capacity(bytes.len() + 16);
        let mut bytes = bytes.to_vec();
        if !self.faults.is_empty() {
            match self.faults.remove(0) {
                Fault::NoiseBefore(noise) => out.extend_from_slice(&noise),
                Fault::BadChecksum => {
                    if let Some(last) = bytes.last_mut() {
                        *last ^= 0x5A;
                    }
                }
                Fault::Truncate => bytes.truncate(bytes.len() / 2),
            }
        }
        out.extend_from_slice(&bytes);
        if !self.speed_matches() {
            // What a UART at the wrong speed makes of a frame: a shorter run of unrelated bytes.
            out = out
                .iter()
                .step_by(3)
                .map(|b| b.rotate_left(3) ^ 0xA5)
                .collect();
        }
        self.send_paced(&out).await;
    }

    /// Sends unsolicited bytes (a scan, a key press) at the line speed.
    pub async fn send_paced(&mut self, bytes: &[u8]) {
        let baud = self.baud;
        let Some(port) = self.port.as_mut() else {
            return;
        };
        let start = Instant::now();
        // Chunks of about 5 ms on the wire, each sent when the wire would have carried the ones before it.
        let chunk = (baud as usize / 2000).max(1);
        let mut sent = 0;
        for part in bytes.chunks(chunk) {
            if port.master.write_all(part).await.is_err() {
                return;
            }
            sent += part.len();
            tokio::time::sleep_until(start + wire_time(sent, baud)).await;
        }
        let _ = port.master.flush().await;
    }
}
