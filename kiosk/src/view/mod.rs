//! The core's state as the person sees and hears it: the Slint views' models (presenter and the per-area
//! views), speech and the keypad's screen reader, the camera preview, the catalogue's items, the PDFs.

pub mod application_view;
pub mod items;
pub mod maintenance_view;
pub mod paperwork;
pub mod presenter;
pub mod preview;
pub mod screen_fonts;
pub mod screen_reader;
pub mod voice;
