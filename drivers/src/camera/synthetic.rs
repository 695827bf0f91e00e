//! A synthetic camera for the simulated terminal and the tests: a moving test pattern with the frame number and
//! the time printed on it, so a preview visibly moves and a still shows which frame it is.

use super::Frame;
use std::sync::Arc;
use std::time::Duration;

/// 3×5 digit glyphs, one row a byte (three low bits), for printing the counter into the picture. A font
/// rasteriser would do, but ten digits of a test pattern do not need one.
const DIGITS: [[u8; 5]; 10] = [
    [7, 5, 5, 5, 7],
    [2, 6, 2, 2, 7],
    [7, 1, 7, 4, 7],
    [7, 1, 7, 1, 7],
    [5, 5, 7, 1, 1],
    [7, 4, 7, 1, 7],
    [7, 4, 7, 5, 7],
    [7, 1, 1, 1, 1],
    [7, 5, 7, 5, 7],
    [7, 5, 7, 1, 7],
];

/// Draws `text` (digits and ':' '.') at (x, y) with pixels `scale` wide, in black on a white box.
fn draw_text(
    rgb: &mut [u8],
    width: usize,
    height: usize,
    x: usize,
    y: usize,
    scale: usize,
    text: &str,
) {
    let mut set = |px: usize, py: usize, v: u8| {
        if px < width && py < height {
            let i = (py * width + px) * 3;
            rgb[i..i + 3].copy_from_slice(&[v, v, v]);
        }
    };
    let w = text.len() * 4 * scale + scale;
    for py in y..y + 7 * scale {
        for px in x..x + w {
            set(px, py, 255);
        }
    }
    for (n, c) in text.chars().enumerate() {
        let glyph = match c {
            '0'..='9' => DIGITS[(c as u8 - b'0') as usize],
            ':' => [0, 2, 0, 2, 0],
            '.' => [0, 0, 0, 0, 2],
            _ => [0; 5],
        };
        for (row, bits) in glyph.iter().enumerate() {
            for col in 0..3 {
                if bits & (4 >> col) != 0 {
                    for dy in 0..scale {
                        for dx in 0..scale {
                            set(
                                x + scale + (n * 4 + col) * scale + dx,
                                y + scale + row * scale + dy,
                                0,
                            );
                        }
                    }
                }
            }
        }
    }
}

/// Frame `seq` of a moving pattern: colour bars sliding sideways, a bright square crossing the picture, and the
/// frame number and capture time (seconds) printed top left.
pub fn pattern(width: usize, height: usize, seq: u64, at: Duration) -> Frame {
    let mut rgb = vec![0u8; width * height * 3];
    const BARS: [[u8; 3]; 7] = [
        [192, 192, 192],
        [192, 192, 0],
        [0, 192, 192],
        [0, 192, 0],
        [192, 0, 192],
        [192, 0, 0],
        [0, 0, 192],
    ];
    let shift = (seq as usize * 4) % width.max(1);
    let bar_w = (width / 7).max(1);
    for y in 0..height {
        for x in 0..width {
            let bar = ((x + shift) / bar_w) % 7;
            let i = (y * width + x) * 3;
            rgb[i..i + 3].copy_from_slice(&BARS[bar]);
        }
    }
    let side = height / 6;
    let sx = (seq as usize * 8) % width.max(1);
    for y in height / 2..(height / 2 + side).min(height) {
        for x in sx..(sx + side).min(width) {
            let i = (y * width + x) * 3;
            rgb[i..i + 3].copy_from_slice(&[255, 255, 255]);
        }
    }
    stamp(&mut rgb, width, height, seq, at);
    Frame {
        width,
        height,
        seq,
        at,
        rgb: Arc::from(rgb),
    }
}

/// Prints the frame number and the capture time (seconds) top left.
fn stamp(rgb: &mut [u8], width: usize, height: usize, seq: u64, at: Duration) {
    let scale = (height / 90).max(1);
    let seq = format!("{seq}");
    let at = format!("{:.2}", at.as_secs_f64());
    for (row, text) in [(2, seq.as_str()), (11, at.as_str())] {
        draw_text(rgb, width, height, scale * 2, scale * row, scale, text);
    }
}

/// A document under the document camera: a white A4-proportioned page with lines of "text", tilted by
/// `angle_deg` (clockwise) on a dark pad.
pub fn document(width: usize, height: usize, angle_deg: f32) -> Frame {
    draw_document(width, height, angle_deg, 0.0, 1.0)
}

/// The document as it lies (`PageOnPad`): in good light, in poor light (a third of the light), or pushed a
/// third of its width off the right edge of the picture.
pub fn document_as(
    width: usize,
    height: usize,
    angle_deg: f32,
    how: super::service::PageOnPad,
) -> Frame {
    use super::service::PageOnPad;
    match how {
        PageOnPad::Placed => draw_document(width, height, angle_deg, 0.0, 1.0),
        PageOnPad::Dim => draw_document(width, height, angle_deg, 0.0, 0.3),
        PageOnPad::OffEdge => {
            let pw = height as f32 * 0.7 / 1.414;
            let shift = width as f32 / 2.0 - pw / 6.0;
            draw_document(width, height, angle_deg, shift, 1.0)
        }
    }
}

/// The page's centre is `shift` pixels right of the picture's; every value is scaled by `light`.
fn draw_document(width: usize, height: usize, angle_deg: f32, shift: f32, light: f32) -> Frame {
    let lit = |v: u8| (f32::from(v) * light).round() as u8;
    let mut rgb = vec![lit(48); width * height * 3];
    let (cx, cy) = (width as f32 / 2.0 + shift, height as f32 / 2.0);
    let ph = height as f32 * 0.7;
    let pw = ph / 1.414;
    let (s, c) = angle_deg.to_radians().sin_cos();
    for y in 0..height {
        for x in 0..width {
            // Back into the page's own coordinates (undo the clockwise tilt).
            let (dx, dy) = (x as f32 - cx, y as f32 - cy);
            let (u, v) = (dx * c + dy * s, -dx * s + dy * c);
            if u.abs() <= pw / 2.0 && v.abs() <= ph / 2.0 {
                let (pu, pv) = (u + pw / 2.0, v + ph / 2.0);
                let line = (pv / (ph / 30.0)) as usize;
                let in_text =
                    (3..=26).contains(&line) && line % 2 == 1 && pu > pw * 0.1 && pu < pw * 0.9;
                let v8 = lit(if in_text { 30 } else { 250 });
                let i = (y * width + x) * 3;
                rgb[i..i + 3].copy_from_slice(&[v8, v8, v8]);
            }
        }
    }
    Frame {
        width,
        height,
        seq: 0,
        at: Duration::ZERO,
        rgb: Arc::from(rgb),
    }
}

/// A copy of `page` (a still scene) with the frame number and time printed on it, as a camera filming it
/// would deliver: the picture stays, the counter moves.
pub fn stamped(page: &Frame, seq: u64, at: Duration) -> Frame {
    let mut rgb = page.rgb.to_vec();
    stamp(&mut rgb, page.width, page.height, seq, at);
    Frame {
        width: page.width,
        height: page.height,
        seq,
        at,
        rgb: Arc::from(rgb),
    }
}
