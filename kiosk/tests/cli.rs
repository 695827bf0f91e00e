//! The command line as a technician uses it.

use std::process::Command;

fn kiosk() -> Command {
    Command::new(env!("CARGO_BIN_EXE_kiosk"))
}

/// Writes a configuration file into a fresh folder of its own and returns its path.
fn temp_config(name: &str, content: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("kiosk-cli-{name}-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("dir");
    let config = dir.join("kiosk.toml");
    std::fs::write(&config, content).expect("write");
    config
}

fn repo(path: &str) -> String {
    format!("{}/../{path}", env!("CARGO_MANIFEST_DIR"))
}

#[test]
fn check_config_accepts_a_good_configuration() {
    let config = temp_config(
        "good",
        &format!(
            "[terminal]\nid = \"yp-001\"\nprofile = \"{}\"\n",
            repo("hardware/profiles/rpi4-community.toml")
        ),
    );
    let out = kiosk()
        .args(["check-config", "--config"])
        .arg(&config)
        .output()
        .expect("run");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{stdout}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(stdout.contains("13 devices"), "{stdout}");
}

#[test]
fn check_config_lists_every_problem_and_fails() {
    let config = temp_config(
        "bad",
        "[terminal]\nlanguage = \"fr\"\nprofile = \"missing.toml\"\n[ui]\nbig = true\n",
    );
    let out = kiosk()
        .args(["check-config", "--config"])
        .arg(&config)
        .output()
        .expect("run");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success());
    let c = config.display().to_string();
    assert!(
        stderr.contains(&format!("{c}:2:12: `terminal.language`")),
        "{stderr}"
    );
    assert!(stderr.contains(&format!("{c}:5:1: `ui.big`")), "{stderr}");
    assert!(
        stderr.contains("missing.toml: cannot read the file"),
        "{stderr}"
    );
    assert!(stderr.contains("3 problem(s)"), "{stderr}");
}

#[test]
fn version_and_help_with_examples() {
    let out = kiosk().arg("--version").output().expect("run");
    assert!(String::from_utf8_lossy(&out.stdout).starts_with("kiosk 0."));
    let out = kiosk().arg("--help").output().expect("run");
    let help = String::from_utf8_lossy(&out.stdout);
    assert!(
        help.contains("Examples:") && help.contains("kiosk run --simulate"),
        "{help}"
    );
}

#[test]
fn screenshot_renders_a_png_headless() {
    let out_file = std::env::temp_dir().join(format!("kiosk-shot-{}.png", std::process::id()));
    let out = kiosk()
        .args(["screenshot", "--page", "home", "--card", "0", "--out"])
        .arg(&out_file)
        .output()
        .expect("run");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let bytes = std::fs::read(&out_file).expect("png written");
    assert_eq!(&bytes[1..4], b"PNG");
    assert!(
        bytes.len() > 50_000,
        "a real screen, not an empty image: {} bytes",
        bytes.len()
    );
}

#[test]
fn catalog_list_and_search_for_the_people_who_keep_it() {
    let out = kiosk().args(["catalog", "list"]).output().unwrap();
    assert!(out.status.success());
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("SB-001") && text.contains("社保缴费记录打印"),
        "{text}"
    );
    let last = text.lines().last().unwrap_or_default();
    let (count, bundles): (usize, usize) = last
        .strip_suffix(" 一件事 bundles")
        .and_then(|l| l.split_once(" items, of which "))
        .and_then(|(n, b)| Some((n.parse().ok()?, b.parse().ok()?)))
        .unwrap_or_else(|| panic!("{last}"));
    assert!(count >= 30);
    assert!(bundles >= 6, "{last}");
    // A bundle lists its departments' items, with the condition that files each.
    assert!(
        text.contains("└ KD-SPXK") && text.contains("only if sells_food = 是"),
        "{text}"
    );

    let out = kiosk()
        .args(["catalog", "list", "--json"])
        .output()
        .unwrap();
    let items: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(items.as_array().unwrap().len(), count);
    assert!(items[0]["fields"][0]["prefill"].is_object(), "{}", items[0]);

    let out = kiosk()
        .args(["catalog", "search", "sbjf", "--json"])
        .output()
        .unwrap();
    let found: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(found["hits"][0]["code"], "SB-001", "{found}");
    let out = kiosk()
        .args(["catalog", "search", "我想打印社保缴费记录"])
        .output()
        .unwrap();
    assert!(String::from_utf8_lossy(&out.stdout).starts_with(" 1. SB-001"));

    // A broken catalogue file: every problem, with the file and the item, and a failure.
    let bad = temp_config(
        "catalog.toml",
        "[[item]]\ncode = \"X-1\"\nname = \"测试\"\nname_en = \"Test\"\ncategory = \"mars\"\ndepartment = \"x\"\nkind = \"print\"\nidentity = \"none\"\ntime_limit = \"即办\"\n",
    );
    let out = kiosk()
        .args(["catalog", "list", "--file", bad.to_str().unwrap()])
        .output()
        .unwrap();
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("X-1: unknown category `mars`"), "{err}");
}

#[test]
fn outbox_tells_what_waits_and_sends_it_now() {
    let dir = std::env::temp_dir().join(format!("kiosk-cli-outbox-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("dir");
    let key = kiosk_store::load_or_create_key(&dir.join("store.key")).expect("key");
    let now = kiosk::platform::outbox::now_ms();
    {
        let mut s = kiosk_store::Store::open(&dir.join("kiosk.db"), &key).expect("store");
        for k in ["a", "b"] {
            s.enqueue(k, "case", b"{}", None, now - 90 * 60_000)
                .expect("enqueue");
            s.failed(k, "platform not reachable: cannot connect", now + 3_600_000)
                .expect("failed");
        }
    }
    let out = kiosk()
        .args(["outbox", "--data-dir"])
        .arg(&dir)
        .output()
        .expect("run");
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{text}");
    assert!(
        text.contains("2 item(s), the oldest queued 1 h 30 min ago"),
        "{text}"
    );
    assert!(
        text.contains("last error: platform not reachable"),
        "{text}"
    );
    let out = kiosk()
        .args(["outbox", "--send-now", "--data-dir"])
        .arg(&dir)
        .output()
        .expect("run");
    assert!(out.status.success());
    let s = kiosk_store::Store::open(&dir.join("kiosk.db"), &key).expect("store");
    assert_eq!(
        s.due(kiosk::platform::outbox::now_ms(), 10)
            .expect("due")
            .len(),
        2,
        "due now"
    );
    // A folder without a store is said to be one, and nothing is created there.
    let empty = dir.join("empty");
    std::fs::create_dir_all(&empty).expect("dir");
    let out = kiosk()
        .args(["outbox", "--data-dir"])
        .arg(&empty)
        .output()
        .expect("run");
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("no store here"));
    assert!(!empty.join("kiosk.db").exists() && !empty.join("store.key").exists());
    let _ = std::fs::remove_dir_all(&dir);
}

/// An X server for a window of the simulated terminal (its desktop backend), on a display of its own.
struct Xvfb {
    child: std::process::Child,
    display: String,
}

impl Xvfb {
    fn start() -> Xvfb {
        for n in 0..20 {
            let display = format!(":{}", 70 + (std::process::id() as usize + n) % 200);
            let lock = format!("/tmp/.X{}-lock", &display[1..]);
            if std::path::Path::new(&lock).exists() {
                continue;
            }
            let mut child = Command::new("Xvfb")
                .args([
                    display.as_str(),
                    "-screen",
                    "0",
                    "1920x1080x24",
                    "-nolisten",
                    "tcp",
                ])
                .stdout(std::process::Stdio::null())
                .stderr(std::process::Stdio::null())
                .spawn()
                .expect("Xvfb (scripts/system-packages installs xvfb)");
            let socket = format!("/tmp/.X11-unix/X{}", &display[1..]);
            let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
            while std::time::Instant::now() < deadline {
                if std::path::Path::new(&socket).exists() {
                    return Xvfb { child, display };
                }
                if let Ok(Some(_)) = child.try_wait() {
                    break;
                }
                std::thread::sleep(std::time::Duration::from_millis(50));
            }
            let _ = child.kill();
            let _ = child.wait();
        }
        panic!("no X display could be started");
    }
}

impl Drop for Xvfb {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

#[test]
fn under_a_service_manager_the_firmware_says_ready_after_its_first_frame_and_pings_the_watchdog() {
    use std::os::unix::net::UnixDatagram;
    use std::time::{Duration, Instant};
    let x = Xvfb::start();
    let dir = std::env::temp_dir().join(format!("kiosk-cli-notify-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("dir");
    // The socket systemd gives a Type=notify service, and WatchdogSec=0.6s.
    let socket_path = dir.join("notify");
    let socket = UnixDatagram::bind(&socket_path).expect("notify socket");
    socket
        .set_read_timeout(Some(Duration::from_millis(200)))
        .expect("timeout");
    let mut child = kiosk()
        .args(["run", "--simulate", "--data-dir"])
        .arg(dir.join("data"))
        .env("DISPLAY", &x.display)
        .env("NOTIFY_SOCKET", &socket_path)
        .env("WATCHDOG_USEC", "600000")
        .env_remove("WATCHDOG_PID")
        .env_remove("WAYLAND_DISPLAY")
        .stdout(std::process::Stdio::null())
        .stderr(std::fs::File::create(dir.join("stderr")).expect("log"))
        .spawn()
        .expect("kiosk run");
    let mut messages: Vec<(Instant, String)> = Vec::new();
    let mut buf = [0u8; 4096];
    let deadline = Instant::now() + Duration::from_secs(90);
    let mut ready_at = None;
    while Instant::now() < deadline {
        if let Ok(n) = socket.recv(&mut buf) {
            let text = String::from_utf8_lossy(&buf[..n]).to_string();
            if text.contains("READY=1") && ready_at.is_none() {
                ready_at = Some(Instant::now());
            }
            messages.push((Instant::now(), text));
        }
        if ready_at.is_some_and(|t| t.elapsed() > Duration::from_secs(2)) {
            break;
        }
        if let Ok(Some(status)) = child.try_wait() {
            panic!(
                "the firmware ended ({status}): {}",
                std::fs::read_to_string(dir.join("stderr")).unwrap_or_default()
            );
        }
    }
    let _ = child.kill();
    let _ = child.wait();
    let log = std::fs::read_to_string(dir.join("stderr")).unwrap_or_default();
    let ready_at = ready_at.unwrap_or_else(|| panic!("no READY=1 in 90 s: {messages:?}\n{log}"));
    let ready = messages
        .iter()
        .find(|(_, m)| m.contains("READY=1"))
        .map(|(_, m)| m.clone())
        .unwrap_or_default();
    assert!(ready.contains("STATUS="), "{ready}");
    // Pings at a third of the interval (200 ms): about ten in the two seconds after READY; at least five.
    let pings = messages
        .iter()
        .filter(|(t, m)| *t >= ready_at && m.trim() == "WATCHDOG=1")
        .count();
    assert!(pings >= 5, "{pings} pings in 2 s: {messages:?}");
    assert!(log.contains("first frame shown; ready"), "{log}");
    let _ = std::fs::remove_dir_all(&dir);
}
