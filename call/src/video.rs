//! Video for the call: H.264 constrained baseline through openh264 (browsers decode it without extra
//! codecs), and the decoder for the clerk's video.

use openh264::decoder::Decoder;
use openh264::encoder::{
    BitRate, Encoder, EncoderConfig, FrameRate, IntraFramePeriod, Profile, RateControlMode,
    UsageType,
};
use openh264::formats::{RgbSliceU8, YUVBuffer, YUVSource};
use openh264::OpenH264API;

#[derive(Debug, thiserror::Error)]
pub enum VideoError {
    #[error("H.264 codec: {0}")]
    Codec(String),
    #[error("a frame of {0}×{1} cannot be encoded (give even sizes up to 1920×1088)")]
    Size(usize, usize),
}

fn codec(e: openh264::Error) -> VideoError {
    VideoError::Codec(e.to_string())
}

/// Encodes camera frames for the call.
pub struct VideoEncoder {
    encoder: Encoder,
    yuv: Option<YUVBuffer>,
    force_key: bool,
}

impl VideoEncoder {
    /// `fps` and `bitrate` are what the encoder aims for; frames come as they come.
    pub fn new(fps: f32, bitrate_bps: u32) -> Result<Self, VideoError> {
        let config = EncoderConfig::new()
            .usage_type(UsageType::CameraVideoRealTime)
            .profile(Profile::Baseline)
            .max_frame_rate(FrameRate::from_hz(fps))
            .bitrate(BitRate::from_bps(bitrate_bps))
            .rate_control_mode(RateControlMode::Bitrate)
            // A keyframe every 4 s as well as on request: a decoder that lost one catches up soon.
            .intra_frame_period(IntraFramePeriod::from_num_frames((fps * 4.0) as u32))
            // Rate control needs leave to skip a frame when the scene changes at once.
            .skip_frames(true);
        let encoder =
            Encoder::with_api_config(OpenH264API::from_source(), config).map_err(codec)?;
        Ok(Self {
            encoder,
            yuv: None,
            force_key: true,
        })
    }

    /// The next frame is a keyframe (the receiver asked with PLI or FIR).
    pub fn request_keyframe(&mut self) {
        self.force_key = true;
    }

    /// One RGB8 frame to Annex B H.264 (NAL units with start codes); empty when the encoder skipped it.
    pub fn encode(
        &mut self,
        width: usize,
        height: usize,
        rgb: &[u8],
    ) -> Result<Vec<u8>, VideoError> {
        if width == 0
            || height == 0
            || width % 2 == 1
            || height % 2 == 1
            || width > 1920
            || height > 1088
        {
            return Err(VideoError::Size(width, height));
        }
        if rgb.len() < width * height * 3 {
            return Err(VideoError::Size(width, height));
        }
        let source = RgbSliceU8::new(&rgb[..width * height * 3], (width, height));
        let yuv = match &mut self.yuv {
            Some(y) if y.dimensions() == (width, height) => {
                y.read_rgb8(source);
                y
            }
            slot => slot.insert(YUVBuffer::from_rgb8_source(source)),
        };
        if self.force_key {
            self.encoder.force_intra_frame();
            self.force_key = false;
        }
        let out = self.encoder.encode(&*yuv).map_err(codec)?;
        Ok(out.to_vec())
    }
}

/// A decoded frame of the clerk's video, RGBA8.
#[derive(Debug, Clone)]
pub struct RemoteFrame {
    pub width: usize,
    pub height: usize,
    pub rgba: std::sync::Arc<[u8]>,
    /// Frames decoded so far in this call.
    pub count: u64,
}

/// Decodes the clerk's video.
pub struct VideoDecoder {
    decoder: Decoder,
    count: u64,
}

impl VideoDecoder {
    pub fn new() -> Result<Self, VideoError> {
        Ok(Self {
            decoder: Decoder::new().map_err(codec)?,
            count: 0,
        })
    }

    /// One access unit (Annex B); `None` until a picture is complete. A broken unit is an error the caller
    /// answers with a keyframe request, never a panic.
    pub fn decode(&mut self, data: &[u8]) -> Result<Option<RemoteFrame>, VideoError> {
        let Some(yuv) = self.decoder.decode(data).map_err(codec)? else {
            return Ok(None);
        };
        let (width, height) = yuv.dimensions();
        let mut rgba = vec![0u8; width * height * 4];
        yuv.write_rgba8(&mut rgba);
        self.count += 1;
        Ok(Some(RemoteFrame {
            width,
            height,
            rgba: rgba.into(),
            count: self.count,
        }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn frame(w: usize, h: usize, shade: u8) -> Vec<u8> {
        (0..w * h)
            .flat_map(|i| [((i % w) * 255 / w) as u8, shade, ((i / w) * 255 / h) as u8])
            .collect()
    }

    #[test]
    fn what_is_encoded_decodes_to_the_same_picture() {
        let (w, h) = (320, 240);
        let mut enc = VideoEncoder::new(20.0, 500_000).unwrap();
        let mut dec = VideoDecoder::new().unwrap();
        let mut got = None;
        for i in 0..5 {
            let bytes = enc.encode(w, h, &frame(w, h, 40 * i)).unwrap();
            assert!(bytes.starts_with(&[0, 0, 0, 1]) || bytes.starts_with(&[0, 0, 1]));
            if let Some(f) = dec.decode(&bytes).unwrap() {
                got = Some(f);
            }
        }
        let f = got.expect("a decoded frame");
        assert_eq!((f.width, f.height), (w, h));
        // The left edge is dark red, the right edge bright red: the gradient survived.
        let px = |x: usize, y: usize| f.rgba[(y * w + x) * 4] as i32;
        assert!(px(w - 4, h / 2) - px(4, h / 2) > 150);
    }

    #[test]
    fn odd_sizes_and_short_buffers_are_errors() {
        let mut enc = VideoEncoder::new(20.0, 500_000).unwrap();
        assert!(enc.encode(321, 240, &[0; 321 * 240 * 3]).is_err());
        assert!(enc.encode(320, 240, &[0; 10]).is_err());
    }

    #[test]
    fn garbage_does_not_panic_the_decoder() {
        let mut dec = VideoDecoder::new().unwrap();
        for n in 0..200u32 {
            let junk: Vec<u8> = (0..n * 7)
                .map(|i| (i.wrapping_mul(2654435761) >> 13) as u8)
                .collect();
            let mut unit = vec![0, 0, 0, 1];
            unit.extend(junk);
            let _ = dec.decode(&unit);
        }
    }
}
