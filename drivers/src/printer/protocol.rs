//! ESC/POS for the receipt printer, sans-IO: receipts to bytes (through the escpos crate, with GB18030 text and a
//! raster fallback added here), the printer's replies (real-time status, end of job) to typed values, and the
//! printer's side of the command stream for the simulator. Facts: `../shared/references/escpos.md`.

use crate::codec::{Decoder, Fed};
use crate::event::PaperState;
use escpos::driver::Driver;
use escpos::printer::Printer;
use escpos::utils::{
    JustifyMode, Protocol, QRCodeCorrectionLevel, QRCodeModel, QRCodeOption, RealTimeStatusRequest,
    RealTimeStatusResponse,
};
use kiosk_fonts::FontSet;
use std::cell::RefCell;
use std::rc::Rc;
use std::sync::Arc;
use thiserror::Error;

pub const ESC: u8 = 0x1B;
pub const GS: u8 = 0x1D;
pub const FS: u8 = 0x1C;
pub const DLE: u8 = 0x10;
pub const EOT: u8 = 0x04;
/// `FS &`: two-byte (GB) character mode on.
pub const CHINESE_ON: [u8; 2] = [FS, b'&'];
/// `GS ( H` process-ID reply header: the printer sends `37 22 d1 d2 d3 d4 00` once everything before it is done.
pub const JOB_DONE_HEAD: [u8; 2] = [0x37, 0x22];

/// The three real-time status requests the driver makes: printer, offline cause, roll paper sensor.
pub const STATUS_REQUESTS: [RealTimeStatusRequest; 3] = [
    RealTimeStatusRequest::Printer,
    RealTimeStatusRequest::OfflineCause,
    RealTimeStatusRequest::RollPaperSensor,
];

/// How the driver knows a receipt is out of the printer. Epson TM printers answer a `GS ( H` process-ID
/// request once everything before it is printed; many printers sold in China answer real-time status
/// (`DLE EOT`) but not that, and for them the driver watches the status for the time the receipt takes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Completion {
    /// The printer's `GS ( H` reply for the job's marker.
    JobReply,
    /// Status polled until the receipt's printing time has passed with the printer fine throughout.
    StatusPolling,
}

impl Completion {
    pub fn name(self) -> &'static str {
        match self {
            Completion::JobReply => "job reply (GS ( H)",
            Completion::StatusPolling => "status polling (DLE EOT)",
        }
    }
}

/// How long a receipt takes to come out of a printer at 100 mm/s: a text line is about 4 mm, a QR code
/// about 30 mm, and the feed and cut half a second. An upper bound for the printers we have seen, not a
/// datasheet's figure.
pub fn print_time(receipt: &Receipt) -> std::time::Duration {
    let ms: u64 = receipt
        .lines
        .iter()
        .map(|l| match l {
            Line::Qr(_) => 300,
            Line::Feed(n) => 40 * u64::from(*n),
            Line::Title(_) => 80,
            _ => 40,
        })
        .sum();
    std::time::Duration::from_millis(ms + 500)
}

/// `DLE EOT n`.
pub fn status_request(r: RealTimeStatusRequest) -> [u8; 3] {
    let (n, _) = r.into();
    [DLE, EOT, n]
}

/// `GS ( H 06 00 30 30 d1 d2 d3 d4`: ask to be told when everything sent before it has been printed.
pub fn job_marker(id: [u8; 4]) -> Vec<u8> {
    let mut out = vec![GS, b'(', b'H', 0x06, 0x00, 0x30, 0x30];
    out.extend_from_slice(&id);
    out
}

/// A job id of four printable characters, as `GS ( H` requires.
pub fn job_id(n: u32) -> [u8; 4] {
    let s = format!("{:04}", n % 10_000);
    let b = s.as_bytes();
    [b[0], b[1], b[2], b[3]]
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Line {
    Title(String),
    Text(String),
    /// Key on the left, value on the right.
    Row(String, String),
    Separator,
    Qr(String),
    Feed(u8),
}

/// A receipt: what a resident takes home. Built, then encoded for the printer.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Receipt {
    pub lines: Vec<Line>,
}

impl Receipt {
    pub fn new() -> Self {
        Self::default()
    }
    pub fn title(mut self, s: impl Into<String>) -> Self {
        self.lines.push(Line::Title(s.into()));
        self
    }
    pub fn text(mut self, s: impl Into<String>) -> Self {
        self.lines.push(Line::Text(s.into()));
        self
    }
    pub fn row(mut self, k: impl Into<String>, v: impl Into<String>) -> Self {
        self.lines.push(Line::Row(k.into(), v.into()));
        self
    }
    pub fn separator(mut self) -> Self {
        self.lines.push(Line::Separator);
        self
    }
    pub fn qr(mut self, data: impl Into<String>) -> Self {
        self.lines.push(Line::Qr(data.into()));
        self
    }
    pub fn feed(mut self, n: u8) -> Self {
        self.lines.push(Line::Feed(n));
        self
    }
}

/// What to do with a character the printer's two-byte font does not have.
#[derive(Clone)]
pub enum Fallback {
    /// Print the whole line as an image drawn with this font (characters it lacks become the replacement; with
    /// no font at all, the line is printed as text with replacements).
    Raster(Arc<FontSet>, char),
    /// Print this character instead.
    Replace(char),
}

#[derive(Clone)]
pub struct Layout {
    /// Characters per line in the normal font (48 on 80 mm paper, 32 on 58 mm).
    pub columns: usize,
    /// Printable width in dots (576 on 80 mm, 384 on 58 mm).
    pub dots: usize,
    pub fallback: Fallback,
}

impl Default for Layout {
    fn default() -> Self {
        Self {
            columns: 48,
            dots: 576,
            fallback: Fallback::Replace('□'),
        }
    }
}

#[derive(Debug, Error)]
pub enum ReceiptError {
    #[error("receipt could not be encoded: {0}")]
    Encode(String),
}

/// A receipt as bytes, and what had to be done about characters outside the printer's font.
#[derive(Debug, Clone)]
pub struct EncodedReceipt {
    pub bytes: Vec<u8>,
    pub rastered_lines: usize,
    pub replaced_chars: usize,
}

/// An escpos driver that keeps the bytes: encoding is sans-IO, the serial driver sends them.
#[derive(Clone, Default)]
struct Buffer(Rc<RefCell<Vec<u8>>>);

impl Driver for Buffer {
    fn name(&self) -> String {
        "buffer".into()
    }
    fn write(&self, data: &[u8]) -> escpos::errors::Result<()> {
        self.0.borrow_mut().extend_from_slice(data);
        Ok(())
    }
    fn read(&self, _buf: &mut [u8]) -> escpos::errors::Result<usize> {
        Ok(0)
    }
    fn flush(&self) -> escpos::errors::Result<()> {
        Ok(())
    }
}

/// Columns a character takes in the printer's font: ASCII one, two-byte characters two.
fn columns(s: &str) -> usize {
    s.chars().map(|c| if c.is_ascii() { 1 } else { 2 }).sum()
}

/// Whether GB18030 needs four bytes for `c` (outside the two-byte set most printers have).
pub fn needs_four_bytes(c: char) -> bool {
    let mut buf = [0u8; 4];
    let s = c.encode_utf8(&mut buf);
    let (bytes, _, _) = encoding_rs::GB18030.encode(s);
    bytes.len() == 4
}

/// Encodes a receipt for job `job`: init, Chinese mode, the lines, feed, cut, then the end-of-job marker.
pub fn encode(
    receipt: &Receipt,
    layout: &Layout,
    job: [u8; 4],
) -> Result<EncodedReceipt, ReceiptError> {
    let buffer = Buffer::default();
    let mut p = Printer::new(buffer.clone(), Protocol::default(), None);
    let mut rastered = 0;
    let mut replaced = 0;
    let e = |e: escpos::errors::PrinterError| ReceiptError::Encode(e.to_string());
    p.init().map_err(e)?.custom(&CHINESE_ON).map_err(e)?;
    for line in &receipt.lines {
        match line {
            Line::Title(t) => {
                p.justify(JustifyMode::CENTER)
                    .map_err(e)?
                    .bold(true)
                    .map_err(e)?
                    .size(2, 2)
                    .map_err(e)?;
                text_line(&mut p, t, layout, 2, &mut rastered, &mut replaced)?;
                p.reset_size()
                    .map_err(e)?
                    .bold(false)
                    .map_err(e)?
                    .justify(JustifyMode::LEFT)
                    .map_err(e)?;
            }
            Line::Text(t) => text_line(&mut p, t, layout, 1, &mut rastered, &mut replaced)?,
            Line::Row(k, v) => {
                let gap = layout
                    .columns
                    .saturating_sub(columns(k) + columns(v))
                    .max(1);
                let row = format!("{k}{}{v}", " ".repeat(gap));
                text_line(&mut p, &row, layout, 1, &mut rastered, &mut replaced)?;
            }
            Line::Separator => text_line(
                &mut p,
                &"-".repeat(layout.columns),
                layout,
                1,
                &mut rastered,
                &mut replaced,
            )?,
            Line::Qr(data) => {
                p.justify(JustifyMode::CENTER)
                    .map_err(e)?
                    .qrcode_option(
                        data,
                        QRCodeOption::new(QRCodeModel::Model2, 6, QRCodeCorrectionLevel::M),
                    )
                    .map_err(e)?
                    .justify(JustifyMode::LEFT)
                    .map_err(e)?;
            }
            Line::Feed(n) => {
                p.feeds(*n).map_err(e)?;
            }
        }
    }
    p.feeds(3)
        .map_err(e)?
        .cut()
        .map_err(e)?
        .custom(&job_marker(job))
        .map_err(e)?
        .print()
        .map_err(e)?;
    let bytes = buffer.0.take();
    Ok(EncodedReceipt {
        bytes,
        rastered_lines: rastered,
        replaced_chars: replaced,
    })
}

fn text_line<D: Driver>(
    p: &mut Printer<D>,
    text: &str,
    layout: &Layout,
    size: usize,
    rastered: &mut usize,
    replaced: &mut usize,
) -> Result<(), ReceiptError> {
    let e = |e: escpos::errors::PrinterError| ReceiptError::Encode(e.to_string());
    let rare = text.chars().any(needs_four_bytes);
    let replace_with = |repl: char, replaced: &mut usize| -> String {
        text.chars()
            .map(|c| {
                if needs_four_bytes(c) {
                    *replaced += 1;
                    repl
                } else {
                    c
                }
            })
            .collect()
    };
    let text = match (&layout.fallback, rare) {
        (_, false) => text.to_string(),
        (Fallback::Raster(fonts, repl), true) => {
            if !fonts.any_installed() {
                tracing::warn!(
                    "no CJK font for rare characters on receipts; they print as the replacement"
                );
                let t = replace_with(*repl, replaced);
                let (bytes, _, _) = encoding_rs::GB18030.encode(&t);
                p.custom(&bytes).map_err(e)?.custom(b"\n").map_err(e)?;
                return Ok(());
            }
            let drawable: String = text
                .chars()
                .map(|c| {
                    if c.is_whitespace() || fonts.covering(c).is_some() {
                        c
                    } else {
                        *replaced += 1;
                        *repl
                    }
                })
                .collect();
            // 24 dots is the height of the printer's normal font.
            let raster = super::raster::render(fonts, &drawable, 24 * size, layout.dots);
            *rastered += 1;
            p.custom(&raster.to_escpos()).map_err(e)?;
            return Ok(());
        }
        (Fallback::Replace(repl), true) => replace_with(*repl, replaced),
    };
    let (bytes, _, _) = encoding_rs::GB18030.encode(&text);
    p.custom(&bytes).map_err(e)?.custom(b"\n").map_err(e)?;
    Ok(())
}

/// The printer's state from the three real-time status bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PrinterStatus {
    pub online: bool,
    pub cover_open: bool,
    pub paper: PaperState,
    pub error: bool,
}

impl PrinterStatus {
    /// Reads the replies to [`STATUS_REQUESTS`], in order. `None` when a byte is not a status byte.
    pub fn from_bytes(printer: u8, offline: u8, paper: u8) -> Option<Self> {
        let get = |r, b, k: RealTimeStatusResponse| -> Option<bool> {
            RealTimeStatusResponse::parse(r, b).ok()?.get(&k).copied()
        };
        let online = get(
            RealTimeStatusRequest::Printer,
            printer,
            RealTimeStatusResponse::Online,
        )?;
        let cover_closed = get(
            RealTimeStatusRequest::OfflineCause,
            offline,
            RealTimeStatusResponse::CoverClosed,
        )?;
        let error = get(
            RealTimeStatusRequest::OfflineCause,
            offline,
            RealTimeStatusResponse::ErrorOccurred,
        )?;
        let adequate = get(
            RealTimeStatusRequest::RollPaperSensor,
            paper,
            RealTimeStatusResponse::RollPaperNearEndSensorPaperAdequate,
        )?;
        let present = get(
            RealTimeStatusRequest::RollPaperSensor,
            paper,
            RealTimeStatusResponse::RollPaperEndSensorPaperPresent,
        )?;
        Some(Self {
            online,
            cover_open: !cover_closed,
            paper: match (present, adequate) {
                (false, _) => PaperState::Out,
                (true, false) => PaperState::NearEnd,
                (true, true) => PaperState::Ok,
            },
            error,
        })
    }

    /// The three bytes a printer in this state answers (used by the simulator).
    pub fn to_bytes(self) -> [u8; 3] {
        let base = 0x12;
        let printer = base | if self.online { 0 } else { 0x08 };
        let offline = base
            | if self.cover_open { 0x04 } else { 0 }
            | if self.paper == PaperState::Out {
                0x20
            } else {
                0
            }
            | if self.error { 0x40 } else { 0 };
        let paper = base
            | match self.paper {
                PaperState::Ok => 0,
                PaperState::NearEnd => 0x0C,
                PaperState::Out => 0x6C,
            };
        [printer, offline, paper]
    }

    /// Why a job cannot start now, in words for a technician and the resident's notice; `None` when it can.
    pub fn refusal(&self) -> Option<&'static str> {
        if self.paper == PaperState::Out {
            Some("the receipt printer is out of paper")
        } else if self.cover_open {
            Some("the receipt printer's cover is open")
        } else if self.error {
            Some("the receipt printer reports an error")
        } else if !self.online {
            Some("the receipt printer is offline")
        } else {
            None
        }
    }
}

/// What the printer sends back.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PrinterReply {
    /// A real-time status byte.
    Status(u8),
    /// Everything before the job marker with this id is printed.
    JobDone([u8; 4]),
}

/// Splits the printer's replies; bytes that fit neither shape are skipped.
#[derive(Debug, Default)]
pub struct ReplyDecoder {
    buf: Vec<u8>,
}

impl Decoder for ReplyDecoder {
    type Frame = PrinterReply;
    type Error = std::convert::Infallible;

    fn feed(&mut self, input: &[u8]) -> Fed<PrinterReply, Self::Error> {
        for (i, &b) in input.iter().enumerate() {
            let used = i + 1;
            if self.buf.is_empty() {
                if b == JOB_DONE_HEAD[0] {
                    self.buf.push(b);
                } else if b & 0x93 == 0x12 {
                    return (used, Some(Ok(PrinterReply::Status(b))));
                }
                continue;
            }
            self.buf.push(b);
            if self.buf.len() == 2 && b != JOB_DONE_HEAD[1] {
                self.buf.clear();
                continue;
            }
            if self.buf.len() == 7 {
                let frame = std::mem::take(&mut self.buf);
                if frame[6] == 0 {
                    return (
                        used,
                        Some(Ok(PrinterReply::JobDone([
                            frame[2], frame[3], frame[4], frame[5],
                        ]))),
                    );
                }
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

/// One command of the stream the printer receives, as the simulated printer understands it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Op {
    Init,
    /// Printable bytes (GB18030) up to a line feed.
    Text(Vec<u8>),
    LineFeed,
    FeedLines(u8),
    Cut,
    /// `GS ( k` store data for the QR code.
    QrData(Vec<u8>),
    QrPrint,
    Raster {
        width_bytes: usize,
        height: usize,
    },
    StatusRequest(u8),
    JobMarker([u8; 4]),
    /// Other commands with their parameters skipped.
    Other,
}

/// Parses the command stream the printer receives. Commands it does not model are skipped by their known length;
/// a byte it cannot place is taken as text, as a printer would print it.
#[derive(Debug, Default)]
pub struct CommandDecoder {
    buf: Vec<u8>,
}

/// Text longer than this without a line feed is printed in pieces.
const MAX_TEXT: usize = 512;

/// The biggest single command accepted: a raster line block of 72 × 2400 dots (more is refused as garbage).
const MAX_COMMAND: usize = 8 + 72 * 2400;

enum Parse {
    /// At least this many more bytes.
    Need(usize),
    Done(Op, usize),
}

fn parse(b: &[u8]) -> Parse {
    let need = |n: usize| {
        if b.len() < n {
            Some(Parse::Need(n - b.len()))
        } else {
            None
        }
    };
    match b[0] {
        b'\n' => Parse::Done(Op::LineFeed, 1),
        DLE => {
            if let Some(n) = need(3) {
                return n;
            }
            if b[1] == EOT {
                Parse::Done(Op::StatusRequest(b[2]), 3)
            } else {
                Parse::Done(Op::Other, 1)
            }
        }
        ESC => {
            if let Some(n) = need(2) {
                return n;
            }
            match b[1] {
                b'@' => Parse::Done(Op::Init, 2),
                b'd' => match need(3) {
                    Some(n) => n,
                    None => Parse::Done(Op::FeedLines(b[2]), 3),
                },
                b'a' | b'E' | b'-' | b'M' | b'!' | b'3' | b't' | b'R' | b'G' | b'{' | b'J' => {
                    match need(3) {
                        Some(n) => n,
                        None => Parse::Done(Op::Other, 3),
                    }
                }
                _ => Parse::Done(Op::Other, 2),
            }
        }
        FS => {
            if let Some(n) = need(2) {
                return n;
            }
            Parse::Done(Op::Other, 2)
        }
        GS => {
            if let Some(n) = need(2) {
                return n;
            }
            match b[1] {
                b'!' | b'B' => match need(3) {
                    Some(n) => n,
                    None => Parse::Done(Op::Other, 3),
                },
                b'V' => {
                    if let Some(n) = need(3) {
                        return n;
                    }
                    // GS V 65/66 n feeds and cuts: one more byte.
                    let len = if b[2] >= 65 { 4 } else { 3 };
                    match need(len) {
                        Some(n) => n,
                        None => Parse::Done(Op::Cut, len),
                    }
                }
                b'(' => {
                    if let Some(n) = need(5) {
                        return n;
                    }
                    let len = usize::from(b[3]) | usize::from(b[4]) << 8;
                    let total = 5 + len;
                    if total > MAX_COMMAND {
                        return Parse::Done(Op::Other, 1);
                    }
                    if let Some(n) = need(total) {
                        return n;
                    }
                    let body = &b[5..total];
                    let op = match (b[2], body) {
                        (b'k', [0x31, 0x50, 0x30, data @ ..]) => Op::QrData(data.to_vec()),
                        (b'k', [0x31, 0x51, ..]) => Op::QrPrint,
                        (b'H', [0x30, 0x30, d1, d2, d3, d4]) => Op::JobMarker([*d1, *d2, *d3, *d4]),
                        _ => Op::Other,
                    };
                    Parse::Done(op, total)
                }
                b'v' => {
                    if let Some(n) = need(8) {
                        return n;
                    }
                    let w = usize::from(b[4]) | usize::from(b[5]) << 8;
                    let h = usize::from(b[6]) | usize::from(b[7]) << 8;
                    let total = 8 + w * h;
                    if total > MAX_COMMAND {
                        return Parse::Done(Op::Other, 1);
                    }
                    match need(total) {
                        Some(n) => n,
                        None => Parse::Done(
                            Op::Raster {
                                width_bytes: w,
                                height: h,
                            },
                            total,
                        ),
                    }
                }
                _ => Parse::Done(Op::Other, 2),
            }
        }
        // Other control bytes (CR, CAN, …) do nothing here.
        c if c < 0x20 => Parse::Done(Op::Other, 1),
        _ => {
            // Text up to the next control byte; two-byte GB characters have both bytes ≥ 0x40.
            let end = b.iter().position(|&c| c < 0x20).unwrap_or(b.len());
            if end == b.len() {
                // A printer prints a full buffer line by itself; so do we.
                if end >= MAX_TEXT {
                    return Parse::Done(Op::Text(b[..MAX_TEXT].to_vec()), MAX_TEXT);
                }
                return Parse::Need(1);
            }
            Parse::Done(Op::Text(b[..end].to_vec()), end)
        }
    }
}

impl Decoder for CommandDecoder {
    type Frame = Op;
    type Error = std::convert::Infallible;

    fn feed(&mut self, input: &[u8]) -> Fed<Op, Self::Error> {
        let mut used = 0;
        loop {
            let need = if self.buf.is_empty() {
                1
            } else {
                match parse(&self.buf) {
                    Parse::Done(op, n) => {
                        self.buf.drain(..n.min(self.buf.len()));
                        return (used, Some(Ok(op)));
                    }
                    Parse::Need(n) => n,
                }
            };
            if used >= input.len() {
                return (used, None);
            }
            let take = need.min(input.len() - used);
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
mod tests;
