//! espeak-ng for real (installed by scripts/system-packages): every utterance rendered to a WAV file, read back
//! and measured: its length fits the text, it is not silent, the volume steps change its loudness, and speech
//! stops when interrupted.

use kiosk_speech::{EspeakNg, Lang, Outcome, Speaker, Volume, WavFiles};
use std::path::{Path, PathBuf};
use std::time::Duration;

fn dir(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("kiosk-speech-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    d
}

/// Length in seconds and RMS loudness (full scale = 1.0) of a WAV file.
fn measure(path: &Path) -> (f64, f64) {
    let mut r = hound::WavReader::open(path).expect("a WAV file");
    let rate = f64::from(r.spec().sample_rate);
    let samples: Vec<i16> = r.samples::<i16>().map(|s| s.expect("sample")).collect();
    let sum: f64 = samples
        .iter()
        .map(|s| (f64::from(*s) / 32768.0).powi(2))
        .sum();
    (
        samples.len() as f64 / rate,
        (sum / samples.len().max(1) as f64).sqrt(),
    )
}

fn wavs(d: &Path) -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = std::fs::read_dir(d)
        .expect("the speech folder")
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "wav"))
        .collect();
    v.sort();
    v
}

#[test]
fn mandarin_and_english_prompts_are_spoken_at_a_plausible_length_and_loudness() {
    let d = dir("prompts");
    let speaker = Speaker::new(
        Box::new(EspeakNg::default()),
        Box::new(WavFiles::new(&d, false).unwrap()),
    );
    // (text, language, shortest and longest plausible length in seconds): Mandarin at 0.2–0.6 s a syllable
    // (11, 14 and 10 syllables), English at 0.15–0.6 s a word.
    let cases = [
        ("请插入身份证，或扫随申码。", Lang::Zh, 2.2, 6.6),
        ("社保缴费记录打印。按确认键办理。", Lang::Zh, 2.8, 8.4),
        ("您的回执已打印，请取走。", Lang::Zh, 2.0, 6.0),
        ("Please insert your ID card.", Lang::En, 0.75, 3.0),
    ];
    for (text, lang, _, _) in &cases {
        speaker.say(text, *lang);
        assert!(speaker.wait_idle(Duration::from_secs(30)), "speech hangs");
    }
    let history = speaker.history();
    let files = wavs(&d);
    assert_eq!(files.len(), cases.len(), "{history:?}");
    for ((text, _, min, max), file) in cases.iter().zip(&files) {
        let (secs, rms) = measure(file);
        eprintln!("{}: {secs:.2} s, RMS {rms:.3} — {text}", file.display());
        assert!(
            secs >= *min && secs <= *max,
            "{text}: {secs:.2} s, expected {min}–{max} s"
        );
        assert!(rms > 0.02, "{text}: RMS {rms:.4}, as good as silent");
    }
    for s in &history {
        assert_eq!(s.outcome, Outcome::Finished);
        assert!(s.first_sample.is_some());
    }
    // For listening and for sox: KIOSK_KEEP_SPEECH=DIR keeps a copy of the files.
    if let Some(keep) = std::env::var_os("KIOSK_KEEP_SPEECH") {
        let keep = PathBuf::from(keep);
        std::fs::create_dir_all(&keep).expect("the folder to keep speech in");
        for f in &files {
            std::fs::copy(f, keep.join(f.file_name().expect("a file name"))).expect("copy");
        }
    }
    // The end of the session removes the files: they may hold personal data.
    speaker.forget();
    assert!(speaker.wait_idle(Duration::from_secs(5)));
    assert!(wavs(&d).is_empty());
}

#[test]
fn the_volume_steps_change_the_loudness() {
    let d = dir("volume");
    let speaker = Speaker::new(
        Box::new(EspeakNg::default()),
        Box::new(WavFiles::new(&d, false).unwrap()),
    );
    for step in [1, Volume::DEFAULT.step(), Volume::MAX] {
        speaker.set_volume(Volume::new(step));
        speaker.say("音量", Lang::Zh);
        assert!(speaker.wait_idle(Duration::from_secs(30)));
    }
    let rms: Vec<f64> = wavs(&d).iter().map(|f| measure(f).1).collect();
    eprintln!("RMS at steps 1, default, max: {rms:?}");
    assert_eq!(rms.len(), 3);
    assert!(rms[0] * 2.0 < rms[1], "step 1 not quieter: {rms:?}");
    assert!(rms[1] * 1.4 < rms[2], "the top step not louder: {rms:?}");
}

#[test]
fn speech_stops_when_interrupted() {
    let d = dir("interrupt");
    // Paced like a sound card, so that there is something to interrupt.
    let speaker = Speaker::new(
        Box::new(EspeakNg::default()),
        Box::new(WavFiles::new(&d, true).unwrap()),
    );
    let long = "欢迎使用政务服务自助终端。请插入身份证，或扫描随申码，或轻触屏幕开始办理。需要帮助请按呼叫帮办。";
    speaker.say(long, Lang::Zh);
    // Interrupted once it is being heard (its sound file begun), however long synthesis took on this machine.
    let first = d.join("0001.wav");
    let deadline = std::time::Instant::now() + Duration::from_secs(30);
    while !first.exists() {
        assert!(
            std::time::Instant::now() < deadline,
            "the first utterance never began"
        );
        std::thread::sleep(Duration::from_millis(5));
    }
    speaker.say("好的", Lang::Zh);
    assert!(speaker.wait_idle(Duration::from_secs(30)));
    let h = speaker.history();
    assert_eq!(h[0].outcome, Outcome::Interrupted);
    assert_eq!(h[1].outcome, Outcome::Finished);
    let files = wavs(&d);
    let (cut, _) = measure(&files[0]);
    assert!(
        cut < 2.0,
        "the interrupted utterance went on for {cut:.2} s"
    );
}

#[test]
fn mandarin_is_spoken_as_mandarin_not_as_english_pinyin() {
    let e = EspeakNg::default();
    let ph = e
        .phonemes("社保缴费记录打印", Lang::Zh)
        .expect("espeak-ng runs");
    assert!(!ph.contains("(en)"), "read as English: {ph}");
    // Eight syllables, each with its tone number (5x, 35, 214, 51).
    let syllables = ph
        .split('_')
        .filter(|s| s.chars().any(|c| c.is_ascii_digit()))
        .count();
    assert_eq!(syllables, 8, "{ph}");
}
