//! Audio for the call: Opus at 48 kHz mono in 20 ms frames. The microphone and the speaker are behind
//! [`AudioSource`] and [`AudioSink`]: ALSA through cpal on a terminal, synthetic ones in simulation and
//! tests (a spoken-band tone, and a meter that counts and measures what arrives).

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

pub const SAMPLE_RATE: u32 = 48_000;
/// Samples in one 20 ms frame.
pub const FRAME: usize = 960;

#[derive(Debug, thiserror::Error)]
pub enum AudioError {
    #[error("Opus: {0}")]
    Opus(String),
    #[error("sound device: {0}")]
    Device(String),
}

fn opus_err(e: opus::Error) -> AudioError {
    AudioError::Opus(e.to_string())
}

/// Where the resident's voice comes from: one 20 ms frame at a time, at the pace of the device.
pub trait AudioSource: Send {
    /// Fills `frame` ([`FRAME`] samples); blocks until they are there. `false` when the source has ended.
    fn read(&mut self, frame: &mut [i16]) -> bool;
}

/// Where the clerk's voice goes.
pub trait AudioSink: Send {
    fn write(&mut self, pcm: &[i16]);
}

/// Silence at the pace of a microphone: what the clerk hears when the terminal's microphone cannot be opened
/// (the clerk sees the resident and can still talk; the page tells the resident).
#[derive(Default)]
pub struct SilentSource(ToneSource);

impl AudioSource for SilentSource {
    fn read(&mut self, frame: &mut [i16]) -> bool {
        let ok = self.0.read(frame);
        frame.fill(0);
        ok
    }
}

/// A quiet 440 Hz tone paced in real time: the simulated terminal's microphone, so that the clerk hears
/// that audio flows.
pub struct ToneSource {
    phase: f32,
    next: std::time::Instant,
}

impl Default for ToneSource {
    fn default() -> Self {
        Self {
            phase: 0.0,
            next: std::time::Instant::now(),
        }
    }
}

impl AudioSource for ToneSource {
    fn read(&mut self, frame: &mut [i16]) -> bool {
        let step = 2.0 * std::f32::consts::PI * 440.0 / SAMPLE_RATE as f32;
        for s in frame.iter_mut() {
            *s = (self.phase.sin() * 2000.0) as i16;
            self.phase = (self.phase + step) % (2.0 * std::f32::consts::PI);
        }
        self.next += std::time::Duration::from_millis(20);
        let now = std::time::Instant::now();
        if self.next > now {
            std::thread::sleep(self.next - now);
        } else {
            self.next = now;
        }
        true
    }
}

/// Counts what arrives and how loud it is: the simulated terminal's speaker.
#[derive(Clone, Default)]
pub struct MeterSink {
    samples: Arc<AtomicU64>,
    /// Sum of squares of the last frame, as f64 bits.
    last_rms: Arc<AtomicU64>,
}

impl MeterSink {
    pub fn samples(&self) -> u64 {
        self.samples.load(Ordering::Relaxed)
    }

    pub fn last_rms(&self) -> f64 {
        f64::from_bits(self.last_rms.load(Ordering::Relaxed))
    }
}

impl AudioSink for MeterSink {
    fn write(&mut self, pcm: &[i16]) {
        self.samples.fetch_add(pcm.len() as u64, Ordering::Relaxed);
        if !pcm.is_empty() {
            let sq: f64 = pcm.iter().map(|&s| (s as f64) * (s as f64)).sum();
            self.last_rms
                .store((sq / pcm.len() as f64).sqrt().to_bits(), Ordering::Relaxed);
        }
    }
}

/// Opus both ways.
pub struct OpusCoder {
    encoder: opus::Encoder,
    decoder: opus::Decoder,
    pcm: Vec<i16>,
}

impl OpusCoder {
    pub fn new() -> Result<Self, AudioError> {
        Ok(Self {
            encoder: opus::Encoder::new(SAMPLE_RATE, opus::Channels::Mono, opus::Application::Voip)
                .map_err(opus_err)?,
            decoder: opus::Decoder::new(SAMPLE_RATE, opus::Channels::Mono).map_err(opus_err)?,
            pcm: vec![0; FRAME * 6],
        })
    }

    pub fn encode(&mut self, frame: &[i16]) -> Result<Vec<u8>, AudioError> {
        self.encoder.encode_vec(frame, 1500).map_err(opus_err)
    }

    /// One packet from the network to PCM; a broken packet is an error, never a panic.
    pub fn decode(&mut self, packet: &[u8]) -> Result<&[i16], AudioError> {
        let n = self
            .decoder
            .decode(packet, &mut self.pcm, false)
            .map_err(opus_err)?;
        Ok(&self.pcm[..n])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_tone_survives_opus() {
        let mut src = ToneSource::default();
        let mut coder = OpusCoder::new().unwrap();
        let mut sink = MeterSink::default();
        let mut frame = vec![0i16; FRAME];
        for _ in 0..5 {
            assert!(src.read(&mut frame));
            let packet = coder.encode(&frame).unwrap();
            assert!(!packet.is_empty() && packet.len() < 400);
            let pcm = coder.decode(&packet).unwrap().to_vec();
            sink.write(&pcm);
        }
        assert_eq!(sink.samples(), 5 * FRAME as u64);
        // 2000 peak → about 1414 RMS; the codec keeps the level within a few dB.
        assert!(
            (900.0..2000.0).contains(&sink.last_rms()),
            "{}",
            sink.last_rms()
        );
    }

    #[test]
    fn broken_packets_are_errors() {
        let mut coder = OpusCoder::new().unwrap();
        // Code 3 (several frames) with a frame count of 0 is malformed by RFC 6716 3.2.5.
        assert!(coder.decode(&[0x03, 0x00]).is_err());
        // A packet longer than any Opus packet can be (RFC 6716 3.4, R1-R7: 120 ms at most).
        assert!(coder.decode(&[0x03; 8000]).is_err());
        // Junk of every length decodes or is an error, never a panic; what decodes fits one frame buffer
        // and a good packet still decodes after it.
        let (mut errors, mut decoded) = (0, 0);
        for n in 1..300usize {
            let junk: Vec<u8> = (0..n).map(|i| (i * 37 + n) as u8).collect();
            match coder.decode(&junk) {
                Ok(pcm) => {
                    assert!(pcm.len() <= coder.pcm.len());
                    decoded += 1;
                }
                Err(_) => errors += 1,
            }
        }
        assert!(errors > 0 && decoded + errors == 299, "{errors} errors");
        let frame = vec![0i16; FRAME];
        let packet = coder.encode(&frame).unwrap().to_vec();
        assert_eq!(coder.decode(&packet).unwrap().len(), FRAME);
    }
}
