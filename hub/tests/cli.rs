//! `kiosk-hub` as a technician uses it: a one-time code for a terminal, a revocation, a database it cannot use.

use std::process::Command;

fn hub(dir: &std::path::Path) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_kiosk-hub"));
    c.arg("--data-dir").arg(dir);
    c
}

#[test]
fn codes_revocations_and_a_database_it_cannot_use() {
    let dir = std::env::temp_dir().join(format!("kiosk-hub-cli-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let out = hub(&dir)
        .args(["enrolment-code", "--terminal", "YP-KJ-0001"])
        .output()
        .expect("run");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let code = String::from_utf8_lossy(&out.stdout).trim().to_string();
    // Ten characters a person reads off one screen and types on another: no 0, O, 1 or I.
    assert_eq!(code.len(), 11, "{code}");
    assert_eq!(&code[5..6], "-");
    assert!(code
        .chars()
        .filter(|c| *c != '-')
        .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit()));
    assert!(!code.contains(['0', 'O', '1', 'I']), "{code}");
    // The code is kept hashed: it is nowhere in the database.
    let db = std::fs::read(dir.join("hub.db")).expect("db");
    let wal = std::fs::read(dir.join("hub.db-wal")).unwrap_or_default();
    for bytes in [&db, &wal] {
        assert!(!bytes.windows(5).any(|w| w == &code.as_bytes()[..5]));
    }
    let out = hub(&dir)
        .args(["revoke", "--terminal", "YP-KJ-0001"])
        .output()
        .expect("run");
    assert!(out.status.success());
    assert!(String::from_utf8_lossy(&out.stdout).contains("0 token(s)"));
    let out = hub(&dir)
        .args([
            "--database",
            "mysql://somewhere/db",
            "revoke",
            "--terminal",
            "X",
        ])
        .output()
        .expect("run");
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("give sqlite://PATH or postgres://"));
    let out = hub(&dir)
        .args([
            "--database",
            "postgres://nobody:secret@127.0.0.1:1/db",
            "revoke",
            "--terminal",
            "X",
        ])
        .output()
        .expect("run");
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success());
    assert!(
        err.contains("cannot open the database postgres://127.0.0.1:1/db"),
        "{err}"
    );
    assert!(!err.contains("secret"), "no password in messages: {err}");
    let _ = std::fs::remove_dir_all(&dir);
}
