//! Accessibility figures measured on the rendered screen, as a person would meet them: the cap height of a
//! text from the height of its ink and the font's own glyph metrics, and the contrast of its colour against
//! what lies behind it (WCAG 2.2's formula).

use ab_glyph::{Font, FontRef};
use slint::{Rgba8Pixel, SharedPixelBuffer};
use std::sync::OnceLock;

use crate::Rect;

/// The UI's font (the regular cut; the bold one has the same vertical metrics).
static REGULAR: &[u8] = include_bytes!("../../ui/fonts/NotoSansSC-Regular-subset.otf");

fn font() -> &'static FontRef<'static> {
    static FONT: OnceLock<FontRef<'static>> = OnceLock::new();
    FONT.get_or_init(|| FontRef::try_from_slice(REGULAR).expect("the bundled font parses"))
}

fn upem() -> f32 {
    font().units_per_em().unwrap_or(1000.0)
}

/// Top and bottom of an outline's bounds, above the baseline positive (ab_glyph hands the bounds of an
/// outline with y pointing down, `min.y` being the top).
fn vertical(r: &ab_glyph::Rect) -> (f32, f32) {
    (r.min.y.max(r.max.y), r.min.y.min(r.max.y))
}

/// Cap height in em: the top of a capital H.
pub fn cap_em() -> f32 {
    let f = font();
    let h = f.outline(f.glyph_id('H')).expect("H in the font");
    vertical(&h.bounds).0 / upem()
}

/// How tall the ink of `text` stands on one line, in em: from the top of its tallest glyph to the bottom of
/// its lowest. Characters the font lacks are left out; None when no glyph has ink.
pub fn extent_em(text: &str) -> Option<f32> {
    let f = font();
    let (mut top, mut bottom) = (f32::MIN, f32::MAX);
    for c in text.chars() {
        let id = f.glyph_id(c);
        if id.0 == 0 {
            continue;
        }
        if let Some(o) = f.outline(id) {
            let (t, b) = vertical(&o.bounds);
            top = top.max(t);
            bottom = bottom.min(b);
        }
    }
    (top > bottom).then(|| (top - bottom) / upem())
}

/// WCAG 2.2 contrast ratio of two sRGB colours.
pub fn contrast(a: [u8; 3], b: [u8; 3]) -> f64 {
    fn lum(c: [u8; 3]) -> f64 {
        let ch = |v: u8| {
            let s = f64::from(v) / 255.0;
            if s <= 0.04045 {
                s / 12.92
            } else {
                ((s + 0.055) / 1.055).powf(2.4)
            }
        };
        0.2126 * ch(c[0]) + 0.7152 * ch(c[1]) + 0.0722 * ch(c[2])
    }
    let (la, lb) = (lum(a), lum(b));
    (la.max(lb) + 0.05) / (la.min(lb) + 0.05)
}

#[derive(Debug, Clone)]
pub struct TextFigures {
    /// Rows of the tallest line of ink.
    pub ink_px: u32,
    pub cap_mm: f32,
    pub fg: [u8; 3],
    pub bg: [u8; 3],
    pub contrast: f64,
}

/// Measures a text drawn in `r` of the screenshot. `text` is what it says (for the glyph metrics); None when
/// the rectangle is all one colour (nothing drawn), however faint the ink otherwise.
pub fn measure_text(
    shot: &SharedPixelBuffer<Rgba8Pixel>,
    r: &Rect,
    text: &str,
    px_per_mm: f32,
) -> Option<TextFigures> {
    let (w, h) = (shot.width() as i64, shot.height() as i64);
    let px = shot.as_slice();
    let x0 = (r.x.floor() as i64).clamp(0, w);
    let y0 = (r.y.floor() as i64).clamp(0, h);
    let x1 = ((r.x + r.w).ceil() as i64).clamp(0, w);
    let y1 = ((r.y + r.h).ceil() as i64).clamp(0, h);
    if x1 <= x0 || y1 <= y0 {
        return None;
    }
    let mut counts = std::collections::HashMap::new();
    for y in y0..y1 {
        for x in x0..x1 {
            let p = px[(y * w + x) as usize];
            *counts.entry([p.r, p.g, p.b]).or_insert(0usize) += 1;
        }
    }
    let (bg, _) = counts.iter().max_by_key(|(_, n)| **n)?;
    let bg = *bg;
    let dist = |p: &Rgba8Pixel| {
        (p.r as i32 - bg[0] as i32).abs()
            + (p.g as i32 - bg[1] as i32).abs()
            + (p.b as i32 - bg[2] as i32).abs()
    };
    // The text's colour: the pixel furthest from the background (stems are wider than a pixel at these
    // sizes, so their middle is the full colour).
    let mut fg = bg;
    let mut far = 0;
    for y in y0..y1 {
        for x in x0..x1 {
            let p = &px[(y * w + x) as usize];
            let d = dist(p);
            if d > far {
                far = d;
                fg = [p.r, p.g, p.b];
            }
        }
    }
    // Only a rectangle with no ink at all is left out: faint text is measured, and its contrast fails.
    if far == 0 {
        return None;
    }
    // Rows with ink: a pixel at least 40 % of the way from the background to the text colour.
    let threshold = far * 2 / 5;
    let rows: Vec<bool> = (y0..y1)
        .map(|y| (x0..x1).any(|x| dist(&px[(y * w + x) as usize]) >= threshold))
        .collect();
    // Runs of inked rows; a small gap inside a line (the dot of an i) joins its runs, the gap between lines
    // (half an em and more) does not.
    let mut runs: Vec<(usize, usize)> = Vec::new();
    for (i, r) in rows.iter().enumerate() {
        match runs.last_mut() {
            Some((_, end)) if *r && *end == i => *end = i + 1,
            _ if *r => runs.push((i, i + 1)),
            _ => {}
        }
    }
    let longest = runs.iter().map(|(a, b)| b - a).max().unwrap_or(0);
    let mut merged: Vec<(usize, usize)> = Vec::new();
    for (a, b) in runs {
        match merged.last_mut() {
            Some((_, end)) if (a - *end) as f32 <= (longest as f32 * 0.3).max(2.0) => *end = b,
            _ => merged.push((a, b)),
        }
    }
    let tallest = merged
        .iter()
        .map(|(a, b)| (b - a) as u32)
        .max()
        .unwrap_or(0);
    let extent = extent_em(text).unwrap_or(0.9);
    let font_px = tallest as f32 / extent;
    Some(TextFigures {
        ink_px: tallest,
        cap_mm: font_px * cap_em() / px_per_mm,
        fg,
        bg,
        contrast: contrast(fg, bg),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wcag_contrast_of_known_pairs() {
        assert!((contrast([0, 0, 0], [255, 255, 255]) - 21.0).abs() < 0.01);
        assert!((contrast([255, 255, 255], [255, 255, 255]) - 1.0).abs() < 0.01);
        // #767676 on white is the well-known 4.54:1.
        assert!((contrast([0x76, 0x76, 0x76], [255, 255, 255]) - 4.54).abs() < 0.01);
    }

    /// A bar of text a shade off its background is still text: it is measured and its contrast is low.
    #[test]
    fn near_invisible_text_is_measured_not_skipped() {
        let (w, h) = (40u32, 20u32);
        let mut shot = SharedPixelBuffer::<Rgba8Pixel>::new(w, h);
        let bg = Rgba8Pixel {
            r: 250,
            g: 250,
            b: 250,
            a: 255,
        };
        let ink = Rgba8Pixel {
            r: 238,
            g: 238,
            b: 238,
            a: 255,
        };
        for (i, p) in shot.make_mut_slice().iter_mut().enumerate() {
            let (x, y) = (i as u32 % w, i as u32 / w);
            *p = if (5..15).contains(&y) && x % 4 == 0 {
                ink
            } else {
                bg
            };
        }
        let r = Rect {
            x: 0.0,
            y: 0.0,
            w: w as f32,
            h: h as f32,
        };
        let m = measure_text(&shot, &r, "国", 4.0).expect("faint text is measured");
        assert!(m.contrast < 1.2, "{}", m.contrast);
        assert_eq!(m.ink_px, 10);
        // Nothing drawn at all is not a text to measure.
        let blank = SharedPixelBuffer::<Rgba8Pixel>::new(w, h);
        assert!(measure_text(&blank, &r, "国", 4.0).is_none());
    }

    #[test]
    fn font_metrics_are_those_of_noto_sans_cjk() {
        assert!((cap_em() - 0.733).abs() < 0.01, "{}", cap_em());
        let han = extent_em("国").unwrap();
        assert!(han > 0.8 && han < 0.95, "{han}");
        assert!(extent_em("Hg").unwrap() > cap_em());
    }
}
