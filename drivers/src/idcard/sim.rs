//! A simulated GA 467 reader on a pseudo-terminal: it answers the same frames a real reader does, holds a card
//! when told to, and can be scripted to misbehave (slow, silent, noisy, truncated, wrong speed, unplugged).

use super::protocol::{encode_text, sw3, CardData, Command, FrameDecoder, Reply};
use super::record::IdCardRecord;
use crate::codec::Decoder;
use crate::serial::{wire_time, LINE_SPEEDS};
use crate::simio::{LineControl, LineControls, SimLine};
use std::path::Path;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use tokio::sync::mpsc::{unbounded_channel, UnboundedSender};

enum Control {
    Insert(Box<IdCardRecord>),
    Remove,
    FailReads(u32),
    UnplugDuringRead,
    Line(LineControl),
}

impl LineControls for ReaderSim {
    fn line(&self, c: LineControl) {
        self.send(Control::Line(c));
    }
}

/// Handle to a running simulated reader. Dropping it stops the simulator.
pub struct ReaderSim {
    tx: UnboundedSender<Control>,
    commands: Arc<AtomicUsize>,
}

impl ReaderSim {
    /// Starts a reader whose terminal side is reachable at `link`. Call inside a tokio runtime.
    pub fn spawn(link: &Path) -> std::io::Result<Self> {
        let mut line = SimLine::create(link, 115_200)?;
        let (tx, mut rx) = unbounded_channel();
        let commands = Arc::new(AtomicUsize::new(0));
        let seen = commands.clone();
        tokio::spawn(async move {
            let mut dev = Device::default();
            let mut dec = FrameDecoder::new();
            let mut buf = [0u8; 512];
            let mut pending: Vec<u8> = Vec::new();
            loop {
                tokio::select! {
                    // Controls first: a card inserted before a command was sent is in the reader when it arrives.
                    biased;
                    ctl = rx.recv() => match ctl {
                        None => break,
                        Some(c) => dev.control(c, &mut line),
                    },
                    n = line.read(&mut buf) => {
                        if !line.speed_matches() {
                            // The device hears noise and answers in kind; a driver sees garbage, not a frame.
                            line.answer(&[0x00, 0x3C, 0xF0]).await;
                            continue;
                        }
                        pending.extend_from_slice(&buf[..n]);
                        loop {
                            let (used, item) = dec.feed(&pending);
                            pending.drain(..used);
                            match item {
                                Some(Ok(body)) => {
                                    seen.fetch_add(1, Ordering::Relaxed);
                                    // A real reader starts answering once the command's last byte is in; on a
                                    // pty the bytes arrive at once, so wait the time they take on the wire.
                                    tokio::time::sleep(wire_time(body.len() + 8, line.baud)).await;
                                    let (reply, new_speed) = dev.answer(&body);
                                    let bytes = reply.encode();
                                    if dev.unplug_during_read && bytes.len() > 100 {
                                        dev.unplug_during_read = false;
                                        line.send_paced(&bytes[..bytes.len() / 2]).await;
                                        line.unplug();
                                        continue;
                                    }
                                    line.answer(&bytes).await;
                                    if let Some(s) = new_speed {
                                        line.baud = s;
                                    }
                                }
                                Some(Err(_)) => line.answer(&Reply::status_only(sw3::CHECKSUM_ERROR).encode()).await,
                                None if used == 0 => break,
                                None => {}
                            }
                        }
                    }
                }
            }
            line.unplug();
        });
        Ok(Self { tx, commands })
    }

    fn send(&self, c: Control) {
        // The simulator task ends only when this handle is dropped.
        let _ = self.tx.send(c);
    }

    pub fn insert(&self, card: IdCardRecord) {
        self.send(Control::Insert(Box::new(card)));
    }
    pub fn remove(&self) {
        self.send(Control::Remove);
    }
    /// The next `n` reads fail with "read failed" (a card pulled out half-way).
    pub fn fail_reads(&self, n: u32) {
        self.send(Control::FailReads(n));
    }
    /// The next card read is cut off half-way by the reader being unplugged.
    pub fn unplug_during_next_read(&self) {
        self.send(Control::UnplugDuringRead);
    }
    /// Frames received so far.
    pub fn commands_seen(&self) -> usize {
        self.commands.load(Ordering::Relaxed)
    }
}

#[derive(Default)]
struct Device {
    card: Option<Box<IdCardRecord>>,
    selected: bool,
    fail_reads: u32,
    unplug_during_read: bool,
}

/// The SAM's 16 identity bytes: 05.01-20170101-0001234567-0123456789.
const SAM_ID: [u8; 16] = [
    5, 0, 1, 0, 0x25, 0xC6, 0x33, 0x01, 0x87, 0xD6, 0x12, 0x00, 0x15, 0xCD, 0x5B, 0x07,
];

impl Device {
    fn control(&mut self, c: Control, line: &mut SimLine) {
        match c {
            Control::Insert(card) => {
                self.card = Some(card);
                self.selected = false;
            }
            Control::Remove => {
                self.card = None;
                self.selected = false;
            }
            Control::FailReads(n) => self.fail_reads = n,
            Control::UnplugDuringRead => self.unplug_during_read = true,
            Control::Line(c) => line.control(c),
        }
    }

    /// The reply to a command body, and the line speed to switch to after sending it.
    fn answer(&mut self, body: &[u8]) -> (Reply, Option<u32>) {
        let ok = |data: Vec<u8>| Reply {
            sw: [0, 0, sw3::SUCCESS],
            data,
        };
        let Some(cmd) = body.get(..2).and_then(|c| Command::from_code(c[0], c[1])) else {
            return (Reply::status_only(sw3::COMMAND_ERROR), None);
        };
        let reply = match cmd {
            Command::ResetSam | Command::SamStatus => ok(vec![]),
            Command::ReadSamId => ok(SAM_ID.to_vec()),
            Command::FindCard => match self.card {
                Some(_) => Reply {
                    sw: [0, 0, sw3::CARD_FOUND],
                    data: vec![0; 4],
                },
                None => Reply::status_only(sw3::FIND_FAILED),
            },
            Command::SelectCard => match self.card {
                Some(_) => {
                    self.selected = true;
                    ok(vec![0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88])
                }
                None => Reply::status_only(sw3::SELECT_FAILED),
            },
            Command::ReadText | Command::ReadTextFingerprint => match &self.card {
                Some(card) if self.selected && self.fail_reads == 0 => {
                    let data = CardData {
                        text: encode_text(card).to_vec(),
                        photo: card.photo_wlt.expose().clone(),
                        fingerprint: (cmd == Command::ReadTextFingerprint)
                            .then(|| vec![0x46; 1024]),
                    };
                    ok(data.encode())
                }
                _ => {
                    self.fail_reads = self.fail_reads.saturating_sub(1);
                    Reply::status_only(sw3::READ_FAILED)
                }
            },
            Command::ReadNewAddress => Reply::status_only(sw3::FIELD_ABSENT),
            Command::SetBaud(n) => {
                let speed = LINE_SPEEDS.get(usize::from(n)).copied();
                return (ok(vec![]), speed);
            }
        };
        (reply, None)
    }
}
