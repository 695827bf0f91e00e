//! Synthesis engines. espeak-ng runs as a process per utterance: it starts in milliseconds, streams its WAV
//! on stdout as it synthesises (so the first samples play before the sentence is done), and a crash or hang in
//! it cannot take the terminal down. The library binding would save a fork but needs bindgen at build time and
//! shares its global state with the firmware.

use crate::{Lang, SpeechError};
use std::io::{Read, Write};
use std::path::PathBuf;
use std::process::{Command, Stdio};

/// A text-to-speech engine. `out` receives the sample rate and the next samples (16-bit mono) as they are
/// made, and returns false to stop: the engine then ends the utterance at once.
pub trait Engine: Send + Sync + 'static {
    fn speak(
        &self,
        text: &str,
        lang: Lang,
        volume: f32,
        out: &mut dyn FnMut(u32, &[i16]) -> bool,
    ) -> Result<(), SpeechError>;
}

/// espeak-ng with its Mandarin voice or English (`en`).
///
/// The Mandarin voice is `cmn-latn-pinyin`: espeak-ng turns Han characters into pinyin with tone numbers, and
/// the plain `cmn` voice (as Debian 12 ships it) then reads that pinyin as English, digits and all ("ni three
/// hao three"). The pinyin voice speaks it as Mandarin with its tones. Latin letters in Chinese text are read as
/// pinyin too, so Chinese prompts are written without them.
#[derive(Debug, Clone)]
pub struct EspeakNg {
    pub program: PathBuf,
    /// Words per minute; espeak-ng's default is 175, slower is easier for elderly listeners.
    pub rate_wpm: u32,
}

impl Default for EspeakNg {
    fn default() -> Self {
        Self {
            program: "espeak-ng".into(),
            rate_wpm: 150,
        }
    }
}

const MANDARIN: &str = "cmn-latn-pinyin";

impl EspeakNg {
    /// The phonemes espeak-ng would speak for `text` (`-x`), to check what a voice makes of a text: a switch to
    /// another language shows as `(en)`.
    pub fn phonemes(&self, text: &str, lang: Lang) -> Result<String, SpeechError> {
        let mut child = self.start(lang, &["-q", "-x"])?;
        if let Some(mut stdin) = child.stdin.take() {
            let _ = stdin.write_all(text.as_bytes());
        }
        let out = child.wait_with_output().map_err(|e| SpeechError::Failed {
            program: self.program.display().to_string(),
            detail: e.to_string(),
        })?;
        Ok(String::from_utf8_lossy(&out.stdout).into_owned())
    }

    /// espeak-ng with the voice of `lang`, reading UTF-8 text on stdin (never as an argument that could be read
    /// as an option), with `args` after.
    fn start(&self, lang: Lang, args: &[&str]) -> Result<std::process::Child, SpeechError> {
        let voice = match lang {
            Lang::Zh => MANDARIN,
            Lang::En => "en",
        };
        Command::new(&self.program)
            .args(["-v", voice, "-b", "1"])
            .args(args)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .map_err(|source| SpeechError::Start {
                program: self.program.display().to_string(),
                source,
            })
    }
}

/// Samples handed on at a time: 1,024 at 22,050 Hz is 46 ms, short enough for a prompt stop.
const CHUNK: usize = 1024;

impl Engine for EspeakNg {
    fn speak(
        &self,
        text: &str,
        lang: Lang,
        volume: f32,
        out: &mut dyn FnMut(u32, &[i16]) -> bool,
    ) -> Result<(), SpeechError> {
        let program = self.program.display().to_string();
        // espeak-ng's amplitude runs 0–200, 100 being its default.
        let amplitude = (volume.clamp(0.0, 2.0) * 100.0).round().to_string();
        let rate = self.rate_wpm.to_string();
        let mut child = self.start(lang, &["--stdout", "-s", &rate, "-a", &amplitude])?;
        if let Some(mut stdin) = child.stdin.take() {
            let written = stdin.write_all(text.as_bytes());
            drop(stdin);
            if let Err(e) = written {
                let _ = child.kill();
                let _ = child.wait();
                return Err(SpeechError::Failed {
                    program,
                    detail: format!("could not hand it the text: {e}"),
                });
            }
        }
        let result = match child.stdout.take() {
            Some(stdout) => stream(&program, stdout, out),
            None => Err(SpeechError::Failed {
                program: program.clone(),
                detail: "no stdout".into(),
            }),
        };
        match result {
            Ok(true) => {
                let mut err = String::new();
                if let Some(mut e) = child.stderr.take() {
                    let _ = e.read_to_string(&mut err);
                }
                let status = child.wait().map_err(|e| SpeechError::Failed {
                    program: program.clone(),
                    detail: e.to_string(),
                })?;
                if status.success() {
                    Ok(())
                } else {
                    Err(SpeechError::Failed {
                        program,
                        detail: format!("{status}: {}", err.trim()),
                    })
                }
            }
            // Stopped by the listener, or the stream broke: end the process now.
            other => {
                let _ = child.kill();
                let _ = child.wait();
                other.map(|_| ())
            }
        }
    }
}

/// Reads a WAV stream as it comes and hands its samples on in chunks. Returns false when `out` asked to stop.
fn stream(
    program: &str,
    stdout: impl Read,
    out: &mut dyn FnMut(u32, &[i16]) -> bool,
) -> Result<bool, SpeechError> {
    let format = |detail: String| SpeechError::Format {
        program: program.to_string(),
        detail,
    };
    let reader = hound::WavReader::new(std::io::BufReader::new(stdout))
        .map_err(|e| format(e.to_string()))?;
    let spec = reader.spec();
    if spec.channels != 1
        || spec.bits_per_sample != 16
        || spec.sample_format != hound::SampleFormat::Int
    {
        return Err(format(format!(
            "{} channels, {} bits",
            spec.channels, spec.bits_per_sample
        )));
    }
    let mut chunk = Vec::with_capacity(CHUNK);
    for sample in reader.into_samples::<i16>() {
        match sample {
            Ok(s) => chunk.push(s),
            // On a pipe the header cannot know the length: espeak-ng writes a huge one and the stream simply
            // ends (hound says so with an I/O error, also for a sample cut in half).
            Err(hound::Error::IoError(_)) => break,
            Err(e) => return Err(format(e.to_string())),
        }
        if chunk.len() == CHUNK {
            if !out(spec.sample_rate, &chunk) {
                return Ok(false);
            }
            chunk.clear();
        }
    }
    if !chunk.is_empty() && !out(spec.sample_rate, &chunk) {
        return Ok(false);
    }
    Ok(true)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn wav(samples: &[i16], rate: u32) -> Vec<u8> {
        let mut cursor = std::io::Cursor::new(Vec::new());
        let spec = hound::WavSpec {
            channels: 1,
            sample_rate: rate,
            bits_per_sample: 16,
            sample_format: hound::SampleFormat::Int,
        };
        let mut w = hound::WavWriter::new(&mut cursor, spec).unwrap();
        for s in samples {
            w.write_sample(*s).unwrap();
        }
        w.finalize().unwrap();
        cursor.into_inner()
    }

    #[test]
    fn a_stream_comes_in_chunks_and_stops_when_asked() {
        let samples: Vec<i16> = (0..5000).map(|i| (i % 300) as i16).collect();
        let bytes = wav(&samples, 22050);
        let mut got = Vec::new();
        let finished = stream("t", &bytes[..], &mut |rate, s| {
            assert_eq!(rate, 22050);
            got.extend_from_slice(s);
            true
        })
        .unwrap();
        assert!(finished);
        assert_eq!(got, samples);
        let mut calls = 0;
        let finished = stream("t", &bytes[..], &mut |_, _| {
            calls += 1;
            calls < 2
        })
        .unwrap();
        assert!(!finished);
        assert_eq!(calls, 2);
    }

    #[test]
    fn a_cut_stream_ends_what_came_and_garbage_is_an_error() {
        let samples: Vec<i16> = (0..3000).map(|i| i as i16).collect();
        let bytes = wav(&samples, 16000);
        // Cut in the middle of a sample: what came before is kept.
        let cut = &bytes[..bytes.len() - 2001];
        let mut got = 0;
        stream("t", cut, &mut |_, s| {
            got += s.len();
            true
        })
        .unwrap();
        assert_eq!(got, 3000 - 1001);
        let garbage = b"RIFF\x10\x00\x00\x00WAVEjunkjunkjunkjunk";
        let err = stream("t", &garbage[..], &mut |_, _| true).unwrap_err();
        assert!(matches!(err, SpeechError::Format { .. }), "{err}");
        let stereo = {
            let mut cursor = std::io::Cursor::new(Vec::new());
            let spec = hound::WavSpec {
                channels: 2,
                sample_rate: 8000,
                bits_per_sample: 16,
                sample_format: hound::SampleFormat::Int,
            };
            let mut w = hound::WavWriter::new(&mut cursor, spec).unwrap();
            w.write_sample(1i16).unwrap();
            w.write_sample(1i16).unwrap();
            w.finalize().unwrap();
            cursor.into_inner()
        };
        assert!(stream("t", &stereo[..], &mut |_, _| true).is_err());
    }

    #[test]
    fn a_missing_program_is_said_plainly() {
        let e = EspeakNg {
            program: "/nonexistent/espeak-ng".into(),
            rate_wpm: 150,
        };
        let err = e
            .speak("你好", Lang::Zh, 1.0, &mut |_, _| true)
            .unwrap_err();
        assert!(err.to_string().contains("is it installed"), "{err}");
    }
}
