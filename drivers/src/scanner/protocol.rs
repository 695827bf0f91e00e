//! Scanner codecs, sans-IO: scans as lines of text, the Honeywell and Newland trigger commands, and Newland's
//! command replies. Facts: `../shared/references/scanner-and-qr.md`.

use crate::codec::{Decoder, Fed};
use thiserror::Error;

/// The longest scan kept; a QR code holds at most 7089 digits, a 随申码 URL is far shorter.
pub const MAX_SCAN: usize = 7200;
/// A Newland reply frame is short; anything longer is not one.
const MAX_REPLY: usize = 96;

/// What ends a scan on the line. Named as the profile (`terminator = "crlf"`) and `kiosk diag scanner
/// --terminator` say it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Terminator {
    Cr,
    CrLf,
    Lf,
    /// Nothing: a scan ends when the line goes quiet (the driver calls [`ScanDecoder::finish`]).
    None,
}

impl std::str::FromStr for Terminator {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        Ok(match s {
            "cr" => Terminator::Cr,
            "crlf" => Terminator::CrLf,
            "lf" => Terminator::Lf,
            "none" => Terminator::None,
            _ => return Err(format!("{s}: use cr, crlf, lf or none")),
        })
    }
}

/// How the terminal asks for scans.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ScanProtocol {
    /// The scanner reads whenever a code is shown and sends it.
    Line,
    /// Honeywell serial trigger: `SYN T CR` starts a read, `SYN U CR` stops it.
    Honeywell,
    /// Newland command frames (`7E 01 30 30 30 30 … 3B 03`), answered with `02 01 30 30 30 30 … 06 3B 03`.
    Newland,
}

impl std::str::FromStr for ScanProtocol {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        Ok(match s {
            "line" => ScanProtocol::Line,
            "honeywell" => ScanProtocol::Honeywell,
            "newland" => ScanProtocol::Newland,
            _ => return Err(format!("{s}: use line, honeywell or newland")),
        })
    }
}

pub const HONEYWELL_START: [u8; 3] = [0x16, 0x54, 0x0D];
pub const HONEYWELL_STOP: [u8; 3] = [0x16, 0x55, 0x0D];
pub const NEWLAND_HEAD: [u8; 6] = [0x7E, 0x01, 0x30, 0x30, 0x30, 0x30];
pub const NEWLAND_REPLY_HEAD: [u8; 6] = [0x02, 0x01, 0x30, 0x30, 0x30, 0x30];
pub const NEWLAND_TAIL: [u8; 2] = [0x3B, 0x03];
pub const ACK: u8 = 0x06;
pub const NAK: u8 = 0x15;

/// Newland settings the driver sends: trigger mode, 30 s read timeout, 1 s before the same code is read again,
/// a beep on a good read.
pub const NEWLAND_SETUP: [&str; 4] = ["SCNMOD0", "ORTSET30000", "RRDDUR1000", "GRBENA1"];
pub const NEWLAND_TRIGGER: &str = "SCNTRG1";
pub const NEWLAND_STOP: &str = "SCNTRG0";

/// A Newland command: `@` keeps the setting, `#` sets it until power-off.
pub fn newland_command(keep: bool, body: &str) -> Vec<u8> {
    let mut out = NEWLAND_HEAD.to_vec();
    out.push(if keep { b'@' } else { b'#' });
    out.extend_from_slice(body.as_bytes());
    out.extend_from_slice(&NEWLAND_TAIL);
    out
}

/// The reply a Newland scanner gives to a command: the command's text, then ACK or NAK.
pub fn newland_reply(body: &str, ok: bool) -> Vec<u8> {
    let mut out = NEWLAND_REPLY_HEAD.to_vec();
    out.extend_from_slice(body.as_bytes());
    out.push(if ok { ACK } else { NAK });
    out.extend_from_slice(&NEWLAND_TAIL);
    out
}

/// What the scanner sends.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ScanFrame {
    /// One scan, terminator removed.
    Code(Vec<u8>),
    /// A Newland command reply: acknowledged or not.
    Reply { ack: bool },
}

#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum ScanError {
    #[error("a scan longer than {MAX_SCAN} bytes was dropped")]
    TooLong,
    #[error("malformed command reply")]
    BadReply,
}

/// Splits the scanner's output into scans (and Newland replies).
#[derive(Debug)]
pub struct ScanDecoder {
    terminator: Terminator,
    newland: bool,
    buf: Vec<u8>,
    in_reply: bool,
    /// Dropping the rest of an overlong scan up to its terminator.
    discarding: bool,
}

impl ScanDecoder {
    pub fn new(terminator: Terminator, protocol: ScanProtocol) -> Self {
        Self {
            terminator,
            newland: protocol == ScanProtocol::Newland,
            buf: Vec::new(),
            in_reply: false,
            discarding: false,
        }
    }

    fn ends_scan(&self, b: u8) -> bool {
        match self.terminator {
            Terminator::Cr => b == b'\r',
            Terminator::CrLf | Terminator::Lf => b == b'\n',
            Terminator::None => false,
        }
    }

    /// Ends the scan in progress (terminator `None`: the line went quiet).
    pub fn finish(&mut self) -> Option<Result<ScanFrame, ScanError>> {
        if self.in_reply {
            self.in_reply = false;
            self.buf.clear();
            return Some(Err(ScanError::BadReply));
        }
        self.discarding = false;
        if self.buf.is_empty() {
            return None;
        }
        Some(Ok(ScanFrame::Code(std::mem::take(&mut self.buf))))
    }
}

impl Decoder for ScanDecoder {
    type Frame = ScanFrame;
    type Error = ScanError;

    fn feed(&mut self, input: &[u8]) -> Fed<ScanFrame, ScanError> {
        for (i, &b) in input.iter().enumerate() {
            let used = i + 1;
            if self.in_reply {
                self.buf.push(b);
                if self.buf.ends_with(&NEWLAND_TAIL) {
                    self.in_reply = false;
                    let frame = std::mem::take(&mut self.buf);
                    let status = frame.len().checked_sub(3).map(|i| frame[i]);
                    let valid = frame.starts_with(&NEWLAND_REPLY_HEAD) && frame.len() >= 9;
                    return match (valid, status) {
                        (true, Some(ACK)) => (used, Some(Ok(ScanFrame::Reply { ack: true }))),
                        (true, Some(NAK)) => (used, Some(Ok(ScanFrame::Reply { ack: false }))),
                        _ => (used, Some(Err(ScanError::BadReply))),
                    };
                }
                if self.buf.len() > MAX_REPLY
                    || (self.buf.len() <= NEWLAND_REPLY_HEAD.len()
                        && self.buf[..] != NEWLAND_REPLY_HEAD[..self.buf.len()])
                {
                    self.in_reply = false;
                    self.buf.clear();
                    return (used, Some(Err(ScanError::BadReply)));
                }
                continue;
            }
            if self.newland && b == NEWLAND_REPLY_HEAD[0] && self.buf.is_empty() && !self.discarding
            {
                self.in_reply = true;
                self.buf.push(b);
                continue;
            }
            if self.ends_scan(b) {
                if self.discarding {
                    self.discarding = false;
                    continue;
                }
                if self.buf.is_empty() {
                    continue;
                }
                return (
                    used,
                    Some(Ok(ScanFrame::Code(std::mem::take(&mut self.buf)))),
                );
            }
            if b == b'\r' || b == b'\n' || self.discarding {
                continue;
            }
            if self.buf.len() >= MAX_SCAN {
                self.buf.clear();
                self.discarding = self.terminator != Terminator::None;
                return (used, Some(Err(ScanError::TooLong)));
            }
            self.buf.push(b);
        }
        (input.len(), None)
    }

    fn buffered(&self) -> usize {
        self.buf.len()
    }

    fn reset(&mut self) {
        self.buf.clear();
        self.in_reply = false;
        self.discarding = false;
    }
}

/// The text of a scan: UTF-8 when it is, else GB18030 (Chinese scanners send GBK by default).
pub fn scan_text(bytes: &[u8]) -> String {
    match std::str::from_utf8(bytes) {
        Ok(s) => s.to_string(),
        Err(_) => encoding_rs::GB18030
            .decode_without_bom_handling(bytes)
            .0
            .into_owned(),
    }
}

/// What the terminal sends a scanner, as the simulated scanner reads it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum HostCommand {
    HoneywellStart,
    HoneywellStop,
    Newland { keep: bool, body: String },
}

/// Reads trigger commands from the terminal's side of the line; unknown bytes are skipped.
#[derive(Debug, Default)]
pub struct HostCommandDecoder {
    buf: Vec<u8>,
}

impl Decoder for HostCommandDecoder {
    type Frame = HostCommand;
    type Error = ScanError;

    fn feed(&mut self, input: &[u8]) -> Fed<HostCommand, ScanError> {
        for (i, &b) in input.iter().enumerate() {
            let used = i + 1;
            if self.buf.is_empty() && b != 0x16 && b != NEWLAND_HEAD[0] {
                continue;
            }
            self.buf.push(b);
            if self.buf[0] == 0x16 {
                if self.buf.len() == 3 {
                    let cmd = match (self.buf[1], self.buf[2]) {
                        (0x54, 0x0D) => Some(HostCommand::HoneywellStart),
                        (0x55, 0x0D) => Some(HostCommand::HoneywellStop),
                        _ => None,
                    };
                    self.buf.clear();
                    return (used, Some(cmd.ok_or(ScanError::BadReply)));
                }
                continue;
            }
            let n = self.buf.len();
            if n <= NEWLAND_HEAD.len() && self.buf[..] != NEWLAND_HEAD[..n] {
                self.buf.clear();
                return (used, Some(Err(ScanError::BadReply)));
            }
            if n > MAX_REPLY {
                self.buf.clear();
                return (used, Some(Err(ScanError::BadReply)));
            }
            if n >= NEWLAND_HEAD.len() + 3 && self.buf.ends_with(&NEWLAND_TAIL) {
                let frame = std::mem::take(&mut self.buf);
                let keep = match frame[NEWLAND_HEAD.len()] {
                    b'@' => true,
                    b'#' => false,
                    _ => return (used, Some(Err(ScanError::BadReply))),
                };
                let body =
                    String::from_utf8_lossy(&frame[NEWLAND_HEAD.len() + 1..n - 2]).into_owned();
                return (used, Some(Ok(HostCommand::Newland { keep, body })));
            }
        }
        (input.len(), None)
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

    fn codes(t: Terminator, p: ScanProtocol, input: &[u8]) -> Vec<Result<ScanFrame, ScanError>> {
        decode_all(&mut ScanDecoder::new(t, p), input)
    }

    #[test]
    fn lines_end_at_the_configured_terminator() {
        let code = |s: &str| Ok(ScanFrame::Code(s.as_bytes().to_vec()));
        assert_eq!(
            codes(Terminator::Cr, ScanProtocol::Line, b"abc\r\n123\r"),
            vec![code("abc"), code("123")]
        );
        assert_eq!(
            codes(Terminator::CrLf, ScanProtocol::Line, b"abc\r\n123\r\n"),
            vec![code("abc"), code("123")]
        );
        assert_eq!(
            codes(Terminator::Lf, ScanProtocol::Line, b"\nabc\n"),
            vec![code("abc")]
        );
        let mut d = ScanDecoder::new(Terminator::None, ScanProtocol::Line);
        assert!(decode_all(&mut d, b"6901234567892").is_empty());
        assert_eq!(d.finish(), Some(code("6901234567892")));
        assert_eq!(d.finish(), None);
    }

    #[test]
    fn an_overlong_scan_is_dropped_up_to_its_end() {
        let mut input = vec![b'x'; MAX_SCAN + 10];
        input.extend_from_slice(b"\rok\r");
        let out = codes(Terminator::Cr, ScanProtocol::Line, &input);
        assert_eq!(
            out,
            vec![Err(ScanError::TooLong), Ok(ScanFrame::Code(b"ok".to_vec()))]
        );
    }

    #[test]
    fn newland_commands_and_replies_round_trip() {
        let cmd = newland_command(false, NEWLAND_TRIGGER);
        assert_eq!(cmd, b"\x7e\x010000#SCNTRG1;\x03".to_vec());
        let got = decode_all(
            &mut HostCommandDecoder::default(),
            &[&[0x00, 0x16, 0x54, 0x0D][..], &cmd].concat(),
        );
        assert_eq!(
            got,
            vec![
                Ok(HostCommand::HoneywellStart),
                Ok(HostCommand::Newland {
                    keep: false,
                    body: NEWLAND_TRIGGER.into()
                })
            ]
        );
        let mut stream = newland_reply("SCNMOD0", true);
        stream.extend_from_slice(b"https://ssm.example.invalid/c/1\r");
        stream.extend_from_slice(&newland_reply("XXX", false));
        let out = codes(Terminator::Cr, ScanProtocol::Newland, &stream);
        assert_eq!(
            out,
            vec![
                Ok(ScanFrame::Reply { ack: true }),
                Ok(ScanFrame::Code(b"https://ssm.example.invalid/c/1".to_vec())),
                Ok(ScanFrame::Reply { ack: false }),
            ]
        );
    }

    #[test]
    fn gbk_scans_are_decoded() {
        let (bytes, _, _) = encoding_rs::GB18030.encode("杨浦区");
        assert_eq!(scan_text(&bytes), "杨浦区");
        assert_eq!(scan_text("杨浦".as_bytes()), "杨浦");
    }
}
