//! The camera on screen: a pump that carries the live preview into the UI while the capture page shows, and
//! the photo of a material (a still, its page found and straightened, JPEG for handing in, a small view for
//! review). The pump never queues: while the UI has not drawn the last frame it skips newer ones, so a busy
//! screen lowers the preview's rate, never its freshness, and the camera is never held up.

use kiosk_core::Photo;
use kiosk_drivers::camera::service::CameraHandle;
use kiosk_drivers::camera::{document, to_jpeg, Frame};
use kiosk_ui::{CaptureAdapter, KioskWindow};
use slint::{ComponentHandle, Image, Rgb8Pixel, SharedPixelBuffer};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;

/// Preview frames wider than this are halved (repeatedly) before they reach the UI: the software renderer
/// scales every pixel it is given, and the preview area is under 1200 px wide on every panel we support.
pub const PREVIEW_MAX_WIDTH: usize = 1280;

/// Largest side of the review view of a photo.
pub const VIEW_MAX: usize = 1200;

/// JPEG quality of handed-in materials: text stays crisp, a page is a few hundred kB.
pub const JPEG_QUALITY: u8 = 85;

pub use kiosk_drivers::camera::shrink;

/// The frame as a Slint pixel buffer for the preview (`None` if its size does not fit its pixels).
pub fn to_buffer(frame: &Frame, max_width: usize) -> Option<SharedPixelBuffer<Rgb8Pixel>> {
    let (w, h, px) = shrink(frame, max_width);
    if px.len() != w * h * 3 {
        return None;
    }
    Some(SharedPixelBuffer::clone_from_slice(
        &px,
        u32::try_from(w).ok()?,
        u32::try_from(h).ok()?,
    ))
}

/// A running preview; stops when dropped.
pub struct PreviewPump {
    task: tokio::task::JoinHandle<()>,
    /// Frames handed to the UI so far (for the benchmark and the technician's view).
    pub shown: Arc<AtomicU64>,
}

impl Drop for PreviewPump {
    fn drop(&mut self) {
        self.task.abort();
    }
}

impl PreviewPump {
    pub fn start(
        runtime: &tokio::runtime::Handle,
        camera: CameraHandle,
        ui: slint::Weak<KioskWindow>,
    ) -> Self {
        let shown = Arc::new(AtomicU64::new(0));
        let counter = shown.clone();
        let in_flight = Arc::new(AtomicBool::new(false));
        let task = runtime.spawn(async move {
            let mut frames = camera.preview();
            // Show what there is now (a frame, or that the camera is down), then every change.
            let mut first = true;
            loop {
                if !first && frames.changed().await.is_err() {
                    return;
                }
                first = false;
                if in_flight.load(Ordering::Acquire) {
                    continue;
                }
                let frame = frames.borrow_and_update().clone();
                let buffer = frame.as_ref().and_then(|f| to_buffer(f, PREVIEW_MAX_WIDTH));
                in_flight.store(true, Ordering::Release);
                let (ui, done, counter) = (ui.clone(), in_flight.clone(), counter.clone());
                let sent = slint::invoke_from_event_loop(move || {
                    if let Some(ui) = ui.upgrade() {
                        let capture = ui.global::<CaptureAdapter>();
                        match buffer {
                            Some(b) => {
                                capture.set_camera_frame(Image::from_rgb8(b));
                                capture.set_camera_live(true);
                                counter.fetch_add(1, Ordering::Relaxed);
                            }
                            None => {
                                capture.set_camera_frame(Image::default());
                                capture.set_camera_live(false);
                            }
                        }
                    }
                    done.store(false, Ordering::Release);
                });
                if sent.is_err() {
                    return;
                }
            }
        });
        Self { task, shown }
    }
}

/// Turns a still into a material: the page found on the pad, straightened and cropped; a JPEG of it; a view
/// for the review screen. An empty pad (no page found) is an error the resident can act on.
pub fn photo(still: &Frame) -> Result<Photo, String> {
    let (page, quality) =
        document::capture(still).ok_or_else(|| "no page found on the pad".to_string())?;
    Ok(as_photo(&page)?.with_quality(kiosk_core::PhotoQuality {
        dark: quality.dark,
        cut_off: quality.cut_off,
    }))
}

/// Turns a still of the face camera into the resident's photo, as taken (nothing to straighten).
pub fn portrait(still: &Frame) -> Result<Photo, String> {
    as_photo(still)
}

fn as_photo(page: &Frame) -> Result<Photo, String> {
    let jpeg = to_jpeg(page, JPEG_QUALITY).map_err(|e| e.to_string())?;
    let longest = page.width.max(page.height);
    let mut max_w = page.width;
    while max_w > 1 && longest * max_w / page.width.max(1) > VIEW_MAX {
        max_w /= 2;
    }
    let (w, h, view) = shrink(page, max_w.max(1));
    Ok(Photo::new(jpeg, view, w as u32, h as u32))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn shrinking_halves_until_it_fits_and_averages() {
        let f = kiosk_drivers::camera::synthetic::pattern(1920, 1080, 0, Duration::ZERO);
        let (w, h, px) = shrink(&f, 1280);
        assert_eq!((w, h, px.len()), (960, 540, 960 * 540 * 3));
        let (w, _, _) = shrink(&f, 4000);
        assert_eq!(w, 1920);
        let grey = Frame {
            width: 2,
            height: 2,
            seq: 0,
            at: Duration::ZERO,
            rgb: Arc::from(vec![0, 0, 0, 100, 100, 100, 200, 200, 200, 100, 100, 100]),
        };
        assert_eq!(shrink(&grey, 1).2, vec![100, 100, 100]);
    }

    #[test]
    fn a_page_becomes_a_photo_and_an_empty_pad_an_error() {
        let page = kiosk_drivers::camera::synthetic::document(1280, 960, 5.0);
        let p = photo(&page).unwrap();
        assert_eq!(&p.jpeg.expose()[..2], &[0xFF, 0xD8]);
        assert!(p.view_height > p.view_width, "an upright page");
        assert!(p.view_width as usize <= VIEW_MAX && p.view_height as usize <= VIEW_MAX);
        assert_eq!(
            p.view.expose().len(),
            (p.view_width * p.view_height * 3) as usize
        );
        let empty = Frame {
            width: 64,
            height: 48,
            seq: 0,
            at: Duration::ZERO,
            rgb: Arc::from(vec![40u8; 64 * 48 * 3]),
        };
        assert!(photo(&empty).is_err());
    }
}
