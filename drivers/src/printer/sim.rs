//! A simulated ESC/POS receipt printer on a pseudo-terminal: it answers real-time status at once, "prints" what
//! it receives into receipts a test (or the simulator window) can read, confirms job markers once printed (or,
//! as many printers sold in China, never), and can run out of paper, have its cover opened, be slow, silent or
//! unplugged.

use super::protocol::{CommandDecoder, Op, PrinterStatus, JOB_DONE_HEAD};
use crate::codec::Decoder;
use crate::event::PaperState;
use crate::simio::{LineControl, LineControls, SimLine};
use std::path::Path;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::sync::mpsc::{unbounded_channel, UnboundedSender};

/// What came out of the simulated printer.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PrintedReceipt {
    pub lines: Vec<String>,
    pub qr_codes: Vec<String>,
    pub images: usize,
    pub cut: bool,
}

enum Control {
    Paper(PaperState),
    Cover(bool),
    JobReplies(bool),
    Line(LineControl),
}

impl LineControls for PrinterSim {
    fn line(&self, c: LineControl) {
        self.send(Control::Line(c));
    }
}

pub struct PrinterSim {
    tx: UnboundedSender<Control>,
    printed: Arc<Mutex<Vec<PrintedReceipt>>>,
}

/// Time the simulated mechanism takes per printed line.
const LINE_TIME: Duration = Duration::from_millis(8);

impl PrinterSim {
    pub fn spawn(link: &Path, baud: u32) -> std::io::Result<Self> {
        let mut line = SimLine::create(link, baud)?;
        let (tx, mut rx) = unbounded_channel();
        let printed = Arc::new(Mutex::new(Vec::new()));
        let out = printed.clone();
        tokio::spawn(async move {
            let mut status = PrinterStatus {
                online: true,
                cover_open: false,
                paper: PaperState::Ok,
                error: false,
            };
            let mut dec = CommandDecoder::default();
            let mut current = PrintedReceipt::default();
            let mut lines_since_done = 0u32;
            let mut job_replies = true;
            let mut buf = [0u8; 1024];
            loop {
                tokio::select! {
                    biased;
                    ctl = rx.recv() => match ctl {
                        None => break,
                        Some(Control::Paper(p)) => status.paper = p,
                        Some(Control::Cover(open)) => { status.cover_open = open; status.online = !open; }
                        Some(Control::JobReplies(on)) => job_replies = on,
                        Some(Control::Line(c)) => line.control(c),
                    },
                    n = line.read(&mut buf) => {
                        if !line.speed_matches() {
                            continue;
                        }
                        let mut input = &buf[..n];
                        while !input.is_empty() {
                            let (used, op) = dec.feed(input);
                            input = &input[used..];
                            let Some(Ok(op)) = op else { continue };
                            let printing = status.paper != PaperState::Out && !status.cover_open;
                            match op {
                                Op::StatusRequest(n) => {
                                    let [a, b, c] = status.to_bytes();
                                    let byte = match n { 1 => a, 2 => b, 4 => c, _ => 0x12 };
                                    line.answer(&[byte]).await;
                                }
                                // A stopped printer holds everything; the job never completes.
                                _ if !printing => {}
                                Op::Text(t) => current.lines.push(encoding_rs::GB18030.decode(&t).0.into_owned()),
                                Op::QrData(d) => current.qr_codes.push(String::from_utf8_lossy(&d).into_owned()),
                                Op::Raster { .. } => { current.images += 1; lines_since_done += 1; }
                                Op::LineFeed | Op::FeedLines(_) => lines_since_done += 1,
                                Op::Cut => {
                                    current.cut = true;
                                    if let Ok(mut p) = out.lock() {
                                        if p.len() >= crate::sim::KEPT_PRINTOUTS {
                                            p.remove(0);
                                        }
                                        p.push(std::mem::take(&mut current));
                                    }
                                }
                                // A printer without `GS ( H` ignores the marker.
                                Op::JobMarker(_) if !job_replies => {}
                                Op::JobMarker(id) => {
                                    tokio::time::sleep(LINE_TIME * lines_since_done).await;
                                    lines_since_done = 0;
                                    let mut reply = JOB_DONE_HEAD.to_vec();
                                    reply.extend_from_slice(&id);
                                    reply.push(0);
                                    line.answer(&reply).await;
                                }
                                Op::Init | Op::QrPrint | Op::Other => {}
                            }
                        }
                    }
                }
            }
            line.unplug();
        });
        Ok(Self { tx, printed })
    }

    fn send(&self, c: Control) {
        let _ = self.tx.send(c);
    }
    pub fn set_paper(&self, p: PaperState) {
        self.send(Control::Paper(p));
    }
    pub fn set_cover_open(&self, open: bool) {
        self.send(Control::Cover(open));
    }
    /// Whether the printer answers `GS ( H` job markers (Epson TM printers do; many sold in China answer
    /// real-time status only).
    pub fn set_job_replies(&self, on: bool) {
        self.send(Control::JobReplies(on));
    }
    /// Receipts printed and cut so far (the last `sim::KEPT_PRINTOUTS`).
    pub fn printed(&self) -> Vec<PrintedReceipt> {
        self.printed.lock().map(|p| p.clone()).unwrap_or_default()
    }
}
