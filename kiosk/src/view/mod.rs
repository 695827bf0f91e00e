//! What the kiosk does around the views (their glue, the presenters and the screen reader, is
//! `kiosk_ui::present`): speech, the camera preview, the catalogue's items, the fonts, the PDFs.

pub mod held;
pub mod items;
pub mod paperwork;
pub mod preview;
pub mod screen_fonts;
pub mod voice;
