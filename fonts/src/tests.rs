use super::*;

const SUBSET: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../ui/fonts/NotoSansSC-Regular-subset.otf"
);
/// Debian's fonts-hanazono: the file the terminal's image ships (buildroot/package/hanazono-font).
const HANAZONO_B: &str = "/usr/share/fonts/truetype/hanazono/HanaMinB.ttf";

fn hanazono() -> PathBuf {
    let path = PathBuf::from(HANAZONO_B);
    assert!(
        path.is_file(),
        "{HANAZONO_B} is missing: install fonts-hanazono (scripts/system-packages does)"
    );
    path
}

fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("kiosk-fonts-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

#[test]
fn each_character_is_drawn_by_the_first_font_that_has_it() {
    let set = FontSet::at([(PathBuf::from(SUBSET), 0), (hanazono(), 0)]);
    assert_eq!(set.covering('张').map(|(i, _)| i), Some(0));
    assert_eq!(set.covering('A').map(|(i, _)| i), Some(0));
    // 𪚥 (U+2A6A5, CJK Extension B): not in the bundled subset, in Hanazono Mincho B.
    assert_eq!(set.covering('𪚥').map(|(i, _)| i), Some(1));
    assert_eq!(set.covering('𠮷').map(|(i, _)| i), Some(1));
    // A character no font has: none, whatever was read on the way.
    assert!(set.covering('\u{FFFF}').is_none());
}

#[test]
fn missing_broken_and_faceless_files_are_passed_over() {
    let dir = scratch("broken");
    let junk = dir.join("junk.ttf");
    std::fs::write(&junk, b"not a font at all").unwrap();
    let set = FontSet::at([
        (dir.join("missing.ttc"), 0),
        (junk.clone(), 0),
        // The subset is one font, not a collection: it has no face 3.
        (PathBuf::from(SUBSET), 3),
        (PathBuf::from(SUBSET), 0),
    ]);
    assert!(set.any_installed());
    assert_eq!(set.installed().len(), 3);
    assert_eq!(set.covering('张').map(|(i, _)| i), Some(3));
    assert!(!FontSet::at([(dir.join("missing.ttc"), 0)]).any_installed());
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn a_file_is_read_only_when_a_character_first_needs_it() {
    let dir = scratch("lazy");
    let later = dir.join("HanaMinB.ttf");
    let set = FontSet::at([(PathBuf::from(SUBSET), 0), (later.clone(), 0)]);
    // Answered by the first font: the second file, not there yet, is not looked at.
    assert!(set.covering('张').is_some());
    std::os::unix::fs::symlink(hanazono(), &later).unwrap();
    // Read now, when 𪚥 first needs it (had it been read before, its absence would have been kept).
    assert_eq!(set.covering('𪚥').map(|(i, _)| i), Some(1));
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn the_system_list_names_the_images_rare_character_font() {
    // The image's copy of Hanazono Mincho B (buildroot/package/hanazono-font installs it there) and Debian's.
    for path in [
        "/usr/share/fonts/hanazono/HanaMinB.ttf",
        "/usr/share/fonts/truetype/hanazono/HanaMinB.ttf",
    ] {
        assert!(SYSTEM_FONTS.iter().any(|f| f.path == path), "{path}");
    }
    // On this machine the system set draws 𪚥 (fonts-hanazono, with or without Noto Sans CJK).
    hanazono();
    assert!(FontSet::system()
        .covering('𪚥')
        .is_some_and(|(_, f)| f.has('𪚥')));
}

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
