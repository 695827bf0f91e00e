//! The fonts on the system for the characters the bundled subset (ASCII, Latin-1, GB 2312) lacks: rare characters
//! in names (生僻字), many of them in CJK Extension B and later, which no one common font has all of (Noto Sans
//! CJK has no U+2A6A5 𪚥). A character is drawn by the first font of the list whose own character map has it, and
//! each file is read only when a character first needs it: a CJK collection is 20–30 MB, and rare characters are
//! rare. The PDFs (kiosk-documents) and the receipt printer's raster lines (kiosk-drivers) share one set.
//!
//! Written here rather than asking fontconfig for a charset: the list is short and known (what Debian and the
//! terminal's image install), the hub makes PDFs on servers without our fontconfig setup, and the answer comes
//! from the same character map the glyph is then drawn from.

use ab_glyph::{Font as _, FontArc, FontRef};
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

/// A font file and the face in it to use.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SystemFont {
    pub path: &'static str,
    pub face: u32,
}

/// Where Debian and the terminal's image install fonts that cover more than GB 2312, best first: Noto Sans CJK's
/// Simplified Chinese face (the third of its collection: JP, KR, SC, TC, HK), WenQuanYi Zen Hei (Debian's path,
/// then Buildroot's), WenQuanYi Micro Hei, AR PL UMing; last Hanazono Mincho B, which covers Extension B to F and
/// which the image ships for them (buildroot/package/hanazono-font; Debian's fonts-hanazono is the same file).
pub const SYSTEM_FONTS: &[SystemFont] = &[
    SystemFont {
        path: "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
        face: 2,
    },
    SystemFont {
        path: "/usr/share/fonts/noto-cjk/NotoSansCJK-Regular.ttc",
        face: 2,
    },
    SystemFont {
        path: "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
        face: 0,
    },
    SystemFont {
        path: "/usr/share/fonts/wqy-zenhei/wqy-zenhei.ttc",
        face: 0,
    },
    SystemFont {
        path: "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
        face: 0,
    },
    SystemFont {
        path: "/usr/share/fonts/truetype/arphic/uming.ttc",
        face: 0,
    },
    SystemFont {
        path: "/usr/share/fonts/truetype/hanazono/HanaMinB.ttf",
        face: 0,
    },
    SystemFont {
        path: "/usr/share/fonts/hanazono/HanaMinB.ttf",
        face: 0,
    },
];

/// One face of a font file, read and parsed.
#[derive(Clone)]
pub struct LoadedFont {
    /// The whole file (a collection holds every face), for a PDF to embed a subset of.
    pub bytes: &'static [u8],
    pub face: u32,
    /// The face, for measuring and drawing glyphs.
    pub font: FontArc,
}

impl LoadedFont {
    /// The face of these bytes, or `None` when they are not a font or have no such face.
    pub fn from_bytes(bytes: &'static [u8], face: u32) -> Option<Self> {
        let font = FontRef::try_from_slice_and_index(bytes, face).ok()?;
        Some(Self {
            bytes,
            face,
            font: FontArc::new(font),
        })
    }

    /// The face of a file; `None` when it is missing, unreadable or not a font.
    pub fn read(path: &Path, face: u32) -> Option<Self> {
        let bytes = std::fs::read(path).ok()?;
        // Kept for the life of the process: a font is read once per set and used until it ends.
        Self::from_bytes(Box::leak(bytes.into_boxed_slice()), face)
    }

    /// Whether this face has a glyph for `c` (its character map names one).
    pub fn has(&self, c: char) -> bool {
        self.font.glyph_id(c).0 != 0
    }
}

struct Slot {
    path: PathBuf,
    face: u32,
    font: OnceLock<Option<LoadedFont>>,
}

/// Fonts in order of preference, each read the first time a character is asked of it.
pub struct FontSet {
    slots: Vec<Slot>,
}

impl FontSet {
    /// These files' faces, in this order; nothing is read yet.
    pub fn at(files: impl IntoIterator<Item = (PathBuf, u32)>) -> Self {
        let slots = files
            .into_iter()
            .map(|(path, face)| Slot {
                path,
                face,
                font: OnceLock::new(),
            })
            .collect();
        Self { slots }
    }

    /// Fonts already loaded, in this order.
    pub fn of(fonts: impl IntoIterator<Item = LoadedFont>) -> Self {
        let slots = fonts
            .into_iter()
            .map(|font| Slot {
                path: PathBuf::new(),
                face: font.face,
                font: OnceLock::from(Some(font)),
            })
            .collect();
        Self { slots }
    }

    /// The bundled subset first (a receipt's raster line draws its ordinary characters with the screen's font,
    /// whatever the system has), then [`SYSTEM_FONTS`]; one set per process: the PDFs and the receipts read
    /// each file at most once.
    pub fn system() -> Arc<FontSet> {
        static SYSTEM: OnceLock<Arc<FontSet>> = OnceLock::new();
        SYSTEM
            .get_or_init(|| Arc::new(Self::bundled_then(SYSTEM_FONTS)))
            .clone()
    }

    /// The bundled subset (the bytes [`bundled`] read, not read again), then these system fonts.
    pub fn bundled_then(fonts: &[SystemFont]) -> FontSet {
        let mut set = Self::at(fonts.iter().map(|f| (PathBuf::from(f.path), f.face)));
        let regular = bundled()
            .ok()
            .and_then(|b| LoadedFont::from_bytes(b.regular, 0));
        set.slots.insert(
            0,
            Slot {
                path: font_dir().join(REGULAR_FILE),
                face: 0,
                font: regular.map_or_else(OnceLock::new, |f| OnceLock::from(Some(f))),
            },
        );
        set
    }

    /// Whether any of its fonts is there (cheap: looks for the files, reads none).
    pub fn any_installed(&self) -> bool {
        self.slots
            .iter()
            .any(|s| s.font.get().is_some_and(Option::is_some) || s.path.is_file())
    }

    /// The files of the set that are there, for a technician's report.
    pub fn installed(&self) -> Vec<&Path> {
        self.slots
            .iter()
            .filter(|s| s.path.is_file())
            .map(|s| s.path.as_path())
            .collect()
    }

    /// The first font of the set that has `c`, with its place in the set; files are read as they are reached.
    pub fn covering(&self, c: char) -> Option<(usize, &LoadedFont)> {
        self.slots.iter().enumerate().find_map(|(i, s)| {
            s.font
                .get_or_init(|| LoadedFont::read(&s.path, s.face))
                .as_ref()
                .filter(|f| f.has(c))
                .map(|f| (i, f))
        })
    }

    /// How many fonts the set lists (loaded or not).
    pub fn len(&self) -> usize {
        self.slots.len()
    }

    pub fn is_empty(&self) -> bool {
        self.slots.is_empty()
    }
}

#[cfg(test)]
mod tests;
