//! The device manager: starts the driver of every serial, GPIO and IPP device the profile lists and, in a simulated
//! terminal, the simulated device it talks to (serial devices over a pseudo-terminal, GPIO lines in memory, the
//! A4 printer as an IPP printer on loopback). Drivers supervise themselves (reopen after
//! unplugging, report down within 2 s, recover); their events go to the kiosk through one channel.
//!
//! Must be called inside the tokio runtime (its tasks are spawned there).

use crate::a4::driver::A4Printer;
use crate::a4::service::{A4Handle, A4Service};
use crate::a4::sim::A4Sim;
use crate::camera::service::{start_reporting, CameraHandle, Plug, Scene, Source};
use crate::gpio::backend::{Backend, SimGpio};
use crate::gpio::protocol::Flash;
use crate::gpio::service::{
    run_buzzer, run_input, run_keypad, run_light, Beep, InputRole, LineSpec,
};
use crate::idcard::driver::{Reader, ReaderService};
use crate::idcard::photo::PhotoDecoder;
use crate::idcard::sim::ReaderSim;
use crate::pad::driver::{Pad, PadCommand, PadService};
use crate::pad::sim::PadSim;
use crate::printer::driver::{PrinterHandle, PrinterService, ReceiptPrinter};
use crate::printer::protocol::{Fallback, Layout};
use crate::printer::sim::PrinterSim;
use crate::scanner::driver::{Scanner, ScannerConfig, ScannerService};
use crate::scanner::protocol::{ScanProtocol, Terminator};
use crate::scanner::sim::ScannerSim;
use crate::spec::{Connection, DeviceSpec, Protocol, RareCharacters};
use crate::{DeviceClass, DeviceEvent, DeviceId, Health, KeypadKey};
use kiosk_fonts::FontSet;
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::mpsc::UnboundedSender;
use tokio::sync::watch;
use tokio::task::JoinHandle;

/// Line speeds of the simulated devices (what such devices ship with).
pub const SIM_BAUD_READER: u32 = 115_200;
pub const SIM_BAUD_SCANNER: u32 = 9_600;
pub const SIM_BAUD_PRINTER: u32 = 115_200;
pub const SIM_BAUD_PAD: u32 = 9_600;

/// The simulated devices of a simulated terminal; the device simulator window drives them.
#[derive(Default)]
pub struct SimulatedDevices {
    pub reader: Option<ReaderSim>,
    pub scanner: Option<ScannerSim>,
    pub printer: Option<PrinterSim>,
    pub pad: Option<PadSim>,
    pub gpio: Option<SimGpioLines>,
    pub a4: Option<A4Sim>,
    /// The simulated cameras' plugs (to make one vanish).
    pub cameras: Vec<(DeviceId, Plug)>,
}

/// The simulated GPIO lines and which input is which; inputs change the way contacts do (with bounces).
pub struct SimGpioLines {
    pub gpio: SimGpio,
    runtime: tokio::runtime::Handle,
    pub help: Option<LineSpec>,
    pub door: Option<LineSpec>,
    pub presence: Option<LineSpec>,
    pub keypad: Vec<(KeypadKey, LineSpec)>,
}

impl SimGpioLines {
    fn bounce(&self, line: &Option<LineSpec>, levels: Vec<(bool, Duration)>) {
        let Some(l) = line.clone() else { return };
        let gpio = self.gpio.clone();
        self.runtime.spawn(async move {
            for (level, hold) in levels {
                gpio.bounce_to(&l.chip, l.line, level).await;
                tokio::time::sleep(hold).await;
            }
        });
    }

    /// A press of about 150 ms and its release.
    pub fn press_help(&self) {
        self.bounce(
            &self.help,
            vec![(true, Duration::from_millis(150)), (false, Duration::ZERO)],
        );
    }

    /// The door switch is closed (active) while the door is shut.
    pub fn set_door_open(&self, open: bool) {
        self.bounce(&self.door, vec![(!open, Duration::ZERO)]);
    }

    /// A press of a keypad key and its release.
    pub fn press_key(&self, key: KeypadKey) {
        let line = self
            .keypad
            .iter()
            .find(|(k, _)| *k == key)
            .map(|(_, l)| l.clone());
        self.bounce(
            &line,
            vec![(true, Duration::from_millis(120)), (false, Duration::ZERO)],
        );
    }

    pub fn set_present(&self, present: bool) {
        if let Some(l) = &self.presence {
            self.gpio.set_input(&l.chip, l.line, present);
        }
    }
}

pub struct Devices {
    pub sims: SimulatedDevices,
    pub printer: Option<PrinterHandle>,
    pub a4: Option<A4Handle>,
    /// Every camera's service (preview and stills), by device.
    pub cameras: Vec<(DeviceId, DeviceClass, CameraHandle)>,
    pub pad: Option<UnboundedSender<PadCommand>>,
    pub lights: Option<watch::Sender<Flash>>,
    pub buzzer: Option<UnboundedSender<Beep>>,
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
    // The font files are only looked for here; each is read when a receipt first needs it.
    let fonts = FontSet::system();
    match fonts.any_installed() {
        true => Layout {
            fallback: Fallback::Raster(fonts, replacement),
            ..Layout::default()
        },
        false => {
            tracing::warn!(%replacement, "no CJK font for rare characters on receipts; they print as the replacement");
            replace
        }
    }
}

/// A Linux input device in a build without `evdev`: down, with the reason a technician can act on.
#[cfg(not(feature = "evdev"))]
fn needs_evdev(events: &UnboundedSender<DeviceEvent>, id: &DeviceId, port: &str, what: &str) {
    let _ = events.send(DeviceEvent::Health {
        device: id.clone(),
        health: Health::Down {
            reason: format!("{port}: {what} need a build with the `evdev` feature"),
        },
    });
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
pub fn start(
    profile: &[DeviceSpec],
    sim_dir: &Path,
    events: UnboundedSender<DeviceEvent>,
) -> Devices {
    let mut d = Devices {
        sims: SimulatedDevices::default(),
        printer: None,
        a4: None,
        cameras: Vec::new(),
        pad: None,
        lights: None,
        buzzer: None,
        driven: Vec::new(),
        tasks: Vec::new(),
    };
    start_gpio(profile, &events, &mut d);
    start_a4(profile, &events, &mut d);
    start_cameras(profile, &events, &mut d);
    let mut photo: Option<Arc<PhotoDecoder>> = None;
    let mut photo_looked = false;
    for spec in profile.iter().filter(|s| serial_class(s.class)) {
        let id = DeviceId(spec.id.clone());
        let (path, baud, term) = match &spec.connection {
            Connection::Serial {
                port,
                baud,
                terminator: t,
            } => (port.clone(), *baud, *t),
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
                d.tasks.push(tokio::spawn(crate::scanner::evdev_input::run(
                    id.clone(),
                    port.clone(),
                    events.clone(),
                )));
                d.driven.push(id);
                continue;
            }
            #[cfg(not(feature = "evdev"))]
            Connection::Input { port } if spec.class == DeviceClass::QrScanner => {
                needs_evdev(&events, &id, port, "keyboard-mode scanners");
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
                    )
                    .with_completion(spec.completion),
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

/// Starts the A4 printer's service: IPP to the profile's URI, or to a simulated IPP printer on loopback.
fn start_a4(profile: &[DeviceSpec], events: &UnboundedSender<DeviceEvent>, d: &mut Devices) {
    for spec in profile.iter().filter(|s| s.class == DeviceClass::A4Printer) {
        let id = DeviceId(spec.id.clone());
        let uri = match &spec.connection {
            Connection::Ipp { uri } => uri.clone(),
            Connection::Simulated => match A4Sim::spawn() {
                Ok(sim) => {
                    let uri = sim.uri();
                    d.sims.a4 = Some(sim);
                    uri
                }
                Err(e) => {
                    let _ = events.send(DeviceEvent::Health {
                        device: id,
                        health: Health::Down {
                            reason: format!("simulator: {e}"),
                        },
                    });
                    continue;
                }
            },
            _ => continue,
        };
        d.driven.push(id.clone());
        match A4Printer::new(&uri) {
            Ok(printer) => {
                let (svc, handle) = A4Service::new(id, printer, events.clone());
                d.a4 = Some(handle);
                d.tasks.push(tokio::spawn(svc.run()));
            }
            Err(e) => {
                let _ = events.send(DeviceEvent::Health {
                    device: id,
                    health: Health::Down {
                        reason: e.to_string(),
                    },
                });
            }
        }
    }
}

/// What a camera of each class captures: the document camera's stills are for reading, so full HD; the face
/// camera is for the video call, so 720p at 30 fps. Simulated cameras are smaller to spare the developer's CPU.
fn camera_mode(class: DeviceClass, simulated: bool) -> (usize, usize, u32) {
    match (class, simulated) {
        (DeviceClass::DocumentCamera, false) => (1920, 1080, 15),
        (DeviceClass::DocumentCamera, true) => (1280, 960, 15),
        (_, false) => (1280, 720, 30),
        (_, true) => (640, 480, 30),
    }
}

/// Starts one service per camera: V4L2 through nokhwa (feature `v4l`), or a synthetic camera.
fn start_cameras(profile: &[DeviceSpec], events: &UnboundedSender<DeviceEvent>, d: &mut Devices) {
    let cameras = profile.iter().filter(|s| {
        matches!(
            s.class,
            DeviceClass::FaceCamera | DeviceClass::DocumentCamera
        )
    });
    for spec in cameras {
        let id = DeviceId(spec.id.clone());
        let source = match &spec.connection {
            Connection::Simulated => {
                let (width, height, fps) = camera_mode(spec.class, true);
                let plug = Plug::default();
                d.sims.cameras.push((id.clone(), plug.clone()));
                Source::Synthetic {
                    width,
                    height,
                    fps,
                    scene: match spec.class {
                        DeviceClass::DocumentCamera => Scene::Document,
                        _ => Scene::Pattern,
                    },
                    plug,
                }
            }
            #[cfg(feature = "v4l")]
            Connection::Camera { device } => {
                let (width, height, fps) = camera_mode(spec.class, false);
                Source::V4l {
                    device: device.clone(),
                    width: width as u32,
                    height: height as u32,
                    fps,
                }
            }
            #[cfg(not(feature = "v4l"))]
            Connection::Camera { device } => {
                let _ = events.send(DeviceEvent::Health {
                    device: id.clone(),
                    health: Health::Down {
                        reason: format!("{device}: cameras need a build with the `v4l` feature"),
                    },
                });
                d.driven.push(id);
                continue;
            }
            _ => continue,
        };
        d.driven.push(id.clone());
        let handle = start_reporting(id.clone(), source, events.clone());
        d.cameras.push((id, spec.class, handle));
    }
}

fn gpio_role(c: DeviceClass) -> Option<InputRole> {
    match c {
        DeviceClass::HelpButton => Some(InputRole::HelpButton),
        DeviceClass::PresenceSensor => Some(InputRole::Presence),
        DeviceClass::DoorSwitch => Some(InputRole::Door),
        _ => None,
    }
}

/// Starts the GPIO services: real lines through the GPIO character device, simulated ones on one set of
/// simulated lines (chip `sim`, line = the device's place in the profile).
fn start_gpio(profile: &[DeviceSpec], events: &UnboundedSender<DeviceEvent>, d: &mut Devices) {
    let sim = SimGpio::new();
    let mut lines = SimGpioLines {
        gpio: sim.clone(),
        runtime: tokio::runtime::Handle::current(),
        help: None,
        door: None,
        presence: None,
        keypad: Vec::new(),
    };
    let mut any_sim = false;
    for (i, spec) in profile.iter().enumerate() {
        if spec.class == DeviceClass::TactileKeypad {
            let id = DeviceId(spec.id.clone());
            let task = match &spec.connection {
                Connection::GpioKeys {
                    chip,
                    keys,
                    active_low,
                } => tokio::spawn(run_keypad(
                    id.clone(),
                    Backend::Cdev,
                    chip.clone(),
                    keys.clone(),
                    *active_low,
                    events.clone(),
                )),
                Connection::Simulated => {
                    any_sim = true;
                    let keys: Vec<(KeypadKey, u32)> = KeypadKey::ALL
                        .iter()
                        .enumerate()
                        .map(|(n, k)| (*k, n as u32))
                        .collect();
                    lines.keypad = keys
                        .iter()
                        .map(|(k, n)| {
                            (
                                *k,
                                LineSpec {
                                    chip: "sim-keypad".into(),
                                    line: *n,
                                    active_low: false,
                                },
                            )
                        })
                        .collect();
                    tokio::spawn(run_keypad(
                        id.clone(),
                        Backend::Sim(sim.clone()),
                        "sim-keypad".into(),
                        keys,
                        false,
                        events.clone(),
                    ))
                }
                #[cfg(feature = "evdev")]
                Connection::Input { port } => tokio::spawn(crate::keypad::run_evdev(
                    id.clone(),
                    port.clone(),
                    events.clone(),
                )),
                #[cfg(not(feature = "evdev"))]
                Connection::Input { port } => {
                    needs_evdev(events, &id, port, "USB keypads");
                    d.driven.push(id);
                    continue;
                }
                _ => continue,
            };
            d.driven.push(id);
            d.tasks.push(task);
            continue;
        }
        let gpio_class = gpio_role(spec.class).is_some()
            || matches!(spec.class, DeviceClass::Lights | DeviceClass::Buzzer);
        if !gpio_class {
            continue;
        }
        let (backend, line) = match &spec.connection {
            Connection::Gpio {
                chip,
                line,
                active_low,
            } => (
                Backend::Cdev,
                LineSpec {
                    chip: chip.clone(),
                    line: *line,
                    active_low: *active_low,
                },
            ),
            Connection::Simulated => {
                any_sim = true;
                (
                    Backend::Sim(sim.clone()),
                    LineSpec {
                        chip: "sim".into(),
                        line: i as u32,
                        active_low: false,
                    },
                )
            }
            _ => continue,
        };
        let id = DeviceId(spec.id.clone());
        d.driven.push(id.clone());
        let simulated = matches!(backend, Backend::Sim(_));
        let task = match (spec.class, gpio_role(spec.class)) {
            (_, Some(role)) => {
                if simulated {
                    match role {
                        InputRole::HelpButton => lines.help = Some(line.clone()),
                        InputRole::Presence => lines.presence = Some(line.clone()),
                        InputRole::Door => {
                            // The simulated cabinet starts shut.
                            sim.set_input(&line.chip, line.line, true);
                            lines.door = Some(line.clone());
                        }
                        InputRole::Key(_) => {}
                    }
                }
                tokio::spawn(run_input(id, role, backend, line, events.clone()))
            }
            (DeviceClass::Lights, _) => {
                let (tx, rx) = watch::channel(Flash::Off);
                d.lights = Some(tx);
                tokio::spawn(run_light(id, backend, line, rx, events.clone()))
            }
            _ => {
                let (tx, rx) = tokio::sync::mpsc::unbounded_channel();
                d.buzzer = Some(tx);
                tokio::spawn(run_buzzer(id, backend, line, rx, events.clone()))
            }
        };
        d.tasks.push(task);
    }
    if any_sim {
        d.sims.gpio = Some(lines);
    }
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
