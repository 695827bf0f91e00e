//! `kiosk diag …` end to end: the real binary against simulated devices on pseudo-terminals.

use kiosk_drivers::idcard::sim::ReaderSim;
use kiosk_drivers::pad::sim::PadSim;
use kiosk_drivers::printer::sim::PrinterSim;
use kiosk_drivers::scanner::protocol::{ScanProtocol, Terminator};
use kiosk_drivers::scanner::sim::ScannerSim;
use kiosk_drivers::sim::sample_cards;
use kiosk_drivers::simio::LineControls;
use kiosk_drivers::PaperState;
use std::path::PathBuf;
use std::process::{Command, Output};
use std::time::Duration;

fn rt() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .unwrap()
}

fn link(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("kiosk-diag-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir.join(name)
}

fn kiosk(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_kiosk"))
        .args(args)
        .env("RUST_LOG", "off")
        .output()
        .expect("kiosk runs")
}

fn text(o: &Output) -> (String, String) {
    (
        String::from_utf8_lossy(&o.stdout).into_owned(),
        String::from_utf8_lossy(&o.stderr).into_owned(),
    )
}

#[test]
fn diag_idcard_reads_one_card_masked_and_finds_the_line_speed() {
    let rt = rt();
    let path = link("idcard");
    let sim = rt.block_on(async { ReaderSim::spawn(&path).unwrap() });
    sim.set_line_speed(38_400);
    let card = sample_cards().remove(0).record;
    let id = card.id_number.expose().as_str().to_string();
    sim.insert(card);
    let out = kiosk(&[
        "diag",
        "idcard",
        "--port",
        path.to_str().unwrap(),
        "--json",
        "--wait",
        "5",
    ]);
    let (stdout, stderr) = text(&out);
    assert!(out.status.success(), "{stdout}{stderr}");
    let v: serde_json::Value = serde_json::from_str(stdout.trim()).expect("json");
    assert_eq!(v["baud"], 38_400);
    assert_eq!(v["id_number"], format!("{}********{}", &id[..6], &id[14..]));
    assert_eq!(v["name"], "张*国");
    assert_eq!(v["valid_to"], "长期");
    assert!(
        !stdout.contains(&id) && !stdout.contains("张建国") && !stdout.contains("控江路1500弄")
    );

    // No card: a clear failure, non-zero.
    sim.remove();
    let out = kiosk(&[
        "diag",
        "idcard",
        "--port",
        path.to_str().unwrap(),
        "--baud",
        "38400",
        "--wait",
        "1",
    ]);
    assert!(!out.status.success());
    assert!(
        text(&out).1.contains("no card read within 1 s"),
        "{:?}",
        text(&out)
    );
    // Nothing on the port: non-zero with a hint.
    let out = kiosk(&[
        "diag",
        "idcard",
        "--port",
        "/nonexistent/tty",
        "--wait",
        "1",
    ]);
    assert!(!out.status.success());
    assert!(
        text(&out).1.contains("hint: check the cable"),
        "{:?}",
        text(&out)
    );
}

/// `kiosk diag printer` prints its test receipt and says how it knew the job's end.
fn prints_and_says(path: &std::path::Path, completion: &str) {
    let out = kiosk(&["diag", "printer", "--port", path.to_str().unwrap()]);
    let (stdout, stderr) = text(&out);
    assert!(out.status.success(), "{stdout}{stderr}");
    assert!(stdout.contains("test receipt printed and cut"), "{stdout}");
    assert!(
        stdout.contains(&format!("job end known by: {completion}")),
        "{stdout}"
    );
}

#[test]
fn diag_printer_prints_a_test_receipt_or_says_why_not() {
    let rt = rt();
    let path = link("printer");
    let sim = rt.block_on(async { PrinterSim::spawn(&path, 115_200).unwrap() });
    prints_and_says(&path, "job reply (GS ( H), probed");
    let printed = sim.printed();
    assert_eq!(printed.len(), 1);
    assert_eq!(
        printed[0].qr_codes,
        vec!["https://kiosk.example.invalid/print-test".to_string()]
    );
    assert!(printed[0].lines.iter().any(|l| l.contains("中文、English")));

    // A printer that answers status but not GS ( H prints the receipt, and the diag says so and how it knew.
    sim.set_job_replies(false);
    prints_and_says(&path, "status polling (DLE EOT), probed");
    assert_eq!(sim.printed().len(), 2, "printed once more, not twice");

    // The simulator takes its controls before the bytes on its line, so the next status request sees this.
    sim.set_paper(PaperState::Out);
    let out = kiosk(&["diag", "printer", "--port", path.to_str().unwrap()]);
    assert!(!out.status.success());
    assert!(text(&out).1.contains("out of paper"), "{:?}", text(&out));
}

#[test]
fn diag_scanner_waits_for_one_scan_and_hides_a_suishenma() {
    let rt = rt();
    let path = link("scanner");
    let sim = rt.block_on(async {
        ScannerSim::spawn(&path, 9600, Terminator::Cr, ScanProtocol::Newland).unwrap()
    });
    // Held in front of the scanner from the start: a Newland scanner reads it when the diag triggers it.
    sim.show("https://ssm.example.invalid/c/7Q2W9E4R1T");
    let p = path.clone();
    let child = std::thread::spawn(move || {
        kiosk(&[
            "diag",
            "scanner",
            "--port",
            p.to_str().unwrap(),
            "--protocol",
            "newland",
            "--wait",
            "5",
        ])
    });
    let out = child.join().unwrap();
    let (stdout, stderr) = text(&out);
    assert!(out.status.success(), "{stdout}{stderr}");
    assert!(
        stdout.contains("随申码 (40 characters, not shown)"),
        "{stdout}"
    );
    assert!(!stdout.contains("7Q2W9E4R1T"));

    let out = kiosk(&[
        "diag",
        "scanner",
        "--port",
        path.to_str().unwrap(),
        "--protocol",
        "newland",
        "--wait",
        "1",
    ]);
    assert!(!out.status.success());
    assert!(text(&out).1.contains("no scan within 1 s"));
}

#[test]
fn diag_pad_lights_keys_and_waits_for_a_press() {
    let rt = rt();
    let path = link("pad");
    let sim = rt.block_on(async { PadSim::spawn(&path, 9600).unwrap() });
    let p = path.clone();
    let child = std::thread::spawn(move || {
        kiosk(&["diag", "pad", "--port", p.to_str().unwrap(), "--wait", "8"])
    });
    // Wait until the prompt is up, then press ★4.
    let mut prompted = false;
    for _ in 0..100 {
        std::thread::sleep(Duration::from_millis(100));
        if sim.view().is_some_and(|v| v.prompt == "请按任意键测试") {
            prompted = true;
            break;
        }
    }
    assert!(prompted, "the pad was asked for a key");
    sim.press(4);
    let out = child.join().unwrap();
    let (stdout, stderr) = text(&out);
    assert!(out.status.success(), "{stdout}{stderr}");
    assert!(stdout.contains("key ★4 pressed"), "{stdout}");
    assert!(stderr.contains("PAD5-SIM/1.0.0"));
}

#[test]
fn diag_gpio_names_a_missing_chip() {
    for extra in [&[][..], &["--output"][..]] {
        let mut args = vec![
            "diag",
            "gpio",
            "--chip",
            "/dev/gpiochip-none",
            "--line",
            "17",
            "--watch",
            "1",
        ];
        args.extend_from_slice(extra);
        let out = kiosk(&args);
        assert!(!out.status.success());
        let (_, stderr) = text(&out);
        assert!(
            stderr.contains("/dev/gpiochip-none line 17") && stderr.contains("gpioinfo"),
            "{stderr}"
        );
    }
}

#[test]
fn diag_a4_prints_a_test_page_to_a_real_ipp_printer_and_reports_the_job() {
    let printer =
        kiosk_drivers::a4::ippeve::IppEvePrinter::start("KioskDiagA4").expect("ippeveprinter");
    let out = kiosk(&["diag", "a4", "--uri", &printer.uri(), "--wait", "30"]);
    let (stdout, stderr) = text(&out);
    assert!(out.status.success(), "{stdout}\n{stderr}");
    assert!(stdout.contains("completed"), "{stdout}");
    assert!(stdout.contains("conditions: none"), "{stdout}");
    let docs = printer.documents();
    assert_eq!(docs.len(), 1);
    assert!(docs[0].starts_with(b"%PDF-"), "the test page is a PDF");

    // A given file is printed as it is.
    let file = link("given.pdf");
    std::fs::write(&file, &docs[0]).unwrap();
    let out = kiosk(&[
        "diag",
        "a4",
        "--uri",
        &printer.uri(),
        file.to_str().unwrap(),
    ]);
    assert!(out.status.success(), "{:?}", text(&out));
    assert_eq!(printer.documents().len(), 2);
    assert_eq!(printer.documents()[1], docs[0]);
}

#[test]
fn diag_a4_says_why_a_printer_cannot_print() {
    let rt = rt();
    let sim = rt.block_on(async { kiosk_drivers::a4::sim::A4Sim::spawn().unwrap() });
    sim.set_condition(kiosk_drivers::a4::Condition::DoorOpen, true);
    let out = kiosk(&["diag", "a4", "--uri", &sim.uri()]);
    let (_, stderr) = text(&out);
    assert!(!out.status.success());
    assert!(stderr.contains("a door or cover is open"), "{stderr}");
    assert!(
        stderr.contains("hint: clear what the printer reports"),
        "{stderr}"
    );
    sim.unplug();
    let out = kiosk(&["diag", "a4", "--uri", &sim.uri()]);
    let (_, stderr) = text(&out);
    assert!(!out.status.success());
    assert!(stderr.contains("cannot reach the printer"), "{stderr}");
    let out = kiosk(&["diag", "a4", "--uri", "ipps://printer/ipp/print"]);
    assert!(text(&out).1.contains("TLS"));
}

#[test]
fn diag_health_checks_the_simulators_and_fails_with_a_device_down() {
    // The simulated profile: every device answers through its simulator.
    let out = kiosk(&["diag", "health", "--json", "--wait", "2"]);
    let (stdout, stderr) = text(&out);
    assert!(out.status.success(), "{stdout}\n{stderr}");
    let rows: Vec<serde_json::Value> = serde_json::from_str(&stdout).expect("JSON");
    assert!(rows.len() >= 10, "{stdout}");
    assert!(rows.iter().all(|r| r["state"] != "down"), "{stdout}");
    let reader = rows
        .iter()
        .find(|r| r["device"] == "idcard")
        .expect("the reader");
    assert_eq!(
        reader["state"], "ok",
        "the simulated reader answered its driver: {stdout}"
    );
    for file in ["fonts", "dictionary"] {
        let row = rows.iter().find(|r| r["device"] == file).expect(file);
        assert_eq!(row["state"], "ok", "the repository's {file}: {stdout}");
    }

    // The same profile with the reader on a port that does not exist: down, named, exit 1.
    let source = kiosk::config::SIMULATED_PROFILE.replacen(
        "id = \"idcard\"\nclass = \"id-card-reader\"\nsimulated = true",
        "id = \"idcard\"\nclass = \"id-card-reader\"\nport = \"/dev/ttyKIOSK-NONE\"\nbaud = 115200",
        1,
    );
    assert_ne!(
        source,
        kiosk::config::SIMULATED_PROFILE,
        "the profile changed"
    );
    let profile = link("down-profile.toml");
    std::fs::write(&profile, source).expect("profile");
    let out = kiosk(&[
        "diag",
        "health",
        "--profile",
        profile.to_str().unwrap(),
        "--wait",
        "2",
    ]);
    let (stdout, stderr) = text(&out);
    assert_eq!(out.status.code(), Some(1), "{stdout}\n{stderr}");
    let line = stdout
        .lines()
        .find(|l| l.starts_with("idcard"))
        .expect("the reader's line");
    assert!(
        line.contains("down") && line.contains("/dev/ttyKIOSK-NONE"),
        "{line}"
    );
    assert!(stdout.contains("1 down"), "{stdout}");
}

#[test]
fn diag_health_names_missing_data_files_and_the_terminal_still_counts_as_up() {
    // The image keeps the fonts and the search dictionary in files beside the firmware; one missing is degraded
    // (the system's CJK font draws instead; search knows fewer words), named so that the technician can put it
    // back.
    let dir = link("no-data-files");
    std::fs::create_dir_all(&dir).expect("dir");
    let out = Command::new(env!("CARGO_BIN_EXE_kiosk"))
        .args(["diag", "health", "--wait", "1"])
        .env("RUST_LOG", "off")
        .env("KIOSK_FONT_DIR", &dir)
        .env("KIOSK_DATA_DIR", &dir)
        .output()
        .expect("kiosk runs");
    let (stdout, stderr) = text(&out);
    assert!(out.status.success(), "{stdout}\n{stderr}");
    for (row, file) in [
        ("fonts", "NotoSansSC-Regular-subset.otf"),
        ("dictionary", "jieba-dict.txt"),
    ] {
        let line = stdout
            .lines()
            .find(|l| l.starts_with(row))
            .expect("the file's line");
        let path = dir.join(file).display().to_string();
        assert!(line.contains("degraded") && line.contains(&path), "{line}");
    }
}

#[test]
fn technician_prints_hashes_only() {
    use std::io::Write;
    let mut child = Command::new(env!("CARGO_BIN_EXE_kiosk"))
        .args(["technician", "--name", "王师傅", "--card"])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .expect("kiosk runs");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(b"246810\n310110198001010014\n")
        .expect("write");
    let out = child.wait_with_output().expect("output");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{stdout}");
    assert!(
        !stdout.contains("246810") && !stdout.contains("310110198001010014"),
        "{stdout}"
    );
    let parsed =
        kiosk::config::Config::parse(std::path::Path::new("k.toml"), &stdout).expect("valid lines");
    let t = &parsed.maintenance.technicians[0];
    assert_eq!(t.name, "王师傅");
    assert!(kiosk_api::secret::verify("246810", &t.pin_hash));
    assert!(t
        .card_hash
        .as_deref()
        .is_some_and(|h| kiosk_api::secret::verify("310110198001010014", h)));
    // A PIN that is not 4 to 8 digits is refused.
    let out = Command::new(env!("CARGO_BIN_EXE_kiosk"))
        .args(["technician", "--name", "x"])
        .stdin(std::process::Stdio::null())
        .output()
        .expect("kiosk runs");
    assert!(!out.status.success());
}
