//! What the platform shows of a certificate or an earlier material, made ready for the screen: the JPEG of a
//! photographed material decoded (zune-jpeg, as the cameras' MJPEG) and scaled to the viewer's size.

use base64::Engine as _;
use kiosk_core::application::HeldShown;
use kiosk_core::model::Photo;

/// The longest side of the picture on screen (the viewer is at most about a screen's height).
const VIEW_MAX: u32 = 900;

/// The view with its picture decoded; a picture that does not decode is left out (the rows still show).
pub fn ready(mut view: kiosk_api::HeldView) -> HeldShown {
    let picture = view.picture_jpeg_base64.take().and_then(|b64| {
        let jpeg = base64::engine::general_purpose::STANDARD
            .decode(b64.as_bytes())
            .map_err(|e| tracing::warn!(error = %e, "the material's picture is not base64"))
            .ok()?;
        decode(&jpeg)
            .map_err(|e| tracing::warn!(error = %e, "the material's picture does not decode"))
            .ok()
    });
    HeldShown { view, picture }
}

fn decode(jpeg: &[u8]) -> Result<Photo, String> {
    let mut dec = zune_jpeg::JpegDecoder::new(jpeg);
    let px = dec.decode().map_err(|e| e.to_string())?;
    let (w, h) = dec.dimensions().ok_or("no dimensions")?;
    let img = image::RgbImage::from_raw(w as u32, h as u32, px).ok_or("not RGB")?;
    let scale = (VIEW_MAX as f32 / w.max(h).max(1) as f32).min(1.0);
    let (vw, vh) = (
        ((w as f32 * scale) as u32).max(1),
        ((h as f32 * scale) as u32).max(1),
    );
    let view = image::imageops::resize(&img, vw, vh, image::imageops::FilterType::Triangle);
    Ok(Photo::new(Vec::new(), view.into_raw(), vw, vh))
}
