//! `kiosk-hub`: the reference service-centre server.

use clap::{Parser, Subcommand};
use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Parser)]
#[command(
    name = "kiosk-hub",
    version,
    about = "Reference service-centre hub for the self-service terminals",
    after_help = "Examples:\n  kiosk-hub                                   SQLite in ~/.local/share/kiosk-hub, 127.0.0.1:8080\n  kiosk-hub --database postgres://hub@localhost/hub --listen 0.0.0.0:8080\n  kiosk-hub enrolment-code --terminal YP-KJ-0001     a one-time code for a terminal's setup\n  kiosk-hub revoke --terminal YP-KJ-0001             the terminal must enrol again\n  echo 'a long password' | kiosk-hub clerk --name wang.li   a clerk for the console at /clerk\n  kiosk-hub push-config --terminal YP-KJ-0001 --file kiosk.toml   with the next heartbeat\n  kiosk-hub figures --from 2026-11-01 --to 2026-11-30 > figures.csv"
)]
struct Cli {
    /// Address and port to listen on.
    #[arg(long, default_value = "127.0.0.1:8080")]
    listen: SocketAddr,
    /// Where the SQLite database and the materials live (default: ~/.local/share/kiosk-hub).
    #[arg(long)]
    data_dir: Option<PathBuf>,
    /// A database URL instead of SQLite in the data directory: postgres://USER:PASSWORD@HOST/DB.
    #[arg(long, env = "KIOSK_HUB_DATABASE")]
    database: Option<String>,
    /// A TURN server for clerks' browsers behind NAT (turn:HOST:3478); the terminal uses host candidates.
    #[arg(long, env = "KIOSK_HUB_TURN")]
    turn: Option<String>,
    #[arg(long, env = "KIOSK_HUB_TURN_USER", requires = "turn")]
    turn_user: Option<String>,
    #[arg(
        long,
        env = "KIOSK_HUB_TURN_CREDENTIAL",
        requires = "turn",
        hide_env_values = true
    )]
    turn_credential: Option<String>,
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand)]
enum Command {
    /// Serve the platform API (the default).
    Serve,
    /// Print a one-time enrolment code for a terminal.
    EnrolmentCode {
        #[arg(long)]
        terminal: String,
        /// How long the code stays valid, in hours.
        #[arg(long, default_value_t = 24)]
        valid_hours: u64,
    },
    /// Revoke a terminal's tokens.
    Revoke {
        #[arg(long)]
        terminal: String,
    },
    /// Add a clerk of the remote virtual window (or set a new password); the password is read from standard
    /// input, never from the command line.
    Clerk {
        #[arg(long)]
        name: String,
    },
    /// Push a whole kiosk.toml to a terminal: it goes out with its next heartbeat; the terminal validates it
    /// and rolls back when it fails (the fleet view at /clerk/operations shows the result).
    PushConfig {
        #[arg(long)]
        terminal: String,
        #[arg(long, value_name = "FILE")]
        file: PathBuf,
    },
    /// The operations figures of a period (Shanghai days), as CSV on standard output.
    Figures {
        /// First day, YYYY-MM-DD.
        #[arg(long)]
        from: chrono::NaiveDate,
        /// Last day, YYYY-MM-DD [default: --from].
        #[arg(long)]
        to: Option<chrono::NaiveDate>,
    },
}

fn default_data_dir() -> PathBuf {
    match std::env::var_os("XDG_DATA_HOME") {
        Some(d) => PathBuf::from(d).join("kiosk-hub"),
        None => match std::env::var_os("HOME") {
            Some(h) => PathBuf::from(h).join(".local/share/kiosk-hub"),
            None => PathBuf::from("hub-data"),
        },
    }
}

#[tokio::main]
async fn main() -> ExitCode {
    tracing_subscriber::fmt()
        .with_writer(std::io::stderr)
        .init();
    let cli = Cli::parse();
    let data_dir = cli.data_dir.clone().unwrap_or_else(default_data_dir);
    let platform = match kiosk_hub::Platform::open(&data_dir, cli.database.as_deref()).await {
        Ok(p) => p,
        Err(e) => {
            eprintln!("kiosk-hub: {e}");
            return ExitCode::FAILURE;
        }
    };
    match cli.command.unwrap_or(Command::Serve) {
        Command::EnrolmentCode {
            terminal,
            valid_hours,
        } => {
            let valid = std::time::Duration::from_secs(valid_hours * 3600);
            match platform.enrolment_code(&terminal, valid).await {
                Ok(code) => {
                    println!("{code}");
                    eprintln!("One-time code for terminal {terminal}, valid {valid_hours} h: put it in the terminal's kiosk.toml as platform.enrolment_code.");
                    ExitCode::SUCCESS
                }
                Err(e) => {
                    eprintln!("kiosk-hub: {e}");
                    ExitCode::FAILURE
                }
            }
        }
        Command::Revoke { terminal } => match platform.revoke(&terminal).await {
            Ok(n) => {
                println!("{n} token(s) of {terminal} revoked");
                ExitCode::SUCCESS
            }
            Err(e) => {
                eprintln!("kiosk-hub: {e}");
                ExitCode::FAILURE
            }
        },
        Command::Clerk { name } => {
            let mut password = String::new();
            if std::io::stdin().read_line(&mut password).is_err() {
                eprintln!("kiosk-hub: give the password on standard input");
                return ExitCode::FAILURE;
            }
            match platform
                .add_clerk(&name, password.trim_end_matches(['\r', '\n']))
                .await
            {
                Ok(()) => {
                    println!("clerk {name} can log in at /clerk");
                    ExitCode::SUCCESS
                }
                Err(e) => {
                    eprintln!("kiosk-hub: {e}");
                    ExitCode::FAILURE
                }
            }
        }
        Command::PushConfig { terminal, file } => {
            let toml = match std::fs::read_to_string(&file) {
                Ok(t) if !t.trim().is_empty() && t.len() <= kiosk_hub::fleet::MAX_CONFIG => t,
                Ok(_) => {
                    eprintln!(
                        "kiosk-hub: {} is empty or larger than 64 KB",
                        file.display()
                    );
                    return ExitCode::FAILURE;
                }
                Err(e) => {
                    eprintln!("kiosk-hub: {}: {e}", file.display());
                    return ExitCode::FAILURE;
                }
            };
            match platform.push_config(&terminal, &toml).await {
                Ok(id) => {
                    println!("{id}: queued for {terminal}; it goes out with the terminal's next heartbeat");
                    ExitCode::SUCCESS
                }
                Err(e) => {
                    eprintln!("kiosk-hub: {e}");
                    ExitCode::FAILURE
                }
            }
        }
        Command::Figures { from, to } => {
            let report = platform.figures(from, to.unwrap_or(from)).await;
            match report.map(|r| r.csv()) {
                Ok(Ok(csv)) => {
                    print!("{csv}");
                    ExitCode::SUCCESS
                }
                Ok(Err(e)) => {
                    eprintln!("kiosk-hub: {e}");
                    ExitCode::FAILURE
                }
                Err(e) => {
                    eprintln!("kiosk-hub: {e}");
                    ExitCode::FAILURE
                }
            }
        }
        Command::Serve => {
            if let Some(url) = &cli.turn {
                let mut server = serde_json::json!({ "urls": url });
                if let (Some(u), Some(c)) = (&cli.turn_user, &cli.turn_credential) {
                    server["username"] = u.clone().into();
                    server["credential"] = c.clone().into();
                }
                platform.calls.set_ice_servers(serde_json::json!([server]));
            }
            let (listener, addr) = match kiosk_hub::bind(cli.listen).await {
                Ok(x) => x,
                Err(e) => {
                    eprintln!("kiosk-hub: cannot listen on {}: {e}", cli.listen);
                    return ExitCode::FAILURE;
                }
            };
            let store = match &cli.database {
                Some(_) => format!("{:?} database", platform.db().backend()),
                None => format!("SQLite in {}", data_dir.display()),
            };
            println!("kiosk-hub: http://{addr}/api/v1 ({store}); OpenAPI at http://{addr}/api/v1/openapi.json; clerk console at http://{addr}/clerk");
            match kiosk_hub::serve_with(listener, platform).await {
                Ok(()) => ExitCode::SUCCESS,
                Err(e) => {
                    eprintln!("kiosk-hub: {e}");
                    ExitCode::FAILURE
                }
            }
        }
    }
}
