//! The terminal's image updates through RAUC: which slot is running and how the other one stands, marking the
//! running slot good once the firmware has passed its self-test (so that U-Boot stops counting its tries), and
//! installing a bundle with its progress for the maintenance menu.
//!
//! The firmware asks RAUC through `rauc`, its command-line client, which talks to the RAUC service over D-Bus:
//! the same service and the same Progress property as a D-Bus client of our own would see, without a D-Bus stack
//! in the firmware. The parsing below is pure (no I/O) and tested on RAUC's real output.

use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::Stdio;
use tokio::io::{AsyncBufReadExt, BufReader};

/// Where a technician's USB stick is mounted (the image's udev rule mounts it read-only).
pub const USB_MOUNT: &str = "/media/usb";

/// A bundle's file name ends so; RAUC refuses others.
const BUNDLE_SUFFIX: &str = ".raucb";

#[derive(Debug, thiserror::Error, Clone, PartialEq, Eq)]
pub enum RaucError {
    #[error("RAUC is not installed on this system ({0})")]
    NotInstalled(String),
    #[error("{0}")]
    Refused(String),
    #[error("RAUC's answer is unreadable: {0}")]
    Unreadable(String),
}

/// How to reach RAUC: its client program, with the environment it needs (none on the terminal, where it talks
/// to the service on the system bus; a private bus in tests).
#[derive(Clone, Debug)]
pub struct Rauc {
    program: PathBuf,
    env: Vec<(String, String)>,
}

/// One slot as `rauc status` reports it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Slot {
    pub name: String,
    pub bootname: String,
    /// booted, active or inactive.
    pub state: String,
    /// good or bad (U-Boot's view: bad until marked good or while out of tries).
    pub boot_status: String,
    pub bundle_version: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Status {
    pub compatible: String,
    pub booted: String,
    pub slots: Vec<Slot>,
}

impl Status {
    /// The root file system slots other than the booted one (the one an update goes to).
    pub fn others(&self) -> impl Iterator<Item = &Slot> {
        self.slots
            .iter()
            .filter(|s| s.bootname != self.booted && s.name.starts_with("rootfs"))
    }

    fn booted_slot(&self) -> Option<&Slot> {
        self.slots.iter().find(|s| s.bootname == self.booted)
    }

    /// The booted slot in a line: `booted A, boot status good, bundle 0.2.0 (kiosk-rpi4)`; a slot written by
    /// flashing the SD card rather than by RAUC has no bundle: "factory image".
    pub fn summary(&self) -> String {
        let booted = self.booted_slot();
        format!(
            "booted {}, boot status {}, bundle {} ({})",
            self.booted,
            booted.map_or("?", |s| s.boot_status.as_str()),
            booted
                .and_then(|s| s.bundle_version.as_deref())
                .unwrap_or("出厂镜像 factory image"),
            self.compatible
        )
    }

    /// The other slots in a line: `B: inactive, bad, bundle 0.1.0`.
    pub fn others_summary(&self) -> String {
        let parts: Vec<String> = self
            .others()
            .map(|s| {
                format!(
                    "{}: {}, {}, bundle {}",
                    s.bootname,
                    s.state,
                    s.boot_status,
                    s.bundle_version.as_deref().unwrap_or("—")
                )
            })
            .collect();
        if parts.is_empty() {
            "—".into()
        } else {
            parts.join("; ")
        }
    }
}

/// `rauc status --detailed --output-format=json`, read.
pub fn parse_status(json: &[u8]) -> Result<Status, RaucError> {
    let v: Value =
        serde_json::from_slice(json).map_err(|e| RaucError::Unreadable(e.to_string()))?;
    let text = |v: &Value| v.as_str().map(str::to_string);
    let booted =
        text(&v["booted"]).ok_or_else(|| RaucError::Unreadable("no booted slot".into()))?;
    // The slots are a list of one-key objects: [{"rootfs.0": {...}}, …].
    let slots = v["slots"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(Value::as_object)
        .flat_map(|o| o.iter())
        .map(|(name, s)| Slot {
            name: name.clone(),
            bootname: text(&s["bootname"]).unwrap_or_default(),
            state: text(&s["state"]).unwrap_or_else(|| "?".into()),
            boot_status: text(&s["boot_status"]).unwrap_or_else(|| "?".into()),
            bundle_version: text(&s["slot_status"]["bundle"]["version"]),
        })
        .collect();
    Ok(Status {
        compatible: text(&v["compatible"]).unwrap_or_else(|| "?".into()),
        booted,
        slots,
    })
}

/// A step of an installation: RAUC's Progress property as its client prints it (`` 40% Checking bundle``).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Progress {
    pub percent: u8,
    pub message: String,
}

/// What one line of `rauc install`'s output says.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum InstallLine {
    Progress(Progress),
    /// `LastError: …`: why the installation failed.
    Error(String),
    /// Operation changes (`installing`, `idle`) and the closing line.
    Other,
}

pub fn parse_install_line(line: &str) -> InstallLine {
    let line = line.trim();
    if let Some(e) = line.strip_prefix("LastError:") {
        return InstallLine::Error(e.trim().to_string());
    }
    let Some((number, message)) = line.split_once("% ") else {
        return InstallLine::Other;
    };
    match number.trim().parse::<u8>() {
        Ok(p) if p <= 100 => InstallLine::Progress(Progress {
            percent: p,
            message: message.trim().to_string(),
        }),
        _ => InstallLine::Other,
    }
}

/// The newest bundle in the first of `dirs` that has one (a USB stick before the data partition's folder).
pub fn find_bundle(dirs: &[PathBuf]) -> Option<PathBuf> {
    dirs.iter().find_map(|d| {
        std::fs::read_dir(d)
            .ok()?
            .filter_map(Result::ok)
            .filter(|e| e.file_name().to_string_lossy().ends_with(BUNDLE_SUFFIX))
            .filter(|e| e.file_type().is_ok_and(|t| t.is_file()))
            .max_by_key(|e| e.metadata().and_then(|m| m.modified()).ok())
            .map(|e| e.path())
    })
}

/// Where the maintenance menu looks for bundles on a terminal whose data lives in `data_dir`.
pub fn bundle_dirs(data_dir: &Path) -> Vec<PathBuf> {
    vec![PathBuf::from(USB_MOUNT), data_dir.join("updates")]
}

impl Rauc {
    /// RAUC as the terminal has it: `rauc` on the PATH, the service on the system bus.
    pub fn system() -> Rauc {
        Rauc {
            program: "rauc".into(),
            env: Vec::new(),
        }
    }

    /// Another client program or environment (a private D-Bus in tests: `DBUS_STARTER_BUS_TYPE=session` with
    /// its `DBUS_SESSION_BUS_ADDRESS`).
    pub fn with(program: impl Into<PathBuf>, env: Vec<(String, String)>) -> Rauc {
        Rauc {
            program: program.into(),
            env,
        }
    }

    fn command(&self) -> std::process::Command {
        let mut c = std::process::Command::new(&self.program);
        c.envs(self.env.iter().map(|(k, v)| (k, v)))
            .stdin(Stdio::null());
        c
    }

    fn run(&self, args: &[&str]) -> Result<Vec<u8>, RaucError> {
        let out = self
            .command()
            .args(args)
            .output()
            .map_err(|e| RaucError::NotInstalled(e.to_string()))?;
        if out.status.success() {
            Ok(out.stdout)
        } else {
            Err(RaucError::Refused(last_words(&out.stderr, &out.stdout)))
        }
    }

    /// The slots and which one runs. Blocking: call it off the UI thread.
    pub fn status(&self) -> Result<Status, RaucError> {
        parse_status(&self.run(&["status", "--detailed", "--output-format=json"])?)
    }

    /// Marks the booted slot good: U-Boot gets its tries back and keeps booting it. Blocking.
    pub fn mark_good(&self) -> Result<String, RaucError> {
        let out = self.run(&["status", "mark-good"])?;
        Ok(String::from_utf8_lossy(&out).trim().to_string())
    }

    /// Installs `bundle` into the other slot, calling `progress` for each step; RAUC checks the signature and
    /// the compatible first. The new slot is booted at the next reboot.
    pub async fn install(
        &self,
        bundle: &Path,
        mut progress: impl FnMut(Progress),
    ) -> Result<(), RaucError> {
        let mut child = tokio::process::Command::from(self.command())
            .arg("install")
            .arg(bundle)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .kill_on_drop(true)
            .spawn()
            .map_err(|e| RaucError::NotInstalled(e.to_string()))?;
        let mut last_error = None;
        if let Some(out) = child.stdout.take() {
            let mut lines = BufReader::new(out).lines();
            while let Ok(Some(line)) = lines.next_line().await {
                match parse_install_line(&line) {
                    InstallLine::Progress(p) => progress(p),
                    InstallLine::Error(e) => last_error = Some(e),
                    InstallLine::Other => {}
                }
            }
        }
        let out = child
            .wait_with_output()
            .await
            .map_err(|e| RaucError::Refused(e.to_string()))?;
        if out.status.success() {
            Ok(())
        } else {
            Err(RaucError::Refused(
                last_error.unwrap_or_else(|| last_words(&out.stderr, &out.stdout)),
            ))
        }
    }
}

/// RAUC's reason for refusing a bundle, with what it means for a technician in front of the terminal.
pub fn explain(error: &RaucError) -> String {
    let text = error.to_string();
    let lower = text.to_lowercase();
    // A damaged file first: its message may mention the signature it could not find.
    let meaning = if lower.contains("bundle format")
        || lower.contains("bundle size")
        || lower.contains("squashfs")
    {
        "文件不是完整的更新包 not a whole update bundle (copy it again)"
    } else if lower.contains("signature") || lower.contains("verify error") {
        "签名不受信任：不是本区签发的更新包 not signed by the district's key"
    } else if lower.contains("compatible") {
        "不是本终端的更新包 made for another kind of terminal"
    } else if matches!(error, RaucError::NotInstalled(_)) {
        "系统没有 RAUC no RAUC on this system"
    } else {
        return text;
    };
    format!("{meaning}: {text}")
}

/// The last line RAUC wrote, without GLib's warning prefixes, for a message on the screen.
fn last_words(stderr: &[u8], stdout: &[u8]) -> String {
    let text = |b: &[u8]| String::from_utf8_lossy(b).to_string();
    let pick = |s: String| {
        s.lines()
            .map(str::trim)
            .rfind(|l| !l.is_empty() && !l.contains("rauc-WARNING"))
            .map(str::to_string)
    };
    pick(text(stderr))
        .or_else(|| pick(text(stdout)))
        .unwrap_or_else(|| "RAUC failed without a word".into())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `rauc status --output-format=json` of RAUC 1.8 on two file slots (noop boot loader).
    const STATUS: &[u8] = br#"{"compatible":"kiosk-rpi4","variant":"","booted":"A","boot_primary":null,"slots":[{"rootfs.1":{"class":"rootfs","device":"/tmp/rx/slotB.img","type":"raw","bootname":"B","state":"inactive","parent":null,"mountpoint":null,"boot_status":"bad"}},{"rootfs.0":{"class":"rootfs","device":"/tmp/rx/slotA.img","type":"raw","bootname":"A","state":"booted","parent":null,"mountpoint":null,"boot_status":"good","slot_status":{"bundle":{"version":"0.1.0"}}}}]}"#;

    #[test]
    fn status_in_lines() {
        let s = parse_status(STATUS).expect("status");
        assert_eq!(s.booted, "A");
        assert_eq!(s.slots.len(), 2);
        assert_eq!(
            s.summary(),
            "booted A, boot status good, bundle 0.1.0 (kiosk-rpi4)"
        );
        assert_eq!(s.others_summary(), "B: inactive, bad, bundle —");
        assert!(matches!(
            parse_status(b"not json"),
            Err(RaucError::Unreadable(_))
        ));
        assert!(matches!(parse_status(b"{}"), Err(RaucError::Unreadable(_))));
    }

    #[test]
    fn install_output_read_line_by_line() {
        // RAUC 1.8's `rauc install` of a good and of a broken bundle.
        assert_eq!(
            parse_install_line(" 90% Copying image to rootfs.1"),
            InstallLine::Progress(Progress {
                percent: 90,
                message: "Copying image to rootfs.1".into()
            })
        );
        assert_eq!(
            parse_install_line("100% Installing done."),
            InstallLine::Progress(Progress {
                percent: 100,
                message: "Installing done.".into()
            })
        );
        assert_eq!(
            parse_install_line(
                "LastError: Invalid bundle format: Signature size exceeds bundle size"
            ),
            InstallLine::Error("Invalid bundle format: Signature size exceeds bundle size".into())
        );
        for other in [
            "installing",
            "idle",
            "Installing `/tmp/b.raucb` succeeded",
            "250% nonsense",
            "x% y",
            "",
        ] {
            assert_eq!(parse_install_line(other), InstallLine::Other, "{other}");
        }
    }

    #[test]
    fn the_newest_bundle_of_the_first_folder_that_has_one() {
        let root = std::env::temp_dir().join(format!("kiosk-bundles-{}", std::process::id()));
        let (usb, data) = (root.join("usb"), root.join("updates"));
        std::fs::create_dir_all(&usb).expect("dir");
        std::fs::create_dir_all(&data).expect("dir");
        std::fs::write(data.join("kiosk-0.2.0.raucb"), b"x").expect("write");
        std::fs::write(usb.join("notes.txt"), b"x").expect("write");
        let dirs = vec![usb.clone(), data.clone(), root.join("missing")];
        assert_eq!(find_bundle(&dirs), Some(data.join("kiosk-0.2.0.raucb")));
        std::fs::write(usb.join("kiosk-0.3.0.raucb"), b"x").expect("write");
        assert_eq!(find_bundle(&dirs), Some(usb.join("kiosk-0.3.0.raucb")));
        assert_eq!(find_bundle(&[root.join("missing")]), None);
        let _ = std::fs::remove_dir_all(&root);
    }

    #[test]
    fn a_missing_client_is_said_plainly() {
        let r = Rauc::with("/nonexistent/rauc", Vec::new());
        assert!(matches!(r.status(), Err(RaucError::NotInstalled(_))));
        assert!(matches!(r.mark_good(), Err(RaucError::NotInstalled(_))));
    }

    #[test]
    fn refusals_are_explained_for_the_technician() {
        let e = |s: &str| explain(&RaucError::Refused(s.into()));
        assert!(
            e("signature verification failed: Verify error: self-signed certificate")
                .starts_with("签名不受信任")
        );
        assert!(
            e("Compatible mismatch: Expected 'kiosk-rpi4' but bundle manifest has 'other'")
                .starts_with("不是本终端的更新包")
        );
        assert!(e(
            "Invalid bundle format: Signature size (7449361025514038538) exceeds bundle size"
        )
        .starts_with("文件不是完整的更新包"));
        assert_eq!(e("disk full"), "disk full");
        assert!(
            explain(&RaucError::NotInstalled("No such file".into())).starts_with("系统没有 RAUC")
        );
    }

    #[test]
    fn last_words_skip_glib_warnings() {
        let err =
            b"\n(rauc:1): rauc-WARNING **: Failed getting primary slot\nNo such file: /x.raucb\n";
        assert_eq!(last_words(err, b""), "No such file: /x.raucb");
        assert_eq!(last_words(b"", b""), "RAUC failed without a word");
    }
}
