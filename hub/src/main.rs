//! `kiosk-hub`: the reference service-centre server.

use clap::Parser;
use std::net::SocketAddr;
use std::process::ExitCode;

#[derive(Parser)]
#[command(
    name = "kiosk-hub",
    version,
    about = "Reference service-centre hub for the self-service terminals",
    after_help = "Example:\n  kiosk-hub --listen 127.0.0.1:8080    then: curl http://127.0.0.1:8080/api/v1/health"
)]
struct Cli {
    /// Address and port to listen on.
    #[arg(long, default_value = "127.0.0.1:8080")]
    listen: SocketAddr,
}

#[tokio::main]
async fn main() -> ExitCode {
    tracing_subscriber::fmt()
        .with_writer(std::io::stderr)
        .init();
    let cli = Cli::parse();
    let (listener, addr) = match kiosk_hub::bind(cli.listen).await {
        Ok(x) => x,
        Err(e) => {
            eprintln!("kiosk-hub: cannot listen on {}: {e}", cli.listen);
            return ExitCode::FAILURE;
        }
    };
    tracing::info!(%addr, "hub listening");
    match kiosk_hub::serve(listener).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("kiosk-hub: {e}");
            ExitCode::FAILURE
        }
    }
}
