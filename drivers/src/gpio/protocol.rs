//! GPIO logic without I/O or clock: debouncing an input, and the on/off pattern of a flashing light. Times are
//! durations since any fixed origin, passed in by the caller.

use std::time::Duration;

/// Debounces one input line: a new level counts once it has held for `period` (contacts bounce for a few
/// milliseconds; presence sensors chatter for longer).
#[derive(Debug, Clone)]
pub struct Debouncer {
    period: Duration,
    stable: bool,
    candidate: Option<(bool, Duration)>,
}

impl Debouncer {
    pub fn new(initial: bool, period: Duration) -> Self {
        Self {
            period,
            stable: initial,
            candidate: None,
        }
    }

    pub fn level(&self) -> bool {
        self.stable
    }

    /// A raw level seen at `at`.
    pub fn sample(&mut self, level: bool, at: Duration) {
        if level == self.stable {
            self.candidate = None;
        } else if self.candidate.map(|(l, _)| l) != Some(level) {
            self.candidate = Some((level, at));
        }
    }

    /// When [`Debouncer::poll`] should be called next, if a change is pending.
    pub fn deadline(&self) -> Option<Duration> {
        self.candidate.map(|(_, since)| since + self.period)
    }

    /// The new stable level, once the pending one has held long enough.
    pub fn poll(&mut self, now: Duration) -> Option<bool> {
        let (level, since) = self.candidate?;
        if now.saturating_sub(since) >= self.period {
            self.stable = level;
            self.candidate = None;
            Some(level)
        } else {
            None
        }
    }
}

/// How a light shows, after XFS4IoT's Lights class. Slow and medium flash at or below 2 Hz; quick stays at
/// 2.5 Hz, under the three flashes a second that can trigger seizures (WCAG 2.3.1).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Flash {
    #[default]
    Off,
    Steady,
    /// 1 Hz.
    Slow,
    /// 2 Hz.
    Medium,
    /// 2.5 Hz.
    Quick,
}

impl Flash {
    /// Flashes per second, for the flashing modes.
    pub fn hz(self) -> Option<f64> {
        match self {
            Flash::Slow => Some(1.0),
            Flash::Medium => Some(2.0),
            Flash::Quick => Some(2.5),
            Flash::Off | Flash::Steady => None,
        }
    }

    /// Whether the light is on at `t` after the mode was set (on for the first half of each period).
    pub fn level_at(self, t: Duration) -> bool {
        match (self, self.hz()) {
            (Flash::Off, _) => false,
            (_, None) => true,
            (_, Some(hz)) => ((t.as_secs_f64() * hz * 2.0).floor() as u64).is_multiple_of(2),
        }
    }

    /// When the level next changes after `t`, for flashing modes.
    pub fn next_change(self, t: Duration) -> Option<Duration> {
        let half = 0.5 / self.hz()?;
        let n = (t.as_secs_f64() / half).floor() + 1.0;
        Some(Duration::from_secs_f64(n * half))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ms(n: u64) -> Duration {
        Duration::from_millis(n)
    }

    #[test]
    fn bounces_make_one_change() {
        let mut d = Debouncer::new(false, ms(30));
        // A press that bounces for 8 ms, then holds.
        for (i, level) in [true, false, true, false, true].into_iter().enumerate() {
            d.sample(level, ms(i as u64 * 2));
            assert_eq!(d.poll(ms(i as u64 * 2)), None);
        }
        assert_eq!(d.deadline(), Some(ms(38)));
        assert_eq!(d.poll(ms(37)), None);
        assert_eq!(d.poll(ms(38)), Some(true));
        assert_eq!(d.poll(ms(100)), None);
        // A glitch shorter than the period is no change.
        d.sample(false, ms(200));
        d.sample(true, ms(210));
        assert_eq!(d.deadline(), None);
        assert_eq!(d.poll(ms(300)), None);
        assert!(d.level());
    }

    #[test]
    fn flash_rates_stay_at_or_below_2_hz_for_slow_and_medium() {
        assert!(Flash::Slow.hz().unwrap() <= 2.0 && Flash::Medium.hz().unwrap() <= 2.0);
        assert!(Flash::Quick.hz().unwrap() < 3.0);
        // Slow: on 0–500 ms, off 500–1000 ms.
        assert!(Flash::Slow.level_at(ms(0)) && Flash::Slow.level_at(ms(499)));
        assert!(!Flash::Slow.level_at(ms(500)) && !Flash::Slow.level_at(ms(999)));
        assert!(Flash::Slow.level_at(ms(1000)));
        assert_eq!(Flash::Medium.next_change(ms(0)), Some(ms(250)));
        assert_eq!(Flash::Medium.next_change(ms(260)), Some(ms(500)));
        assert!(Flash::Steady.level_at(ms(12345)) && !Flash::Off.level_at(ms(0)));
        assert_eq!(Flash::Steady.next_change(ms(0)), None);
    }
}
