//! The PDF documents the terminal makes itself: an application form with the resident's signature, and a
//! printable receipt (受理回执). A document is a [`Sheet`] (a title and sections of rows, paragraphs and a
//! signature); [`render`] lays it out on A4 pages with krilla, which embeds only the glyphs used from the
//! bundled Noto Sans CJK SC subset. Characters that subset lacks (rare name characters) come from a system CJK
//! font when one is installed, else print as 〓, the customary mark for a character that cannot be set.

pub mod fonts;
mod layout;
mod render;
mod sheet;

pub use fonts::{bundled as bundled_fonts, font_dir, FontFileError, Fonts};
pub use render::{render, Rendered};
pub use sheet::{
    application_form, receipt, FormField, FormInput, ReceiptInput, Section, Sheet, Signature,
};

#[derive(Debug, thiserror::Error)]
pub enum DocumentError {
    #[error("the signature image is {got} bytes, not {width}×{height} RGBA ({expected} bytes)")]
    BadSignature {
        width: u32,
        height: u32,
        got: usize,
        expected: usize,
    },
    #[error(transparent)]
    Font(#[from] FontFileError),
    #[error("the PDF could not be written: {0}")]
    Pdf(String),
}
