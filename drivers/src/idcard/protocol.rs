//! GA 467 SAM frames, sans-IO: commands to bytes, bytes to frames, frames to typed replies and card records.
//!
//! Frame (both directions): `AA AA AA 96 69 | LEN_H LEN_L | body | CHK`. LEN counts the body and CHK; CHK is
//! the XOR of the LEN bytes and the body. A command body is `CMD PARA data…`, a reply body `SW1 SW2 SW3 data…`.
//! Facts: `../shared/references/idcard-ga467.md`.

pub use super::text::{decode_text, encode_text, TextError};
use crate::codec::{Decoder, Fed};
use thiserror::Error;

pub const PREAMBLE: [u8; 5] = [0xAA, 0xAA, 0xAA, 0x96, 0x69];
const HEADER: usize = PREAMBLE.len() + 2;
/// The longest frame: text + photo + 1024 bytes of fingerprint (LEN 09 0A, 2321 bytes in all).
pub const MAX_LEN: usize = 0x090A;
pub const MAX_FRAME: usize = HEADER + MAX_LEN;
/// A body of a reply has SW1 SW2 SW3; with CHK, LEN is at least 4. A command has CMD PARA: at least 3.
const MIN_LEN: usize = 3;

pub use super::text::TEXT_LEN;
pub const PHOTO_LEN: usize = 1024;

/// The status byte SW3 of a reply.
pub mod sw3 {
    pub const SUCCESS: u8 = 0x90;
    pub const FIELD_ABSENT: u8 = 0x91;
    pub const CARD_FOUND: u8 = 0x9F;
    pub const CHECKSUM_ERROR: u8 = 0x10;
    pub const LENGTH_ERROR: u8 = 0x11;
    pub const COMMAND_ERROR: u8 = 0x21;
    pub const READ_FAILED: u8 = 0x41;
    pub const SAM_SELF_TEST_FAILED: u8 = 0x60;
    pub const FIND_FAILED: u8 = 0x80;
    pub const SELECT_FAILED: u8 = 0x81;
}

/// What a status byte means, for messages to technicians.
pub fn status_text(sw3: u8) -> &'static str {
    match sw3 {
        0x90 => "success",
        0x91 => "field absent on card",
        0x9F => "card found",
        0x10 => "checksum error in the command",
        0x11 => "length error in the command",
        0x21 => "command error",
        0x23 => "not authorised",
        0x24 => "unknown error",
        0x31 => "card could not authenticate the SAM",
        0x32 => "SAM could not authenticate the card",
        0x33 => "verification failed",
        0x37 => "fingerprint error",
        0x3F => "length error",
        0x40 => "unknown card type",
        0x41 => "read failed",
        0x47 => "random-number error",
        0x60 => "SAM self-test failed",
        0x66 => "SAM not authorised",
        0x80 => "no card found",
        0x81 => "card select failed",
        _ => "unknown status",
    }
}

/// The commands a host sends to the reader.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Command {
    ResetSam,
    SamStatus,
    ReadSamId,
    FindCard,
    SelectCard,
    /// Text and photo.
    ReadText,
    /// Text, photo and fingerprint.
    ReadTextFingerprint,
    ReadNewAddress,
    /// Line speed, as an index into [`crate::serial::LINE_SPEEDS`] (0 = 115200 … 4 = 9600).
    SetBaud(u8),
}

impl Command {
    pub fn code(self) -> (u8, u8) {
        match self {
            Command::ResetSam => (0x10, 0xFF),
            Command::SamStatus => (0x11, 0xFF),
            Command::ReadSamId => (0x12, 0xFF),
            Command::FindCard => (0x20, 0x01),
            Command::SelectCard => (0x20, 0x02),
            Command::ReadText => (0x30, 0x01),
            Command::ReadTextFingerprint => (0x30, 0x10),
            Command::ReadNewAddress => (0x30, 0x03),
            Command::SetBaud(n) => (0x60, n),
        }
    }

    pub fn from_code(cmd: u8, para: u8) -> Option<Self> {
        Some(match (cmd, para) {
            (0x10, 0xFF) => Command::ResetSam,
            (0x11, 0xFF) => Command::SamStatus,
            (0x12, 0xFF) => Command::ReadSamId,
            (0x20, 0x01) => Command::FindCard,
            (0x20, 0x02) => Command::SelectCard,
            (0x30, 0x01) => Command::ReadText,
            (0x30, 0x10) => Command::ReadTextFingerprint,
            (0x30, 0x03) => Command::ReadNewAddress,
            (0x60, n @ 0..=4) => Command::SetBaud(n),
            _ => return None,
        })
    }

    /// The status that means this command succeeded.
    pub fn success(self) -> u8 {
        match self {
            Command::FindCard => sw3::CARD_FOUND,
            _ => sw3::SUCCESS,
        }
    }

    pub fn encode(self) -> Vec<u8> {
        let (cmd, para) = self.code();
        encode_frame(&[cmd, para])
    }
}

/// Wraps a body (command or reply) into a frame with its length and checksum.
pub fn encode_frame(body: &[u8]) -> Vec<u8> {
    let len = body.len() + 1;
    let mut out = Vec::with_capacity(HEADER + len);
    out.extend_from_slice(&PREAMBLE);
    out.push((len >> 8) as u8);
    out.push(len as u8);
    out.extend_from_slice(body);
    let chk = out[PREAMBLE.len()..].iter().fold(0u8, |a, b| a ^ b);
    out.push(chk);
    out
}

/// A reply frame's body split into status and data.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reply {
    pub sw: [u8; 3],
    pub data: Vec<u8>,
}

impl Reply {
    pub fn status(&self) -> u8 {
        self.sw[2]
    }

    pub fn from_body(body: &[u8]) -> Result<Self, FrameError> {
        if body.len() < 3 {
            return Err(FrameError::Length(body.len() + 1));
        }
        Ok(Self {
            sw: [body[0], body[1], body[2]],
            data: body[3..].to_vec(),
        })
    }

    pub fn encode(&self) -> Vec<u8> {
        let mut body = Vec::with_capacity(3 + self.data.len());
        body.extend_from_slice(&self.sw);
        body.extend_from_slice(&self.data);
        encode_frame(&body)
    }

    pub fn status_only(status: u8) -> Self {
        Self {
            sw: [0, 0, status],
            data: Vec::new(),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum FrameError {
    #[error("frame length {0} is outside what GA 467 frames carry")]
    Length(usize),
    #[error("checksum mismatch: frame says {expected:02X}, bytes give {actual:02X}")]
    Checksum { expected: u8, actual: u8 },
}

/// Splits a byte stream into frame bodies (without preamble, LEN and CHK). Noise before and between frames is
/// skipped; a frame with an impossible length or a wrong checksum is reported and the search resumes one byte
/// after its preamble, so a real frame hidden behind a false start is still found.
#[derive(Debug, Default)]
pub struct FrameDecoder {
    buf: Vec<u8>,
    skipped: usize,
}

enum Step {
    Need(usize),
    Frame(usize),
    Fail(FrameError, usize),
}

impl FrameDecoder {
    pub fn new() -> Self {
        Self::default()
    }

    /// Noise bytes skipped so far (for diagnostics).
    pub fn skipped(&self) -> usize {
        self.skipped
    }

    fn step(&mut self) -> Step {
        // Find the preamble; keep a tail that may be its beginning.
        let start = self.buf.windows(PREAMBLE.len()).position(|w| w == PREAMBLE);
        match start {
            Some(0) => {}
            Some(i) => {
                self.skipped += i;
                self.buf.drain(..i);
            }
            None => {
                let keep = (1..PREAMBLE.len())
                    .rev()
                    .find(|&k| {
                        self.buf.len() >= k && self.buf[self.buf.len() - k..] == PREAMBLE[..k]
                    })
                    .unwrap_or(0);
                let drop = self.buf.len() - keep;
                self.skipped += drop;
                self.buf.drain(..drop);
                return Step::Need(PREAMBLE.len() - keep);
            }
        }
        if self.buf.len() < HEADER {
            return Step::Need(HEADER - self.buf.len());
        }
        let len = usize::from(self.buf[5]) << 8 | usize::from(self.buf[6]);
        if !(MIN_LEN..=MAX_LEN).contains(&len) {
            return Step::Fail(FrameError::Length(len), 1);
        }
        let total = HEADER + len;
        if self.buf.len() < total {
            return Step::Need(total - self.buf.len());
        }
        let actual = self.buf[PREAMBLE.len()..total - 1]
            .iter()
            .fold(0u8, |a, b| a ^ b);
        let expected = self.buf[total - 1];
        if actual != expected {
            return Step::Fail(FrameError::Checksum { expected, actual }, 1);
        }
        Step::Frame(total)
    }
}

impl Decoder for FrameDecoder {
    /// The body: `CMD PARA data…` or `SW1 SW2 SW3 data…`.
    type Frame = Vec<u8>;
    type Error = FrameError;

    fn feed(&mut self, input: &[u8]) -> Fed<Vec<u8>, FrameError> {
        let mut used = 0;
        loop {
            match self.step() {
                Step::Frame(total) => {
                    let body = self.buf[HEADER..total - 1].to_vec();
                    self.buf.drain(..total);
                    return (used, Some(Ok(body)));
                }
                Step::Fail(e, skip) => {
                    self.skipped += skip;
                    self.buf.drain(..skip);
                    return (used, Some(Err(e)));
                }
                Step::Need(n) => {
                    if used >= input.len() {
                        return (used, None);
                    }
                    let take = n.min(input.len() - used);
                    self.buf.extend_from_slice(&input[used..used + take]);
                    used += take;
                }
            }
        }
    }

    fn buffered(&self) -> usize {
        self.buf.len()
    }

    fn reset(&mut self) {
        self.buf.clear();
    }
}

/// The parts of a read reply's data: lengths, then text, photo and (optionally) fingerprint.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CardData {
    pub text: Vec<u8>,
    pub photo: Vec<u8>,
    pub fingerprint: Option<Vec<u8>>,
}

#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum CardDataError {
    #[error("read reply too short for its length fields ({0} bytes)")]
    Short(usize),
    #[error("read reply lengths (text {text}, photo {photo}, fingerprint {fingerprint}) do not add up to its {total} bytes")]
    Lengths {
        text: usize,
        photo: usize,
        fingerprint: usize,
        total: usize,
    },
    #[error("text part is {0} bytes, not 256")]
    TextLength(usize),
}

impl CardData {
    /// Splits a read reply's data; `with_fingerprint` says whether a third length field is there.
    pub fn parse(data: &[u8], with_fingerprint: bool) -> Result<Self, CardDataError> {
        let fields = if with_fingerprint { 3 } else { 2 };
        if data.len() < fields * 2 {
            return Err(CardDataError::Short(data.len()));
        }
        let len = |i: usize| usize::from(data[i * 2]) << 8 | usize::from(data[i * 2 + 1]);
        let (text, photo) = (len(0), len(1));
        let fingerprint = if with_fingerprint { len(2) } else { 0 };
        let head = fields * 2;
        if head + text + photo + fingerprint != data.len() {
            return Err(CardDataError::Lengths {
                text,
                photo,
                fingerprint,
                total: data.len(),
            });
        }
        if text != TEXT_LEN {
            return Err(CardDataError::TextLength(text));
        }
        let t = &data[head..head + text];
        let p = &data[head + text..head + text + photo];
        let f = &data[head + text + photo..];
        Ok(Self {
            text: t.to_vec(),
            photo: p.to_vec(),
            fingerprint: with_fingerprint.then(|| f.to_vec()),
        })
    }

    pub fn encode(&self) -> Vec<u8> {
        let mut out = Vec::new();
        let mut push_len = |n: usize| out.extend_from_slice(&(n as u16).to_be_bytes());
        push_len(self.text.len());
        push_len(self.photo.len());
        if let Some(f) = &self.fingerprint {
            push_len(f.len());
        }
        out.extend_from_slice(&self.text);
        out.extend_from_slice(&self.photo);
        if let Some(f) = &self.fingerprint {
            out.extend_from_slice(f);
        }
        out
    }
}

/// The SAM's identity as vendor tools print it: `%02d.%02d-%08u-%010u-%010u` over its 16 data bytes, read as
/// little-endian integers (2, 2, 4, 4, 4 bytes) the way public host code casts them.
pub fn format_sam_id(data: &[u8]) -> Option<String> {
    let d = data.get(..16)?;
    let u16le = |i: usize| u16::from_le_bytes([d[i], d[i + 1]]);
    let u32le = |i: usize| u32::from_le_bytes([d[i], d[i + 1], d[i + 2], d[i + 3]]);
    Some(format!(
        "{:02}.{:02}-{:08}-{:010}-{:010}",
        u16le(0),
        u16le(2),
        u32le(4),
        u32le(8),
        u32le(12)
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::codec::decode_all;
    use crate::idcard::IdCardRecord;
    use crate::sim::sample_cards;

    fn hex(s: &str) -> Vec<u8> {
        s.split_whitespace()
            .map(|b| u8::from_str_radix(b, 16).unwrap())
            .collect()
    }

    #[test]
    fn command_frames_match_the_reference() {
        let cases = [
            (Command::ResetSam, "AA AA AA 96 69 00 03 10 FF EC"),
            (Command::SamStatus, "AA AA AA 96 69 00 03 11 FF ED"),
            (Command::ReadSamId, "AA AA AA 96 69 00 03 12 FF EE"),
            (Command::FindCard, "AA AA AA 96 69 00 03 20 01 22"),
            (Command::SelectCard, "AA AA AA 96 69 00 03 20 02 21"),
            (Command::ReadText, "AA AA AA 96 69 00 03 30 01 32"),
            (
                Command::ReadTextFingerprint,
                "AA AA AA 96 69 00 03 30 10 23",
            ),
        ];
        for (cmd, frame) in cases {
            assert_eq!(cmd.encode(), hex(frame), "{cmd:?}");
            let body = decode_all(&mut FrameDecoder::new(), &hex(frame));
            assert_eq!(body.len(), 1);
            let body = body[0].clone().unwrap();
            assert_eq!(Command::from_code(body[0], body[1]), Some(cmd));
        }
    }

    #[test]
    fn the_reference_find_card_reply_decodes() {
        let frame = hex("AA AA AA 96 69 00 08 00 00 9F 00 00 00 00 97");
        let got = decode_all(&mut FrameDecoder::new(), &frame);
        let reply = Reply::from_body(&got[0].clone().unwrap()).unwrap();
        assert_eq!(reply.status(), sw3::CARD_FOUND);
        assert_eq!(reply.data, vec![0, 0, 0, 0]);
        assert_eq!(reply.encode(), frame);
    }

    fn read_reply(card: &IdCardRecord, fingerprint: Option<Vec<u8>>) -> Vec<u8> {
        let data = CardData {
            text: encode_text(card).to_vec(),
            photo: card.photo_wlt.expose().clone(),
            fingerprint,
        };
        Reply {
            sw: [0, 0, sw3::SUCCESS],
            data: data.encode(),
        }
        .encode()
    }

    #[test]
    fn a_full_read_reply_is_1295_bytes_and_decodes_to_the_card() {
        let card = &sample_cards()[0].record;
        let frame = read_reply(card, None);
        assert_eq!(frame.len(), 1295);
        assert_eq!(&frame[5..7], &[0x05, 0x08]);
        assert_eq!(&frame[10..14], &[0x01, 0x00, 0x04, 0x00]);
        let body = decode_all(&mut FrameDecoder::new(), &frame)[0]
            .clone()
            .unwrap();
        let reply = Reply::from_body(&body).unwrap();
        let data = CardData::parse(&reply.data, false).unwrap();
        let back = decode_text(&data.text, data.photo).unwrap();
        assert_eq!(back.name.expose(), card.name.expose());
        assert_eq!(back.id_number.expose(), card.id_number.expose());
        assert_eq!(back.address.expose(), card.address.expose());
        assert_eq!(back.valid_to, card.valid_to);
        assert_eq!(back.nation, Some(1));

        for (fp, total, len) in [
            (1024, 2321, [0x09, 0x0A]),
            (512, 1809, [0x07, 0x0A]),
            (0, 1297, [0x05, 0x0A]),
        ] {
            let frame = read_reply(card, Some(vec![7; fp]));
            assert_eq!(frame.len(), total);
            assert_eq!(&frame[5..7], &len);
            let body = decode_all(&mut FrameDecoder::new(), &frame)[0]
                .clone()
                .unwrap();
            let data = CardData::parse(&Reply::from_body(&body).unwrap().data, true).unwrap();
            assert_eq!(data.fingerprint.map(|f| f.len()), Some(fp));
        }
    }

    #[test]
    fn noise_is_skipped_and_a_bad_checksum_is_reported_then_resynchronised() {
        let good = Command::FindCard.encode();
        let mut bad = good.clone();
        *bad.last_mut().unwrap() ^= 0xFF;
        let mut stream = vec![0x00, 0xAA, 0x13, 0xAA, 0xAA];
        stream.extend_from_slice(&bad);
        stream.extend_from_slice(&[0x55; 7]);
        stream.extend_from_slice(&good);
        let mut dec = FrameDecoder::new();
        let out = decode_all(&mut dec, &stream);
        assert!(
            matches!(out[0], Err(FrameError::Checksum { .. })),
            "{out:?}"
        );
        assert_eq!(out.last().unwrap().as_ref().unwrap(), &vec![0x20, 0x01]);
        assert_eq!(dec.buffered(), 0);
    }

    #[test]
    fn an_impossible_length_is_an_error_not_a_wait() {
        let mut dec = FrameDecoder::new();
        let out = decode_all(&mut dec, &hex("AA AA AA 96 69 FF FF 00"));
        assert_eq!(out, vec![Err(FrameError::Length(0xFFFF))]);
    }

    #[test]
    fn sam_id_prints_like_vendor_tools() {
        let mut d = vec![5, 0, 1, 0];
        d.extend_from_slice(&20_170_101u32.to_le_bytes());
        d.extend_from_slice(&1_234_567u32.to_le_bytes());
        d.extend_from_slice(&4_000_000_000u32.to_le_bytes());
        assert_eq!(
            format_sam_id(&d).unwrap(),
            "05.01-20170101-0001234567-4000000000"
        );
        assert_eq!(format_sam_id(&d[..10]), None);
    }
}
