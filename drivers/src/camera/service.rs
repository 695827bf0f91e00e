//! The camera service: a producer task takes frames from a source at its rate and fans them out. The preview is a
//! `watch` channel (newest frame only: a slow consumer skips frames, the producer never waits); stills are
//! requests answered with the next frame in full.

use super::{Frame, StillError};
use std::time::Duration;
use tokio::sync::{mpsc, oneshot, watch};
use tokio::time::Instant;

/// Where frames come from.
pub enum Source {
    /// The moving test pattern at this size and rate.
    Synthetic {
        width: usize,
        height: usize,
        fps: u32,
    },
}

/// The consumers' side of a running camera.
#[derive(Clone)]
pub struct CameraHandle {
    preview: watch::Receiver<Option<Frame>>,
    stills: mpsc::UnboundedSender<oneshot::Sender<Frame>>,
}

impl CameraHandle {
    /// The preview: newest frame only.
    pub fn preview(&self) -> watch::Receiver<Option<Frame>> {
        self.preview.clone()
    }

    /// The next frame, whole.
    pub async fn still(&self) -> Result<Frame, StillError> {
        let (tx, rx) = oneshot::channel();
        self.stills
            .send(tx)
            .map_err(|_| StillError::CameraStopped)?;
        rx.await.map_err(|_| StillError::CameraStopped)
    }
}

/// Starts the camera; it runs until every handle is dropped.
pub fn start(source: Source) -> CameraHandle {
    let (preview_tx, preview) = watch::channel(None);
    let (stills, mut requests) = mpsc::unbounded_channel::<oneshot::Sender<Frame>>();
    let Source::Synthetic { width, height, fps } = source;
    let period = Duration::from_secs_f64(1.0 / f64::from(fps.max(1)));
    tokio::spawn(async move {
        let origin = Instant::now();
        let mut waiting: Vec<oneshot::Sender<Frame>> = Vec::new();
        let mut ticker = tokio::time::interval(period);
        // A late tick is skipped, not bunched: frames keep their spacing.
        ticker.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Skip);
        let mut seq = 0u64;
        let mut requests_open = true;
        loop {
            tokio::select! {
                _ = ticker.tick() => {
                    let frame = super::synthetic::pattern(width, height, seq, origin.elapsed());
                    seq += 1;
                    for w in waiting.drain(..) {
                        let _ = w.send(frame.clone());
                    }
                    // `send_replace` never waits for readers.
                    preview_tx.send_replace(Some(frame));
                }
                req = requests.recv(), if requests_open => match req {
                    Some(r) => waiting.push(r),
                    None => requests_open = false,
                },
            }
            // Every handle gone: nobody can watch or ask any more.
            if preview_tx.is_closed() && !requests_open {
                return;
            }
        }
    });
    CameraHandle { preview, stills }
}
