//! A simulated evaluation pad on a pseudo-terminal, speaking `hardware/protocols/evaluation-pad.md`: it shows
//! prompts, lights keys, answers heartbeats and sends key presses, repeating each until acknowledged.

use super::protocol::{nak, Frame, FrameDecoder, LightMode, Message, PadError};
use crate::codec::Decoder;
use crate::simio::{LineControl, LineControls, SimLine};
use std::path::Path;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::sync::mpsc::{unbounded_channel, UnboundedSender};
use tokio::time::Instant;

/// What the pad shows now.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PadView {
    pub prompt: String,
    pub lit: u8,
    pub mode: LightMode,
}

enum Control {
    Press(u8),
    IgnoreAcks(u32),
    Line(LineControl),
}

impl LineControls for PadSim {
    fn line(&self, c: LineControl) {
        self.send(Control::Line(c));
    }
}

pub struct PadSim {
    tx: UnboundedSender<Control>,
    view: Arc<Mutex<PadView>>,
    key_frames: Arc<AtomicUsize>,
}

const REPEAT: Duration = Duration::from_millis(200);
const REPEATS: u32 = 5;

impl PadSim {
    pub fn spawn(link: &Path, baud: u32) -> std::io::Result<Self> {
        let mut line = SimLine::create(link, baud)?;
        let (tx, mut rx) = unbounded_channel();
        let view = Arc::new(Mutex::new(PadView {
            prompt: String::new(),
            lit: 0,
            mode: LightMode::Off,
        }));
        let shared = view.clone();
        let key_frames = Arc::new(AtomicUsize::new(0));
        let sent = key_frames.clone();
        tokio::spawn(async move {
            let mut dec = FrameDecoder::default();
            let mut buf = [0u8; 256];
            let mut seq: u8 = 0;
            // Key frames not yet acknowledged: (seq, level, sends left).
            let mut unacked: Vec<(u8, u8, u32)> = Vec::new();
            let mut next_repeat = Instant::now() + REPEAT;
            let mut ignore_acks = 0u32;
            loop {
                tokio::select! {
                    biased;
                    ctl = rx.recv() => match ctl {
                        None => break,
                        Some(Control::Press(level)) => {
                            seq = seq.wrapping_add(1);
                            line.send_paced(&Message::Key(level).encode(seq)).await;
                            sent.fetch_add(1, Ordering::Relaxed);
                            unacked.push((seq, level, REPEATS));
                            next_repeat = Instant::now() + REPEAT;
                        }
                        Some(Control::IgnoreAcks(n)) => ignore_acks = n,
                        Some(Control::Line(c)) => line.control(c),
                    },
                    _ = tokio::time::sleep_until(next_repeat), if !unacked.is_empty() => {
                        for (s, level, left) in unacked.iter_mut() {
                            *left -= 1;
                            line.send_paced(&Message::Key(*level).encode(*s)).await;
                            sent.fetch_add(1, Ordering::Relaxed);
                        }
                        unacked.retain(|(_, _, left)| *left > 0);
                        next_repeat = Instant::now() + REPEAT;
                    },
                    n = line.read(&mut buf) => {
                        if !line.speed_matches() {
                            continue;
                        }
                        let mut input = &buf[..n];
                        while !input.is_empty() {
                            let (used, got) = dec.feed(input);
                            input = &input[used..];
                            let reply = match got {
                                None => continue,
                                Some(Ok(Frame { seq: s, message })) => match message {
                                    Message::Hello => Some(Message::Version("PAD5-SIM/1.0.0".into())),
                                    Message::Heartbeat => Some(Message::Alive { status: 0 }),
                                    Message::Prompt(t) => {
                                        if let Ok(mut v) = shared.lock() { v.prompt = t; }
                                        Some(Message::Ack(s))
                                    }
                                    Message::Lights { mask, mode } => {
                                        if let Ok(mut v) = shared.lock() { v.lit = mask; v.mode = mode; }
                                        Some(Message::Ack(s))
                                    }
                                    Message::KeyAck(_) if ignore_acks > 0 => {
                                        ignore_acks -= 1;
                                        None
                                    }
                                    Message::KeyAck(k) => {
                                        unacked.retain(|(u, _, _)| *u != k);
                                        None
                                    }
                                    _ => Some(Message::Nak { seq: s, reason: nak::UNKNOWN_TYPE }),
                                },
                                Some(Err(PadError::UnknownType { seq: s, .. })) => Some(Message::Nak { seq: s, reason: nak::UNKNOWN_TYPE }),
                                Some(Err(PadError::BadPayload { seq: s, .. })) => Some(Message::Nak { seq: s, reason: nak::BAD_PAYLOAD }),
                                Some(Err(_)) => None,
                            };
                            if let Some(r) = reply {
                                seq = seq.wrapping_add(1);
                                line.answer(&r.encode(seq)).await;
                            }
                        }
                    }
                }
            }
            line.unplug();
        });
        Ok(Self {
            tx,
            view,
            key_frames,
        })
    }

    fn send(&self, c: Control) {
        let _ = self.tx.send(c);
    }
    /// Presses the key for `level` stars (1–5).
    pub fn press(&self, level: u8) {
        self.send(Control::Press(level));
    }
    /// Drops the next `n` acknowledgements, so key frames are sent again.
    pub fn ignore_acks(&self, n: u32) {
        self.send(Control::IgnoreAcks(n));
    }
    /// Key frames sent, repeats included.
    pub fn key_frames_sent(&self) -> usize {
        self.key_frames.load(Ordering::Relaxed)
    }
    pub fn view(&self) -> Option<PadView> {
        self.view.lock().ok().map(|v| v.clone())
    }
}
