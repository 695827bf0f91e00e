//! The two processes of the crash test (tests/tests/crash.rs), killed with SIGKILL at random moments:
//!
//! `crash_drill terminal --store DIR --hub URL --terminal ID [--code CODE] --from I --to N` commits cases
//! I..N with a photo each through the terminal's outbox, as a session does (commit, then the terminal's own
//! attempt, the delivery task beside it), printing `committed I` once each is on disk, and `drained` when the
//! platform has them all.
//!
//! `crash_drill hub --data-dir DIR --listen ADDR [--enrol ID]` runs the reference hub (SQLite in DIR) and
//! prints `code CODE` for a terminal to enrol with, then `listening ADDRESS`.

use kiosk::platform::outbox::Outbox;
use kiosk::platform::Platform;
use std::io::Write;
use std::time::Duration;

/// Case `i`; every fifth is a bundle (一件事) with `kiosk_tests::DRILL_PARTS` department cases, so that a kill
/// between the hub's department cases is drilled too.
fn case(i: usize, terminal: &str) -> kiosk_api::CaseRequest {
    let parts = if kiosk_tests::drill_bundle(i) {
        kiosk_tests::drill_parts()
    } else {
        Vec::new()
    };
    kiosk_api::CaseRequest {
        fields: vec![kiosk_api::FieldValue {
            id: "n".into(),
            label: "序号".into(),
            value: i.to_string(),
        }],
        parts,
        ..kiosk_tests::sample_case(
            &format!("crash-{i}"),
            terminal,
            &[&kiosk_tests::drill_photo(i)],
        )
    }
}

fn arg(args: &[String], name: &str) -> Option<String> {
    args.iter()
        .position(|a| a == name)
        .and_then(|i| args.get(i + 1).cloned())
}

fn say(line: &str) {
    let mut out = std::io::stdout().lock();
    let _ = writeln!(out, "{line}");
    let _ = out.flush();
}

fn main() -> std::process::ExitCode {
    let args: Vec<String> = std::env::args().collect();
    let rt = match tokio::runtime::Runtime::new() {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("crash_drill: no runtime: {e}");
            return std::process::ExitCode::FAILURE;
        }
    };
    let need = |name: &str| {
        arg(&args, name).unwrap_or_else(|| {
            eprintln!("crash_drill: {name} is missing");
            std::process::exit(2)
        })
    };
    match args.get(1).map(String::as_str) {
        Some("hub") => {
            let dir = std::path::PathBuf::from(need("--data-dir"));
            let listen: std::net::SocketAddr = need("--listen").parse().unwrap_or_else(|e| {
                eprintln!("crash_drill: --listen: {e}");
                std::process::exit(2)
            });
            let enrol = arg(&args, "--enrol");
            rt.block_on(async move {
                let hub = kiosk_hub::Platform::open(&dir, None)
                    .await
                    .unwrap_or_else(|e| {
                        eprintln!("crash_drill: hub: {e}");
                        std::process::exit(1)
                    });
                if let Some(t) = enrol {
                    match hub.enrolment_code(&t, Duration::from_secs(600)).await {
                        Ok(code) => say(&format!("code {code}")),
                        Err(e) => eprintln!("crash_drill: code: {e}"),
                    }
                }
                let (listener, addr) = kiosk_hub::bind(listen).await.unwrap_or_else(|e| {
                    eprintln!("crash_drill: bind {listen}: {e}");
                    std::process::exit(1)
                });
                say(&format!("listening {addr}"));
                let _ = kiosk_hub::serve_with(listener, hub).await;
            });
            std::process::ExitCode::SUCCESS
        }
        Some("terminal") => {
            let dir = std::path::PathBuf::from(need("--store"));
            let terminal = need("--terminal");
            let from: usize = need("--from").parse().unwrap_or(0);
            let to: usize = need("--to").parse().unwrap_or(0);
            let store = kiosk_store::load_or_create_key(&dir.join("store.key"))
                .and_then(|k| kiosk_store::Store::open(&dir.join("kiosk.db"), &k))
                .unwrap_or_else(|e| {
                    eprintln!("crash_drill: store: {e}");
                    std::process::exit(1)
                });
            let outbox = Outbox::new(store);
            let platform = Platform::new(&need("--hub")).unwrap_or_else(|e| {
                eprintln!("crash_drill: client: {e}");
                std::process::exit(1)
            });
            rt.block_on(kiosk::platform::enrolment::enrol_until_done(
                platform.clone(),
                Some(outbox.clone()),
                terminal.clone(),
                arg(&args, "--code"),
            ));
            rt.spawn(
                outbox
                    .clone()
                    .run(platform.clone(), Duration::from_millis(50), |_, _| {}),
            );
            for i in from..to {
                let request = case(i, &terminal);
                let upload = kiosk_tests::drill_photo(i);
                if let Err(e) = outbox.commit_case(
                    &request,
                    std::slice::from_ref(&upload),
                    Duration::from_secs(1),
                ) {
                    eprintln!("crash_drill: commit {i}: {e}");
                    return std::process::ExitCode::FAILURE;
                }
                say(&format!("committed {i}"));
                // The session's own attempt, racing the delivery task as it does on a terminal.
                let materials = vec![(upload.reference().sha256, upload.bytes)];
                let result = rt.block_on(platform.deliver(&request, &materials));
                outbox.settle(&request.idempotency_key, &result);
            }
            loop {
                match outbox.status() {
                    Ok(s) if s.queued == 0 => break,
                    Ok(_) => outbox.wake(),
                    Err(e) => eprintln!("crash_drill: status: {e}"),
                }
                std::thread::sleep(Duration::from_millis(50));
            }
            say("drained");
            std::process::ExitCode::SUCCESS
        }
        _ => {
            eprintln!("usage: crash_drill terminal … | crash_drill hub …");
            std::process::ExitCode::from(2)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn case_i_carries_photo_i_under_its_own_key() {
        let c = case(7, "CRASH-1");
        assert_eq!(c.idempotency_key, "crash-7");
        assert_eq!(c.fields[0].value, "7");
        assert_eq!(c.materials, vec![kiosk_tests::drill_photo(7).reference()]);
        assert_ne!(c.materials, case(8, "CRASH-1").materials);
        let args: Vec<String> = ["x", "--from", "3"].iter().map(|s| s.to_string()).collect();
        assert_eq!(arg(&args, "--from").as_deref(), Some("3"));
        assert_eq!(arg(&args, "--to"), None);
    }
}
