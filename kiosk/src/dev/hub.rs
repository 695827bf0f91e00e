//! The simulated terminal's service centre: the reference hub in this process (feature `simulated-hub`).

/// The simulated terminal's service centre, when this build has one.
#[cfg(feature = "simulated-hub")]
pub type SimulatedHub = std::sync::Arc<kiosk_hub::Platform>;
#[cfg(not(feature = "simulated-hub"))]
pub type SimulatedHub = ();

/// Without the reference hub in this build, the simulated terminal has no platform unless configured.
#[cfg(not(feature = "simulated-hub"))]
pub async fn start_hub(
    _dir: &std::path::Path,
    _terminal_id: &str,
) -> Option<(String, SimulatedHub, Option<String>)> {
    tracing::error!(
        "this build has no simulated hub (feature simulated-hub); the platform is unreachable"
    );
    None
}

/// The reference hub in this process on a free loopback port, with its data beside the terminal's, and a
/// one-time code for this terminal to enrol with (the simulator's "platform down" switch takes it down).
#[cfg(feature = "simulated-hub")]
pub async fn start_hub(
    dir: &std::path::Path,
    terminal_id: &str,
) -> Option<(String, SimulatedHub, Option<String>)> {
    let platform = match kiosk_hub::Platform::open(dir, None).await {
        Ok(p) => p,
        Err(e) => {
            tracing::error!(error = %e, "cannot open the simulated hub; the platform is unreachable");
            return None;
        }
    };
    let code = match platform
        .enrolment_code(terminal_id, std::time::Duration::from_secs(600))
        .await
    {
        Ok(c) => Some(c),
        Err(e) => {
            tracing::error!(error = %e, "no enrolment code from the simulated hub");
            None
        }
    };
    match kiosk_hub::bind(std::net::SocketAddr::from(([127, 0, 0, 1], 0))).await {
        Ok((listener, addr)) => {
            tokio::spawn(kiosk_hub::serve_with(listener, platform.clone()));
            tracing::info!(%addr, "simulated service centre (hub) listening");
            // A clerk to play the remote virtual window with: a fresh password each run, for this machine only.
            let mut raw = [0u8; 8];
            if getrandom::fill(&mut raw).is_ok() {
                let password: String = raw.iter().map(|b| format!("{b:02x}")).collect();
                match platform.add_clerk("demo", &password).await {
                    Ok(()) => println!(
                        "视频办 clerk console: http://{addr}/clerk (user demo, password {password})"
                    ),
                    Err(e) => tracing::warn!(error = %e, "no demo clerk for the console"),
                }
            }
            Some((format!("http://{addr}/api/v1"), platform, code))
        }
        Err(e) => {
            tracing::error!(error = %e, "cannot start the simulated hub; the platform is unreachable");
            None
        }
    }
}
