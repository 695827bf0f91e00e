//! Text as a raster image, for characters the printer's font lacks (rare characters in names that need four
//! bytes in GB18030). The escpos crate's raster support goes through the `image` crate and takes a picture file;
//! we have text, so the glyphs are drawn here with ab_glyph and sent as one `GS v 0` block.

use ab_glyph::{Font, PxScale, ScaleFont};
use kiosk_fonts::FontSet;

/// A 1-bit image, rows of `width_bytes`, most significant bit leftmost, 1 = black (the `GS v 0` layout).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Raster {
    pub width_bytes: usize,
    pub height: usize,
    pub data: Vec<u8>,
}

/// Draws one line of text, `height` dots tall, at most `max_width` dots wide (cut beyond), each character in the
/// first font of `fonts` that has it (a name's Extension B character and the rest of its line rarely share one);
/// a character none has is left blank, so the caller replaces it first.
pub fn render(fonts: &FontSet, text: &str, height: usize, max_width: usize) -> Raster {
    let scale = PxScale::from(height as f32);
    let width_bytes = max_width.div_ceil(8);
    let mut data = vec![0u8; width_bytes * height];
    let faces: Vec<_> = text.chars().map(|c| (c, fonts.covering(c))).collect();
    // One baseline for the line: the highest ascent among the fonts it uses.
    let ascent = faces
        .iter()
        .filter_map(|(_, f)| f.map(|(_, f)| f.font.as_scaled(scale).ascent()))
        .fold(0.0f32, f32::max);
    let mut x = 0.0f32;
    let mut prev: Option<(usize, ab_glyph::GlyphId)> = None;
    for (c, face) in faces {
        let Some((index, face)) = face else {
            // Whitespace or a character no font has: the width of a space, nothing drawn.
            x += scale.x / 3.0;
            prev = None;
            continue;
        };
        let font = face.font.as_scaled(scale);
        let id = font.glyph_id(c);
        if let Some((p_index, p)) = prev {
            if p_index == index {
                x += font.kern(p, id);
            }
        }
        let glyph = id.with_scale_and_position(scale, ab_glyph::point(x, ascent));
        x += font.h_advance(id);
        prev = Some((index, id));
        let Some(outlined) = face.font.outline_glyph(glyph) else {
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
