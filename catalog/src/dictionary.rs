//! The search dictionary: the 60,000 most frequent words of jieba's dictionary (data/README.md), which the
//! catalogue search segments questions with and the pinyin keyboard offers words from. It is a file beside the
//! firmware, not 0.8 MB inside it (the board's binary has a size budget): `/usr/share/kiosk/jieba-dict.txt` on
//! the image, `data/` in a checkout, or the directory `KIOSK_DATA_DIR` names at run time.

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

pub const DICTIONARY_FILE: &str = "jieba-dict.txt";

/// The directory the build was told in `KIOSK_DATA_DIR` (the image's), else the repository's `data/`.
const BUILT_DATA_DIR: &str = match option_env!("KIOSK_DATA_DIR") {
    Some(dir) => dir,
    None => concat!(env!("CARGO_MANIFEST_DIR"), "/../data"),
};

/// The directory the dictionary is read from.
pub fn data_dir() -> PathBuf {
    std::env::var_os("KIOSK_DATA_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(BUILT_DATA_DIR))
}

/// The dictionary file could not be used; the technician's message names it.
#[derive(Debug, Clone, thiserror::Error)]
#[error("the search dictionary {path} cannot be read: {reason}")]
pub struct DictionaryError {
    pub path: PathBuf,
    pub reason: String,
}

/// The dictionary's text from [`data_dir`], read at the first call and kept for the life of the process (the
/// search index and the pinyin keyboard both borrow it).
pub fn dictionary() -> Result<&'static str, DictionaryError> {
    static TEXT: OnceLock<Result<&'static str, DictionaryError>> = OnceLock::new();
    TEXT.get_or_init(|| read(&data_dir().join(DICTIONARY_FILE)))
        .clone()
}

fn read(path: &Path) -> Result<&'static str, DictionaryError> {
    let text = std::fs::read_to_string(path).map_err(|e| DictionaryError {
        path: path.to_path_buf(),
        reason: e.to_string(),
    })?;
    // Leaked on purpose: read once per process and used until it ends.
    Ok(Box::leak(text.into_boxed_str()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_checkout_has_the_dictionary_and_a_missing_one_is_named() {
        let text = dictionary().expect("data/jieba-dict.txt");
        assert!(text.lines().count() >= 60_000, "{}", text.lines().count());
        let missing = std::env::temp_dir().join("kiosk-no-such-dictionary.txt");
        let e = read(&missing).expect_err("missing");
        assert_eq!(e.path, missing);
    }
}
