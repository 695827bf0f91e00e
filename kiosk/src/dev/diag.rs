//! `kiosk diag …`: technician checks of one device at a time, with the firmware's own drivers. Each prints
//! what it found (or JSON with `--json`) and exits non-zero with the reason when the device fails the check.
//! Personal data is masked: a technician checks the reader, not the resident.

use kiosk_drivers::a4::driver::{A4Printer, Document, JobLimits};
use kiosk_drivers::idcard::driver::Reader;
use kiosk_drivers::idcard::photo::PhotoDecoder;
use kiosk_drivers::pad::driver::Pad;
use kiosk_drivers::pad::protocol::LightMode;
use kiosk_drivers::printer::driver::ReceiptPrinter;
use kiosk_drivers::scanner::driver::{Scanner, ScannerConfig};
use kiosk_drivers::scanner::protocol::{ScanProtocol, Terminator};
use kiosk_drivers::sensitive::{mask_id_number, mask_name};
use kiosk_drivers::{CardType, DeviceError, ScanKind, ScanPayload, Sex, Validity};
use serde_json::json;
use std::time::Duration;
use tokio::time::Instant;

/// How long a check waits for a person to present a card, show a code or press a key.
pub const WAIT: Duration = Duration::from_secs(30);

pub type Outcome = Result<String, String>;

fn fail(what: &str, e: DeviceError) -> String {
    let hint = match &e {
        DeviceError::NotConnected { .. } => "check the cable and --port",
        DeviceError::Timeout(_) => "check the line speed (--baud) and that the device is powered",
        DeviceError::InvalidData(_) => "wrong line speed or wrong device on this port",
        _ => "see the device's manual",
    };
    format!("{what}: {e}\n  hint: {hint}")
}

fn runtime() -> Result<tokio::runtime::Runtime, String> {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| format!("cannot start the runtime: {e}"))
}

/// The first characters of an address (district and street), the rest hidden.
fn mask_address(a: &str) -> String {
    let shown: String = a.chars().take(6).collect();
    if a.chars().count() > 6 {
        format!("{shown}…")
    } else {
        shown
    }
}

pub fn idcard(port: &str, baud: Option<u32>, json: bool, wait: Duration) -> Outcome {
    runtime()?.block_on(async {
        let mut reader = Reader::new(port, baud.unwrap_or(115_200));
        let speed = match baud {
            Some(b) => {
                reader.sam_status(Duration::from_secs(1)).await.map_err(|e| fail("the reader does not answer", e))?;
                b
            }
            None => reader.detect_baud().await.map_err(|e| fail("no answer at any line speed", e))?,
        };
        let sam = reader.sam_id().await.map_err(|e| fail("SAM id", e))?;
        if !json {
            eprintln!("reader {port} at {speed} baud, SAM {sam}; place a card on the reader…");
        }
        let deadline = Instant::now() + wait;
        let card = loop {
            match reader.read_card().await {
                Ok(c) => break c,
                Err(DeviceError::NotReady(_)) if Instant::now() < deadline => {
                    tokio::time::sleep(Duration::from_millis(250)).await
                }
                Err(DeviceError::NotReady(why)) => return Err(format!("no card read within {} s: {why}", wait.as_secs())),
                Err(e) => return Err(fail("card read failed", e)),
            }
        };
        let r = &card.record;
        let photo = PhotoDecoder::find_installed().map(|d| d.decode(r.photo_wlt.expose()).is_ok());
        let card_type = match r.card_type {
            CardType::ResidentId => "resident ID card",
            CardType::HkMacaoTaiwanPermit => "Hong Kong/Macao/Taiwan residence permit",
            CardType::ForeignPermanentResident2017 => "foreigner's permanent residence card (2017)",
            CardType::ForeignPermanentResident2023 => "foreigner's permanent residence card (2023)",
        };
        let sex = match r.sex {
            Sex::Male => "男",
            Sex::Female => "女",
            Sex::Unknown => "未知",
            Sex::NotStated => "未说明",
        };
        let valid_to = match r.valid_to {
            Validity::LongTerm => "长期".to_string(),
            Validity::Until(d) => d.to_string(),
        };
        let id = mask_id_number(r.id_number.expose().as_str());
        if json {
            Ok(json!({
                "port": port, "baud": speed, "sam_id": sam, "card_type": card_type,
                "name": mask_name(r.name.expose()), "sex": sex, "nation": r.nation,
                "birth_date": r.birth_date.to_string(), "id_number": id,
                "address": mask_address(r.address.expose()), "authority": r.authority,
                "valid_from": r.valid_from.to_string(), "valid_to": valid_to,
                "photo_bytes": r.photo_wlt.expose().len(), "photo_decoded": photo,
                "nationality": r.foreign.as_ref().map(|f| f.nationality.clone()),
            })
            .to_string())
        } else {
            let photo = match photo {
                Some(true) => "decoded by the vendor library",
                Some(false) => "vendor library failed to decode it",
                None => "no vendor library; passed on undecoded",
            };
            Ok(format!(
                "card: {card_type}\n  name: {}\n  sex: {sex}\n  nation: {}\n  born: {}\n  ID number: {id}\n  address: {}\n  authority: {}\n  valid: {} – {valid_to}\n  photo: {} bytes, {photo}",
                mask_name(r.name.expose()),
                r.nation.map(|n| format!("{n:02}")).unwrap_or_else(|| "-".into()),
                r.birth_date,
                mask_address(r.address.expose()),
                r.authority,
                r.valid_from,
                r.photo_wlt.expose().len(),
            ))
        }
    })
}

pub fn scanner(
    port: &str,
    baud: u32,
    terminator: Terminator,
    protocol: ScanProtocol,
    json: bool,
    wait: Duration,
) -> Outcome {
    runtime()?.block_on(async {
        let mut s = Scanner::new(ScannerConfig { path: port.into(), baud, terminator, protocol });
        s.start().await.map_err(|e| fail("scanner", e))?;
        if !json {
            eprintln!("scanner {port} at {baud} baud; show a code…");
        }
        let first = s.trigger().await.map_err(|e| fail("trigger", e))?;
        let text = match first.into_iter().next() {
            Some(t) => t,
            None => s
                .next_scan(wait)
                .await
                .map_err(|e| fail("scanner", e))?
                .ok_or_else(|| format!("no scan within {} s", wait.as_secs()))?,
        };
        let p = ScanPayload::classify(&text);
        let chars = p.data.expose().chars().count();
        // A 随申码 identifies a person: only its length is shown.
        let (kind, shown) = match p.kind {
            ScanKind::SuiShenMa => ("随申码", format!("({chars} characters, not shown)")),
            ScanKind::Other => ("other code", p.data.expose().clone()),
        };
        Ok(if json {
            json!({"port": port, "kind": kind, "characters": chars, "data": (p.kind == ScanKind::Other).then(|| p.data.expose().clone())}).to_string()
        } else {
            format!("scan: {kind} {shown}")
        })
    })
}

pub fn printer(port: &str, baud: u32, completion: &str) -> Outcome {
    use kiosk_drivers::printer::protocol::Completion;
    let completion = match completion {
        "job-reply" => Some(Completion::JobReply),
        "status-polling" => Some(Completion::StatusPolling),
        _ => None,
    };
    runtime()?.block_on(async {
        let mut p = ReceiptPrinter::new(
            port,
            baud,
            kiosk_drivers::manager::receipt_layout(
                Default::default(),
                crate::config::profile::DEFAULT_REPLACEMENT,
            ),
        )
        .with_completion(completion);
        let before = p.status().await.map_err(|e| fail("the printer does not answer", e))?;
        let receipt = crate::view::paperwork::test_receipt(port, &baud.to_string());
        let report = p.print(&receipt).await.map_err(|e| fail("test receipt not printed", e))?;
        let after = report
            .status_after
            .map(|s| format!("{s:?}"))
            .unwrap_or_else(|| "no answer (the receipt is printed)".into());
        Ok(format!(
            "status before: {before:?}\ntest receipt printed and cut (job {}, {} bytes)\njob end known by: {}{}\nstatus after: {after}",
            String::from_utf8_lossy(&report.job),
            report.bytes,
            report.completion.name(),
            if completion.is_none() { ", probed" } else { ", as asked" },
        ))
    })
}

pub fn a4(uri: &str, file: Option<&std::path::Path>, wait: Duration) -> Outcome {
    let (name, pdf) = match file {
        Some(f) => (
            f.file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_else(|| "document".into()),
            std::fs::read(f).map_err(|e| format!("{}: {e}", f.display()))?,
        ),
        None => (
            "print-test".to_string(),
            crate::view::paperwork::a4_test_page(uri)?,
        ),
    };
    let hint = |e: &DeviceError| match e {
        DeviceError::NotConnected { .. } => {
            "check the network cable, that CUPS runs (systemctl status cups) and --uri"
        }
        DeviceError::Timeout(_) => {
            "the printer or CUPS took too long to answer: check it is awake and not stuck"
        }
        DeviceError::NotReady(_) => {
            "clear what the printer reports (paper, door, jam) and try again"
        }
        DeviceError::Unsupported(_) => "the printer does not take this document: is it a PDF?",
        _ => "see the printer's panel or the CUPS web page",
    };
    let printer = A4Printer::new(uri).map_err(|e| format!("{e}\n  hint: {}", hint(&e)))?;
    runtime()?.block_on(async {
        let before = printer
            .status()
            .await
            .map_err(|e| format!("the printer does not answer: {e}\n  hint: {}", hint(&e)))?;
        let mut states = Vec::new();
        let limits = JobLimits {
            give_up: wait,
            ..JobLimits::default()
        };
        let bytes = pdf.len();
        let result = printer
            .print(&Document::new(name, pdf), limits, |_, s| {
                states.push(s.state.key())
            })
            .await;
        let conditions: Vec<&str> = before.conditions.iter().map(|c| c.describe()).collect();
        let status = format!(
            "printer: {:?}, accepting jobs: {}, conditions: {}",
            before.state,
            before.accepting,
            if conditions.is_empty() {
                "none".into()
            } else {
                conditions.join(", ")
            }
        );
        match result {
            Ok(r) => Ok(format!(
                "{status}\njob {} ({bytes} bytes): {} in {:.1} s",
                r.job_id,
                states.join(" → "),
                r.elapsed.as_secs_f64()
            )),
            Err(e) => Err(format!(
                "{status}\nnot printed{}: {e}\n  hint: {}",
                if states.is_empty() {
                    String::new()
                } else {
                    format!(" ({})", states.join(" → "))
                },
                hint(&e)
            )),
        }
    })
}

pub fn pad(port: &str, baud: u32, wait: Duration) -> Outcome {
    runtime()?.block_on(async {
        let mut pad = Pad::new(port, baud);
        let version = pad
            .version()
            .await
            .map_err(|e| fail("the pad does not answer", e))?;
        eprintln!("pad {port}: {version}; lighting each key…");
        for key in 0..5 {
            pad.lights(1 << key, LightMode::Steady)
                .await
                .map_err(|e| fail("lights", e))?;
            tokio::time::sleep(Duration::from_millis(400)).await;
        }
        pad.lights(0x1F, LightMode::Slow)
            .await
            .map_err(|e| fail("lights", e))?;
        pad.prompt("请按任意键测试")
            .await
            .map_err(|e| fail("prompt", e))?;
        eprintln!("press any key on the pad…");
        let key = pad
            .wait_key(wait)
            .await
            .map_err(|e| fail("waiting for a key", e))?;
        let _ = pad.lights(0, LightMode::Off).await;
        let _ = pad.prompt("").await;
        match key {
            Some(r) => Ok(format!("pad {version}: key ★{} pressed", r.stars())),
            None => Err(format!("no key pressed within {} s", wait.as_secs())),
        }
    })
}

/// Checks one GPIO line: an input is watched and every debounced change printed; an output is switched on and
/// off three times, one second each, for the technician to see (light) or hear (buzzer).
pub fn gpio(chip: &str, line: u32, active_low: bool, output: bool, watch: Duration) -> Outcome {
    use kiosk_drivers::gpio::backend::Backend;
    use kiosk_drivers::gpio::protocol::Debouncer;
    runtime()?.block_on(async {
        let fail = |e: kiosk_drivers::gpio::backend::GpioError| {
            format!("{e}\n  hint: `gpioinfo` lists the chips and lines and who holds them")
        };
        if output {
            let mut out = Backend::Cdev.output(chip, line, active_low).map_err(fail)?;
            for i in 1..=3 {
                eprintln!("{chip} line {line}: on ({i}/3)");
                out.set(true).map_err(fail)?;
                tokio::time::sleep(Duration::from_secs(1)).await;
                out.set(false).map_err(fail)?;
                tokio::time::sleep(Duration::from_secs(1)).await;
            }
            return Ok(format!("{chip} line {line}: switched on and off 3 times"));
        }
        let mut input = Backend::Cdev.input(chip, line, active_low).map_err(fail)?;
        let name = |a: bool| if a { "active" } else { "inactive" };
        eprintln!(
            "{chip} line {line}: {} now; press the button / open the door / walk up ({} s)…",
            name(input.initial),
            watch.as_secs()
        );
        let origin = Instant::now();
        let mut d = Debouncer::new(input.initial, Duration::from_millis(30));
        let mut changes = 0;
        let end = origin + watch;
        loop {
            let until = d.deadline().map(|t| origin + t).unwrap_or(end).min(end);
            tokio::select! {
                c = input.changes.recv() => match c {
                    Some((level, at)) => d.sample(level, at.saturating_duration_since(origin)),
                    None => return Err(format!("{chip} line {line}: reading the line failed")),
                },
                _ = tokio::time::sleep_until(until) => {
                    if let Some(level) = d.poll(Instant::now().saturating_duration_since(origin)) {
                        changes += 1;
                        println!("{:>6.2} s  {}", origin.elapsed().as_secs_f64(), name(level));
                    }
                    if Instant::now() >= end {
                        break;
                    }
                }
            }
        }
        Ok(format!(
            "{chip} line {line}: {changes} change(s) in {} s, now {}",
            watch.as_secs(),
            name(d.level())
        ))
    })
}

/// One device in `kiosk diag health`.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct HealthRow {
    pub device: String,
    pub class: String,
    /// `ok`, `simulated`, `degraded` or `down`.
    pub state: &'static str,
    pub reason: Option<String>,
}

/// A data file the firmware ships beside its binary as a row of the health table. Without the fonts the screen
/// and the PDFs fall back to the system's CJK font, without the dictionary search and the pinyin keyboard know
/// fewer words: degraded, not down, and the technician learns which file is missing.
fn data_file_row<T, E: std::fmt::Display>(
    name: &str,
    class: &str,
    read: Result<T, E>,
) -> HealthRow {
    let (state, reason) = match read {
        Ok(_) => ("ok", None),
        Err(e) => ("degraded", Some(e.to_string())),
    };
    HealthRow {
        device: name.into(),
        class: class.into(),
        state,
        reason,
    }
}

/// Opens every device of `profile` with the firmware's own drivers (simulated ones with their simulators),
/// listens to what they report for `wait`, and gives each device's state; `Err` (with the same table) when
/// a device is down. The terminal's own firmware must not be running: the devices are opened here.
pub fn health(profile: &crate::config::Profile, json: bool, wait: Duration) -> Outcome {
    use kiosk_drivers::{DeviceEvent, Health, PaperState};
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .map_err(|e| format!("cannot start the runtime: {e}"))?;
    let sim_dir = std::env::temp_dir().join(format!("kiosk-diag-{}", std::process::id()));
    let mut states: Vec<(String, String, Health, Option<String>)> = profile
        .devices
        .iter()
        .map(|s| (s.id.clone(), s.class.to_string(), s.starting_health(), None))
        .collect();
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
    rt.block_on(async {
        let _devices = kiosk_drivers::manager::start(&profile.devices, &sim_dir, tx);
        let deadline = Instant::now() + wait;
        while let Ok(Some(event)) = tokio::time::timeout_at(deadline, rx.recv()).await {
            let find = |states: &mut Vec<(String, String, Health, Option<String>)>, id: &str| {
                states.iter_mut().position(|s| s.0 == id)
            };
            match event {
                DeviceEvent::Health { device, health } => {
                    if let Some(i) = find(&mut states, &device.0) {
                        states[i].2 = health;
                    }
                }
                DeviceEvent::Paper { device, state } => {
                    if let Some(i) = find(&mut states, &device.0) {
                        states[i].3 = match state {
                            PaperState::Out => Some("out of paper".into()),
                            PaperState::NearEnd => Some("paper near end".into()),
                            PaperState::Ok => None,
                        };
                    }
                }
                _ => {}
            }
        }
    });
    rt.shutdown_background();
    let _ = std::fs::remove_dir_all(&sim_dir);
    let mut rows: Vec<HealthRow> = states
        .into_iter()
        .map(|(device, class, health, paper)| {
            let (state, reason) = match health {
                Health::Online => (if paper.is_some() { "degraded" } else { "ok" }, paper),
                Health::Simulated => ("simulated", paper),
                Health::Degraded { reason } => ("degraded", Some(reason)),
                Health::Down { reason } => ("down", Some(reason)),
            };
            HealthRow {
                device,
                class,
                state,
                reason,
            }
        })
        .collect();
    rows.push(data_file_row(
        "fonts",
        "font files",
        kiosk_documents::bundled_fonts(),
    ));
    rows.push(data_file_row(
        "dictionary",
        "search words",
        kiosk_catalog::dictionary(),
    ));
    let down = rows.iter().filter(|r| r.state == "down").count();
    let text = if json {
        serde_json::to_string_pretty(&rows).unwrap_or_default()
    } else {
        let mut t: String = rows
            .iter()
            .map(|r| {
                format!(
                    "{:<14} {:<18} {:<10} {}\n",
                    r.device,
                    r.class,
                    r.state,
                    r.reason.as_deref().unwrap_or("")
                )
            })
            .collect();
        t.push_str(&format!("{} device(s), {down} down", rows.len()));
        t
    };
    if down > 0 {
        Err(text)
    } else {
        Ok(text)
    }
}
