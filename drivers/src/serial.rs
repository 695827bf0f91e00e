//! The serial transport every serial device class drives, and the pseudo-terminal its simulator plays on.

use crate::codec::Decoder;
use crate::error::DeviceError;
use std::path::{Path, PathBuf};
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::time::Instant;
use tokio_serial::{ClearBuffer, SerialPort, SerialPortBuilderExt, SerialStream};

/// Line speeds a serial device may be set to, fastest first: the order vendor SDKs try them in.
pub const LINE_SPEEDS: [u32; 5] = [115_200, 57_600, 38_400, 19_200, 9_600];

/// Bytes read from the port but not yet taken by a decoder. Bounded: a decoder takes bytes as soon as it can.
const READ_CHUNK: usize = 4096;

/// Time the bytes take on the wire at `baud` with 8N1 framing (10 bits a byte).
pub fn wire_time(bytes: usize, baud: u32) -> Duration {
    Duration::from_secs_f64(bytes as f64 * 10.0 / f64::from(baud.max(1)))
}

/// One serial port: opened on demand, closed after an I/O error so the next use reopens it (a USB adapter
/// that was unplugged and plugged back comes back under the same by-id path).
pub struct Link {
    path: String,
    baud: u32,
    port: Option<SerialStream>,
    pending: Vec<u8>,
}

impl Link {
    pub fn new(path: impl Into<String>, baud: u32) -> Self {
        Self {
            path: path.into(),
            baud,
            port: None,
            pending: Vec::with_capacity(READ_CHUNK),
        }
    }

    pub fn path(&self) -> &str {
        &self.path
    }

    pub fn baud(&self) -> u32 {
        self.baud
    }

    pub fn is_open(&self) -> bool {
        self.port.is_some()
    }

    fn disconnected(&self, reason: impl ToString) -> DeviceError {
        DeviceError::NotConnected {
            path: self.path.clone(),
            reason: reason.to_string(),
        }
    }

    /// Opens the port if it is not open. Must run inside the tokio runtime.
    pub fn open(&mut self) -> Result<(), DeviceError> {
        if self.port.is_some() {
            return Ok(());
        }
        let port = tokio_serial::new(&self.path, self.baud)
            .open_native_async()
            .map_err(|e| {
                let hint = match e.kind {
                    tokio_serial::ErrorKind::NoDevice => {
                        "not found: check the cable, the udev rule and the profile's port"
                    }
                    tokio_serial::ErrorKind::Io(std::io::ErrorKind::NotFound) => {
                        "not found: check the cable, the udev rule and the profile's port"
                    }
                    tokio_serial::ErrorKind::Io(std::io::ErrorKind::PermissionDenied) => {
                        "permission denied: the kiosk user needs the dialout group"
                    }
                    _ => "cannot be opened",
                };
                self.disconnected(format!("{hint} ({e})"))
            })?;
        self.pending.clear();
        self.port = Some(port);
        Ok(())
    }

    pub fn close(&mut self) {
        self.port = None;
        self.pending.clear();
    }

    /// Changes the line speed (also of an open port).
    pub fn set_baud(&mut self, baud: u32) -> Result<(), DeviceError> {
        self.baud = baud;
        if let Some(port) = self.port.as_mut() {
            if let Err(e) = port.set_baud_rate(baud) {
                let err = self.disconnected(format!("cannot set {baud} baud: {e}"));
                self.close();
                return Err(err);
            }
        }
        Ok(())
    }

    /// Drops whatever the device sent that nobody asked for.
    pub fn discard_input(&mut self) {
        self.pending.clear();
        if let Some(port) = self.port.as_mut() {
            // A failure here shows up as an error on the next read; nothing to do now.
            let _ = port.clear(ClearBuffer::Input);
        }
    }

    pub async fn send(&mut self, bytes: &[u8]) -> Result<(), DeviceError> {
        self.open()?;
        let Some(port) = self.port.as_mut() else {
            return Err(self.disconnected("not open"));
        };
        let result = async {
            port.write_all(bytes).await?;
            port.flush().await
        }
        .await;
        if let Err(e) = result {
            let err = self.disconnected(format!("write failed: {e}"));
            self.close();
            return Err(err);
        }
        Ok(())
    }

    /// Reads until `decoder` completes a frame or an error, or `timeout` passes.
    pub async fn receive<D: Decoder>(
        &mut self,
        decoder: &mut D,
        timeout: Duration,
    ) -> Result<Result<D::Frame, D::Error>, DeviceError> {
        self.receive_until(decoder, Instant::now() + timeout).await
    }

    pub async fn receive_until<D: Decoder>(
        &mut self,
        decoder: &mut D,
        deadline: Instant,
    ) -> Result<Result<D::Frame, D::Error>, DeviceError> {
        self.open()?;
        let started = Instant::now();
        let mut chunk = [0u8; READ_CHUNK];
        loop {
            if !self.pending.is_empty() {
                let (used, item) = decoder.feed(&self.pending);
                self.pending.drain(..used.min(self.pending.len()));
                if let Some(item) = item {
                    return Ok(item);
                }
                if used > 0 {
                    continue;
                }
            }
            let Some(port) = self.port.as_mut() else {
                return Err(self.disconnected("not open"));
            };
            let read = match tokio::time::timeout_at(deadline, port.read(&mut chunk)).await {
                Err(_) => {
                    return Err(DeviceError::Timeout(
                        (Instant::now() - started).as_millis() as u64
                    ))
                }
                Ok(r) => r,
            };
            match read {
                Ok(0) => {
                    let err = self.disconnected("the device went away (end of file)");
                    self.close();
                    return Err(err);
                }
                Ok(n) => self.pending.extend_from_slice(&chunk[..n]),
                Err(e) => {
                    let err = self.disconnected(format!("read failed: {e}"));
                    self.close();
                    return Err(err);
                }
            }
        }
    }
}

/// The device side of a simulated serial device: a pseudo-terminal pair whose terminal side is reachable under a
/// stable path (a symbolic link, as udev's `/dev/serial/by-id/…` links are), so a driver opens it like hardware.
pub struct SimPort {
    pub master: SerialStream,
    link: PathBuf,
}

impl SimPort {
    /// Makes a new pty pair and points `link` at its terminal side, replacing an older link.
    pub fn create(link: &Path) -> std::io::Result<Self> {
        let (master, slave) = SerialStream::pair().map_err(std::io::Error::other)?;
        let name = slave
            .name()
            .ok_or_else(|| std::io::Error::other("the pseudo-terminal has no name"))?;
        if let Some(dir) = link.parent() {
            std::fs::create_dir_all(dir)?;
        }
        match std::fs::remove_file(link) {
            Err(e) if e.kind() != std::io::ErrorKind::NotFound => return Err(e),
            _ => {}
        }
        std::os::unix::fs::symlink(&name, link)?;
        // The driver opens the terminal side by path, exclusively, as it would a real port; until it does, reads
        // on the master fail with EIO, which the simulators wait out.
        drop(slave);
        Ok(Self {
            master,
            link: link.to_path_buf(),
        })
    }

    pub fn link(&self) -> &Path {
        &self.link
    }

    /// The line speed the driver set on its side, as a real device's UART would have to match it.
    pub fn peer_baud(&self) -> Option<u32> {
        self.master.baud_rate().ok()
    }

    /// "Unplugs" the device: the pty goes away and the link dangles until [`SimPort::create`] is called again.
    pub fn unplug(self) {
        let _ = std::fs::remove_file(&self.link);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_driver_reaches_the_simulator_through_the_link_and_sees_its_baud() {
        let dir = std::env::temp_dir().join(format!("kiosk-serial-test-{}", std::process::id()));
        let link = dir.join("dev");
        let mut sim = SimPort::create(&link).expect("pty");
        let mut driver = Link::new(link.to_string_lossy(), 57_600);
        driver.send(b"hello").await.expect("send");
        let mut buf = [0u8; 5];
        sim.master.read_exact(&mut buf).await.expect("sim reads");
        assert_eq!(&buf, b"hello");
        assert_eq!(sim.peer_baud(), Some(57_600));
        driver.set_baud(9_600).expect("baud");
        assert_eq!(sim.peer_baud(), Some(9_600));
        sim.unplug();
        let _ = std::fs::remove_dir_all(&dir);
    }
}
