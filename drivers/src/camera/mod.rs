//! Cameras (face camera, document camera 高拍仪): one service owns each camera and hands its frames to several
//! consumers at once. The preview always gets the newest frame and may skip some (a slow screen never holds the
//! camera up); a still capture gets the next frame whole, never a skipped one. Stills are encoded as JPEG.

pub mod demand;
pub mod document;
pub mod service;
pub mod synthetic;
#[cfg(feature = "v4l")]
pub mod v4l;

use std::sync::Arc;
use std::time::Duration;

/// One frame, RGB8, shared (not copied) between consumers.
#[derive(Debug, Clone)]
pub struct Frame {
    pub width: usize,
    pub height: usize,
    /// Frame number since the camera started.
    pub seq: u64,
    /// When it was captured, since the camera started.
    pub at: Duration,
    pub rgb: Arc<[u8]>,
}

#[derive(Debug, thiserror::Error)]
pub enum StillError {
    #[error("the picture is larger than JPEG allows ({0}×{1})")]
    TooLarge(usize, usize),
    #[error("JPEG encoding failed: {0}")]
    Encode(String),
    #[error("the camera stopped before the still was taken")]
    CameraStopped,
    #[error("the camera is not working: {0}")]
    Camera(String),
}

/// Encodes a frame as JPEG at `quality` (1–100).
pub fn to_jpeg(frame: &Frame, quality: u8) -> Result<Vec<u8>, StillError> {
    let (w, h) = (
        u16::try_from(frame.width).map_err(|_| StillError::TooLarge(frame.width, frame.height))?,
        u16::try_from(frame.height).map_err(|_| StillError::TooLarge(frame.width, frame.height))?,
    );
    let mut out = Vec::new();
    jpeg_encoder::Encoder::new(&mut out, quality.clamp(1, 100))
        .encode(&frame.rgb, w, h, jpeg_encoder::ColorType::Rgb)
        .map_err(|e| StillError::Encode(e.to_string()))?;
    Ok(out)
}

/// `frame` as RGB pixels no wider than `max_width`, halved by averaging 2×2 blocks.
pub fn shrink(frame: &Frame, max_width: usize) -> (usize, usize, Vec<u8>) {
    let (mut w, mut h) = (frame.width, frame.height);
    let mut px: Vec<u8> = frame.rgb.to_vec();
    while w > max_width && w >= 2 && h >= 2 {
        let (nw, nh) = (w / 2, h / 2);
        let mut out = vec![0u8; nw * nh * 3];
        for y in 0..nh {
            for x in 0..nw {
                for c in 0..3 {
                    let at = |xx: usize, yy: usize| u16::from(px[(yy * w + xx) * 3 + c]);
                    let sum = at(2 * x, 2 * y)
                        + at(2 * x + 1, 2 * y)
                        + at(2 * x, 2 * y + 1)
                        + at(2 * x + 1, 2 * y + 1);
                    out[(y * nw + x) * 3 + c] = (sum / 4) as u8;
                }
            }
        }
        (w, h, px) = (nw, nh, out);
    }
    (w, h, px)
}
