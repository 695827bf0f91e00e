//! Text as a raster image, for characters the printer's font lacks (rare characters in names that need four
//! bytes in GB18030). The escpos crate's raster support goes through the `image` crate and takes a picture file;
//! we have text, so the glyphs are drawn here with ab_glyph and sent as one `GS v 0` block.

use ab_glyph::{Font, FontArc, PxScale, ScaleFont};
use std::path::Path;

/// Fonts with wide CJK coverage, where Debian-based images install them.
pub const SYSTEM_FONTS: [&str; 3] = [
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
    "/usr/share/fonts/truetype/arphic/uming.ttc",
];

pub struct RasterFont {
    font: FontArc,
}

/// A font loaded on first use: a CJK collection is ~20 MB and rare characters are rare, so neither start-up nor
/// memory pays for it until a receipt needs it.
pub struct LazyFont {
    paths: Vec<std::path::PathBuf>,
    font: std::sync::OnceLock<Option<RasterFont>>,
}

impl LazyFont {
    /// The first of these font files that loads, when first asked for.
    pub fn at(paths: Vec<std::path::PathBuf>) -> Self {
        Self {
            paths,
            font: std::sync::OnceLock::new(),
        }
    }

    /// The first of the system fonts that loads, when first asked for.
    pub fn system() -> Self {
        Self::at(SYSTEM_FONTS.iter().map(std::path::PathBuf::from).collect())
    }

    /// An already loaded font.
    pub fn loaded(font: RasterFont) -> Self {
        Self {
            paths: Vec::new(),
            font: std::sync::OnceLock::from(Some(font)),
        }
    }

    /// Whether one of its files is there (cheap; does not load it).
    pub fn available(&self) -> bool {
        self.font.get().is_some_and(Option::is_some) || self.paths.iter().any(|p| p.exists())
    }

    pub fn get(&self) -> Option<&RasterFont> {
        self.font
            .get_or_init(|| self.paths.iter().find_map(|p| RasterFont::load(p)))
            .as_ref()
    }
}

/// A 1-bit image, rows of `width_bytes`, most significant bit leftmost, 1 = black (the `GS v 0` layout).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Raster {
    pub width_bytes: usize,
    pub height: usize,
    pub data: Vec<u8>,
}

impl RasterFont {
    pub fn from_bytes(bytes: Vec<u8>) -> Option<Self> {
        FontArc::try_from_vec(bytes).ok().map(|font| Self { font })
    }

    pub fn load(path: &Path) -> Option<Self> {
        Self::from_bytes(std::fs::read(path).ok()?)
    }

    pub fn has_glyph(&self, c: char) -> bool {
        c.is_whitespace() || self.font.glyph_id(c).0 != 0
    }

    /// Draws one line of text, `height` dots tall, at most `max_width` dots wide (cut beyond).
    pub fn render(&self, text: &str, height: usize, max_width: usize) -> Raster {
        let scale = PxScale::from(height as f32);
        let font = self.font.as_scaled(scale);
        let width_bytes = max_width.div_ceil(8);
        let mut data = vec![0u8; width_bytes * height];
        let mut x = 0.0f32;
        let ascent = font.ascent();
        let mut prev = None;
        for c in text.chars() {
            let id = font.glyph_id(c);
            if let Some(p) = prev {
                x += font.kern(p, id);
            }
            let glyph = id.with_scale_and_position(scale, ab_glyph::point(x, ascent));
            x += font.h_advance(id);
            prev = Some(id);
            let Some(outlined) = self.font.outline_glyph(glyph) else {
                continue;
            };
            let bounds = outlined.px_bounds();
            outlined.draw(|gx, gy, coverage| {
                let px = bounds.min.x as i64 + i64::from(gx);
                let py = bounds.min.y as i64 + i64::from(gy);
                if coverage > 0.45
                    && px >= 0
                    && py >= 0
                    && (px as usize) < max_width
                    && (py as usize) < height
                {
                    let (px, py) = (px as usize, py as usize);
                    data[py * width_bytes + px / 8] |= 0x80 >> (px % 8);
                }
            });
        }
        Raster {
            width_bytes,
            height,
            data,
        }
    }
}

impl Raster {
    /// `GS v 0 m xL xH yL yH d…`: print a raster bit image, normal density.
    pub fn to_escpos(&self) -> Vec<u8> {
        let mut out = vec![0x1D, 0x76, 0x30, 0x00];
        out.extend_from_slice(&(self.width_bytes as u16).to_le_bytes());
        out.extend_from_slice(&(self.height as u16).to_le_bytes());
        out.extend_from_slice(&self.data);
        out
    }

    pub fn ink(&self) -> usize {
        self.data.iter().map(|b| b.count_ones() as usize).sum()
    }
}
