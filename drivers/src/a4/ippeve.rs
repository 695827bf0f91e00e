//! A real IPP Everywhere printer for tests and benchmarks: CUPS's `ippeveprinter` (Debian package
//! cups-ipp-utils) on a free loopback port, keeping every document it is sent in a spool folder. It needs a
//! system D-Bus and avahi-daemon running (it refuses to start without DNS-SD); `scripts/test` starts them.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

pub struct IppEvePrinter {
    child: Child,
    port: u16,
    spool: PathBuf,
}

impl Drop for IppEvePrinter {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        let _ = std::fs::remove_dir_all(&self.spool);
        let _ = std::fs::remove_file(self.spool.with_extension("log"));
    }
}

impl IppEvePrinter {
    /// Starts one; waits until it answers (at most 10 s). The error says what to install or start.
    ///
    /// ippeveprinter cannot be told to pick its own port and say it, so a free one is chosen here; when another
    /// process takes it before ippeveprinter binds it ("Address already in use"), another port is tried.
    pub fn start(name: &str) -> Result<Self, String> {
        let mut last = String::new();
        for _ in 0..5 {
            match Self::start_on_a_free_port(name)? {
                Ok(p) => return Ok(p),
                Err(taken) => last = taken,
            }
        }
        Err(format!(
            "ippeveprinter found no free port in 5 tries: {last}"
        ))
    }

    /// `Ok(Err(log))` when the port was taken before ippeveprinter bound it.
    fn start_on_a_free_port(name: &str) -> Result<Result<Self, String>, String> {
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .map_err(|e| format!("no free port: {e}"))?
            .port();
        let spool = std::env::temp_dir().join(format!("ippeve-{}-{port}", std::process::id()));
        std::fs::create_dir_all(&spool).map_err(|e| format!("{}: {e}", spool.display()))?;
        let log = std::fs::File::create(spool.with_extension("log"))
            .map_err(|e| format!("log file: {e}"))?;
        let child = Command::new(find().ok_or(
            "ippeveprinter not found: install the Debian package cups-ipp-utils (scripts/test does)",
        )?)
        .args(["-p", &port.to_string(), "-d"])
        .arg(&spool)
        .args(["-k", "-f", "application/pdf", "-r", "off", name])
        .stdout(Stdio::null())
        .stderr(Stdio::from(log))
        .spawn()
        .map_err(|e| format!("ippeveprinter did not start: {e}"))?;
        let mut p = Self { child, port, spool };
        for _ in 0..100 {
            let answers = std::net::TcpStream::connect(("127.0.0.1", port)).is_ok();
            // Whoever answers, ippeveprinter must still be running: it exits when it could not bind.
            match p.child.try_wait() {
                Ok(None) if answers => return Ok(Ok(p)),
                Ok(Some(status)) => {
                    let log =
                        std::fs::read_to_string(p.spool.with_extension("log")).unwrap_or_default();
                    if log.contains("Address already in use") {
                        return Ok(Err(log.trim().to_string()));
                    }
                    return Err(format!(
                        "ippeveprinter exited ({status}): {}\n(it needs a system D-Bus and avahi-daemon running; scripts/services starts them)",
                        log.trim()
                    ));
                }
                _ => {}
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        Err("ippeveprinter did not listen within 10 s".into())
    }

    pub fn uri(&self) -> String {
        format!("ipp://127.0.0.1:{}/ipp/print", self.port)
    }

    pub fn spool(&self) -> &Path {
        &self.spool
    }

    /// The documents it kept, oldest first.
    pub fn documents(&self) -> Vec<Vec<u8>> {
        let mut files: Vec<PathBuf> = std::fs::read_dir(&self.spool)
            .map(|d| d.filter_map(|e| e.ok()).map(|e| e.path()).collect())
            .unwrap_or_default();
        // Files are named `<job-id>-<name>.pdf`.
        files.sort_by_key(|p| {
            p.file_name()
                .and_then(|n| n.to_str())
                .and_then(|n| n.split('-').next())
                .and_then(|n| n.parse::<u32>().ok())
                .unwrap_or(u32::MAX)
        });
        files.iter().filter_map(|f| std::fs::read(f).ok()).collect()
    }

    pub fn pid(&self) -> u32 {
        self.child.id()
    }
}

fn find() -> Option<PathBuf> {
    ["/usr/sbin/ippeveprinter", "/usr/bin/ippeveprinter"]
        .iter()
        .map(PathBuf::from)
        .find(|p| p.exists())
}
