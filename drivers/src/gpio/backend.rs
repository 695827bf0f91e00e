//! Where GPIO lines come from: the Linux GPIO character device (gpiocdev, any board) or the simulated lines of
//! the simulated terminal and the tests. Levels here are logical: `true` = active, after `active_low`.

use gpiocdev::line::{EdgeDetection, EdgeKind, Value};
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::sync::mpsc::{unbounded_channel, UnboundedReceiver, UnboundedSender};
use tokio::time::Instant;

pub use super::GpioError;

/// One input line: its level when requested, then every raw change with the time it was seen.
pub struct InputLine {
    pub initial: bool,
    pub changes: UnboundedReceiver<(bool, Instant)>,
}

enum Out {
    Cdev(gpiocdev::Request, u32),
    Sim(SimGpio, (String, u32)),
    #[cfg(feature = "rpi")]
    Tone(super::pwm::PwmTone),
}

/// One output line, held for as long as this lives.
pub struct OutputLine(Out);

impl OutputLine {
    pub fn set(&mut self, active: bool) -> Result<(), GpioError> {
        match &mut self.0 {
            Out::Cdev(req, line) => {
                let v = if active {
                    Value::Active
                } else {
                    Value::Inactive
                };
                req.set_value(*line, v).map_err(|e| GpioError::Line {
                    chip: String::new(),
                    line: *line,
                    reason: e.to_string(),
                })
            }
            Out::Sim(sim, key) => {
                if let Some(reason) = sim.fault(key) {
                    return Err(GpioError::Line {
                        chip: key.0.clone(),
                        line: key.1,
                        reason,
                    });
                }
                sim.drive(key, active);
                Ok(())
            }
            #[cfg(feature = "rpi")]
            Out::Tone(t) => t.set(active),
        }
    }

    /// A buzzer on a Raspberry Pi PWM channel: a tone of `hz` while "on".
    #[cfg(feature = "rpi")]
    pub fn tone(channel: u8, hz: f64) -> Result<Self, GpioError> {
        Ok(Self(Out::Tone(super::pwm::PwmTone::open(channel, hz)?)))
    }
}

#[derive(Clone)]
pub enum Backend {
    /// `/dev/gpiochipN` through the GPIO character device.
    Cdev,
    Sim(SimGpio),
    /// Raspberry Pi hardware PWM: an output line is a tone of this frequency on the channel given as the line.
    #[cfg(feature = "rpi")]
    PwmTone {
        hz: f64,
    },
}

fn cdev_err(chip: &str, line: u32, e: gpiocdev::Error) -> GpioError {
    let text = e.to_string();
    let hint = if text.contains("No such file") {
        "no such GPIO chip: check the profile's chip"
    } else if text.contains("busy") || text.contains("Busy") {
        "the line is busy: another program (or a device-tree overlay) holds it"
    } else if text.contains("ermission") {
        "permission denied: the kiosk user needs the gpio group"
    } else {
        "check the chip and line numbers"
    };
    GpioError::Line {
        chip: chip.into(),
        line,
        reason: format!("{hint} ({text})"),
    }
}

impl Backend {
    pub fn input(&self, chip: &str, line: u32, active_low: bool) -> Result<InputLine, GpioError> {
        match self {
            #[cfg(feature = "rpi")]
            Backend::PwmTone { .. } => Err(GpioError::Line {
                chip: chip.into(),
                line,
                reason: "a PWM channel is an output".into(),
            }),
            Backend::Sim(sim) => sim.subscribe(chip, line),
            Backend::Cdev => {
                let mut b = gpiocdev::Request::builder();
                b.on_chip(chip)
                    .with_consumer("kiosk")
                    .with_line(line)
                    .as_input()
                    .with_edge_detection(EdgeDetection::BothEdges);
                if active_low {
                    b.as_active_low();
                }
                let req = b.request().map_err(|e| cdev_err(chip, line, e))?;
                let initial =
                    req.value(line).map_err(|e| cdev_err(chip, line, e))? == Value::Active;
                let (tx, rx) = unbounded_channel();
                let name = format!("gpio-{line}");
                // A thread per input line: edge reads block, and a handful of lines cost little. It ends when the
                // receiver is gone (checked every half second) or the line fails.
                std::thread::Builder::new()
                    .name(name)
                    .spawn(move || loop {
                        match req.wait_edge_event(Duration::from_millis(500)) {
                            Ok(false) if tx.is_closed() => return,
                            Ok(false) => {}
                            Ok(true) => match req.read_edge_event() {
                                Ok(ev) => {
                                    if tx
                                        .send((ev.kind == EdgeKind::Rising, Instant::now()))
                                        .is_err()
                                    {
                                        return;
                                    }
                                }
                                Err(_) => return,
                            },
                            Err(_) => return,
                        }
                    })
                    .map_err(|e| GpioError::Line {
                        chip: chip.into(),
                        line,
                        reason: e.to_string(),
                    })?;
                Ok(InputLine {
                    initial,
                    changes: rx,
                })
            }
        }
    }

    pub fn output(&self, chip: &str, line: u32, active_low: bool) -> Result<OutputLine, GpioError> {
        match self {
            #[cfg(feature = "rpi")]
            Backend::PwmTone { hz } => {
                let channel = u8::try_from(line).map_err(|_| GpioError::Line {
                    chip: chip.into(),
                    line,
                    reason: "no such PWM channel".into(),
                })?;
                OutputLine::tone(channel, *hz)
            }
            Backend::Sim(sim) => {
                let key = (chip.to_string(), line);
                if let Some(reason) = sim.fault(&key) {
                    return Err(GpioError::Line {
                        chip: chip.into(),
                        line,
                        reason,
                    });
                }
                sim.drive(&key, false);
                Ok(OutputLine(Out::Sim(sim.clone(), key)))
            }
            Backend::Cdev => {
                let mut b = gpiocdev::Request::builder();
                b.on_chip(chip)
                    .with_consumer("kiosk")
                    .with_line(line)
                    .as_output(Value::Inactive);
                if active_low {
                    b.as_active_low();
                }
                let req = b.request().map_err(|e| cdev_err(chip, line, e))?;
                Ok(OutputLine(Out::Cdev(req, line)))
            }
        }
    }
}

/// A simulated input: its level and who listens.
#[derive(Default)]
struct SimInput {
    level: bool,
    listeners: Vec<UnboundedSender<(bool, Instant)>>,
}

#[derive(Default)]
struct SimState {
    inputs: HashMap<(String, u32), SimInput>,
    /// Every level an output was driven to, with when.
    outputs: HashMap<(String, u32), Vec<(bool, Instant)>>,
    /// Lines that fail (busy, missing) and why.
    faults: HashMap<(String, u32), String>,
}

/// Simulated GPIO lines: a person or a test sets input levels (bounces and all), and reads what outputs did.
#[derive(Clone, Default)]
pub struct SimGpio(Arc<Mutex<SimState>>);

impl SimGpio {
    pub fn new() -> Self {
        Self::default()
    }

    fn fault(&self, key: &(String, u32)) -> Option<String> {
        self.0.lock().ok().and_then(|s| s.faults.get(key).cloned())
    }

    /// Makes a line fail as a busy or missing line does (`Some(reason)`), or work again (`None`). An input's
    /// readers lose it at once; opening it fails until the fault is cleared.
    pub fn set_fault(&self, chip: &str, line: u32, fault: Option<&str>) {
        if let Ok(mut s) = self.0.lock() {
            let key = (chip.to_string(), line);
            match fault {
                Some(reason) => {
                    s.faults.insert(key.clone(), reason.to_string());
                    if let Some(input) = s.inputs.get_mut(&key) {
                        input.listeners.clear();
                    }
                }
                None => {
                    s.faults.remove(&key);
                }
            }
        }
    }

    fn subscribe(&self, chip: &str, line: u32) -> Result<InputLine, GpioError> {
        let key = (chip.to_string(), line);
        if let Some(reason) = self.fault(&key) {
            return Err(GpioError::Line {
                chip: chip.into(),
                line,
                reason,
            });
        }
        let (tx, rx) = unbounded_channel();
        let mut initial = false;
        if let Ok(mut s) = self.0.lock() {
            let entry = s.inputs.entry((chip.to_string(), line)).or_default();
            initial = entry.level;
            entry.listeners.push(tx);
        }
        Ok(InputLine {
            initial,
            changes: rx,
        })
    }

    /// Sets an input line's raw level.
    pub fn set_input(&self, chip: &str, line: u32, active: bool) {
        if let Ok(mut s) = self.0.lock() {
            let entry = s.inputs.entry((chip.to_string(), line)).or_default();
            entry.level = active;
            let now = Instant::now();
            entry.listeners.retain(|tx| tx.send((active, now)).is_ok());
        }
    }

    /// Changes an input the way a mechanical contact does: a few millisecond-long bounces, then the level.
    pub async fn bounce_to(&self, chip: &str, line: u32, active: bool) {
        for _ in 0..3 {
            self.set_input(chip, line, active);
            tokio::time::sleep(Duration::from_millis(2)).await;
            self.set_input(chip, line, !active);
            tokio::time::sleep(Duration::from_millis(1)).await;
        }
        self.set_input(chip, line, active);
    }

    fn drive(&self, key: &(String, u32), active: bool) {
        if let Ok(mut s) = self.0.lock() {
            s.outputs
                .entry(key.clone())
                .or_default()
                .push((active, Instant::now()));
        }
    }

    /// The levels an output was driven to, in order, with when.
    pub fn output_history(&self, chip: &str, line: u32) -> Vec<(bool, Instant)> {
        self.0
            .lock()
            .ok()
            .and_then(|s| s.outputs.get(&(chip.to_string(), line)).cloned())
            .unwrap_or_default()
    }
}
