//! Line breaking for Chinese and mixed text: a CJK character may end a line anywhere, Latin words break at
//! spaces, and closing punctuation never starts a line (it stays on the line before, a little over the edge,
//! as Chinese typesetting does). Hand-written because the line-breaking crates need a shaper and font stack we
//! do not otherwise carry; forms are short, so this simple rule is enough.

use crate::fonts::Fonts;

/// Characters that must not begin a line.
fn closes(c: char) -> bool {
    "，。、：；！？）」』》〉】〕”’,.:;!?)]}%".contains(c)
}

fn is_cjk(c: char) -> bool {
    matches!(c as u32, 0x2E80..=0x9FFF | 0xF900..=0xFAFF | 0xFF00..=0xFFEF | 0x20000..=0x3FFFF)
}

/// Breaks `text` into lines no wider than `width` points at `size`. Explicit newlines are kept.
pub(crate) fn wrap(fonts: &Fonts, text: &str, size: f32, width: f32) -> Vec<String> {
    let mut lines = Vec::new();
    for para in text.split('\n') {
        // Units that stay together: one CJK character, or a run of non-CJK non-space characters, or a space.
        let mut units: Vec<String> = Vec::new();
        for c in para.chars() {
            let glue = match units.last() {
                Some(last) => {
                    let l = last.chars().last().unwrap_or(' ');
                    closes(c)
                        || (!is_cjk(c) && !c.is_whitespace() && !is_cjk(l) && !l.is_whitespace())
                }
                None => false,
            };
            match (glue, units.last_mut()) {
                (true, Some(last)) => last.push(c),
                _ => units.push(c.to_string()),
            }
        }
        let mut line = String::new();
        for u in units {
            let candidate = format!("{line}{u}");
            if !line.is_empty() && fonts.width(&candidate, size) > width {
                lines.push(line.trim_end().to_string());
                line = u.trim_start().to_string();
            } else {
                line = candidate;
            }
        }
        lines.push(line.trim_end().to_string());
    }
    lines
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chinese_wraps_anywhere_but_punctuation_stays_behind() {
        let fonts = Fonts::bundled_only().unwrap();
        // At 10 pt a CJK character is 10 pt wide: 5 per 50 pt line.
        let lines = wrap(&fonts, "本人承诺所填写的信息真实，准确。", 10.0, 50.0);
        assert_eq!(lines[0], "本人承诺所");
        assert!(
            lines
                .iter()
                .all(|l| !l.starts_with('，') && !l.starts_with('。')),
            "{lines:?}"
        );
        assert_eq!(lines.concat(), "本人承诺所填写的信息真实，准确。");
    }

    #[test]
    fn latin_words_are_not_split_and_newlines_are_kept() {
        let fonts = Fonts::bundled_only().unwrap();
        let lines = wrap(&fonts, "Shanghai Yangpu District\nsecond", 10.0, 60.0);
        assert!(lines.contains(&"second".to_string()));
        for l in &lines {
            assert!(
                ["Shanghai", "Yangpu", "District", "second"]
                    .iter()
                    .any(|w| l.contains(w)),
                "{lines:?}"
            );
            assert!(!l.starts_with(' ') && !l.ends_with(' '));
        }
    }

    #[test]
    fn an_empty_text_is_one_empty_line() {
        let fonts = Fonts::bundled_only().unwrap();
        assert_eq!(wrap(&fonts, "", 10.0, 50.0), vec![String::new()]);
    }
}
