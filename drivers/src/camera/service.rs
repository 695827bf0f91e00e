//! The camera service: a producer takes frames from a source at its rate; a fan-out task hands them on. The
//! preview is a `watch` channel (newest frame only: a slow consumer skips frames, the producer never waits);
//! stills are requests answered with the next frame in full. A camera streams only while someone watches a
//! preview or waits for a still: a face camera does not film an empty room, and a document camera's MJPEG is
//! not decoded for nobody (on the Pi that is a good part of a core). At start one frame tells its health; while
//! idle a synthetic camera's plug and a V4L2 camera's device node are checked. A source that fails (a camera unplugged, a
//! driver error) makes the camera down with the reason; waiting stills get that reason, the preview goes
//! blank, and the source is reopened with backoff until it comes back.

use super::demand::{backoff, Demand, IDLE_LOOK};
use super::{Frame, StillError};
use crate::device::{DeviceId, Health};
use crate::event::DeviceEvent;
use crate::report::HealthReport;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::mpsc::{self, UnboundedSender};
use tokio::sync::{oneshot, watch};
use tokio::time::Instant;

/// What a synthetic camera films.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scene {
    /// The moving test pattern (face camera).
    Pattern,
    /// A tilted page on a dark pad, with the frame number (document camera).
    Document,
}

/// The simulator's hand on a synthetic camera: unplug it (fault injection), or change how the page lies on
/// a document camera's pad (to try the photo checks a clerk would otherwise return a case for).
#[derive(Debug, Clone)]
pub struct Plug {
    connected: Arc<AtomicBool>,
    page: Arc<std::sync::atomic::AtomicU8>,
}

impl Default for Plug {
    fn default() -> Self {
        Self {
            connected: Arc::new(AtomicBool::new(true)),
            page: Arc::new(std::sync::atomic::AtomicU8::new(PageOnPad::Placed as u8)),
        }
    }
}

impl Plug {
    pub fn set_connected(&self, connected: bool) {
        self.connected.store(connected, Ordering::Relaxed);
    }

    pub fn connected(&self) -> bool {
        self.connected.load(Ordering::Relaxed)
    }

    pub fn set_page(&self, page: PageOnPad) {
        self.page.store(page as u8, Ordering::Relaxed);
    }

    pub fn page(&self) -> PageOnPad {
        match self.page.load(Ordering::Relaxed) {
            x if x == PageOnPad::Dim as u8 => PageOnPad::Dim,
            x if x == PageOnPad::OffEdge as u8 => PageOnPad::OffEdge,
            _ => PageOnPad::Placed,
        }
    }
}

/// How the page lies under a simulated document camera.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PageOnPad {
    /// Whole on the pad, in good light.
    Placed,
    /// In poor light (the lamp off, a shadow over it).
    Dim,
    /// Partly off the pad, out of the picture.
    OffEdge,
}

/// Where frames come from.
pub enum Source {
    Synthetic {
        width: usize,
        height: usize,
        fps: u32,
        scene: Scene,
        plug: Plug,
    },
    /// A V4L2 camera through nokhwa, e.g. `/dev/v4l/by-id/usb-…-video-index0`.
    #[cfg(feature = "v4l")]
    V4l {
        device: String,
        width: u32,
        height: u32,
        fps: u32,
    },
}

impl Source {
    /// A synthetic camera that stays plugged in.
    pub fn synthetic(width: usize, height: usize, fps: u32, scene: Scene) -> Self {
        Source::Synthetic {
            width,
            height,
            fps,
            scene,
            plug: Plug::default(),
        }
    }
}

type StillReply = oneshot::Sender<Result<Frame, StillError>>;

/// A preview subscription: the newest frame, while it lives the camera streams.
pub struct Preview {
    rx: watch::Receiver<Option<Frame>>,
    demand: Arc<Demand>,
}

impl Preview {
    fn new(rx: watch::Receiver<Option<Frame>>, demand: Arc<Demand>) -> Self {
        demand.previews.fetch_add(1, Ordering::AcqRel);
        demand.wake.notify_waiters();
        Self { rx, demand }
    }
}

impl Drop for Preview {
    fn drop(&mut self) {
        self.demand.previews.fetch_sub(1, Ordering::AcqRel);
    }
}

impl std::ops::Deref for Preview {
    type Target = watch::Receiver<Option<Frame>>;
    fn deref(&self) -> &Self::Target {
        &self.rx
    }
}

impl std::ops::DerefMut for Preview {
    fn deref_mut(&mut self) -> &mut Self::Target {
        &mut self.rx
    }
}

/// The consumers' side of a running camera.
#[derive(Clone)]
pub struct CameraHandle {
    preview: watch::Receiver<Option<Frame>>,
    stills: mpsc::UnboundedSender<StillReply>,
    demand: Arc<Demand>,
}

impl CameraHandle {
    /// The preview: newest frame only; `None` while the camera is down. The camera streams while it lives.
    pub fn preview(&self) -> Preview {
        Preview::new(self.preview.clone(), self.demand.clone())
    }

    /// The next frame, whole; an error at once when the camera fails before it.
    pub async fn still(&self) -> Result<Frame, StillError> {
        let (tx, rx) = oneshot::channel();
        self.demand.stills.fetch_add(1, Ordering::AcqRel);
        self.demand.wake.notify_waiters();
        if self.stills.send(tx).is_err() {
            self.demand.stills.fetch_sub(1, Ordering::AcqRel);
            return Err(StillError::CameraStopped);
        }
        rx.await.map_err(|_| StillError::CameraStopped)?
    }
}

/// Starts the camera; it runs until every handle is dropped.
pub fn start(source: Source) -> CameraHandle {
    start_inner(source, None)
}

/// Starts the camera and reports its health as device `id`.
pub fn start_reporting(
    id: DeviceId,
    source: Source,
    events: UnboundedSender<DeviceEvent>,
) -> CameraHandle {
    start_inner(source, Some(HealthReport::new(id, "camera", events)))
}

fn start_inner(source: Source, mut health: Option<HealthReport>) -> CameraHandle {
    let (preview_tx, preview) = watch::channel(None);
    let (stills, mut requests) = mpsc::unbounded_channel::<StillReply>();
    // Two frames of slack between producer and fan-out: enough to ride out a scheduling hiccup, never a queue.
    let (frames_tx, mut frames) = mpsc::channel::<Result<Frame, String>>(2);
    let stop = Arc::new(AtomicBool::new(false));
    let demand = Arc::new(Demand::default());
    match source {
        Source::Synthetic {
            width,
            height,
            fps,
            scene,
            plug,
        } => {
            tokio::spawn(synthetic(
                width,
                height,
                fps,
                scene,
                plug,
                frames_tx,
                demand.clone(),
            ));
        }
        #[cfg(feature = "v4l")]
        Source::V4l {
            device,
            width,
            height,
            fps,
        } => {
            let (stop, demand) = (stop.clone(), demand.clone());
            std::thread::spawn(move || {
                super::v4l::run(&device, width, height, fps, frames_tx, &stop, &demand)
            });
        }
    }
    let answered = demand.clone();
    tokio::spawn(async move {
        let mut waiting: Vec<StillReply> = Vec::new();
        let mut requests_open = true;
        loop {
            tokio::select! {
                got = frames.recv() => match got {
                    Some(Ok(frame)) => {
                        if let Some(h) = health.as_mut() {
                            h.set(Health::Online);
                        }
                        for w in waiting.drain(..) {
                            answered.stills.fetch_sub(1, Ordering::AcqRel);
                            let _ = w.send(Ok(frame.clone()));
                        }
                        // `send_replace` never waits for readers.
                        preview_tx.send_replace(Some(frame));
                    }
                    Some(Err(reason)) => {
                        if let Some(h) = health.as_mut() {
                            h.set(Health::Down { reason: reason.clone() });
                        }
                        for w in waiting.drain(..) {
                            answered.stills.fetch_sub(1, Ordering::AcqRel);
                            let _ = w.send(Err(StillError::Camera(reason.clone())));
                        }
                        preview_tx.send_replace(None);
                    }
                    None => break,
                },
                req = requests.recv(), if requests_open => match req {
                    Some(r) => waiting.push(r),
                    None => requests_open = false,
                },
            }
            // Every handle gone: nobody can watch or ask any more.
            if preview_tx.is_closed() && !requests_open {
                break;
            }
        }
        stop.store(true, Ordering::Relaxed);
    });
    CameraHandle {
        preview,
        stills,
        demand,
    }
}

async fn synthetic(
    width: usize,
    height: usize,
    fps: u32,
    scene: Scene,
    plug: Plug,
    out: mpsc::Sender<Result<Frame, String>>,
    demand: Arc<Demand>,
) {
    let period = Duration::from_secs_f64(1.0 / f64::from(fps.max(1)));
    let origin = Instant::now();
    // Each arrangement of the page is drawn once, when first filmed.
    let mut pages: Vec<(PageOnPad, Frame)> = Vec::new();
    let mut ticker = tokio::time::interval(period);
    // A late tick is skipped, not bunched: frames keep their spacing.
    ticker.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Skip);
    let mut seq = 0u64;
    let mut failures = 0u32;
    let mut down = false;
    let mut make = |seq: u64| {
        if scene != Scene::Document {
            return super::synthetic::pattern(width, height, seq, origin.elapsed());
        }
        let how = plug.page();
        let i = match pages.iter().position(|(h, _)| *h == how) {
            Some(i) => i,
            None => {
                pages.push((how, super::synthetic::document_as(width, height, 4.0, how)));
                pages.len() - 1
            }
        };
        super::synthetic::stamped(&pages[i].1, seq, origin.elapsed())
    };
    // One frame at start tells the camera's health; after that, frames only while wanted.
    let mut first = true;
    loop {
        if !first && !demand.wanted() {
            demand.until_wanted(IDLE_LOOK).await;
            if out.is_closed() {
                return;
            }
            if !demand.wanted() {
                // Idle: only whether the camera went away or came back.
                let told = match (plug.connected(), down) {
                    (false, false) => {
                        down = true;
                        out.send(Err(VANISHED.into())).await
                    }
                    (true, true) => {
                        down = false;
                        seq += 1;
                        out.send(Ok(make(seq - 1))).await
                    }
                    _ => Ok(()),
                };
                if told.is_err() {
                    return;
                }
                continue;
            }
            ticker.reset();
        }
        first = false;
        ticker.tick().await;
        if !plug.connected() {
            down = true;
            if out.send(Err(VANISHED.into())).await.is_err() {
                return;
            }
            tokio::time::sleep(backoff(failures)).await;
            failures += 1;
            continue;
        }
        down = false;
        failures = 0;
        let frame = make(seq);
        seq += 1;
        // `try_send`: when the fan-out lags the frame is dropped here, the producer keeps its pace.
        if let Err(mpsc::error::TrySendError::Closed(_)) = out.try_send(Ok(frame)) {
            return;
        }
    }
}

const VANISHED: &str = "the camera vanished (unplugged or its driver failed); reopening";
