//! Chinese input by pinyin for the on-screen keyboard: the resident types letters, a candidate bar offers the
//! words and characters they spell, most frequent first.
//!
//! Slint has no input method on linuxkms, so the keyboard is ours; the dictionary is not: it is built from a
//! jieba word list (word, frequency) with the `pinyin` crate's readings (every reading of a character, so
//! 银行 is found under "yinhang"). Hand-written here is only the lookup: exact spelling, then the longest
//! spelled prefix (the rest stays in the composition, as in every pinyin IME), then syllables still being typed
//! ("zh" → 中, 张 …), and initials ("bj" → 北京).

use pinyin::ToPinyinMulti;
use std::collections::{BTreeMap, HashMap};

/// How many readings of a word are kept (a word of polyphonic characters has the product of their readings).
const MAX_READINGS: usize = 8;
/// Words of this many characters at most are entered (names and addresses are typed in short pieces).
const MAX_WORD_CHARS: usize = 4;
/// Candidates kept per spelling.
const PER_KEY: usize = 48;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Candidate {
    pub text: String,
    /// How many letters of the composition it spells: they leave the composition when it is chosen.
    pub consumed: usize,
}

pub struct Dictionary {
    /// Full spelling without tones ("yinhang", ü as "v") → words, most frequent first.
    spelled: BTreeMap<String, Vec<(String, u64)>>,
    /// Initials ("yh") → words of two characters or more, most frequent first.
    initials: HashMap<String, Vec<(String, u64)>>,
}

/// A word's readings as (spelling, initials, whether every character has its usual reading).
fn readings(word: &str) -> Vec<(String, String, bool)> {
    let mut out = vec![(String::new(), String::new(), true)];
    for c in word.chars() {
        let Some(multi) = c.to_pinyin_multi() else {
            return Vec::new();
        };
        let mut next = Vec::new();
        for (spelling, initials, usual) in &out {
            for (k, p) in multi.into_iter().enumerate() {
                let plain = p.plain().replace('ü', "v");
                let mut s = spelling.clone();
                s.push_str(&plain);
                let mut i = initials.clone();
                i.push_str(&plain[..1]);
                next.push((s, i, *usual && k == 0));
                if next.len() >= MAX_READINGS {
                    break;
                }
            }
        }
        out = next;
    }
    out
}

impl Dictionary {
    /// Builds from jieba's dictionary format: `word frequency [tag]` per line. Malformed lines are skipped.
    pub fn from_jieba(text: &str) -> Dictionary {
        let mut spelled: BTreeMap<String, Vec<(String, u64)>> = BTreeMap::new();
        let mut initials: HashMap<String, Vec<(String, u64)>> = HashMap::new();
        for line in text.lines() {
            let mut parts = line.split_whitespace();
            let (Some(word), Some(freq)) = (parts.next(), parts.next()) else {
                continue;
            };
            let Ok(freq) = freq.parse::<u64>() else {
                continue;
            };
            let n = word.chars().count();
            if n == 0 || n > MAX_WORD_CHARS {
                continue;
            }
            for (s, i, usual) in readings(word) {
                // A rare reading must not put a frequent character first: 长 is mostly cháng, seldom zhǎng.
                let freq = if usual { freq } else { freq / 50 };
                spelled.entry(s).or_default().push((word.to_string(), freq));
                if n >= 2 {
                    initials
                        .entry(i)
                        .or_default()
                        .push((word.to_string(), freq));
                }
            }
        }
        let tidy = |v: &mut Vec<(String, u64)>| {
            v.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
            v.dedup_by(|a, b| a.0 == b.0);
            v.truncate(PER_KEY);
        };
        spelled.values_mut().for_each(tidy);
        initials.values_mut().for_each(tidy);
        Dictionary { spelled, initials }
    }

    /// Candidates for `composition` (lower-case letters; anything else gives none), best first.
    pub fn candidates(&self, composition: &str, limit: usize) -> Vec<Candidate> {
        self.candidates_where(composition, limit, |_| true)
    }

    /// Candidates that `keep` accepts (e.g. only what the screen's font can draw), best first.
    pub fn candidates_where(
        &self,
        composition: &str,
        limit: usize,
        keep: impl Fn(&str) -> bool,
    ) -> Vec<Candidate> {
        let c = composition.to_ascii_lowercase();
        if c.is_empty() || !c.bytes().all(|b| b.is_ascii_lowercase()) {
            return Vec::new();
        }
        let mut out: Vec<Candidate> = Vec::new();
        let push = |text: &str, consumed: usize, out: &mut Vec<Candidate>| {
            if out.len() < limit && !out.iter().any(|x| x.text == text) && keep(text) {
                out.push(Candidate {
                    text: text.to_string(),
                    consumed,
                });
            }
        };
        // The whole composition spelled exactly.
        if let Some(words) = self.spelled.get(&c) {
            words.iter().for_each(|(w, _)| push(w, c.len(), &mut out));
        }
        // Initials of a word ("bj" → 北京), before partial syllables: a run of consonants is rarely a syllable.
        if c.len() >= 2 {
            if let Some(words) = self.initials.get(&c) {
                words
                    .iter()
                    .take(limit / 2)
                    .for_each(|(w, _)| push(w, c.len(), &mut out));
            }
        }
        // The composition as the start of a spelling still being typed ("zh", "zhan"): the most frequent of
        // the spellings it begins, character by character first (a name is typed one character at a time).
        let mut started: Vec<&(String, u64)> = self
            .spelled
            .range(c.clone()..)
            .take_while(|(k, _)| k.starts_with(&c))
            .flat_map(|(_, v)| v.iter().take(6))
            .filter(|(w, _)| w.chars().count() == 1)
            .collect();
        started.sort_by_key(|w| std::cmp::Reverse(w.1));
        started
            .iter()
            .take(limit / 2)
            .for_each(|(w, _)| push(w, c.len(), &mut out));
        // The longest spelled prefix; the rest stays to be chosen next.
        for end in (1..c.len()).rev() {
            if let Some(words) = self.spelled.get(&c[..end]) {
                words.iter().for_each(|(w, _)| push(w, end, &mut out));
                break;
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dict() -> Dictionary {
        Dictionary::from_jieba("北京 34488 ns\n银行 26810 n\n张 104226 q\n章 14474 n\n长 7000 a\n中 400000 f\n中国 160000 ns\n国 120000 n\n建 3000 v\n建国 1630 v\n女 50000 n\nbad line\n 12\n")
    }

    #[test]
    fn spellings_initials_prefixes_and_polyphones() {
        let d = dict();
        let texts =
            |c: &str| -> Vec<String> { d.candidates(c, 10).into_iter().map(|c| c.text).collect() };
        assert_eq!(texts("zhang")[..3], ["张", "章", "长"]);
        assert_eq!(texts("yinhang"), ["银行"], "行 read as hang");
        assert_eq!(texts("bj")[0], "北京");
        assert_eq!(texts("nv"), ["女"], "ü typed as v");
        assert_eq!(
            texts("zh")[0],
            "中",
            "an unfinished syllable offers its most frequent characters"
        );
        // Two syllables with no word for them: the first one's characters, consuming only its letters.
        let c = d.candidates("zhangjian", 10);
        assert_eq!((c[0].text.as_str(), c[0].consumed), ("张", 5));
        assert!(d.candidates("ZHONGGUO", 3).iter().any(|c| c.text == "中国"));
        assert!(d.candidates("12", 3).is_empty());
        assert!(d.candidates("", 3).is_empty());
        // A filter (the screen font's coverage) leaves out what it cannot show.
        let c = d.candidates_where("zhang", 10, |t| t != "张");
        assert!(!c.is_empty() && c.iter().all(|c| c.text != "张"));
    }

    #[test]
    fn the_shipped_dictionary_spells_common_words_of_forms() {
        let d = Dictionary::from_jieba(kiosk_catalog::dictionary().expect("data/jieba-dict.txt"));
        let first = |c: &str| d.candidates(c, 10).first().map(|c| c.text.clone());
        assert_eq!(first("shanghai").as_deref(), Some("上海"));
        assert_eq!(first("shequ").as_deref(), Some("社区"));
        // A place name the word list lacks is typed in pieces: its first syllable first.
        assert_eq!(first("yangpu").as_deref(), Some("杨"));
        assert_eq!(first("lu").as_deref(), Some("路"));
        assert!(d.candidates("zhang", 3).iter().any(|c| c.text == "张"));
        assert!(d.candidates("hao", 10).iter().any(|c| c.text == "号"));
    }
}
