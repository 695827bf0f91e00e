//! The fonts of our PDFs: the bundled subset (ASCII, Latin-1, all of GB2312) first, a system CJK font for what
//! it lacks. Each font is held twice over the same bytes: krilla's for drawing and embedding, ab_glyph's for
//! measuring (krilla does not expose advances; ab_glyph reads the same OpenType tables).

use crate::DocumentError;
use ab_glyph::{Font as _, FontArc};
use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock};

/// The bundled CJK font's two files (a Noto Sans SC subset: ASCII, Latin-1, all of GB2312), as the screen, the
/// PDFs and the clerks' console use them. They are files next to the firmware, not bytes inside it: 6 MB the
/// binary for the board need not carry (issue 10's size target), and one copy for every program that sets text.
pub const REGULAR_FILE: &str = "NotoSansSC-Regular-subset.otf";
pub const BOLD_FILE: &str = "NotoSansSC-Bold-subset.otf";

/// Where a build looks for the bundled fonts unless `KIOSK_FONT_DIR` says otherwise at run time: the directory
/// the build was given in `KIOSK_FONT_DIR` (the image's `/usr/share/kiosk/fonts`), else the repository's
/// `ui/fonts`, for the simulated terminal, the hub and the tests run from a checkout.
const BUILT_FONT_DIR: &str = match option_env!("KIOSK_FONT_DIR") {
    Some(dir) => dir,
    None => concat!(env!("CARGO_MANIFEST_DIR"), "/../ui/fonts"),
};

/// The directory the bundled fonts are read from.
pub fn font_dir() -> PathBuf {
    std::env::var_os("KIOSK_FONT_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(BUILT_FONT_DIR))
}

/// A bundled font file that could not be used; the technician's message names the file.
#[derive(Debug, Clone, thiserror::Error)]
pub enum FontFileError {
    #[error("the font file {path} cannot be read: {reason}")]
    Unreadable { path: PathBuf, reason: String },
    #[error("the font file {path} is not an OpenType font")]
    NotAFont { path: PathBuf },
}

/// The bundled fonts' bytes, read once and kept for the life of the process (the screen's font collection and
/// every document borrow them).
#[derive(Debug)]
pub struct Bundled {
    pub regular: &'static [u8],
    pub bold: &'static [u8],
}

/// The bundled fonts from [`font_dir`], read at the first call; later calls answer the same.
pub fn bundled() -> Result<&'static Bundled, FontFileError> {
    static BUNDLED: OnceLock<Result<Bundled, FontFileError>> = OnceLock::new();
    BUNDLED
        .get_or_init(|| read_bundled(&font_dir()))
        .as_ref()
        .map_err(Clone::clone)
}

/// Reads both files of `dir` and checks that they parse as fonts.
pub fn read_bundled(dir: &Path) -> Result<Bundled, FontFileError> {
    let read = |name: &str| -> Result<&'static [u8], FontFileError> {
        let path = dir.join(name);
        let bytes = std::fs::read(&path).map_err(|e| FontFileError::Unreadable {
            path: path.clone(),
            reason: e.to_string(),
        })?;
        if ab_glyph::FontRef::try_from_slice(&bytes).is_err() {
            return Err(FontFileError::NotAFont { path });
        }
        // Leaked on purpose: read once per process and used until it ends.
        Ok(Box::leak(bytes.into_boxed_slice()))
    };
    Ok(Bundled {
        regular: read(REGULAR_FILE)?,
        bold: read(BOLD_FILE)?,
    })
}

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
    /// The bundled font, and the first system CJK font found for rare characters. Without the bundled font
    /// (a broken installation) the system font sets everything, so that a resident still gets the paper.
    pub fn load() -> Result<Self, FontFileError> {
        let system = SYSTEM_FONTS
            .iter()
            .find_map(|p| std::fs::read(p).ok())
            .and_then(Face::load);
        match Self::bundled_only() {
            Ok(mut fonts) => {
                fonts.fallback = system;
                Ok(fonts)
            }
            Err(e) => system
                .map(|main| Self {
                    main,
                    fallback: None,
                })
                .ok_or(e),
        }
    }

    /// Only the bundled font (tests of the missing-character mark).
    pub fn bundled_only() -> Result<Self, FontFileError> {
        let main =
            Face::load(bundled()?.regular.to_vec()).ok_or_else(|| FontFileError::NotAFont {
                path: font_dir().join(REGULAR_FILE),
            })?;
        Ok(Self {
            main,
            fallback: None,
        })
    }

    /// [`Fonts::load`] once per process (the system CJK fallback is a large file); every document shares them.
    pub fn shared() -> Result<&'static Self, DocumentError> {
        static FONTS: OnceLock<Result<Fonts, FontFileError>> = OnceLock::new();
        FONTS
            .get_or_init(Self::load)
            .as_ref()
            .map_err(|e| DocumentError::Font(e.clone()))
    }

    pub fn has_fallback(&self) -> bool {
        self.fallback.is_some()
    }

    /// Whether a font of these draws `c` (a fallback font being there says nothing of what it covers:
    /// Noto Sans CJK's first face has no CJK Extension B).
    pub fn draws(&self, c: char) -> bool {
        self.main.has(c) || self.fallback.as_ref().is_some_and(|f| f.has(c))
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_missing_or_broken_font_file_is_named() {
        let dir = std::env::temp_dir().join(format!("kiosk-fonts-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        match read_bundled(&dir) {
            Err(FontFileError::Unreadable { path, .. }) => assert_eq!(path, dir.join(REGULAR_FILE)),
            other => panic!("{other:?}"),
        }
        std::fs::copy(font_dir().join(REGULAR_FILE), dir.join(REGULAR_FILE)).unwrap();
        std::fs::write(dir.join(BOLD_FILE), b"not a font").unwrap();
        match read_bundled(&dir) {
            Err(FontFileError::NotAFont { path }) => assert_eq!(path, dir.join(BOLD_FILE)),
            other => panic!("{other:?}"),
        }
        std::fs::copy(font_dir().join(BOLD_FILE), dir.join(BOLD_FILE)).unwrap();
        let fonts = read_bundled(&dir).expect("both files");
        assert!(fonts.regular.len() > 1_000_000 && fonts.bold.len() > 1_000_000);
        let _ = std::fs::remove_dir_all(&dir);
    }
}
