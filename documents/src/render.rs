//! Lays a [`Sheet`] out on A4 pages and writes the PDF. Layout is done first into plain drawing operations per
//! page (so the footer can say "page n of N"), then drawn with krilla.

use crate::fonts::{Fonts, MISSING};
use crate::layout::wrap;
use crate::sheet::{Section, Sheet, Signature};
use crate::DocumentError;
use krilla::color::rgb;
use krilla::geom::{PathBuilder, Point, Size, Transform};
use krilla::image::Image;
use krilla::metadata::Metadata;
use krilla::page::PageSettings;
use krilla::paint::{Fill, Stroke};
use krilla::text::TextDirection;
use krilla::Document;

/// A4 in points.
const PAGE_W: f32 = 595.28;
const PAGE_H: f32 = 841.89;
/// 20 mm.
const MARGIN: f32 = 56.7;
const BODY: f32 = 11.0;
const LINE: f32 = BODY * 1.6;
const SMALL: f32 = 9.0;
const HEADING: f32 = 13.0;
const TITLE: f32 = 20.0;
const LABEL_W: f32 = 130.0;
const CELL_PAD: f32 = 5.0;
const SIGNATURE_H: f32 = 90.0;

const INK: (u8, u8, u8) = (0, 0, 0);
const GREY: (u8, u8, u8) = (90, 90, 90);
const RULE: (u8, u8, u8) = (150, 150, 150);

enum Op {
    Text {
        x: f32,
        y: f32,
        size: f32,
        text: String,
        colour: (u8, u8, u8),
    },
    Line {
        from: (f32, f32),
        to: (f32, f32),
        width: f32,
    },
    Image {
        x: f32,
        y: f32,
        w: f32,
        h: f32,
        sig: Signature,
    },
}

/// The PDF and what a caller may want to log.
#[derive(Debug)]
pub struct Rendered {
    pub pdf: Vec<u8>,
    pub pages: usize,
    /// Characters no font had, printed as 〓.
    pub missing: usize,
}

struct Pages<'a> {
    fonts: &'a Fonts,
    sheet: &'a Sheet,
    pages: Vec<Vec<Op>>,
    y: f32,
}

impl<'a> Pages<'a> {
    fn new(fonts: &'a Fonts, sheet: &'a Sheet) -> Self {
        let mut p = Self {
            fonts,
            sheet,
            pages: Vec::new(),
            y: 0.0,
        };
        p.new_page();
        p
    }

    fn ops(&mut self) -> &mut Vec<Op> {
        // `new_page` runs in `new`, so there is always a page.
        if self.pages.is_empty() {
            self.pages.push(Vec::new());
        }
        let last = self.pages.len() - 1;
        &mut self.pages[last]
    }

    fn text(&mut self, x: f32, y: f32, size: f32, text: &str, colour: (u8, u8, u8)) {
        self.ops().push(Op::Text {
            x,
            y,
            size,
            text: text.to_string(),
            colour,
        });
    }

    fn line(&mut self, from: (f32, f32), to: (f32, f32), width: f32) {
        self.ops().push(Op::Line { from, to, width });
    }

    fn new_page(&mut self) {
        self.pages.push(Vec::new());
        let issuer = self.sheet.issuer.clone();
        self.text(MARGIN, MARGIN - 14.0, SMALL, &issuer, GREY);
        self.line((MARGIN, MARGIN - 8.0), (PAGE_W - MARGIN, MARGIN - 8.0), 0.5);
        self.y = MARGIN + 8.0;
    }

    /// Makes room for `h` points, starting a new page when this one is full.
    fn room(&mut self, h: f32) {
        if self.y + h > PAGE_H - MARGIN - 20.0 {
            self.new_page();
        }
    }

    fn centred(&mut self, size: f32, text: &str, colour: (u8, u8, u8)) {
        for l in wrap(self.fonts, text, size, PAGE_W - 2.0 * MARGIN) {
            self.room(size * 1.5);
            let w = self.fonts.width(&l, size);
            let y = self.y + size;
            self.text((PAGE_W - w) / 2.0, y, size, &l, colour);
            self.y += size * 1.5;
        }
    }

    fn heading(&mut self, text: &str) {
        self.room(HEADING * 1.6 + LINE * 2.0);
        self.y += 6.0;
        let y = self.y + HEADING;
        self.text(MARGIN, y, HEADING, text, INK);
        self.y += HEADING * 1.6;
    }

    fn rows(&mut self, rows: &[(String, String)]) {
        let value_w = PAGE_W - 2.0 * MARGIN - LABEL_W - 2.0 * CELL_PAD;
        let left = MARGIN;
        let right = PAGE_W - MARGIN;
        let split = MARGIN + LABEL_W;
        for (label, value) in rows {
            let ls = wrap(self.fonts, label, BODY, LABEL_W - 2.0 * CELL_PAD);
            let vs = wrap(self.fonts, value, BODY, value_w);
            let h = ls.len().max(vs.len()) as f32 * LINE + 2.0 * CELL_PAD;
            self.room(h);
            let top = self.y;
            self.line((left, top), (right, top), 0.5);
            for (i, l) in ls.iter().enumerate() {
                let y = top + CELL_PAD + BODY + i as f32 * LINE;
                self.text(left + CELL_PAD, y, BODY, l, GREY);
            }
            for (i, l) in vs.iter().enumerate() {
                let y = top + CELL_PAD + BODY + i as f32 * LINE;
                self.text(split + CELL_PAD, y, BODY, l, INK);
            }
            let bottom = top + h;
            self.line((left, bottom), (right, bottom), 0.5);
            self.line((left, top), (left, bottom), 0.5);
            self.line((split, top), (split, bottom), 0.5);
            self.line((right, top), (right, bottom), 0.5);
            self.y = bottom;
        }
        self.y += 8.0;
    }

    fn paragraph(&mut self, text: &str) {
        for l in wrap(self.fonts, text, BODY, PAGE_W - 2.0 * MARGIN) {
            self.room(LINE);
            let y = self.y + BODY;
            self.text(MARGIN, y, BODY, &l, INK);
            self.y += LINE;
        }
        self.y += 6.0;
    }

    fn signature(&mut self, caption: &str, image: Option<&Signature>, date: &str) {
        self.room(SIGNATURE_H + 10.0);
        self.y += 10.0;
        let top = self.y;
        let base = top + SIGNATURE_H - 14.0;
        self.text(MARGIN, base, BODY, &format!("{caption}："), INK);
        let sig_x = MARGIN + 80.0;
        let sig_w = 220.0;
        self.line((sig_x, base + 4.0), (sig_x + sig_w, base + 4.0), 0.5);
        if let Some(sig) = image {
            // Fit the drawing into the box above the line, keeping its proportions.
            let box_h = SIGNATURE_H - 20.0;
            let scale = (sig_w / sig.width.max(1) as f32).min(box_h / sig.height.max(1) as f32);
            let (w, h) = (sig.width as f32 * scale, sig.height as f32 * scale);
            self.ops().push(Op::Image {
                x: sig_x,
                y: base + 2.0 - h,
                w,
                h,
                sig: sig.clone(),
            });
        }
        let d = format!("日期：{date}");
        let dw = self.fonts.width(&d, BODY);
        self.text(PAGE_W - MARGIN - dw, base, BODY, &d, INK);
        self.y = top + SIGNATURE_H;
    }
}

fn fill(c: (u8, u8, u8)) -> Fill {
    Fill {
        paint: rgb::Color::new(c.0, c.1, c.2).into(),
        ..Fill::default()
    }
}

/// Draws `text` at (x, y) (baseline), each character in the face that has it.
fn draw_text(
    surface: &mut krilla::surface::Surface<'_>,
    fonts: &Fonts,
    x: f32,
    y: f32,
    size: f32,
    text: &str,
    missing: &mut usize,
) {
    let mut x = x;
    let mut run = String::new();
    let mut run_face: Option<&crate::fonts::Face> = None;
    let flush = |surface: &mut krilla::surface::Surface<'_>,
                 run: &mut String,
                 face: Option<&crate::fonts::Face>,
                 x: &mut f32| {
        if let (false, Some(f)) = (run.is_empty(), face) {
            surface.draw_text(
                Point::from_xy(*x, y),
                f.pdf.clone(),
                size,
                run,
                false,
                TextDirection::Auto,
            );
            *x += run.chars().map(|c| f.advance(c, size)).sum::<f32>();
        }
        run.clear();
    };
    for c in text.chars() {
        let (face, drawn) = fonts.face_for(c);
        if drawn == MISSING && c != MISSING {
            *missing += 1;
        }
        if run_face.is_some_and(|f| !std::ptr::eq(f, face)) {
            flush(surface, &mut run, run_face, &mut x);
        }
        run_face = Some(face);
        run.push(drawn);
    }
    flush(surface, &mut run, run_face, &mut x);
}

/// Lays out and writes `sheet` as PDF.
pub fn render(sheet: &Sheet, fonts: &Fonts) -> Result<Rendered, DocumentError> {
    for s in &sheet.sections {
        if let Section::Signature {
            image: Some(sig), ..
        } = s
        {
            let expected = sig.width as usize * sig.height as usize * 4;
            if sig.rgba.len() != expected || sig.width == 0 || sig.height == 0 {
                return Err(DocumentError::BadSignature {
                    width: sig.width,
                    height: sig.height,
                    got: sig.rgba.len(),
                    expected,
                });
            }
        }
    }
    let mut p = Pages::new(fonts, sheet);
    p.y += 6.0;
    p.centred(TITLE, &sheet.title, INK);
    if let Some(sub) = &sheet.subtitle {
        p.centred(SMALL + 1.0, sub, GREY);
    }
    p.y += 8.0;
    for s in &sheet.sections {
        match s {
            Section::Heading(h) => p.heading(h),
            Section::Rows(r) => p.rows(r),
            Section::Paragraph(t) => p.paragraph(t),
            Section::Signature {
                caption,
                image,
                date,
            } => p.signature(caption, image.as_ref(), date),
        }
    }
    let pages = p.pages;
    let total = pages.len();
    let mut doc = Document::new();
    doc.set_metadata(
        Metadata::new()
            .title(sheet.title.clone())
            .language("zh-CN".into())
            .creator("kiosk self-service terminal".into()),
    );
    let mut missing = 0;
    for (n, ops) in pages.iter().enumerate() {
        let settings = PageSettings::from_wh(PAGE_W, PAGE_H)
            .ok_or_else(|| DocumentError::Pdf("bad page size".into()))?;
        let mut page = doc.start_page_with(settings);
        let mut surface = page.surface();
        for op in ops {
            match op {
                Op::Text {
                    x,
                    y,
                    size,
                    text,
                    colour,
                } => {
                    surface.set_stroke(None);
                    surface.set_fill(Some(fill(*colour)));
                    draw_text(&mut surface, fonts, *x, *y, *size, text, &mut missing);
                }
                Op::Line { from, to, width } => {
                    let mut pb = PathBuilder::new();
                    pb.move_to(from.0, from.1);
                    pb.line_to(to.0, to.1);
                    if let Some(path) = pb.finish() {
                        surface.set_fill(None);
                        surface.set_stroke(Some(Stroke {
                            paint: rgb::Color::new(RULE.0, RULE.1, RULE.2).into(),
                            width: *width,
                            ..Stroke::default()
                        }));
                        surface.draw_path(&path);
                    }
                }
                Op::Image { x, y, w, h, sig } => {
                    let image = Image::from_rgba8(sig.rgba.clone(), sig.width, sig.height);
                    if let Some(size) = Size::from_wh(*w, *h) {
                        surface.push_transform(&Transform::from_translate(*x, *y));
                        surface.draw_image(image, size);
                        surface.pop();
                    }
                }
            }
        }
        let foot = format!("{}　　第 {} 页 / 共 {} 页", sheet.footer, n + 1, total);
        let fw = fonts.width(&foot, SMALL);
        surface.set_stroke(None);
        surface.set_fill(Some(fill(GREY)));
        draw_text(
            &mut surface,
            fonts,
            (PAGE_W - fw) / 2.0,
            PAGE_H - MARGIN + 10.0,
            SMALL,
            &foot,
            &mut missing,
        );
        surface.finish();
        page.finish();
    }
    let pdf = doc
        .finish()
        .map_err(|e| DocumentError::Pdf(format!("{e:?}")))?;
    Ok(Rendered {
        pdf,
        pages: total,
        missing,
    })
}
