//! Rendering without a display: Slint's software renderer into a buffer, for `kiosk screenshot`, the start-up
//! benchmark and documentation. It is the renderer the terminal image uses on linuxkms, so what it draws is
//! what the panel shows.

use slint::platform::software_renderer::{MinimalSoftwareWindow, RepaintBufferType};
use slint::platform::{Platform, WindowAdapter};
use slint::{PhysicalSize, PlatformError, Rgb8Pixel};
use std::path::Path;
use std::rc::Rc;
use thiserror::Error;

struct HeadlessPlatform {
    window: Rc<MinimalSoftwareWindow>,
}

impl Platform for HeadlessPlatform {
    fn create_window_adapter(&self) -> Result<Rc<dyn WindowAdapter>, PlatformError> {
        Ok(self.window.clone())
    }
}

pub struct Headless {
    window: Rc<MinimalSoftwareWindow>,
}

#[derive(Debug, Error)]
pub enum HeadlessError {
    #[error("a Slint platform is already set in this process")]
    PlatformSet,
    #[error("cannot write {path}: {source}")]
    Write {
        path: String,
        source: std::io::Error,
    },
    #[error("cannot encode the PNG: {0}")]
    Encode(#[from] png::EncodingError),
}

impl Headless {
    /// Installs the headless platform; call before creating any window.
    pub fn init() -> Result<Headless, HeadlessError> {
        let window = MinimalSoftwareWindow::new(RepaintBufferType::NewBuffer);
        slint::platform::set_platform(Box::new(HeadlessPlatform {
            window: window.clone(),
        }))
        .map_err(|_| HeadlessError::PlatformSet)?;
        Ok(Headless { window })
    }

    /// Renders one full frame of the (single) window at `width`×`height`.
    pub fn frame(&self, width: u32, height: u32) -> Vec<Rgb8Pixel> {
        self.window.set_size(PhysicalSize::new(width, height));
        slint::platform::update_timers_and_animations();
        self.window.request_redraw();
        let mut buffer = vec![Rgb8Pixel::new(0, 0, 0); width as usize * height as usize];
        self.window.draw_if_needed(|renderer| {
            renderer.render(&mut buffer, width as usize);
        });
        buffer
    }
}

pub fn write_png(
    path: &Path,
    width: u32,
    height: u32,
    pixels: &[Rgb8Pixel],
) -> Result<(), HeadlessError> {
    let file = std::fs::File::create(path).map_err(|source| HeadlessError::Write {
        path: path.display().to_string(),
        source,
    })?;
    let mut encoder = png::Encoder::new(std::io::BufWriter::new(file), width, height);
    encoder.set_color(png::ColorType::Rgb);
    encoder.set_depth(png::BitDepth::Eight);
    let mut writer = encoder.write_header()?;
    let bytes: Vec<u8> = pixels.iter().flat_map(|p| [p.r, p.g, p.b]).collect();
    writer.write_image_data(&bytes)?;
    writer.finish()?;
    Ok(())
}
