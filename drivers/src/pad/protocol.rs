//! The evaluation pad's serial protocol (ours: `hardware/protocols/evaluation-pad.md`), sans-IO.

use crate::codec::{Decoder, Fed};
use crc::{Crc, CRC_16_IBM_3740};
use thiserror::Error;

pub const SOF: u8 = 0xA5;
pub const VERSION: u8 = 0x01;
pub const MAX_PAYLOAD: usize = 200;
pub const MAX_PROMPT: usize = 120;
const HEADER: usize = 5;
pub const MAX_FRAME: usize = HEADER + MAX_PAYLOAD + 2;
/// CRC-16/CCITT-FALSE (catalogued as CRC-16/IBM-3740).
const CRC16: Crc<u16> = Crc::<u16>::new(&CRC_16_IBM_3740);

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LightMode {
    Off = 0,
    Steady = 1,
    /// 1 Hz.
    Slow = 2,
    /// 2 Hz.
    Medium = 3,
}

impl LightMode {
    fn from_u8(b: u8) -> Option<Self> {
        Some(match b {
            0 => Self::Off,
            1 => Self::Steady,
            2 => Self::Slow,
            3 => Self::Medium,
            _ => return None,
        })
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Message {
    Hello,
    Heartbeat,
    Prompt(String),
    Lights { mask: u8, mode: LightMode },
    KeyAck(u8),
    Version(String),
    Alive { status: u8 },
    Ack(u8),
    Nak { seq: u8, reason: u8 },
    Key(u8),
}

pub mod nak {
    pub const CRC: u8 = 1;
    pub const UNKNOWN_TYPE: u8 = 2;
    pub const BAD_PAYLOAD: u8 = 3;
}

#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum PadError {
    #[error("payload of {0} bytes is longer than 200")]
    Length(usize),
    #[error("CRC mismatch")]
    Crc,
    #[error("unknown message type {ty:02X} (SEQ {seq})")]
    UnknownType { ty: u8, seq: u8 },
    #[error("malformed payload for message type {ty:02X} (SEQ {seq})")]
    BadPayload { ty: u8, seq: u8 },
    #[error("protocol version {0} is not 1")]
    Version(u8),
}

impl Message {
    fn parts(&self) -> (u8, Vec<u8>) {
        match self {
            Message::Hello => (0x01, vec![]),
            Message::Heartbeat => (0x02, vec![]),
            Message::Prompt(t) => {
                // Cut at a character boundary so the pad never gets half a character.
                let mut end = t.len().min(MAX_PROMPT);
                while !t.is_char_boundary(end) {
                    end -= 1;
                }
                (0x10, t.as_bytes()[..end].to_vec())
            }
            Message::Lights { mask, mode } => (0x11, vec![mask & 0x1F, *mode as u8]),
            Message::KeyAck(s) => (0x12, vec![*s]),
            Message::Version(v) => (0x81, v.as_bytes()[..v.len().min(MAX_PAYLOAD)].to_vec()),
            Message::Alive { status } => (0x82, vec![*status]),
            Message::Ack(s) => (0x90, vec![*s]),
            Message::Nak { seq, reason } => (0x91, vec![*seq, *reason]),
            Message::Key(level) => (0xA0, vec![*level]),
        }
    }

    pub fn encode(&self, seq: u8) -> Vec<u8> {
        let (ty, payload) = self.parts();
        let mut out = Vec::with_capacity(HEADER + payload.len() + 2);
        out.extend_from_slice(&[SOF, VERSION, ty, seq, payload.len() as u8]);
        out.extend_from_slice(&payload);
        let crc = CRC16.checksum(&out[1..]);
        out.extend_from_slice(&crc.to_be_bytes());
        out
    }

    fn decode(ty: u8, seq: u8, p: &[u8]) -> Result<Self, PadError> {
        let bad = || PadError::BadPayload { ty, seq };
        Ok(match (ty, p) {
            (0x01, []) => Message::Hello,
            (0x02, []) => Message::Heartbeat,
            (0x10, text) => Message::Prompt(String::from_utf8(text.to_vec()).map_err(|_| bad())?),
            (0x11, [mask, mode]) if *mask <= 0x1F => Message::Lights {
                mask: *mask,
                mode: LightMode::from_u8(*mode).ok_or_else(bad)?,
            },
            (0x12, [s]) => Message::KeyAck(*s),
            (0x81, v) if v.is_ascii() => Message::Version(String::from_utf8_lossy(v).into_owned()),
            (0x82, [status]) => Message::Alive { status: *status },
            (0x90, [s]) => Message::Ack(*s),
            (0x91, [s, r]) => Message::Nak {
                seq: *s,
                reason: *r,
            },
            (0xA0, [level @ 1..=5]) => Message::Key(*level),
            (0x01 | 0x02 | 0x11 | 0x12 | 0x81 | 0x82 | 0x90 | 0x91 | 0xA0, _) => return Err(bad()),
            _ => return Err(PadError::UnknownType { ty, seq }),
        })
    }
}

/// A decoded frame.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Frame {
    pub seq: u8,
    pub message: Message,
}

/// Finds frames in the byte stream; noise is skipped, a broken frame costs only its SOF byte.
#[derive(Debug, Default)]
pub struct FrameDecoder {
    buf: Vec<u8>,
}

impl Decoder for FrameDecoder {
    type Frame = Frame;
    type Error = PadError;

    fn feed(&mut self, input: &[u8]) -> Fed<Frame, PadError> {
        let mut used = 0;
        loop {
            // Resynchronise on SOF.
            if let Some(i) = self.buf.iter().position(|&b| b == SOF) {
                self.buf.drain(..i);
            } else {
                self.buf.clear();
            }
            let need = if self.buf.len() < HEADER {
                HEADER
            } else {
                let len = usize::from(self.buf[4]);
                if self.buf[1] != VERSION {
                    let v = self.buf[1];
                    self.buf.drain(..1);
                    return (used, Some(Err(PadError::Version(v))));
                }
                if len > MAX_PAYLOAD {
                    self.buf.drain(..1);
                    return (used, Some(Err(PadError::Length(len))));
                }
                HEADER + len + 2
            };
            if self.buf.len() >= need && need > HEADER {
                let body = &self.buf[1..need - 2];
                let crc = u16::from_be_bytes([self.buf[need - 2], self.buf[need - 1]]);
                if CRC16.checksum(body) != crc {
                    self.buf.drain(..1);
                    return (used, Some(Err(PadError::Crc)));
                }
                let (ty, seq) = (self.buf[2], self.buf[3]);
                let result = Message::decode(ty, seq, &self.buf[HEADER..need - 2])
                    .map(|message| Frame { seq, message });
                self.buf.drain(..need);
                return (used, Some(result));
            }
            if used >= input.len() {
                return (used, None);
            }
            let take = (need - self.buf.len()).min(input.len() - used);
            self.buf.extend_from_slice(&input[used..used + take]);
            used += take;
        }
    }

    fn buffered(&self) -> usize {
        self.buf.len()
    }

    fn reset(&mut self) {
        self.buf.clear();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::codec::decode_all;

    #[test]
    fn the_documented_examples_encode_as_written() {
        let hello = Message::Hello.encode(0);
        assert_eq!(&hello[..5], &[0xA5, 0x01, 0x01, 0x00, 0x00]);
        let prompt = Message::Prompt("请评价".into()).encode(7);
        assert_eq!(
            &prompt[..14],
            &[0xA5, 0x01, 0x10, 0x07, 0x09, 0xE8, 0xAF, 0xB7, 0xE8, 0xAF, 0x84, 0xE4, 0xBB, 0xB7]
        );
        let key = Message::Key(5).encode(3);
        assert_eq!(&key[..6], &[0xA5, 0x01, 0xA0, 0x03, 0x01, 0x05]);
        // CRC-16/CCITT-FALSE's check value.
        assert_eq!(CRC16.checksum(b"123456789"), 0x29B1);
    }

    #[test]
    fn every_message_round_trips_through_noise() {
        let msgs = [
            Message::Hello,
            Message::Heartbeat,
            Message::Prompt("请对本次服务进行评价".into()),
            Message::Lights {
                mask: 0x1F,
                mode: LightMode::Slow,
            },
            Message::KeyAck(9),
            Message::Version("PAD5/1.0.3".into()),
            Message::Alive { status: 0 },
            Message::Ack(4),
            Message::Nak {
                seq: 4,
                reason: nak::CRC,
            },
            Message::Key(1),
        ];
        let mut stream = vec![0x00, 0xA5, 0x02];
        for (i, m) in msgs.iter().enumerate() {
            stream.extend_from_slice(&m.encode(i as u8));
            stream.push(0x55);
        }
        let out: Vec<Frame> = decode_all(&mut FrameDecoder::default(), &stream)
            .into_iter()
            .filter_map(Result::ok)
            .collect();
        assert_eq!(
            out.iter().map(|f| f.message.clone()).collect::<Vec<_>>(),
            msgs.to_vec()
        );
        assert_eq!(out[3].seq, 3);
    }

    #[test]
    fn bad_frames_are_errors_and_the_next_frame_is_found() {
        let mut bad = Message::Key(4).encode(1);
        bad[5] = 3; // payload changed, CRC not
        let mut stream = bad;
        stream.extend_from_slice(&Message::Key(6).encode(2)); // level out of range
        stream.extend_from_slice(&Message::Key(2).encode(3));
        let out = decode_all(&mut FrameDecoder::default(), &stream);
        assert_eq!(out[0], Err(PadError::Crc));
        assert!(out.contains(&Err(PadError::BadPayload { ty: 0xA0, seq: 2 })));
        assert_eq!(
            out.last(),
            Some(&Ok(Frame {
                seq: 3,
                message: Message::Key(2)
            }))
        );
    }

    #[test]
    fn a_long_prompt_is_cut_at_a_character() {
        let long = "请".repeat(60); // 180 bytes
        let f = Message::Prompt(long).encode(0);
        let out = decode_all(&mut FrameDecoder::default(), &f);
        let Ok(Frame {
            message: Message::Prompt(t),
            ..
        }) = &out[0]
        else {
            panic!("{out:?}")
        };
        assert_eq!(t.chars().count(), 40);
    }
}
