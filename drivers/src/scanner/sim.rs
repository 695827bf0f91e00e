//! A simulated serial scanner on a pseudo-terminal: in line mode it sends a code as soon as one is shown; in
//! Honeywell or Newland trigger mode it holds the code until the terminal triggers a read, and it answers
//! Newland commands.

use super::protocol::{
    newland_reply, HostCommand, HostCommandDecoder, ScanProtocol, Terminator, NEWLAND_STOP,
    NEWLAND_TRIGGER,
};
use crate::codec::Decoder;
use crate::simio::{LineControl, LineControls, SimLine};
use std::collections::VecDeque;
use std::path::Path;
use tokio::sync::mpsc::{unbounded_channel, UnboundedSender};

enum Control {
    Show(String),
    Raw(Vec<u8>),
    Line(LineControl),
}

impl LineControls for ScannerSim {
    fn line(&self, c: LineControl) {
        self.send(Control::Line(c));
    }
}

pub struct ScannerSim {
    tx: UnboundedSender<Control>,
}

impl ScannerSim {
    pub fn spawn(
        link: &Path,
        baud: u32,
        terminator: Terminator,
        protocol: ScanProtocol,
    ) -> std::io::Result<Self> {
        let mut line = SimLine::create(link, baud)?;
        let (tx, mut rx) = unbounded_channel();
        let end: &'static [u8] = match terminator {
            Terminator::Cr => b"\r",
            Terminator::CrLf => b"\r\n",
            Terminator::Lf => b"\n",
            Terminator::None => b"",
        };
        tokio::spawn(async move {
            let mut shown: VecDeque<String> = VecDeque::new();
            let mut triggered = protocol == ScanProtocol::Line;
            let mut dec = HostCommandDecoder::default();
            let mut buf = [0u8; 256];
            loop {
                // A shown code is read at once when the scanner is reading.
                if triggered {
                    if let Some(code) = shown.pop_front() {
                        let mut bytes = code.into_bytes();
                        bytes.extend_from_slice(end);
                        line.send_paced(&bytes).await;
                        // Trigger mode ends a read on a good code.
                        triggered = protocol == ScanProtocol::Line;
                        if terminator == Terminator::None {
                            // The quiet gap that ends a scan without a terminator.
                            tokio::time::sleep(std::time::Duration::from_millis(120)).await;
                        }
                        continue;
                    }
                }
                tokio::select! {
                    biased;
                    ctl = rx.recv() => match ctl {
                        None => break,
                        Some(Control::Show(code)) => shown.push_back(code),
                        Some(Control::Raw(bytes)) => line.send_paced(&bytes).await,
                        Some(Control::Line(c)) => line.control(c),
                    },
                    n = line.read(&mut buf) => {
                        if !line.speed_matches() {
                            continue;
                        }
                        let mut input = &buf[..n];
                        while !input.is_empty() {
                            let (used, cmd) = dec.feed(input);
                            input = &input[used..];
                            match cmd {
                                Some(Ok(HostCommand::HoneywellStart)) if protocol == ScanProtocol::Honeywell => triggered = true,
                                Some(Ok(HostCommand::HoneywellStop)) if protocol == ScanProtocol::Honeywell => triggered = false,
                                Some(Ok(HostCommand::Newland { body, .. })) if protocol == ScanProtocol::Newland => {
                                    if body == NEWLAND_TRIGGER {
                                        triggered = true;
                                    } else if body == NEWLAND_STOP {
                                        triggered = false;
                                    }
                                    line.answer(&newland_reply(&body, true)).await;
                                }
                                _ => {}
                            }
                        }
                    }
                }
            }
            line.unplug();
        });
        Ok(Self { tx })
    }

    fn send(&self, c: Control) {
        let _ = self.tx.send(c);
    }

    /// Holds a code in front of the scanner: read at once in line mode, at the next trigger otherwise.
    pub fn show(&self, code: &str) {
        self.send(Control::Show(code.to_string()));
    }
    /// Raw bytes on the line (noise, an overlong code).
    pub fn send_raw(&self, bytes: Vec<u8>) {
        self.send(Control::Raw(bytes));
    }
}
