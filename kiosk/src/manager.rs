//! The device manager: starts the driver of every serial device the profile lists and, in a simulated
//! terminal, the simulated device it talks to over a pseudo-terminal. Drivers supervise themselves (reopen after
//! unplugging, report down within 2 s, recover); their events go to the kiosk through one channel.
//!
//! Must be called inside the tokio runtime (its tasks are spawned there).

use crate::config::profile::{Protocol, RareCharacters, Terminator as ProfileTerminator};
use crate::config::{Connection, DeviceSpec, Profile};
use kiosk_drivers::idcard::driver::{Reader, ReaderService};
use kiosk_drivers::idcard::photo::PhotoDecoder;
use kiosk_drivers::idcard::sim::ReaderSim;
use kiosk_drivers::pad::driver::{Pad, PadCommand, PadService};
use kiosk_drivers::pad::sim::PadSim;
use kiosk_drivers::printer::driver::{PrinterHandle, PrinterService, ReceiptPrinter};
use kiosk_drivers::printer::protocol::{Fallback, Layout};
use kiosk_drivers::printer::raster::RasterFont;
use kiosk_drivers::printer::sim::PrinterSim;
use kiosk_drivers::scanner::driver::{Scanner, ScannerConfig, ScannerService};
use kiosk_drivers::scanner::protocol::{ScanProtocol, Terminator};
use kiosk_drivers::scanner::sim::ScannerSim;
use kiosk_drivers::{DeviceClass, DeviceEvent, DeviceId, Health};
use std::path::Path;
use std::sync::Arc;
use tokio::sync::mpsc::UnboundedSender;
use tokio::task::JoinHandle;

/// Line speeds of the simulated devices (what such devices ship with).
pub const SIM_BAUD_READER: u32 = 115_200;
pub const SIM_BAUD_SCANNER: u32 = 9_600;
pub const SIM_BAUD_PRINTER: u32 = 115_200;
pub const SIM_BAUD_PAD: u32 = 9_600;

/// The simulated serial devices of a simulated terminal; the device simulator window drives them.
#[derive(Default)]
pub struct SimulatedDevices {
    pub reader: Option<ReaderSim>,
    pub scanner: Option<ScannerSim>,
    pub printer: Option<PrinterSim>,
    pub pad: Option<PadSim>,
}

pub struct Devices {
    pub sims: SimulatedDevices,
    pub printer: Option<PrinterHandle>,
    pub pad: Option<UnboundedSender<PadCommand>>,
    /// Serial devices that have a driver (the rest are probed by `devices::probe`).
    pub driven: Vec<DeviceId>,
    tasks: Vec<JoinHandle<()>>,
}

impl Drop for Devices {
    fn drop(&mut self) {
        for t in &self.tasks {
            t.abort();
        }
    }
}

pub fn scan_protocol(p: Protocol) -> ScanProtocol {
    match p {
        Protocol::Honeywell => ScanProtocol::Honeywell,
        Protocol::Newland => ScanProtocol::Newland,
        _ => ScanProtocol::Line,
    }
}

pub fn terminator(t: ProfileTerminator) -> Terminator {
    match t {
        ProfileTerminator::Cr => Terminator::Cr,
        ProfileTerminator::Crlf => Terminator::CrLf,
        ProfileTerminator::Lf => Terminator::Lf,
        ProfileTerminator::None => Terminator::None,
    }
}

/// The receipt layout: rare characters drawn with a system CJK font when so configured and one is installed,
/// else printed as the replacement character.
pub fn receipt_layout(rare: RareCharacters, replacement: char) -> Layout {
    let replace = Layout {
        fallback: Fallback::Replace(replacement),
        ..Layout::default()
    };
    if rare == RareCharacters::Replace {
        return replace;
    }
    match RasterFont::find_system() {
        Some(font) => Layout {
            fallback: Fallback::Raster(Arc::new(font), replacement),
            ..Layout::default()
        },
        None => {
            tracing::warn!(%replacement, "no CJK font for rare characters on receipts; they print as the replacement");
            replace
        }
    }
}

fn serial_class(c: DeviceClass) -> bool {
    matches!(
        c,
        DeviceClass::IdCardReader
            | DeviceClass::QrScanner
            | DeviceClass::ReceiptPrinter
            | DeviceClass::EvaluationPad
    )
}

/// Starts drivers (and simulators under `sim_dir`) for the serial devices of `profile`.
pub fn start(profile: &Profile, sim_dir: &Path, events: UnboundedSender<DeviceEvent>) -> Devices {
    let mut d = Devices {
        sims: SimulatedDevices::default(),
        printer: None,
        pad: None,
        driven: Vec::new(),
        tasks: Vec::new(),
    };
    let mut photo: Option<Arc<PhotoDecoder>> = None;
    let mut photo_looked = false;
    for spec in profile.devices.iter().filter(|s| serial_class(s.class)) {
        let id = DeviceId(spec.id.clone());
        let (path, baud, term) = match &spec.connection {
            Connection::Serial {
                port,
                baud,
                terminator: t,
            } => (port.clone(), *baud, terminator(*t)),
            Connection::Simulated => {
                let link = sim_dir.join(&spec.id);
                match start_sim(spec, &link, &mut d.sims) {
                    Ok(baud) => (link.to_string_lossy().into_owned(), baud, Terminator::Cr),
                    Err(e) => {
                        tracing::error!(device = %spec.id, error = %e, "simulated device could not start");
                        let _ = events.send(DeviceEvent::Health {
                            device: id,
                            health: Health::Down {
                                reason: format!("simulator: {e}"),
                            },
                        });
                        continue;
                    }
                }
            }
            #[cfg(feature = "evdev")]
            Connection::Input { port } if spec.class == DeviceClass::QrScanner => {
                d.tasks
                    .push(tokio::spawn(kiosk_drivers::scanner::evdev_input::run(
                        id.clone(),
                        port.clone(),
                        events.clone(),
                    )));
                d.driven.push(id);
                continue;
            }
            #[cfg(not(feature = "evdev"))]
            Connection::Input { port } if spec.class == DeviceClass::QrScanner => {
                let _ = events.send(DeviceEvent::Health {
                    device: id.clone(),
                    health: Health::Down {
                        reason: format!(
                            "{port}: keyboard-mode scanners need a build with the `evdev` feature"
                        ),
                    },
                });
                d.driven.push(id);
                continue;
            }
            _ => continue,
        };
        d.driven.push(id.clone());
        let task = match spec.class {
            DeviceClass::IdCardReader => {
                if !photo_looked {
                    photo_looked = true;
                    photo = PhotoDecoder::find_installed().map(Arc::new);
                    match &photo {
                        Some(p) => {
                            tracing::info!(library = %p.path().display(), "card photos decoded by the vendor library")
                        }
                        None => tracing::info!(
                            "no vendor photo library; card photos are passed on undecoded"
                        ),
                    }
                }
                tokio::spawn(
                    ReaderService {
                        id,
                        reader: Reader::new(path, baud),
                        events: events.clone(),
                        photo: photo.clone(),
                    }
                    .run(),
                )
            }
            DeviceClass::QrScanner => tokio::spawn(
                ScannerService {
                    id,
                    scanner: Scanner::new(ScannerConfig {
                        path,
                        baud,
                        terminator: term,
                        protocol: scan_protocol(spec.protocol),
                    }),
                    events: events.clone(),
                }
                .run(),
            ),
            DeviceClass::ReceiptPrinter => {
                let (svc, handle) = PrinterService::new(
                    id,
                    ReceiptPrinter::new(
                        path,
                        baud,
                        receipt_layout(spec.rare_characters, spec.replacement),
                    ),
                    events.clone(),
                );
                d.printer = Some(handle);
                tokio::spawn(svc.run())
            }
            DeviceClass::EvaluationPad => {
                let (svc, commands) = PadService::new(id, Pad::new(path, baud), events.clone());
                d.pad = Some(commands);
                tokio::spawn(svc.run())
            }
            _ => continue,
        };
        d.tasks.push(task);
    }
    d
}

/// Starts the simulated device for `spec` at `link`; returns the line speed its driver should use.
fn start_sim(spec: &DeviceSpec, link: &Path, sims: &mut SimulatedDevices) -> std::io::Result<u32> {
    Ok(match spec.class {
        DeviceClass::IdCardReader => {
            sims.reader = Some(ReaderSim::spawn(link)?);
            SIM_BAUD_READER
        }
        DeviceClass::QrScanner => {
            sims.scanner = Some(ScannerSim::spawn(
                link,
                SIM_BAUD_SCANNER,
                Terminator::Cr,
                scan_protocol(spec.protocol),
            )?);
            SIM_BAUD_SCANNER
        }
        DeviceClass::ReceiptPrinter => {
            sims.printer = Some(PrinterSim::spawn(link, SIM_BAUD_PRINTER)?);
            SIM_BAUD_PRINTER
        }
        DeviceClass::EvaluationPad => {
            sims.pad = Some(PadSim::spawn(link, SIM_BAUD_PAD)?);
            SIM_BAUD_PAD
        }
        _ => return Err(std::io::Error::other("not a serial device class")),
    })
}
