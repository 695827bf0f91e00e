//! A V4L2 camera through nokhwa (feature `v4l`). nokhwa's calls block, so the camera runs on its own thread and
//! hands frames to the async fan-out. MJPEG (what USB document cameras and webcams send at 720p and up) is
//! decoded with zune-jpeg rather than nokhwa's mozjpeg, which would add a C build; YUYV, NV12, grey and raw RGB
//! are converted with nokhwa's own helpers. A camera that fails is closed and opened again with backoff.

use super::demand::Demand;
use super::Frame;
use nokhwa::pixel_format::RgbFormat;
use nokhwa::utils::{CameraFormat, CameraIndex, FrameFormat, RequestedFormat, RequestedFormatType};
use nokhwa::{Buffer, Camera};
use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::sync::mpsc;

/// `/dev/videoN` (or a by-id link to it) → N, which is how nokhwa names V4L2 devices.
pub fn index_of(device: &str) -> Result<u32, String> {
    let real = std::fs::canonicalize(Path::new(device))
        .map_err(|e| format!("{device}: {e}: check the cable and the profile's device"))?;
    real.file_name()
        .and_then(|n| n.to_str())
        .and_then(|n| n.strip_prefix("video"))
        .and_then(|n| n.parse().ok())
        .ok_or_else(|| format!("{device} is not a video device (/dev/videoN)"))
}

fn open(device: &str, width: u32, height: u32, fps: u32) -> Result<Camera, String> {
    let index = index_of(device)?;
    let wanted = RequestedFormat::new::<RgbFormat>(RequestedFormatType::Closest(
        CameraFormat::new_from(width, height, FrameFormat::MJPEG, fps),
    ));
    let mut cam = Camera::new(CameraIndex::Index(index), wanted)
        .map_err(|e| format!("{device}: cannot open the camera: {e}"))?;
    cam.open_stream()
        .map_err(|e| format!("{device}: cannot start streaming: {e}"))?;
    Ok(cam)
}

/// RGB8 pixels of one captured buffer.
pub fn to_rgb(buf: &Buffer) -> Result<(usize, usize, Vec<u8>), String> {
    let res = buf.resolution();
    let (w, h) = (res.width() as usize, res.height() as usize);
    let data = buf.buffer();
    let rgb = match buf.source_frame_format() {
        FrameFormat::MJPEG => {
            let mut dec = zune_jpeg::JpegDecoder::new(data);
            let px = dec.decode().map_err(|e| format!("bad MJPEG frame: {e}"))?;
            match dec.dimensions() {
                Some((dw, dh)) if px.len() == dw * dh * 3 => return Ok((dw, dh, px)),
                _ => return Err("MJPEG frame of an unexpected layout".into()),
            }
        }
        FrameFormat::YUYV => {
            nokhwa::utils::yuyv422_to_rgb(data, false).map_err(|e| e.to_string())?
        }
        FrameFormat::NV12 => {
            nokhwa::utils::nv12_to_rgb(res, data, false).map_err(|e| e.to_string())?
        }
        FrameFormat::GRAY => data.iter().flat_map(|&g| [g, g, g]).collect(),
        FrameFormat::RAWRGB => data.to_vec(),
        FrameFormat::RAWBGR => data
            .chunks_exact(3)
            .flat_map(|p| [p[2], p[1], p[0]])
            .collect(),
    };
    if rgb.len() != w * h * 3 {
        return Err(format!("frame of {} bytes does not fit {w}×{h}", rgb.len()));
    }
    Ok((w, h, rgb))
}

/// Whether to go on waiting while idle: checks `demand` every 50 ms for at most `super::demand::IDLE_LOOK`.
fn idle(demand: &Demand, stop: &AtomicBool) -> bool {
    let end = Instant::now() + super::demand::IDLE_LOOK;
    while Instant::now() < end {
        if demand.wanted() || stop.load(Ordering::Relaxed) {
            return false;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    true
}

/// The camera thread: runs until the fan-out is gone or `stop` is set. The camera is open only while frames
/// are wanted (and once at start, for its health); while idle its device node is looked at every second.
pub fn run(
    device: &str,
    width: u32,
    height: u32,
    fps: u32,
    out: mpsc::Sender<Result<Frame, String>>,
    stop: &AtomicBool,
    demand: &Demand,
) {
    let origin = Instant::now();
    let mut seq = 0u64;
    let mut failures = 0u32;
    // One frame at start (and after coming back) tells the health; then frames only while wanted.
    let mut one_frame = true;
    let mut down = false;
    while !stop.load(Ordering::Relaxed) && !out.is_closed() {
        if !one_frame && !demand.wanted() {
            if !idle(demand, stop) {
                continue;
            }
            match (index_of(device), down) {
                (Err(why), false) => {
                    down = true;
                    if out.blocking_send(Err(why)).is_err() {
                        return;
                    }
                }
                (Ok(_), true) => one_frame = true,
                _ => {}
            }
            continue;
        }
        let mut cam = match open(device, width, height, fps) {
            Ok(c) => c,
            Err(why) => {
                down = true;
                if out.blocking_send(Err(why)).is_err() {
                    return;
                }
                std::thread::sleep(super::demand::backoff(failures));
                failures += 1;
                continue;
            }
        };
        tracing::info!(device, format = %cam.camera_format(), "camera streaming");
        loop {
            if stop.load(Ordering::Relaxed) || out.is_closed() {
                let _ = cam.stop_stream();
                return;
            }
            if !one_frame && !demand.wanted() {
                // Nobody watches: close the camera (its light goes off, its decoding stops).
                let _ = cam.stop_stream();
                tracing::info!(device, "camera idle");
                break;
            }
            let frame = cam
                .frame()
                .map_err(|e| format!("{device}: the camera stopped sending: {e}"))
                .and_then(|b| to_rgb(&b));
            match frame {
                Ok((w, h, rgb)) => {
                    failures = 0;
                    down = false;
                    one_frame = false;
                    let f = Frame {
                        width: w,
                        height: h,
                        seq,
                        at: origin.elapsed(),
                        rgb: Arc::from(rgb),
                    };
                    seq += 1;
                    // A lagging fan-out drops this frame; the camera is never held up.
                    if let Err(mpsc::error::TrySendError::Closed(_)) = out.try_send(Ok(f)) {
                        return;
                    }
                }
                Err(why) => {
                    let _ = cam.stop_stream();
                    down = true;
                    if out.blocking_send(Err(why)).is_err() {
                        return;
                    }
                    std::thread::sleep(super::demand::backoff(failures));
                    failures += 1;
                    break;
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use nokhwa::utils::Resolution;

    #[test]
    fn a_missing_device_names_itself_and_what_to_check() {
        let e = index_of("/dev/v4l/by-id/no-such-camera").unwrap_err();
        assert!(e.contains("no-such-camera") && e.contains("cable"), "{e}");
        let e = index_of("/dev/null").unwrap_err();
        assert!(e.contains("not a video device"), "{e}");
    }

    #[test]
    fn buffers_of_each_format_become_rgb_and_bad_ones_are_errors() {
        let res = Resolution::new(4, 2);
        // YUYV: 2 pixels per 4 bytes; mid grey.
        let yuyv = Buffer::new(res, &[128u8; 16], FrameFormat::YUYV);
        let (w, h, rgb) = to_rgb(&yuyv).unwrap();
        assert_eq!((w, h, rgb.len()), (4, 2, 24));
        let grey = Buffer::new(res, &[7u8; 8], FrameFormat::GRAY);
        assert_eq!(to_rgb(&grey).unwrap().2[..3], [7, 7, 7]);
        let bgr = Buffer::new(res, &[1, 2, 3].repeat(8), FrameFormat::RAWBGR);
        assert_eq!(to_rgb(&bgr).unwrap().2[..3], [3, 2, 1]);
        let short = Buffer::new(res, &[0u8; 5], FrameFormat::RAWRGB);
        assert!(to_rgb(&short).is_err());
        let junk = Buffer::new(res, &[0xFF, 0xD8, 0, 1, 2], FrameFormat::MJPEG);
        assert!(to_rgb(&junk).is_err());
        let frame = super::super::synthetic::pattern(64, 32, 0, Duration::ZERO);
        let jpeg = super::super::to_jpeg(&frame, 90).unwrap();
        let mjpeg = Buffer::new(Resolution::new(64, 32), &jpeg, FrameFormat::MJPEG);
        assert_eq!(to_rgb(&mjpeg).unwrap().0, 64);
    }
}
