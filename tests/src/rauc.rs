//! A real RAUC service for the tests: Debian's `rauc` on a private D-Bus session bus, with the image's
//! `system.conf` turned to this machine (slots in files, the no-op boot loader, plain bundles: this machine's
//! kernel has no dm-verity), so that the firmware's RAUC code runs against the RAUC a terminal runs.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

pub fn repo(path: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..").join(path)
}

/// The image's board folder (buildroot/board/kiosk-rpi4).
pub fn board(path: &str) -> PathBuf {
    repo("buildroot/board/kiosk-rpi4").join(path)
}

pub struct RaucService {
    dbus: Child,
    service: Child,
    pub address: String,
    pub dir: PathBuf,
    /// The slots' files, A (booted) and B.
    pub slots: [PathBuf; 2],
    pub log: PathBuf,
}

impl RaucService {
    /// RAUC with the image's system.conf, slot A booted, in `dir`.
    pub fn start(dir: &Path) -> RaucService {
        std::fs::create_dir_all(dir.join("mnt")).expect("mount prefix");
        let slots = [dir.join("slot-a.img"), dir.join("slot-b.img")];
        for s in &slots {
            std::fs::write(s, vec![0u8; 8 << 20]).expect("slot file");
        }
        let image_conf = std::fs::read_to_string(board("rootfs-overlay/etc/rauc/system.conf"))
            .expect("system.conf");
        let conf = image_conf
            .lines()
            .map(|l| match l.split_once('=') {
                Some(("bootloader", _)) => "bootloader=noop".to_string(),
                Some(("bundle-formats", _)) => "bundle-formats=plain".to_string(),
                Some(("statusfile", _)) => format!("statusfile={}", dir.join("status").display()),
                Some(("path", _)) => format!("path={}", board("rauc/dev-ca.cert.pem").display()),
                Some(("device", "/dev/mmcblk0p2")) => format!("device={}", slots[0].display()),
                Some(("device", "/dev/mmcblk0p3")) => format!("device={}", slots[1].display()),
                Some(("type", "ext4")) => "type=raw".to_string(),
                _ => l.to_string(),
            })
            .collect::<Vec<_>>()
            .join("\n");
        let conf_path = dir.join("system.conf");
        std::fs::write(&conf_path, conf).expect("test system.conf");

        let mut dbus = Command::new("dbus-daemon")
            .args(["--session", "--nofork", "--print-address=1"])
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("dbus-daemon (scripts/system-packages installs dbus)");
        let mut address = String::new();
        BufReader::new(dbus.stdout.take().expect("stdout"))
            .read_line(&mut address)
            .expect("the bus address");
        let address = address.trim().to_string();
        let log = dir.join("rauc-service.log");
        let service = Command::new("rauc")
            .arg(format!("--conf={}", conf_path.display()))
            .arg(format!("--mount={}", dir.join("mnt").display()))
            .args(["service", "--override-boot-slot=A"])
            .envs(session_env(&address))
            .stdout(std::fs::File::create(&log).expect("log"))
            .stderr(
                std::fs::File::options()
                    .append(true)
                    .open(&log)
                    .expect("log"),
            )
            .spawn()
            .expect("rauc (scripts/system-packages installs it)");
        let r = RaucService {
            dbus,
            service,
            address,
            dir: dir.to_path_buf(),
            slots,
            log,
        };
        let deadline = Instant::now() + Duration::from_secs(20);
        while !r
            .command()
            .arg("status")
            .output()
            .is_ok_and(|o| o.status.success())
        {
            assert!(
                Instant::now() < deadline,
                "the RAUC service did not come up: {}",
                r.service_log()
            );
            std::thread::sleep(Duration::from_millis(100));
        }
        r
    }

    /// The environment that points RAUC's client at this service.
    pub fn env(&self) -> Vec<(String, String)> {
        session_env(&self.address)
    }

    /// `rauc` talking to this service.
    pub fn command(&self) -> Command {
        let mut c = Command::new("rauc");
        c.envs(self.env());
        c
    }

    pub fn service_log(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }
}

fn session_env(address: &str) -> Vec<(String, String)> {
    vec![
        ("DBUS_STARTER_BUS_TYPE".into(), "session".into()),
        ("DBUS_SESSION_BUS_ADDRESS".into(), address.into()),
    ]
}

impl Drop for RaucService {
    fn drop(&mut self) {
        let _ = self.service.kill();
        let _ = self.service.wait();
        let _ = self.dbus.kill();
        let _ = self.dbus.wait();
    }
}

/// A bundle made by the image's make-bundle.sh (the script the Buildroot build runs), of `rootfs`.
pub fn make_bundle(
    rootfs: &Path,
    version: &str,
    out: &Path,
    env: &[(&str, &str)],
) -> std::process::Output {
    Command::new(board("make-bundle.sh"))
        .args([rootfs.as_os_str(), version.as_ref(), out.as_os_str()])
        .envs(env.iter().copied())
        .output()
        .expect("make-bundle.sh")
}

/// A bundle of `rootfs` signed by a key nobody trusts (a throwaway self-signed certificate made in `dir`), as an
/// attacker or a careless vendor would make it; `extra` adds to make-bundle.sh's environment.
pub fn stranger_bundle(
    rootfs: &Path,
    version: &str,
    out: &Path,
    dir: &Path,
    extra: &[(&str, &str)],
) {
    let (key, cert) = (dir.join("stranger.key"), dir.join("stranger.pem"));
    let made = Command::new("openssl")
        .args([
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-days",
            "1",
            "-subj",
            "/CN=stranger",
        ])
        .arg("-keyout")
        .arg(&key)
        .arg("-out")
        .arg(&cert)
        .output()
        .expect("openssl");
    assert!(
        made.status.success(),
        "{}",
        String::from_utf8_lossy(&made.stderr)
    );
    let (k, c) = (key.display().to_string(), cert.display().to_string());
    let mut env = vec![
        ("KIOSK_RAUC_KEY", k.as_str()),
        ("KIOSK_RAUC_CERT", c.as_str()),
        ("KIOSK_RAUC_KEYRING", c.as_str()),
    ];
    env.extend_from_slice(extra);
    let made = make_bundle(rootfs, version, out, &env);
    assert!(
        made.status.success(),
        "{}",
        String::from_utf8_lossy(&made.stderr)
    );
}
