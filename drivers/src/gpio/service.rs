//! GPIO services: inputs (help button, presence sensor, door switch) debounced into device events, and outputs
//! (lights that flash at XFS4IoT's rates, the buzzer). A line that is missing or busy is reported down with the
//! reason and asked for again every few seconds; the terminal goes on without it.

use super::backend::{Backend, GpioError, InputLine, OutputLine};
use super::protocol::{Debouncer, Flash};
use crate::device::{DeviceId, Health};
use crate::event::{DeviceEvent, KeypadKey};
use crate::report::HealthReport;
use std::time::Duration;
use tokio::sync::{mpsc, watch};
use tokio::time::Instant;

/// Pause between attempts to open a line that fails (cheap: one ioctl), so a freed line is back within 2 s.
const RETRY: Duration = Duration::from_secs(2);

/// Opens an output line; until it opens, reports the device down with the reason and tries again every 2 s.
async fn open_output(backend: &Backend, spec: &LineSpec, health: &mut HealthReport) -> OutputLine {
    loop {
        match backend.output(&spec.chip, spec.line, spec.active_low) {
            Ok(o) => {
                health.set(Health::Online);
                return o;
            }
            Err(e) => health.set(Health::Down {
                reason: e.to_string(),
            }),
        }
        tokio::time::sleep(RETRY).await;
    }
}

/// Opens an input line, likewise.
/// Pause before reopening a line that was lost (no busy loop when it keeps failing).
const REOPEN: Duration = Duration::from_millis(100);

async fn open_input(backend: &Backend, spec: &LineSpec, health: &mut HealthReport) -> InputLine {
    loop {
        match backend.input(&spec.chip, spec.line, spec.active_low) {
            Ok(i) => {
                health.set(Health::Online);
                return i;
            }
            Err(e) => health.set(Health::Down {
                reason: e.to_string(),
            }),
        }
        tokio::time::sleep(RETRY).await;
    }
}

/// Where a line is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LineSpec {
    pub chip: String,
    pub line: u32,
    pub active_low: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InputRole {
    HelpButton,
    /// Active = someone is in front of the terminal.
    Presence,
    /// Active = the switch is closed = the door is shut. A cut wire reads as open: the terminal goes to its
    /// maintenance screen rather than run with an unguarded cabinet.
    Door,
    /// One key of a tactile keypad wired to GPIO lines.
    Key(KeypadKey),
}

impl InputRole {
    /// How long a new level must hold: contacts bounce for milliseconds, presence sensors chatter longer.
    pub fn debounce(self) -> Duration {
        match self {
            InputRole::HelpButton | InputRole::Key(_) => Duration::from_millis(30),
            InputRole::Door => Duration::from_millis(100),
            InputRole::Presence => Duration::from_millis(500),
        }
    }

    fn what(self) -> &'static str {
        match self {
            InputRole::HelpButton => "help button",
            InputRole::Presence => "presence sensor",
            InputRole::Door => "door switch",
            InputRole::Key(_) => "keypad key",
        }
    }

    /// The event for a new stable level.
    pub fn event(self, active: bool) -> Option<DeviceEvent> {
        match (self, active) {
            (InputRole::HelpButton, true) => Some(DeviceEvent::HelpPressed),
            (InputRole::HelpButton, false) => None,
            (InputRole::Presence, true) => Some(DeviceEvent::PresenceDetected),
            (InputRole::Presence, false) => Some(DeviceEvent::PresenceLost),
            (InputRole::Door, true) => Some(DeviceEvent::DoorClosed),
            (InputRole::Door, false) => Some(DeviceEvent::DoorOpened),
            (InputRole::Key(k), true) => Some(DeviceEvent::KeypadKey(k)),
            (InputRole::Key(_), false) => None,
        }
    }

    /// What to tell at start, before any change: an open door or someone already there.
    fn initial_event(self, active: bool) -> Option<DeviceEvent> {
        match (self, active) {
            (InputRole::Door, false) | (InputRole::Presence, true) => self.event(active),
            _ => None,
        }
    }
}

/// Watches one input line and publishes its debounced changes.
pub async fn run_input(
    id: DeviceId,
    role: InputRole,
    backend: Backend,
    spec: LineSpec,
    events: mpsc::UnboundedSender<DeviceEvent>,
) {
    let mut health = HealthReport::new(id, role.what(), events);
    loop {
        let mut input = open_input(&backend, &spec, &mut health).await;
        if let Some(e) = role.initial_event(input.initial) {
            health.publish(e);
        }
        let origin = Instant::now();
        let mut debouncer = Debouncer::new(input.initial, role.debounce());
        loop {
            let deadline = debouncer.deadline().map(|d| origin + d);
            tokio::select! {
                change = input.changes.recv() => match change {
                    Some((level, at)) => debouncer.sample(level, at.saturating_duration_since(origin)),
                    None => {
                        // The line went away. Reopening it says why (busy, missing) better than the lost read
                        // does; only a line that fails again as soon as it is opened is reported as unreadable.
                        if origin.elapsed() < Duration::from_secs(1) {
                            health.set(Health::Down {
                                reason: format!("{} line {}: reading the line failed", spec.chip, spec.line),
                            });
                        }
                        break;
                    }
                },
                _ = async {
                    match deadline {
                        Some(d) => tokio::time::sleep_until(d).await,
                        None => std::future::pending().await,
                    }
                } => {
                    if let Some(level) = debouncer.poll(Instant::now().saturating_duration_since(origin)) {
                        if let Some(e) = role.event(level) {
                            health.publish(e);
                        }
                    }
                }
            }
        }
        tokio::time::sleep(REOPEN).await;
    }
}

/// Watches the lines of a keypad wired to GPIO (one line per key) and publishes each debounced press; one
/// health for the whole keypad.
pub async fn run_keypad(
    id: DeviceId,
    backend: Backend,
    chip: String,
    keys: Vec<(KeypadKey, u32)>,
    active_low: bool,
    events: mpsc::UnboundedSender<DeviceEvent>,
) {
    let mut health = HealthReport::new(id, "tactile keypad", events);
    loop {
        let (tx, mut rx) = mpsc::unbounded_channel::<(usize, bool, Instant)>();
        let mut initial = Vec::new();
        let mut failed = None;
        let mut forwarders = Vec::new();
        for (i, (_, line)) in keys.iter().enumerate() {
            match backend.input(&chip, *line, active_low) {
                Ok(mut input) => {
                    initial.push(input.initial);
                    let tx = tx.clone();
                    forwarders.push(tokio::spawn(async move {
                        while let Some((level, at)) = input.changes.recv().await {
                            if tx.send((i, level, at)).is_err() {
                                return;
                            }
                        }
                    }));
                }
                Err(e) => {
                    failed = Some(e);
                    break;
                }
            }
        }
        drop(tx);
        if let Some(e) = failed {
            forwarders.iter().for_each(|f| f.abort());
            health.set(Health::Down {
                reason: e.to_string(),
            });
            tokio::time::sleep(RETRY).await;
            continue;
        }
        health.set(Health::Online);
        let origin = Instant::now();
        let period = InputRole::Key(KeypadKey::Select).debounce();
        let mut debouncers: Vec<Debouncer> =
            initial.iter().map(|&l| Debouncer::new(l, period)).collect();
        loop {
            let deadline = debouncers
                .iter()
                .filter_map(|d| d.deadline())
                .min()
                .map(|d| origin + d);
            tokio::select! {
                change = rx.recv() => match change {
                    Some((i, level, at)) => debouncers[i].sample(level, at.saturating_duration_since(origin)),
                    None => break,
                },
                _ = async {
                    match deadline {
                        Some(d) => tokio::time::sleep_until(d).await,
                        None => std::future::pending().await,
                    }
                } => {
                    let now = Instant::now().saturating_duration_since(origin);
                    for (i, d) in debouncers.iter_mut().enumerate() {
                        if d.poll(now) == Some(true) {
                            health.publish(DeviceEvent::KeypadKey(keys[i].0));
                        }
                    }
                }
            }
        }
        health.set(Health::Down {
            reason: format!("{chip}: reading the keypad lines failed"),
        });
        tokio::time::sleep(RETRY).await;
    }
}

/// Drives a light: off, steady or flashing, changed through the returned sender.
pub async fn run_light(
    id: DeviceId,
    backend: Backend,
    spec: LineSpec,
    mut mode: watch::Receiver<Flash>,
    events: mpsc::UnboundedSender<DeviceEvent>,
) {
    let mut health = HealthReport::new(id, "light", events);
    loop {
        let mut out = open_output(&backend, &spec, &mut health).await;
        let failed: GpioError = loop {
            let current = *mode.borrow_and_update();
            let since = Instant::now();
            let mut result = out.set(current.level_at(Duration::ZERO));
            loop {
                if result.is_err() {
                    break;
                }
                let next = current.next_change(since.elapsed()).map(|d| since + d);
                tokio::select! {
                    changed = mode.changed() => {
                        if changed.is_err() {
                            return;
                        }
                        break;
                    }
                    _ = async {
                        match next {
                            Some(t) => tokio::time::sleep_until(t).await,
                            None => std::future::pending().await,
                        }
                    } => {
                        result = out.set(current.level_at(since.elapsed()));
                    }
                }
            }
            if let Err(e) = result {
                break e;
            }
        };
        health.set(Health::Down {
            reason: failed.to_string(),
        });
        tokio::time::sleep(RETRY).await;
    }
}

/// A buzzer pattern: `count` beeps of `on`, separated by `off`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Beep {
    pub count: u8,
    pub on: Duration,
    pub off: Duration,
}

/// Drives the buzzer with the patterns sent to it.
pub async fn run_buzzer(
    id: DeviceId,
    backend: Backend,
    spec: LineSpec,
    mut beeps: mpsc::UnboundedReceiver<Beep>,
    events: mpsc::UnboundedSender<DeviceEvent>,
) {
    let mut health = HealthReport::new(id, "buzzer", events);
    loop {
        let mut out = open_output(&backend, &spec, &mut health).await;
        while let Some(b) = beeps.recv().await {
            let mut ok = Ok(());
            for i in 0..b.count {
                ok = ok.and(out.set(true));
                tokio::time::sleep(b.on).await;
                ok = ok.and(out.set(false));
                if i + 1 < b.count {
                    tokio::time::sleep(b.off).await;
                }
            }
            if let Err(e) = ok {
                health.set(Health::Down {
                    reason: e.to_string(),
                });
                break;
            }
        }
        if beeps.is_closed() {
            return;
        }
        tokio::time::sleep(RETRY).await;
    }
}
