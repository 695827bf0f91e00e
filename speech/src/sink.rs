//! Where speech goes: the sound card (speaker or the 3.5 mm jack), WAV files, or nowhere.

use crate::SpeechError;
use std::io::Write;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};

/// One utterance at a time: `begin`, any number of `write`s, `end`.
pub trait Sink: Send {
    fn begin(&mut self, sample_rate: u32) -> Result<(), SpeechError>;
    fn write(&mut self, samples: &[i16]) -> Result<(), SpeechError>;
    /// Plays out what is buffered, unless `cancelled` says to stop (then drops it at once).
    fn end(&mut self, cancelled: &dyn Fn() -> bool) -> Result<(), SpeechError>;
    /// End of a session: forget anything kept of what was said (spoken personal data included).
    fn forget(&mut self) {}
}

/// Plays through ALSA with `aplay` (alsa-utils, in the terminal image): raw PCM on its stdin, killed to stop at
/// once. A process per utterance keeps a stuck sound driver out of the firmware.
pub struct Aplay {
    /// The ALSA device (`-D`), e.g. `plughw:CARD=Headphones`; None for the default.
    pub device: Option<String>,
    child: Option<Child>,
}

impl Aplay {
    pub fn new(device: Option<String>) -> Self {
        Self {
            device,
            child: None,
        }
    }
}

impl Sink for Aplay {
    fn begin(&mut self, sample_rate: u32) -> Result<(), SpeechError> {
        self.end(&|| true)?;
        let mut cmd = Command::new("aplay");
        cmd.args(["-q", "-t", "raw", "-f", "S16_LE", "-c", "1", "-r"])
            .arg(sample_rate.to_string());
        if let Some(d) = &self.device {
            cmd.arg("-D").arg(d);
        }
        let child = cmd
            .stdin(Stdio::piped())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .map_err(|source| SpeechError::Start {
                program: "aplay".into(),
                source,
            })?;
        self.child = Some(child);
        Ok(())
    }

    fn write(&mut self, samples: &[i16]) -> Result<(), SpeechError> {
        let Some(stdin) = self.child.as_mut().and_then(|c| c.stdin.as_mut()) else {
            return Ok(());
        };
        let bytes: Vec<u8> = samples.iter().flat_map(|s| s.to_le_bytes()).collect();
        stdin
            .write_all(&bytes)
            .map_err(|source| SpeechError::Output {
                what: "aplay".into(),
                source,
            })
    }

    fn end(&mut self, cancelled: &dyn Fn() -> bool) -> Result<(), SpeechError> {
        let Some(mut child) = self.child.take() else {
            return Ok(());
        };
        drop(child.stdin.take());
        let failed = |source| SpeechError::Output {
            what: "aplay".into(),
            source,
        };
        // Up to 1.5 s of audio sits in the pipe: wait for it to play out, but stop at once when told to.
        loop {
            if cancelled() {
                let _ = child.kill();
                child.wait().map_err(failed)?;
                return Ok(());
            }
            if child.try_wait().map_err(failed)?.is_some() {
                return Ok(());
            }
            std::thread::sleep(std::time::Duration::from_millis(20));
        }
    }
}

/// Writes each utterance to `dir/NNNN.wav`: the simulated terminal's speaker, and what the tests listen to.
/// The files are removed at the end of each session ([`Sink::forget`]), as they may hold personal data.
pub struct WavFiles {
    dir: PathBuf,
    /// Take as long as playing would (the simulated terminal: speech can be interrupted as on the real one).
    realtime: bool,
    rate: u32,
    next: u32,
    writer: Option<(PathBuf, hound::WavWriter<std::io::BufWriter<std::fs::File>>)>,
}

impl WavFiles {
    pub fn new(dir: impl Into<PathBuf>, realtime: bool) -> Result<Self, SpeechError> {
        let dir = dir.into();
        std::fs::create_dir_all(&dir).map_err(|source| SpeechError::Output {
            what: dir.display().to_string(),
            source,
        })?;
        Ok(Self {
            dir,
            realtime,
            rate: 0,
            next: 1,
            writer: None,
        })
    }
}

impl Sink for WavFiles {
    fn begin(&mut self, sample_rate: u32) -> Result<(), SpeechError> {
        self.end(&|| true)?;
        self.rate = sample_rate;
        let path = self.dir.join(format!("{:04}.wav", self.next));
        self.next += 1;
        let spec = hound::WavSpec {
            channels: 1,
            sample_rate,
            bits_per_sample: 16,
            sample_format: hound::SampleFormat::Int,
        };
        let writer = hound::WavWriter::create(&path, spec).map_err(|source| SpeechError::Wav {
            path: path.display().to_string(),
            source,
        })?;
        self.writer = Some((path, writer));
        Ok(())
    }

    fn write(&mut self, samples: &[i16]) -> Result<(), SpeechError> {
        if let Some((path, w)) = self.writer.as_mut() {
            for s in samples {
                w.write_sample(*s).map_err(|source| SpeechError::Wav {
                    path: path.display().to_string(),
                    source,
                })?;
            }
        }
        if self.realtime && self.rate > 0 {
            std::thread::sleep(std::time::Duration::from_secs_f64(
                samples.len() as f64 / f64::from(self.rate),
            ));
        }
        Ok(())
    }

    fn end(&mut self, _: &dyn Fn() -> bool) -> Result<(), SpeechError> {
        // An interrupted utterance is kept as far as it went: that is what was heard.
        if let Some((path, w)) = self.writer.take() {
            w.finalize().map_err(|source| SpeechError::Wav {
                path: path.display().to_string(),
                source,
            })?;
        }
        Ok(())
    }

    fn forget(&mut self) {
        let _ = self.end(&|| true);
        if let Ok(entries) = std::fs::read_dir(&self.dir) {
            for e in entries.flatten() {
                if e.path().extension().is_some_and(|x| x == "wav") {
                    let _ = std::fs::remove_file(e.path());
                }
            }
        }
    }
}

/// Speech switched off: nothing is played.
pub struct NullSink;

impl Sink for NullSink {
    fn begin(&mut self, _: u32) -> Result<(), SpeechError> {
        Ok(())
    }
    fn write(&mut self, _: &[i16]) -> Result<(), SpeechError> {
        Ok(())
    }
    fn end(&mut self, _: &dyn Fn() -> bool) -> Result<(), SpeechError> {
        Ok(())
    }
}
