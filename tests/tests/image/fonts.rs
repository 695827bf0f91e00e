//! The image's font set draws a rare character of a name (𪚥, CJK Extension B): the rare-character font the image
//! installs is where the firmware looks, it is the very file Debian's fonts-hanazono installs here (same package,
//! same version), and with only the image's fonts that file draws the character on a PDF and a receipt line.

use super::{read, tree};
use kiosk_fonts::{FontSet, SystemFont, SYSTEM_FONTS};
use std::process::Command;
use std::sync::Arc;

/// Where buildroot/package/hanazono-font installs Mincho B on the image, and where Debian does.
const ON_THE_IMAGE: &str = "/usr/share/fonts/hanazono/HanaMinB.ttf";
const ON_DEBIAN: &str = "/usr/share/fonts/truetype/hanazono/HanaMinB.ttf";

#[test]
fn the_images_fonts_draw_a_rare_character_of_a_name() {
    let mk = read(&tree("package/hanazono-font/hanazono-font.mk"));
    assert!(mk.contains(&format!("$(TARGET_DIR){ON_THE_IMAGE}")), "{mk}");
    assert!(SYSTEM_FONTS.iter().any(|f| f.path == ON_THE_IMAGE));
    // The image takes Debian's fonts-hanazono .deb; the one installed here is the same version.
    let version = mk
        .lines()
        .find_map(|l| l.strip_prefix("HANAZONO_FONT_VERSION = "))
        .expect("HANAZONO_FONT_VERSION");
    let deb = format!("fonts-hanazono_{version}-2.1_all.deb");
    assert!(
        mk.contains("HANAZONO_FONT_SOURCE = fonts-hanazono_$(HANAZONO_FONT_VERSION)-2.1_all.deb"),
        "{mk}"
    );
    let hash = read(&tree("package/hanazono-font/hanazono-font.hash"));
    assert!(hash.contains(&format!("  {deb}")), "{hash}");
    let installed = Command::new("dpkg-query")
        .args(["-W", "-f", "${Version}", "fonts-hanazono"])
        .output()
        .expect("dpkg-query");
    assert_eq!(
        String::from_utf8_lossy(&installed.stdout),
        format!("{version}-2.1"),
        "Debian's fonts-hanazono is the image's (scripts/system-packages installs it)"
    );

    // The image's font set: the bundled subset, then of the firmware's list the files the image installs
    // (WenQuanYi Zen Hei at Buildroot's path, which this machine need not have, and Mincho B, read from
    // Debian's copy of the same file).
    let image: Vec<SystemFont> = SYSTEM_FONTS
        .iter()
        .filter(|f| ["/usr/share/fonts/wqy-zenhei/wqy-zenhei.ttc", ON_THE_IMAGE].contains(&f.path))
        .map(|f| SystemFont {
            path: if f.path == ON_THE_IMAGE {
                ON_DEBIAN
            } else {
                f.path
            },
            face: f.face,
        })
        .collect();
    assert_eq!(image.len(), 2);
    let set = Arc::new(FontSet::bundled_then(&image));
    assert!(set.covering('𪚥').is_some(), "the image's fonts lack 𪚥");

    // A PDF: the name is set, not marked.
    let fonts = kiosk_documents::Fonts::with_system(set.clone()).expect("bundled fonts");
    assert!(fonts.draws('𪚥') && fonts.draws('张'));

    // A receipt line: drawn as a raster, nothing replaced.
    let layout = kiosk_drivers::printer::protocol::Layout {
        fallback: kiosk_drivers::printer::protocol::Fallback::Raster(set, '□'),
        ..Default::default()
    };
    let receipt = kiosk_drivers::printer::protocol::Receipt::new().text("申请人 张𪚥国");
    let out = kiosk_drivers::printer::protocol::encode(&receipt, &layout, Default::default())
        .expect("encoded");
    assert_eq!((out.replaced_chars, out.rastered_lines), (0, 1));
}
