//! Who wants a camera's frames, and how a failed source is retried: shared by the camera service and its
//! sources (synthetic, V4L2).

use std::sync::atomic::Ordering;
use std::time::Duration;

/// Who wants frames now: open previews and stills asked for and not yet answered.
#[derive(Default)]
pub struct Demand {
    pub(super) previews: std::sync::atomic::AtomicUsize,
    pub(super) stills: std::sync::atomic::AtomicUsize,
    pub(super) wake: tokio::sync::Notify,
}

impl Demand {
    pub fn wanted(&self) -> bool {
        self.previews.load(Ordering::Acquire) > 0 || self.stills.load(Ordering::Acquire) > 0
    }

    /// Waits until frames are wanted (or `poll` passes, for a look at an idle camera).
    pub async fn until_wanted(&self, poll: Duration) {
        if self.wanted() {
            return;
        }
        let _ = tokio::time::timeout(poll, self.wake.notified()).await;
    }
}

/// How long a failed source waits before it is opened again: 0.5 s doubling to 8 s.
pub fn backoff(failures: u32) -> Duration {
    Duration::from_millis(500 * 2u64.pow(failures.min(4)))
}

/// How often an idle camera is looked at (is it still there?).
pub const IDLE_LOOK: Duration = Duration::from_secs(1);
