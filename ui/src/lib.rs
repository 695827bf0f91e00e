//! The terminal's views, written in Slint. Rust talks to them only through the exported globals
//! (`Theme`, one adapter per page or area: `ShellAdapter`, `HomeAdapter`, `CaptureAdapter`, `ApplicationAdapter`,
//! `DoneAdapter`, `CallAdapter`, `MaintenanceAdapter`) and the windows' callbacks; nothing in this crate does I/O.

slint::include_modules!();

pub mod present;

/// Languages the UI is translated into; the source strings are zh-CN.
pub const LANGUAGES: [&str; 2] = ["zh", "en"];

/// Switches every `@tr` string of every window to `language` ("zh" or "en"). Unknown languages fall back to
/// Chinese, the source language.
pub fn select_language(language: &str) -> &'static str {
    if language == "en" && slint::select_bundled_translation("en").is_ok() {
        "en"
    } else {
        // The source strings are Chinese: the empty name selects them. It can only fail when no translation
        // is bundled at all, and then the source strings are shown anyway.
        let _ = slint::select_bundled_translation("");
        "zh"
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn english_is_bundled_and_unknown_languages_fall_back_to_chinese() {
        i_slint_backend_testing::init_no_event_loop();
        let _window = KioskWindow::new().expect("window");
        assert_eq!(select_language("en"), "en");
        assert_eq!(select_language("fr"), "zh");
        assert_eq!(select_language("zh"), "zh");
    }
}
