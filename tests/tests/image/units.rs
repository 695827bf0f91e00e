//! Staging the image's units for `systemd-analyze verify` and reading its udev rules.

use super::*;

/// A root with the host's systemd units, the image's overlay and units, and stand-ins for the programs the
/// units run, for `systemd-analyze verify --root`.
pub(crate) fn staged_root(dir: &Path) -> PathBuf {
    let root = dir.join("root");
    let units = root.join("usr/lib/systemd/system");
    std::fs::create_dir_all(&units).expect("dir");
    let host_units = ["/usr/lib/systemd/system", "/lib/systemd/system"]
        .into_iter()
        .find(|d| Path::new(d).join("sysinit.target").exists())
        .expect("the host's systemd units (scripts/system-packages installs systemd)");
    let copied = Command::new("cp")
        .args([
            "-a",
            &format!("{host_units}/."),
            &units.display().to_string(),
        ])
        .status()
        .expect("cp");
    assert!(copied.success());
    let overlay = Command::new("cp")
        .args([
            "-a",
            &format!("{}/.", board("rootfs-overlay").display()),
            &root.display().to_string(),
        ])
        .status()
        .expect("cp");
    assert!(overlay.success());
    std::fs::copy(
        tree("package/kiosk/kiosk.service"),
        units.join("kiosk.service"),
    )
    .expect("unit");
    for (stand_in, real) in [
        ("usr/bin/kiosk", "/bin/true"),
        ("bin/mkdir", "/bin/mkdir"),
        ("bin/mount", "/bin/mount"),
    ] {
        let p = root.join(stand_in);
        std::fs::create_dir_all(p.parent().expect("dir")).expect("dir");
        std::fs::copy(real, &p).expect("stand-in");
    }
    root
}

pub(crate) fn verify(root: &Path, units: &[&str]) -> String {
    let out = Command::new("systemd-analyze")
        .arg("verify")
        .arg(format!("--root={}", root.display()))
        .args(units)
        .current_dir(root)
        .output()
        .expect("systemd-analyze (scripts/system-packages installs systemd)");
    let mut said = String::from_utf8_lossy(&out.stderr).to_string();
    said.push_str(&String::from_utf8_lossy(&out.stdout));
    if !out.status.success() {
        said.push_str(&format!("\nexit {}", out.status));
    }
    said.trim().to_string()
}

/// A udev rule's key-operator-value triples; an error names what is wrong.
pub(crate) fn udev_rule(line: &str) -> Result<Vec<(String, String, String)>, String> {
    const MATCH: &[&str] = &[
        "ACTION",
        "DEVPATH",
        "KERNEL",
        "KERNELS",
        "NAME",
        "SYMLINK",
        "SUBSYSTEM",
        "SUBSYSTEMS",
        "DRIVER",
        "DRIVERS",
        "ATTR",
        "ATTRS",
        "ENV",
        "TAG",
        "TEST",
        "PROGRAM",
        "RESULT",
    ];
    const ASSIGN: &[&str] = &[
        "NAME", "SYMLINK", "OWNER", "GROUP", "MODE", "ATTR", "ENV", "TAG", "RUN", "LABEL", "GOTO",
        "OPTIONS",
    ];
    let mut out = Vec::new();
    let mut rest = line.trim();
    while !rest.is_empty() {
        let key_end = rest
            .find(['=', '!', '+', ':', '-'])
            .ok_or_else(|| format!("no operator in {rest:?}"))?;
        let key = rest[..key_end].trim();
        let after = &rest[key_end..];
        let op = ["==", "!=", "+=", "-=", ":=", "="]
            .into_iter()
            .find(|o| after.starts_with(o))
            .ok_or_else(|| format!("bad operator after {key:?}"))?;
        let value_part = after[op.len()..].trim_start();
        let body = value_part
            .strip_prefix('"')
            .ok_or_else(|| format!("{key}: the value is not quoted"))?;
        let close = body
            .find('"')
            .ok_or_else(|| format!("{key}: unclosed quote"))?;
        let value = &body[..close];
        let base = key.split('{').next().unwrap_or(key);
        if key.contains('{') && !key.ends_with('}') {
            return Err(format!("{key}: unclosed brace"));
        }
        let is_match = op == "==" || op == "!=";
        let allowed = if is_match { MATCH } else { ASSIGN };
        if !allowed.contains(&base) {
            return Err(format!("{key} {op}: not a udev key for this operator"));
        }
        out.push((key.to_string(), op.to_string(), value.to_string()));
        rest = body[close + 1..].trim_start();
        rest = rest.strip_prefix(',').unwrap_or(rest).trim_start();
    }
    if !out.iter().any(|(_, op, _)| op == "==" || op == "!=")
        || !out.iter().any(|(_, op, _)| op != "==" && op != "!=")
    {
        return Err("a rule needs a match and an assignment".into());
    }
    Ok(out)
}
