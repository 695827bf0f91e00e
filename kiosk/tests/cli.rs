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
