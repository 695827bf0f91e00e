//! The fonts of our PDFs: the bundled subset (ASCII, Latin-1, all of GB2312) first, a system CJK font for what
//! it lacks. Each font is held twice over the same bytes: krilla's for drawing and embedding, ab_glyph's for
//! measuring (krilla does not expose advances; ab_glyph reads the same OpenType tables).

use crate::DocumentError;
use ab_glyph::{Font as _, FontArc};
use std::sync::Arc;

/// The bundled font (the same file as the UI's).
/// The bundled CJK font (a Noto Sans SC subset: GB2312 and more), as the screen uses it too.
pub static BUNDLED: &[u8] = include_bytes!("../../ui/fonts/NotoSansSC-Regular-subset.otf");

/// Where Debian and Buildroot put a full CJK font (the receipt printer uses the same ones).
const SYSTEM_FONTS: [&str; 3] = [
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/noto-cjk/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
];

#[derive(Clone)]
pub(crate) struct Face {
    pub pdf: krilla::text::Font,
    pub metrics: FontArc,
}

impl Face {
    fn load(data: Vec<u8>) -> Option<Self> {
        let shared: Arc<Vec<u8>> = Arc::new(data);
        let pdf = krilla::text::Font::new(shared.clone().into(), 0)?;
        let metrics = FontArc::try_from_vec((*shared).clone()).ok()?;
        Some(Self { pdf, metrics })
    }

    pub fn has(&self, c: char) -> bool {
        self.metrics.glyph_id(c).0 != 0
    }

    pub fn advance(&self, c: char, size: f32) -> f32 {
        // PDF sizes are em sizes in points: advance in font units over units per em, times the size.
        let upem = self.metrics.units_per_em().unwrap_or(1000.0);
        self.metrics.h_advance_unscaled(self.metrics.glyph_id(c)) / upem * size
    }
}

/// The fonts a document is set in; load once and reuse for every document.
#[derive(Clone)]
pub struct Fonts {
    pub(crate) main: Face,
    pub(crate) fallback: Option<Face>,
}

/// The mark printed for a character no font has.
pub const MISSING: char = '〓';

impl Fonts {
    /// The bundled font, and the first system CJK font found for rare characters.
    pub fn load() -> Result<Self, DocumentError> {
        let main = Face::load(BUNDLED.to_vec()).ok_or(DocumentError::Font)?;
        let fallback = SYSTEM_FONTS
            .iter()
            .find_map(|p| std::fs::read(p).ok())
            .and_then(Face::load);
        Ok(Self { main, fallback })
    }

    /// Only the bundled font (tests of the missing-character mark).
    pub fn bundled_only() -> Result<Self, DocumentError> {
        Ok(Self {
            main: Face::load(BUNDLED.to_vec()).ok_or(DocumentError::Font)?,
            fallback: None,
        })
    }

    pub fn has_fallback(&self) -> bool {
        self.fallback.is_some()
    }

    /// The face that draws `c`, and the character actually drawn (the mark when none has it).
    pub(crate) fn face_for(&self, c: char) -> (&Face, char) {
        if self.main.has(c) || c.is_whitespace() {
            return (&self.main, c);
        }
        match &self.fallback {
            Some(f) if f.has(c) => (f, c),
            _ => (&self.main, MISSING),
        }
    }

    /// Width of `text` at `size` points.
    pub(crate) fn width(&self, text: &str, size: f32) -> f32 {
        text.chars()
            .map(|c| {
                let (face, c) = self.face_for(c);
                face.advance(c, size)
            })
            .sum()
    }
}
