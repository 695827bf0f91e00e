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
}

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
    })
}

/// The page, upright and cropped to its edges; `None` when no page is found.
pub fn straighten(frame: &Frame) -> Option<Frame> {
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
    Some(Frame {
        width: w as usize,
        height: h as usize,
        seq: frame.seq,
        at: frame.at,
        rgb: Arc::from(cropped.into_raw()),
    })
}
