//! The fonts of our PDFs: the bundled subset (ASCII, Latin-1, all of GB2312) first, a system CJK font for what
//! it lacks. Each font is held twice over the same bytes: krilla's for drawing and embedding, ab_glyph's for
//! measuring (krilla does not expose advances; ab_glyph reads the same OpenType tables).

use crate::DocumentError;
use ab_glyph::{Font as _, FontArc};
use kiosk_fonts::{FontSet, LoadedFont};
use std::sync::{Arc, OnceLock};

pub use kiosk_fonts::{
    bundled, font_dir, read_bundled, Bundled, FontFileError, BOLD_FILE, REGULAR_FILE,
};

#[derive(Clone)]
pub(crate) struct Face {
    pub pdf: krilla::text::Font,
    pub metrics: FontArc,
}

impl Face {
    /// A font as krilla sets it and ab_glyph measures it, over the same bytes (krilla embeds the face's subset).
    fn of(font: &LoadedFont) -> Option<Self> {
        let pdf = krilla::text::Font::new(font.bytes.into(), font.face)?;
        Some(Self {
            pdf,
            metrics: font.font.clone(),
        })
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

/// The system's fonts for what the bundled one lacks, each character from the first that has it
/// ([`kiosk_fonts::FontSet`]), with krilla's face of each made once.
#[derive(Clone)]
struct Fallback {
    set: Arc<FontSet>,
    faces: Arc<Vec<OnceLock<Option<Face>>>>,
}

impl Fallback {
    fn new(set: Arc<FontSet>) -> Self {
        let faces = Arc::new((0..set.len()).map(|_| OnceLock::new()).collect());
        Self { set, faces }
    }

    fn face_for(&self, c: char) -> Option<&Face> {
        let (i, font) = self.set.covering(c)?;
        self.faces.get(i)?.get_or_init(|| Face::of(font)).as_ref()
    }
}

/// The fonts a document is set in; load once and reuse for every document.
#[derive(Clone)]
pub struct Fonts {
    main: Face,
    fallback: Option<Fallback>,
}

/// The mark printed for a character no font has.
pub const MISSING: char = '〓';

impl Fonts {
    /// The bundled font, and the system's fonts for rare characters ([`FontSet::system`]).
    pub fn load() -> Result<Self, FontFileError> {
        Self::with_system(FontSet::system())
    }

    /// The bundled font, and these fonts for what it lacks. Without the bundled font (a broken installation)
    /// the first of them that loads sets everything, so that a resident still gets the paper.
    pub fn with_system(set: Arc<FontSet>) -> Result<Self, FontFileError> {
        match Self::bundled_only() {
            Ok(fonts) => Ok(Self {
                fallback: Some(Fallback::new(set)),
                ..fonts
            }),
            Err(e) => {
                let fallback = Fallback::new(set);
                let main = fallback.face_for('中').cloned().ok_or(e)?;
                Ok(Self {
                    main,
                    fallback: Some(fallback),
                })
            }
        }
    }

    /// Only the bundled font (tests of the missing-character mark).
    pub fn bundled_only() -> Result<Self, FontFileError> {
        let main = LoadedFont::from_bytes(bundled()?.regular, 0)
            .as_ref()
            .and_then(Face::of)
            .ok_or_else(|| FontFileError::NotAFont {
                path: font_dir().join(REGULAR_FILE),
            })?;
        Ok(Self {
            main,
            fallback: None,
        })
    }

    /// [`Fonts::load`] once per process; every document shares them.
    pub fn shared() -> Result<&'static Self, DocumentError> {
        static FONTS: OnceLock<Result<Fonts, FontFileError>> = OnceLock::new();
        FONTS
            .get_or_init(Self::load)
            .as_ref()
            .map_err(|e| DocumentError::Font(e.clone()))
    }

    /// Whether a system font is there for what the bundled one lacks (which characters it covers is
    /// [`Fonts::draws`]: Noto Sans CJK has no CJK Extension B).
    pub fn has_fallback(&self) -> bool {
        self.fallback
            .as_ref()
            .is_some_and(|f| f.set.any_installed())
    }

    /// Whether a font of these draws `c`.
    pub fn draws(&self, c: char) -> bool {
        self.main.has(c)
            || self
                .fallback
                .as_ref()
                .is_some_and(|f| f.face_for(c).is_some())
    }

    /// The face that draws `c`, and the character actually drawn (the mark when none has it).
    pub(crate) fn face_for(&self, c: char) -> (&Face, char) {
        if self.main.has(c) || c.is_whitespace() {
            return (&self.main, c);
        }
        match self.fallback.as_ref().and_then(|f| f.face_for(c)) {
            Some(face) => (face, c),
            None => (&self.main, MISSING),
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
