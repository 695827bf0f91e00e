fn main() {
    let config = slint_build::CompilerConfiguration::new()
        .with_bundled_translations("translations")
        .with_default_translation_context(slint_build::DefaultTranslationContext::None)
        // Element names for the testing backend's ElementHandle queries; only test builds ask for them.
        .with_debug_info(std::env::var_os("CARGO_FEATURE_DEBUG_INFO").is_some());
    if let Err(e) = slint_build::compile_with_config("main.slint", config) {
        // A build script has no one to recover for: the .slint error, with file and line, is the message.
        eprintln!("{e}");
        std::process::exit(1);
    }
}
