//! `kiosk`: the firmware's command line.

use clap::{Parser, Subcommand};
use kiosk::app::Kiosk;
use kiosk::config::setup::{self, Setup};
use kiosk_drivers::DeviceEvent;
use slint::ComponentHandle;
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Parser)]
#[command(
    name = "kiosk",
    version,
    about = "Firmware of the government self-service terminal (政务服务自助终端)",
    after_help = "Examples:
  kiosk run --simulate                      the simulated terminal with its device simulator window
  kiosk run --simulate --profile hardware/profiles/rpi4-community.toml
                                            simulate the portrait Raspberry Pi terminal
  kiosk run                                 on the terminal: /etc/kiosk/kiosk.toml and the profile it names
  kiosk check-config --config /etc/kiosk/kiosk.toml
                                            list every problem with file, line and a hint
  kiosk screenshot --page home --out home.png
                                            render a screen headless to a PNG
  kiosk diag idcard --port /dev/serial/by-id/usb-1a86_USB_Serial-if00-port0
                                            read one card (ID number masked)
  kiosk diag printer --port /dev/ttyUSB1    print a test receipt
  kiosk diag health                         every device of the terminal's profile, exit 1 if one is down
  echo 246810 | kiosk technician --name 王师傅   the lines that let a technician into the maintenance menu
  kiosk catalog search sbjf                 what a resident typing \"sbjf\" is offered"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Run the terminal.
    Run {
        /// Configuration file [default: /etc/kiosk/kiosk.toml; built-in defaults with --simulate]
        #[arg(long, value_name = "FILE")]
        config: Option<PathBuf>,
        /// Hardware profile [default: the one the configuration names; the simulated one with --simulate]
        #[arg(long, value_name = "FILE")]
        profile: Option<PathBuf>,
        /// Play every device with the simulator and open the device simulator window.
        #[arg(long)]
        simulate: bool,
        /// Where the terminal keeps its data [default: storage.data_dir of the configuration]
        #[arg(long, value_name = "DIR")]
        data_dir: Option<PathBuf>,
    },
    /// Check a configuration and its profile; print every problem; exit 0 only when all is valid.
    CheckConfig {
        #[arg(long, value_name = "FILE")]
        config: Option<PathBuf>,
        #[arg(long, value_name = "FILE")]
        profile: Option<PathBuf>,
    },
    /// The catalogue of service items: list it, or search it as a resident would.
    Catalog {
        #[command(subcommand)]
        what: CatalogCommand,
    },
    /// Check one serial device with the firmware's drivers (for technicians).
    Diag {
        #[command(subcommand)]
        device: Diag,
    },
    /// What waits in the terminal's outbox for the platform (items, the oldest's age, the last error); with
    /// --send-now, everything waiting is due at once (the running terminal sends it within seconds).
    Outbox {
        #[arg(long, value_name = "DIR", default_value = kiosk::config::DEFAULT_DATA_DIR)]
        data_dir: PathBuf,
        #[arg(long)]
        send_now: bool,
    },
    /// The `[[maintenance.technician]]` lines for kiosk.toml: the PIN (4 to 8 digits) on the first line of
    /// standard input and, with --card, the technician's ID card number on the second; only argon2id hashes
    /// are printed.
    Technician {
        #[arg(long)]
        name: String,
        #[arg(long)]
        card: bool,
    },
    /// Render a screen of the simulated terminal headless into a PNG file.
    Screenshot {
        #[arg(long, value_name = "FILE")]
        out: PathBuf,
        #[arg(long, value_name = "FILE")]
        config: Option<PathBuf>,
        #[arg(long, value_name = "FILE")]
        profile: Option<PathBuf>,
        /// The page: attract, home, search, category, capture, identify, form, materials, sign, review,
        /// submit-failed, done or not-done (sample data; nothing is sent anywhere).
        #[arg(long, default_value = "home", value_parser = clap::builder::PossibleValuesParser::new(kiosk::dev::tour::PAGES))]
        page: String,
        /// Insert this sample card first (0 = the 74-year-old resident; pages of an item use card 2 if none).
        #[arg(long, value_name = "N")]
        card: Option<usize>,
        /// Elder mode (长辈版).
        #[arg(long)]
        elder: bool,
        /// English instead of Chinese.
        #[arg(long)]
        english: bool,
        /// Print `first-frame` when the first frame is drawn and the peak memory at the end (for benchmarks).
        #[arg(long)]
        report: bool,
    },
}

#[derive(Subcommand)]
enum CatalogCommand {
    /// Every item: code, name, category, kind, time limit, fields (prefilled), materials (held by the government).
    List {
        #[arg(long)]
        json: bool,
        /// A catalogue file to check instead of the shipped one.
        #[arg(long, value_name = "FILE")]
        file: Option<PathBuf>,
    },
    /// The items a query finds, ranked as the terminal ranks them (names, synonyms, pinyin, initials, questions).
    Search {
        query: String,
        #[arg(long)]
        json: bool,
        #[arg(long, default_value_t = 10)]
        limit: usize,
        #[arg(long, value_name = "FILE")]
        file: Option<PathBuf>,
    },
}

#[derive(Subcommand)]
enum Diag {
    /// Open every device of the profile with the firmware's drivers (simulated ones with their simulators)
    /// and list each one's state; exit 1 when one is down. Stop the running firmware first (`systemctl stop
    /// kiosk`): the devices are opened here.
    Health {
        #[arg(long, value_name = "FILE")]
        config: Option<PathBuf>,
        /// The profile [default: the configuration's; the simulated one without a configuration]
        #[arg(long, value_name = "FILE")]
        profile: Option<PathBuf>,
        #[arg(long)]
        json: bool,
        /// Seconds to listen to the devices.
        #[arg(long, default_value_t = 3)]
        wait: u64,
    },
    /// Read one card and print it with the ID number masked (first 6 and last 4 digits).
    Idcard {
        #[arg(long, value_name = "PATH")]
        port: String,
        /// Line speed [default: found by trying 115200, 57600, 38400, 19200, 9600]
        #[arg(long)]
        baud: Option<u32>,
        #[arg(long)]
        json: bool,
        /// Seconds to wait for a card.
        #[arg(long, default_value_t = 30)]
        wait: u64,
    },
    /// Wait for one scan and print its kind (a 随申码's content is not shown).
    Scanner {
        #[arg(long, value_name = "PATH")]
        port: String,
        #[arg(long, default_value_t = 9600)]
        baud: u32,
        /// cr, crlf, lf or none
        #[arg(long, default_value = "cr")]
        terminator: kiosk_drivers::scanner::protocol::Terminator,
        /// line, honeywell or newland
        #[arg(long, default_value = "line")]
        protocol: kiosk_drivers::scanner::protocol::ScanProtocol,
        #[arg(long)]
        json: bool,
        #[arg(long, default_value_t = 30)]
        wait: u64,
    },
    /// Print a test receipt with a QR code and report the printer's status and how the job's end was known.
    Printer {
        #[arg(long, value_name = "PATH")]
        port: String,
        #[arg(long, default_value_t = 115200)]
        baud: u32,
        /// How the job's end is known: job-reply (GS ( H), status-polling (DLE EOT), or probe (ask the
        /// printer once, as the terminal does without a `completion` in its profile).
        #[arg(long, default_value = "probe", value_parser = ["probe", "job-reply", "status-polling"])]
        completion: String,
    },
    /// Print a test page (or FILE.pdf) on the A4 printer over IPP and report the job's end state.
    A4 {
        /// The printer or CUPS queue, e.g. ipp://localhost:631/printers/a4.
        #[arg(long, value_name = "IPP_URI")]
        uri: String,
        /// A PDF to print instead of the test page.
        #[arg(value_name = "FILE.pdf")]
        file: Option<PathBuf>,
        /// Seconds a job may take before it is cancelled.
        #[arg(long, default_value_t = 120)]
        wait: u64,
    },
    /// Check a GPIO line: watch an input's changes, or switch an output on and off three times.
    Gpio {
        /// The GPIO chip, e.g. /dev/gpiochip0.
        #[arg(long, value_name = "PATH")]
        chip: String,
        #[arg(long)]
        line: u32,
        #[arg(long)]
        active_low: bool,
        /// Drive the line (a light, the buzzer) instead of watching it.
        #[arg(long)]
        output: bool,
        /// Seconds to watch an input.
        #[arg(long, default_value_t = 10)]
        watch: u64,
    },
    /// Light each key of the evaluation pad in turn and wait for a press.
    Pad {
        #[arg(long, value_name = "PATH")]
        port: String,
        #[arg(long, default_value_t = 9600)]
        baud: u32,
        #[arg(long, default_value_t = 30)]
        wait: u64,
    },
}

fn diag(d: Diag) -> ExitCode {
    use std::time::Duration;
    let secs = Duration::from_secs;
    let outcome = match d {
        Diag::Health {
            config,
            profile,
            json,
            wait,
        } => {
            let simulate = config.is_none() && profile.is_none();
            let s = setup::load(config.as_deref(), profile.as_deref(), simulate);
            print_problems(&s);
            let (report, ok) = match kiosk::dev::diag::health(&s.profile, json, secs(wait)) {
                Ok(r) => (r, true),
                Err(r) => (r, false),
            };
            println!("{report}");
            return if ok && s.problems.is_empty() {
                ExitCode::SUCCESS
            } else {
                ExitCode::FAILURE
            };
        }
        Diag::Idcard {
            port,
            baud,
            json,
            wait,
        } => kiosk::dev::diag::idcard(&port, baud, json, secs(wait)),
        Diag::Scanner {
            port,
            baud,
            terminator,
            protocol,
            json,
            wait,
        } => kiosk::dev::diag::scanner(&port, baud, terminator, protocol, json, secs(wait)),
        Diag::Printer {
            port,
            baud,
            completion,
        } => kiosk::dev::diag::printer(&port, baud, &completion),
        Diag::Pad { port, baud, wait } => kiosk::dev::diag::pad(&port, baud, secs(wait)),
        Diag::A4 { uri, file, wait } => kiosk::dev::diag::a4(&uri, file.as_deref(), secs(wait)),
        Diag::Gpio {
            chip,
            line,
            active_low,
            output,
            watch,
        } => kiosk::dev::diag::gpio(&chip, line, active_low, output, secs(watch)),
    };
    match outcome {
        Ok(report) => {
            println!("{report}");
            ExitCode::SUCCESS
        }
        Err(why) => {
            eprintln!("kiosk diag: {why}");
            ExitCode::FAILURE
        }
    }
}

fn main() -> ExitCode {
    kiosk::system::logging::init();
    let cli = Cli::parse();
    match cli.command {
        Command::Run {
            config,
            profile,
            simulate,
            data_dir,
        } => run(config, profile, simulate, data_dir),
        Command::CheckConfig { config, profile } => check_config(config, profile),
        Command::Diag { device } => diag(device),
        Command::Catalog { what } => {
            let outcome = match what {
                CatalogCommand::List { json, file } => {
                    kiosk::view::items::list(file.as_deref(), json)
                }
                CatalogCommand::Search {
                    query,
                    json,
                    limit,
                    file,
                } => kiosk::view::items::search(file.as_deref(), &query, limit, json),
            };
            match outcome {
                Ok(text) => {
                    println!("{text}");
                    ExitCode::SUCCESS
                }
                Err(why) => {
                    eprintln!("kiosk catalog: {why}");
                    ExitCode::FAILURE
                }
            }
        }
        Command::Outbox { data_dir, send_now } => {
            match kiosk::platform::outbox::report(&data_dir, send_now) {
                Ok(text) => {
                    println!("{text}");
                    ExitCode::SUCCESS
                }
                Err(e) => {
                    eprintln!("kiosk outbox: {e}");
                    ExitCode::FAILURE
                }
            }
        }
        Command::Technician { name, card } => technician(&name, card),
        Command::Screenshot {
            out,
            config,
            profile,
            page,
            card,
            elder,
            english,
            report,
        } => kiosk::dev::screenshot::screenshot(
            &out, config, profile, page, card, elder, english, report,
        ),
    }
}

fn technician(name: &str, card: bool) -> ExitCode {
    let mut lines = std::io::stdin().lines();
    let pin = lines.next().and_then(Result::ok).unwrap_or_default();
    let pin = pin.trim();
    if !(kiosk::maintenance::PIN_MIN..=kiosk::maintenance::PIN_MAX).contains(&pin.len())
        || !pin.chars().all(|c| c.is_ascii_digit())
    {
        eprintln!("kiosk technician: the PIN on standard input must be 4 to 8 digits");
        return ExitCode::FAILURE;
    }
    let card_hash = if card {
        let id = lines.next().and_then(Result::ok).unwrap_or_default();
        match kiosk_drivers::IdNumber::parse(id.trim()) {
            Ok(n) => Some(kiosk_api::secret::hash(n.as_str())),
            Err(e) => {
                eprintln!(
                    "kiosk technician: the second line must be the technician's ID number: {e}"
                );
                return ExitCode::FAILURE;
            }
        }
    } else {
        None
    };
    let pin_hash = kiosk_api::secret::hash(pin);
    match (pin_hash, card_hash.transpose()) {
        (Ok(p), Ok(c)) => {
            println!("[[maintenance.technician]]");
            println!("name = {}", toml_string(name));
            println!("pin_hash = {}", toml_string(&p));
            if let Some(c) = c {
                println!("card_hash = {}", toml_string(&c));
            }
            ExitCode::SUCCESS
        }
        (Err(e), _) | (_, Err(e)) => {
            eprintln!("kiosk technician: {e}");
            ExitCode::FAILURE
        }
    }
}

/// A TOML string, quoted and escaped by toml_edit.
fn toml_string(s: &str) -> String {
    toml_edit::Value::from(s).to_string().trim().to_string()
}

fn print_problems(s: &Setup) {
    for p in &s.problems {
        eprintln!("{p}");
    }
}

fn check_config(config: Option<PathBuf>, profile: Option<PathBuf>) -> ExitCode {
    let s = setup::load(config.as_deref(), profile.as_deref(), false);
    if s.problems.is_empty() {
        let file = s
            .config_file
            .as_deref()
            .map(|p| p.display().to_string())
            .unwrap_or_default();
        println!("{file}: valid");
        println!(
            "{}: valid, {} devices, panel {}×{} px",
            s.profile_name,
            s.profile.devices.len(),
            s.profile.panel.width_px,
            s.profile.panel.height_px
        );
        ExitCode::SUCCESS
    } else {
        print_problems(&s);
        eprintln!("{} problem(s)", s.problems.len());
        ExitCode::FAILURE
    }
}

/// `kiosk run`: the composition root. The configuration loaded, the window, devices, store, platform (the
/// simulated hub in simulation), speech and the event loop put together.
fn run(
    config: Option<PathBuf>,
    profile: Option<PathBuf>,
    simulate: bool,
    data_dir: Option<PathBuf>,
) -> ExitCode {
    let mut s = setup::load(config.as_deref(), profile.as_deref(), simulate);
    kiosk::config::setup::report(&s);
    tracing::info!(profile = %s.profile_name, simulate, "starting");
    if simulate && config.is_none() {
        // A technician to open the maintenance menu with (the simulator's door switch): a fresh PIN each run.
        let mut raw = [0u8; 4];
        if getrandom::fill(&mut raw).is_ok() {
            let pin = format!("{:06}", u32::from_le_bytes(raw) % 1_000_000);
            match kiosk_api::secret::hash(&pin) {
                Ok(pin_hash) => {
                    s.config
                        .maintenance
                        .technicians
                        .push(kiosk::config::Technician {
                            name: "模拟维护员".into(),
                            pin_hash,
                            card_hash: None,
                        });
                    println!("维护菜单 maintenance menu: open the cabinet door in the simulator, PIN {pin}");
                }
                Err(e) => tracing::warn!(error = %e, "no demo technician"),
            }
        }
    }

    let data_dir = data_dir.unwrap_or_else(|| {
        if simulate && config.is_none() {
            std::env::temp_dir().join("kiosk-sim")
        } else {
            s.config.storage.data_dir.clone()
        }
    });
    if let Err(e) = std::fs::create_dir_all(&data_dir) {
        tracing::error!(dir = %data_dir.display(), error = %e, "data folder unusable; nothing can be kept across restarts");
    }

    let kiosk = match Kiosk::new(&s.config, &s.profile) {
        Ok(k) => k,
        Err(e) => {
            eprintln!("kiosk: cannot open the window: {e}");
            eprintln!("  hint: on a desktop run it in an X11 or Wayland session; on the terminal use a build with --features kms");
            return ExitCode::FAILURE;
        }
    };
    if !s.problems.is_empty() {
        kiosk.handle(kiosk::session::Input::ConfigFaulty);
    }
    // Speech: the sound card as configured; the simulated terminal (no configuration) speaks into WAV files
    // under its data folder, paced like a sound card, so that nothing plays on a developer's speakers unasked.
    let mut speech = s.config.speech.clone();
    if simulate && config.is_none() {
        speech.output = kiosk::config::SpeechOutput::Files;
    }
    kiosk.attach_voice(kiosk::view::voice::Voice::new(&speech, &data_dir));
    kiosk::app::install(kiosk.clone());

    // Devices (and the simulator) publish into this channel; a tokio task hands each event to the UI thread.
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel::<DeviceEvent>();
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
    {
        Ok(r) => r,
        Err(e) => {
            eprintln!("kiosk: cannot start the device runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    let inbox = kiosk.inbox();
    runtime.spawn(async move {
        while let Some(event) = rx.recv().await {
            inbox.device(event);
        }
    });

    // Serial device drivers (and, simulated, the devices themselves on pseudo-terminals).
    let mut devices = {
        let _runtime = runtime.enter();
        kiosk_drivers::manager::start(&s.profile.devices, &data_dir.join("dev"), tx.clone())
    };
    if let Some((_, _, cam)) = devices
        .cameras
        .iter()
        .find(|(_, class, _)| *class == kiosk_drivers::DeviceClass::DocumentCamera)
    {
        kiosk.attach_document_camera(runtime.handle().clone(), cam.clone());
    }
    if let Some((_, _, cam)) = devices
        .cameras
        .iter()
        .find(|(_, class, _)| *class == kiosk_drivers::DeviceClass::FaceCamera)
    {
        kiosk.attach_face_camera(runtime.handle().clone(), cam.clone());
    }
    // The platform: the configured one, or with --simulate and no configuration the reference hub in this
    // process on a free loopback port (the simulator's "platform down" switch takes it down).
    let hub = if simulate && config.is_none() {
        runtime.block_on(kiosk::dev::hub::start_hub(
            &data_dir.join("hub"),
            &s.config.terminal.id,
        ))
    } else {
        None
    };
    let platform_url = hub
        .as_ref()
        .map(|(url, _, _)| url.clone())
        .unwrap_or_else(|| s.config.platform.url.0.clone());
    let platform = match kiosk::platform::Platform::new(&platform_url) {
        Ok(p) => Some(p),
        Err(e) => {
            tracing::error!(error = %e, "no platform client; submissions fail until restarted");
            None
        }
    };
    // The store keeps what the platform cannot take now (applications with their photos, ratings, reports)
    // until it can.
    let outbox = match kiosk_store::load_or_create_key(&data_dir.join("store.key"))
        .and_then(|key| kiosk_store::Store::open(&data_dir.join("kiosk.db"), &key))
    {
        Ok(store) => {
            let outbox = kiosk::platform::outbox::Outbox::new(store);
            // Nothing personal stays longer than the retention limit, delivered or not.
            match outbox.purge(s.config.storage.retention_days.0) {
                Ok(0) => {}
                Ok(n) => tracing::warn!(records = n, "records past the retention limit deleted"),
                Err(e) => tracing::error!(error = %e, "retention purge failed"),
            }
            Some(outbox)
        }
        Err(e) => {
            tracing::error!(dir = %data_dir.display(), error = %e, "no store: applications the platform cannot take now are not kept");
            None
        }
    };
    if let Some(p) = &platform {
        let code = hub
            .as_ref()
            .and_then(|(_, _, code)| code.clone())
            .or_else(|| s.config.platform.enrolment_code.clone());
        runtime.spawn(kiosk::platform::enrolment::enrol_until_done(
            p.clone(),
            outbox.clone(),
            s.config.terminal.id.clone(),
            code,
        ));
    }
    kiosk.attach_services(kiosk::app::Services {
        runtime: runtime.handle().clone(),
        platform,
        receipt: devices.printer.clone(),
        a4: devices.a4.clone(),
        outbox,
        pad: devices.pad.clone(),
        lights: devices.lights.clone(),
        buzzer: devices.buzzer.clone(),
    });
    kiosk.set_files(s.config_file.clone(), data_dir.clone(), simulate);
    // The image's RAUC (not in simulation): the slot is marked good after the self-test, updates from the menu.
    if !simulate {
        kiosk.set_rauc(
            Some(kiosk::system::rauc::Rauc::system()),
            kiosk::system::upkeep::GOOD_AFTER,
        );
    }
    let sims = std::rc::Rc::new(std::mem::take(&mut devices.sims));
    let _simulator = if simulate {
        match kiosk::dev::simulator::Simulator::new(sims.clone()) {
            Ok(sim) => {
                #[cfg(feature = "simulated-hub")]
                if let Some((_, platform, _)) = &hub {
                    sim.attach_hub(platform.clone());
                }
                sim.attach_kiosk(kiosk.inbox());
                if let Err(e) = sim.window.show() {
                    tracing::error!(error = %e, "cannot show the device simulator window");
                }
                Some(sim)
            }
            Err(e) => {
                tracing::error!(error = %e, "cannot create the device simulator window");
                None
            }
        }
    } else {
        None
    };

    // The core asks for its ticks itself (`Kiosk::handle` sets a timer for its next deadline); this one only
    // keeps the heartbeat and the clock on the screen current.
    let timer = slint::Timer::default();
    {
        let k = kiosk.clone();
        timer.start(
            slint::TimerMode::Repeated,
            kiosk::app::HOUSEKEEPING,
            move || k.housekeeping(),
        );
    }
    if let Err(e) = kiosk.ui.show() {
        eprintln!("kiosk: cannot show the window: {e}");
        return ExitCode::FAILURE;
    }
    // Under systemd: READY after the first frame, watchdog pings from this (the UI) thread's event loop.
    let supervision = kiosk::system::service_manager::supervise({
        let k = kiosk.clone();
        move || k.first_frame_shown()
    });
    let result = slint::run_event_loop();
    kiosk::system::service_manager::stopping();
    drop(supervision);
    drop(devices);
    drop(tx);
    runtime.shutdown_background();
    if let Some(code) = kiosk.exit_code() {
        tracing::warn!(code, "exiting for a restart or a reboot");
        return ExitCode::from(code as u8);
    }
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("kiosk: the event loop failed: {e}");
            ExitCode::FAILURE
        }
    }
}
