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
    let count: usize = text
        .lines()
        .last()
        .and_then(|l| l.strip_suffix(" items"))
        .and_then(|n| n.parse().ok())
        .unwrap();
    assert!(count >= 30);

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
    let now = kiosk::outbox::now_ms();
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
        s.due(kiosk::outbox::now_ms(), 10).expect("due").len(),
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
