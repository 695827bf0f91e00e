//! The screen's fonts. The UI names "Noto Sans CJK SC" but does not embed it (the files are on the image, next
//! to the firmware: `kiosk_documents::fonts`), so the kiosk registers the files with Slint's font collection on
//! the UI thread, after the platform exists and before any text is laid out — where Slint's own generated code
//! would register an imported font.

use kiosk_documents::FontFileError;
use slint::fontique_011::fontique;
use std::cell::Cell;
use std::sync::Arc;

thread_local! {
    // Slint's font collection belongs to the thread's platform: once per thread is once per collection.
    static REGISTERED: Cell<bool> = const { Cell::new(false) };
}

/// Registers the bundled fonts for this thread's windows. Call it after the first window of the thread was
/// created (the platform exists then, so Slint's collection can be reached without a panic). Without the files
/// the screen draws with the system's fonts (the image carries a full CJK font) and the error says which file.
pub fn register() -> Result<(), FontFileError> {
    if REGISTERED.get() {
        return Ok(());
    }
    let bundled = kiosk_documents::bundled_fonts()?;
    let mut collection = slint::fontique_011::shared_collection();
    for data in [bundled.regular, bundled.bold] {
        collection.register_fonts(fontique::Blob::new(Arc::new(data)), None);
    }
    REGISTERED.set(true);
    Ok(())
}

/// [`register`], telling the technician's log when the files are missing; the screen goes on either way.
pub fn register_or_log() {
    if let Err(e) = register() {
        tracing::error!(error = %e, "the screen's font is missing; drawing with the system's fonts");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_bundled_faces_are_in_the_screens_collection_from_the_files() {
        i_slint_backend_testing::init_no_event_loop();
        let _ui = kiosk_ui::KioskWindow::new().expect("window");
        register().expect("the repository's fonts");
        register().expect("a second call is a no-op");
        let bundled = kiosk_documents::bundled_fonts().expect("fonts");
        let mut collection = slint::fontique_011::shared_collection();
        let family = collection
            .family_by_name("Noto Sans CJK SC")
            .expect("the UI's family is known");
        // The faces come from the files' bytes (memory sources of their lengths), regular and bold, once each.
        let mut faces: Vec<(f32, usize)> = family
            .fonts()
            .iter()
            .filter_map(|f| match &f.source().kind {
                fontique::SourceKind::Memory(blob) => Some((f.weight().value(), blob.len())),
                _ => None,
            })
            .collect();
        faces.sort_by(|a, b| a.0.total_cmp(&b.0));
        assert_eq!(
            faces,
            vec![(400.0, bundled.regular.len()), (700.0, bundled.bold.len())]
        );
    }
}
