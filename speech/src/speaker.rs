//! The speaker: one utterance at a time on a thread of its own. Saying something new interrupts what is being
//! said (EN 301 549 5.1.3.4), `stop` silences it when the person acts (5.1.3.5), the volume goes up and down in
//! steps and back to the default after each session (5.1.3.12/13).
//!
//! What was said is kept in memory (the last [`HISTORY`] utterances) for `repeat` and for tests, and forgotten
//! with the session. It is never logged: it may hold personal data.

use crate::{Engine, Lang, Sink};
use std::collections::VecDeque;
use std::sync::atomic::{AtomicU64, AtomicU8, Ordering};
use std::sync::mpsc;
use std::sync::{Arc, Condvar, Mutex};
use std::time::{Duration, Instant};

pub const HISTORY: usize = 64;

/// A volume step, 1 to [`Volume::MAX`]; [`Volume::DEFAULT`] is the engine's normal loudness.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Volume(u8);

impl Volume {
    pub const MAX: u8 = 9;
    pub const DEFAULT: Volume = Volume(5);

    pub fn new(step: u8) -> Volume {
        Volume(step.clamp(1, Self::MAX))
    }
    pub fn step(self) -> u8 {
        self.0
    }
    pub fn up(self) -> Volume {
        Volume::new(self.0.saturating_add(1))
    }
    pub fn down(self) -> Volume {
        Volume::new(self.0.saturating_sub(1))
    }
    /// Amplitude relative to the engine's full scale: the top step is the engine's own loudness (espeak-ng's
    /// peaks already reach full scale there, so more would clip), the default leaves 5 dB of headroom below it.
    /// How loud that is in the room (EN 301 549: up to at least 65 dBA, back to at most 65 dBA after each use)
    /// is set once per terminal with the sound card's mixer.
    pub fn gain(self) -> f32 {
        const GAIN: [f32; 9] = [0.15, 0.2, 0.3, 0.4, 0.55, 0.65, 0.75, 0.87, 1.0];
        GAIN[usize::from(self.0.clamp(1, Self::MAX) - 1)]
    }
}

#[derive(Debug, Clone, PartialEq)]
pub enum Outcome {
    Finished,
    /// Cut short by something new to say or by `stop`.
    Interrupted,
    /// Nothing was said: something newer came before it started.
    Superseded,
    Failed(String),
}

/// One utterance, as the speaker handled it.
#[derive(Debug, Clone)]
pub struct Spoken {
    pub text: String,
    pub lang: Lang,
    pub volume: Volume,
    pub outcome: Outcome,
    /// From `say` to the first sample handed to the sink.
    pub first_sample: Option<Duration>,
    /// When the first sample went to the sink.
    pub first_sample_at: Option<Instant>,
    pub samples: usize,
    pub sample_rate: u32,
}

struct Job {
    seq: u64,
    text: String,
    lang: Lang,
    asked: Instant,
}

enum Command {
    Say(Job),
    Forget,
}

struct Shared {
    /// The sequence number of the newest request; an utterance whose number is older stops.
    newest: AtomicU64,
    volume: AtomicU8,
    history: Mutex<VecDeque<Spoken>>,
    /// Requests not yet handled, for `wait_idle`.
    pending: Mutex<usize>,
    idle: Condvar,
}

pub struct Speaker {
    shared: Arc<Shared>,
    tx: mpsc::Sender<Command>,
}

impl Speaker {
    pub fn new(engine: Box<dyn Engine>, sink: Box<dyn Sink>) -> Speaker {
        let shared = Arc::new(Shared {
            newest: AtomicU64::new(0),
            volume: AtomicU8::new(Volume::DEFAULT.step()),
            history: Mutex::new(VecDeque::new()),
            pending: Mutex::new(0),
            idle: Condvar::new(),
        });
        let (tx, rx) = mpsc::channel();
        let worker = shared.clone();
        std::thread::Builder::new()
            .name("speech".into())
            .spawn(move || run(worker, engine, sink, rx))
            .map(|_| ())
            .unwrap_or_else(|e| tracing::error!("speech thread did not start: {e}"));
        Speaker { shared, tx }
    }

    /// Says `text`, interrupting whatever is being said.
    pub fn say(&self, text: &str, lang: Lang) {
        let seq = self.shared.newest.fetch_add(1, Ordering::SeqCst) + 1;
        self.add_pending();
        let job = Job {
            seq,
            text: text.to_string(),
            lang,
            asked: Instant::now(),
        };
        if self.tx.send(Command::Say(job)).is_err() {
            self.done_pending();
        }
    }

    /// Silences the speech now.
    pub fn stop(&self) {
        self.shared.newest.fetch_add(1, Ordering::SeqCst);
    }

    /// Says the last utterance again (finished or not).
    pub fn repeat(&self) -> bool {
        let last = self.last().filter(|s| s.outcome != Outcome::Superseded);
        match last {
            Some(s) => {
                self.say(&s.text, s.lang);
                true
            }
            None => false,
        }
    }

    pub fn volume(&self) -> Volume {
        Volume::new(self.shared.volume.load(Ordering::SeqCst))
    }

    pub fn set_volume(&self, v: Volume) {
        self.shared.volume.store(v.step(), Ordering::SeqCst);
    }

    /// End of a session: silence, the default volume, and nothing kept of what was said.
    pub fn forget(&self) {
        self.stop();
        self.set_volume(Volume::DEFAULT);
        self.add_pending();
        if self.tx.send(Command::Forget).is_err() {
            self.done_pending();
        }
    }

    /// What was said, oldest first (at most [`HISTORY`]).
    pub fn history(&self) -> Vec<Spoken> {
        lock(&self.shared.history).iter().cloned().collect()
    }

    pub fn last(&self) -> Option<Spoken> {
        lock(&self.shared.history).back().cloned()
    }

    /// Waits until every request so far has been handled; false on timeout.
    pub fn wait_idle(&self, timeout: Duration) -> bool {
        let deadline = Instant::now() + timeout;
        let mut pending = lock(&self.shared.pending);
        while *pending > 0 {
            let left = deadline.saturating_duration_since(Instant::now());
            if left.is_zero() {
                return false;
            }
            pending = match self.shared.idle.wait_timeout(pending, left) {
                Ok((p, _)) => p,
                Err(poisoned) => poisoned.into_inner().0,
            };
        }
        true
    }

    fn add_pending(&self) {
        *lock(&self.shared.pending) += 1;
    }

    fn done_pending(&self) {
        done(&self.shared);
    }
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    // A panic elsewhere while holding the lock leaves plain data behind: go on with it.
    m.lock().unwrap_or_else(|p| p.into_inner())
}

fn done(shared: &Shared) {
    let mut p = lock(&shared.pending);
    *p = p.saturating_sub(1);
    shared.idle.notify_all();
}

fn run(
    shared: Arc<Shared>,
    engine: Box<dyn Engine>,
    mut sink: Box<dyn Sink>,
    rx: mpsc::Receiver<Command>,
) {
    while let Ok(command) = rx.recv() {
        match command {
            Command::Forget => {
                sink.forget();
                lock(&shared.history).clear();
            }
            Command::Say(job) => {
                let spoken = utter(&shared, engine.as_ref(), sink.as_mut(), &job);
                let mut h = lock(&shared.history);
                if h.len() == HISTORY {
                    h.pop_front();
                }
                h.push_back(spoken);
            }
        }
        done(&shared);
    }
}

fn utter(shared: &Shared, engine: &dyn Engine, sink: &mut dyn Sink, job: &Job) -> Spoken {
    let current = || shared.newest.load(Ordering::SeqCst) == job.seq;
    let volume = Volume::new(shared.volume.load(Ordering::SeqCst));
    let mut spoken = Spoken {
        text: job.text.clone(),
        lang: job.lang,
        volume,
        outcome: Outcome::Superseded,
        first_sample: None,
        first_sample_at: None,
        samples: 0,
        sample_rate: 0,
    };
    if !current() {
        return spoken;
    }
    let mut sink_error = None;
    let result = engine.speak(&job.text, job.lang, volume.gain(), &mut |rate, samples| {
        if !current() {
            return false;
        }
        if spoken.first_sample.is_none() {
            if let Err(e) = sink.begin(rate) {
                sink_error = Some(e);
                return false;
            }
            spoken.first_sample = Some(job.asked.elapsed());
            spoken.first_sample_at = Some(Instant::now());
            spoken.sample_rate = rate;
        }
        spoken.samples += samples.len();
        match sink.write(samples) {
            Ok(()) => current(),
            Err(e) => {
                sink_error = Some(e);
                false
            }
        }
    });
    let ended = sink.end(&|| !current());
    let interrupted = !current();
    spoken.outcome = match (result, sink_error, ended) {
        (Err(e), _, _) | (_, Some(e), _) | (_, _, Err(e)) => {
            // The text is not logged: it may be personal.
            tracing::warn!(chars = job.text.chars().count(), "speech failed: {e}");
            Outcome::Failed(e.to_string())
        }
        _ if interrupted => Outcome::Interrupted,
        _ => Outcome::Finished,
    };
    spoken
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::SpeechError;

    /// An engine that makes a tone of 10 ms per character, in 10 ms chunks, at real-time pace.
    struct Tone;
    impl Engine for Tone {
        fn speak(
            &self,
            text: &str,
            _: Lang,
            volume: f32,
            out: &mut dyn FnMut(u32, &[i16]) -> bool,
        ) -> Result<(), SpeechError> {
            if text == "fail" {
                return Err(SpeechError::Failed {
                    program: "tone".into(),
                    detail: "asked to".into(),
                });
            }
            let chunk: Vec<i16> = (0..80)
                .map(|i| ((i as f32 / 8.0).sin() * 8000.0 * volume) as i16)
                .collect();
            for _ in 0..text.chars().count() {
                std::thread::sleep(Duration::from_millis(10));
                if !out(8000, &chunk) {
                    return Ok(());
                }
            }
            Ok(())
        }
    }

    #[test]
    fn new_speech_interrupts_and_stop_silences() {
        let s = Speaker::new(Box::new(Tone), Box::new(crate::NullSink));
        s.say(&"长".repeat(100), Lang::Zh);
        std::thread::sleep(Duration::from_millis(100));
        s.say("短句", Lang::Zh);
        assert!(s.wait_idle(Duration::from_secs(5)));
        let h = s.history();
        assert_eq!(h.len(), 2);
        assert_eq!(h[0].outcome, Outcome::Interrupted);
        assert!(h[0].samples < 100 * 80, "{}", h[0].samples);
        assert_eq!(h[1].outcome, Outcome::Finished);
        assert_eq!(h[1].samples, 2 * 80);
        s.say(&"长".repeat(100), Lang::Zh);
        std::thread::sleep(Duration::from_millis(50));
        s.stop();
        assert!(s.wait_idle(Duration::from_secs(5)));
        assert_eq!(s.last().unwrap().outcome, Outcome::Interrupted);
        // Repeat says the last thing again, in full.
        assert!(s.repeat());
        assert!(s.wait_idle(Duration::from_secs(5)));
        let last = s.last().unwrap();
        assert_eq!(last.outcome, Outcome::Finished);
        assert_eq!(last.samples, 100 * 80);
    }

    #[test]
    fn volume_steps_are_bounded_and_reset_with_the_session() {
        let s = Speaker::new(Box::new(Tone), Box::new(crate::NullSink));
        let mut v = s.volume();
        assert_eq!(v, Volume::DEFAULT);
        for _ in 0..20 {
            v = v.up();
        }
        assert_eq!(v.step(), Volume::MAX);
        assert_eq!(v.gain(), 1.0);
        assert!(Volume::new(1).gain() < Volume::DEFAULT.gain());
        assert_eq!(Volume::new(0).step(), 1);
        s.set_volume(v);
        s.say("响", Lang::Zh);
        assert!(s.wait_idle(Duration::from_secs(5)));
        assert_eq!(s.last().unwrap().volume.step(), Volume::MAX);
        s.forget();
        assert!(s.wait_idle(Duration::from_secs(5)));
        assert_eq!(s.volume(), Volume::DEFAULT);
        assert!(s.history().is_empty(), "nothing kept after the session");
        assert!(!s.repeat());
    }

    #[test]
    fn a_failing_engine_is_an_outcome_not_a_crash() {
        let s = Speaker::new(Box::new(Tone), Box::new(crate::NullSink));
        s.say("fail", Lang::Zh);
        s.say("好", Lang::Zh);
        assert!(s.wait_idle(Duration::from_secs(5)));
        let h = s.history();
        // The first may have been superseded before it started; the second always plays.
        assert!(matches!(
            h[0].outcome,
            Outcome::Failed(_) | Outcome::Superseded
        ));
        assert_eq!(h[1].outcome, Outcome::Finished);
    }
}
