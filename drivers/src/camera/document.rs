//! Document capture (高拍仪): find the page on the contrasting pad, straighten it and crop to it. Uses imageproc:
//! Otsu threshold, contours, the minimum-area rectangle of the largest one, and a rotation about its centre.

use super::Frame;
use image::{GrayImage, ImageBuffer, Luma, Rgb, RgbImage};
use imageproc::contours::{find_contours, BorderType};
use imageproc::contrast::{otsu_level, threshold, ThresholdType};
use imageproc::geometric_transformations::{rotate, Interpolation};
use imageproc::geometry::{contour_area, min_area_rect};
use imageproc::point::Point;
use std::sync::Arc;

/// Where the page lies in a frame.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PageFound {
    pub center: (f32, f32),
    /// Its tilt, clockwise, in degrees (−45° to 45°).
    pub angle_deg: f32,
    pub width: f32,
    pub height: f32,
    /// The page runs out of the picture: part of it is not in the photo.
    pub cut_off: bool,
}

/// What a clerk would send a photographed page back for, seen before it is handed in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct PageQuality {
    /// Too little light on the paper to read it for sure.
    pub dark: bool,
    /// Part of the page is outside the picture.
    pub cut_off: bool,
}

impl PageQuality {
    pub fn good(self) -> bool {
        !self.dark && !self.cut_off
    }
}

/// The paper's white (the 90th percentile of the page's brightness) below this is too dark: white paper
/// under the terminal's lamp is 180–250, a page in shadow or with the lamp off well under 100.
pub const DARK_PAPER: u8 = 110;

/// Contour points on the picture's border beyond this share of its shorter side: the page runs out of it
/// (a page lying whole on the pad touches the border nowhere).
const CUT_OFF_SHARE: usize = 20;

fn gray(frame: &Frame) -> Option<GrayImage> {
    let px: Vec<u8> = frame
        .rgb
        .chunks_exact(3)
        .map(|p| {
            ((u32::from(p[0]) * 299 + u32::from(p[1]) * 587 + u32::from(p[2]) * 114) / 1000) as u8
        })
        .collect();
    ImageBuffer::<Luma<u8>, _>::from_raw(frame.width as u32, frame.height as u32, px)
}

/// Finds the page: the largest bright region. `None` when nothing page-like (at least a tenth of the picture) is
/// there.
pub fn find_page(frame: &Frame) -> Option<PageFound> {
    let g = gray(frame)?;
    let bin = threshold(&g, otsu_level(&g), ThresholdType::Binary);
    let contours = find_contours::<i32>(&bin);
    let page = contours
        .iter()
        .filter(|c| c.border_type == BorderType::Outer && c.points.len() >= 4)
        .max_by(|a, b| {
            contour_area(&a.points)
                .abs()
                .total_cmp(&contour_area(&b.points).abs())
        })?;
    if contour_area(&page.points).abs() < (frame.width * frame.height) as f64 / 10.0 {
        return None;
    }
    let (fw, fh) = (frame.width as i32, frame.height as i32);
    let on_border = page
        .points
        .iter()
        .filter(|p| p.x <= 0 || p.y <= 0 || p.x >= fw - 1 || p.y >= fh - 1)
        .count();
    let cut_off = on_border > frame.width.min(frame.height) / CUT_OFF_SHARE;
    let [tl, tr, br, bl] = min_area_rect(&page.points);
    let f = |p: Point<i32>| (p.x as f32, p.y as f32);
    let (tl, tr, br, bl) = (f(tl), f(tr), f(br), f(bl));
    let dist = |a: (f32, f32), b: (f32, f32)| ((a.0 - b.0).powi(2) + (a.1 - b.1).powi(2)).sqrt();
    let mut angle = (tr.1 - tl.1).atan2(tr.0 - tl.0).to_degrees();
    let (mut w, mut h) = (dist(tl, tr), dist(tr, br));
    // The rectangle's first edge may be a short side: bring the angle into ±45° and swap sides to match.
    while angle > 45.0 {
        angle -= 90.0;
        std::mem::swap(&mut w, &mut h);
    }
    while angle <= -45.0 {
        angle += 90.0;
        std::mem::swap(&mut w, &mut h);
    }
    let center = (
        (tl.0 + tr.0 + br.0 + bl.0) / 4.0,
        (tl.1 + tr.1 + br.1 + bl.1) / 4.0,
    );
    Some(PageFound {
        center,
        angle_deg: angle,
        width: w,
        height: h,
        cut_off,
    })
}

/// The page, upright and cropped to its edges; `None` when no page is found.
pub fn straighten(frame: &Frame) -> Option<Frame> {
    capture(frame).map(|(page, _)| page)
}

/// The page straightened and cropped, and what is wrong with it as a photo of a material.
pub fn capture(frame: &Frame) -> Option<(Frame, PageQuality)> {
    let page = find_page(frame)?;
    let img: RgbImage = ImageBuffer::<Rgb<u8>, _>::from_raw(
        frame.width as u32,
        frame.height as u32,
        frame.rgb.to_vec(),
    )?;
    // imageproc rotates clockwise: undo the page's clockwise tilt.
    let upright = rotate(
        &img,
        page.center,
        -page.angle_deg.to_radians(),
        Interpolation::Bilinear,
        Rgb([0, 0, 0]),
    );
    let (w, h) = (
        page.width.round().max(1.0) as u32,
        page.height.round().max(1.0) as u32,
    );
    let x0 = (page.center.0 - w as f32 / 2.0).round().max(0.0) as u32;
    let y0 = (page.center.1 - h as f32 / 2.0).round().max(0.0) as u32;
    let w = w.min(frame.width as u32 - x0.min(frame.width as u32));
    let h = h.min(frame.height as u32 - y0.min(frame.height as u32));
    let cropped = image::imageops::crop_imm(&upright, x0, y0, w, h).to_image();
    let flat = Frame {
        width: w as usize,
        height: h as usize,
        seq: frame.seq,
        at: frame.at,
        rgb: Arc::from(cropped.into_raw()),
    };
    let quality = PageQuality {
        dark: paper_white(&flat) < DARK_PAPER,
        cut_off: page.cut_off,
    };
    Some((flat, quality))
}

/// The brightness of the paper: the 90th percentile of the page's pixels (text and lines are darker).
pub fn paper_white(page: &Frame) -> u8 {
    let Some(g) = gray(page) else { return 0 };
    let mut histogram = [0usize; 256];
    for p in g.pixels() {
        histogram[usize::from(p.0[0])] += 1;
    }
    let total: usize = histogram.iter().sum();
    let mut seen = 0;
    for (v, n) in histogram.iter().enumerate() {
        seen += n;
        if seen * 10 >= total * 9 {
            return v as u8;
        }
    }
    255
}
