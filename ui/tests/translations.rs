//! Every string the views mark for translation (`@tr("…")` in the .slint files) has an English translation,
//! and the English catalogue holds nothing the views no longer use. A new string without its English fails here.
//!
//! The .po reader is a few lines for the subset the catalogue uses (msgid/msgstr, strings continued on the
//! next line, C escapes); a gettext crate would bring a runtime we do not need for a check.

use std::collections::BTreeMap;
use std::path::Path;

fn unescape(s: &str) -> String {
    let mut out = String::new();
    let mut chars = s.chars();
    while let Some(c) = chars.next() {
        if c == '\\' {
            match chars.next() {
                Some('n') => out.push('\n'),
                Some('t') => out.push('\t'),
                Some(o) => out.push(o),
                None => {}
            }
        } else {
            out.push(c);
        }
    }
    out
}

/// The quoted strings of the .slint sources that follow `@tr(`, with the file each was first found in.
fn marked(dir: &Path, found: &mut BTreeMap<String, String>) {
    for e in std::fs::read_dir(dir).expect("ui folder").flatten() {
        let p = e.path();
        if p.is_dir() {
            marked(&p, found);
        } else if p.extension().is_some_and(|x| x == "slint") {
            let src = std::fs::read_to_string(&p).expect("a .slint file");
            let mut rest = src.as_str();
            while let Some(i) = rest.find("@tr(\"") {
                rest = &rest[i + 5..];
                let bytes = rest.as_bytes();
                let mut end = 0;
                while end < bytes.len() && bytes[end] != b'"' {
                    end += if bytes[end] == b'\\' { 2 } else { 1 };
                }
                let end = end.min(rest.len());
                found
                    .entry(unescape(&rest[..end]))
                    .or_insert_with(|| p.display().to_string());
                rest = &rest[end..];
            }
        }
    }
}

/// msgid → msgstr of a .po file.
fn catalogue(po: &str) -> BTreeMap<String, String> {
    let mut map = BTreeMap::new();
    let (mut id, mut msg, mut in_id) = (None::<String>, None::<String>, false);
    let quoted = |l: &str| {
        let l = l.trim();
        let l = l.strip_prefix('"').unwrap_or(l);
        let l = l.strip_suffix('"').unwrap_or(l);
        unescape(l)
    };
    for line in po.lines().map(str::trim) {
        if let Some(r) = line.strip_prefix("msgid ") {
            if let (Some(i), Some(m)) = (id.take(), msg.take()) {
                map.insert(i, m);
            }
            id = Some(quoted(r));
            in_id = true;
        } else if let Some(r) = line.strip_prefix("msgstr ") {
            msg = Some(quoted(r));
            in_id = false;
        } else if line.starts_with('"') {
            let target = if in_id { id.as_mut() } else { msg.as_mut() };
            if let Some(t) = target {
                t.push_str(&quoted(line));
            }
        }
    }
    if let (Some(i), Some(m)) = (id, msg) {
        map.insert(i, m);
    }
    map.remove("");
    map
}

#[test]
fn every_marked_string_has_its_english_and_none_is_left_over() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut strings = BTreeMap::new();
    marked(root, &mut strings);
    assert!(strings.len() > 50, "only {} strings found", strings.len());
    let po = std::fs::read_to_string(root.join("translations/en/LC_MESSAGES/kiosk-ui.po"))
        .expect("the English catalogue");
    let en = catalogue(&po);
    let missing: Vec<String> = strings
        .iter()
        .filter(|(s, _)| en.get(*s).is_none_or(|t| t.trim().is_empty()))
        .map(|(s, file)| format!("{s:?} ({file})"))
        .collect();
    assert!(
        missing.is_empty(),
        "{} strings have no English:\n{}",
        missing.len(),
        missing.join("\n")
    );
    let unused: Vec<&String> = en.keys().filter(|k| !strings.contains_key(*k)).collect();
    assert!(
        unused.is_empty(),
        "translations of strings no view uses: {unused:?}"
    );
    // Placeholders survive translation.
    for (s, t) in &en {
        assert_eq!(
            s.matches("{}").count(),
            t.matches("{}").count(),
            "{s:?} → {t:?}: placeholders differ"
        );
    }
}

#[test]
fn the_po_reader_reads_continued_and_escaped_strings() {
    let po = "msgid \"\"\nmsgstr \"\"\n\"Language: en\\n\"\n\nmsgid \"a\"\n\"b\"\nmsgstr \"A\"\n\"B \\\"q\\\"\"\n";
    let c = catalogue(po);
    assert_eq!(c.get("ab").map(String::as_str), Some("AB \"q\""));
    assert_eq!(c.len(), 1);
}
