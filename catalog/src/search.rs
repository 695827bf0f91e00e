//! Offline search over the catalogue, as residents type on the terminal's keyboard: a name or a part of it, a
//! synonym, full pinyin or pinyin initials ("sbjf" finds 社保缴费记录打印), or a question in Chinese ("我想打印
//! 社保缴费记录"), which is segmented with jieba and ranked with BM25 over names, synonyms and departments.
//!
//! Direct matches rank first, in tiers (whole name, name prefix, part of the name, synonym, pinyin initials, full
//! pinyin); BM25 orders the question-like queries and breaks ties within a tier.

use crate::load::Catalog;
use bm25::{Document, SearchEngine, SearchEngineBuilder, Tokenizer};

/// Token ids: bm25 hashes each token to a u32.
type TokenId = u32;
use jieba_rs::Jieba;
use pinyin::ToPinyin;
use serde::Serialize;
use std::sync::Arc;

/// How a query matched an item (for the ranking and for the people who check the catalogue).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Match {
    Words,
    SynonymPinyin,
    Pinyin,
    PinyinInitials,
    Synonym,
    NamePart,
    NamePrefix,
    Name,
}

impl Match {
    fn tier(self) -> f32 {
        match self {
            Match::Name => 100.0,
            Match::NamePrefix => 90.0,
            Match::NamePart => 80.0,
            Match::Synonym => 70.0,
            Match::PinyinInitials => 65.0,
            Match::Pinyin => 60.0,
            Match::SynonymPinyin => 50.0,
            Match::Words => 0.0,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Hit {
    pub code: String,
    pub name: String,
    pub score: f32,
    pub matched: Match,
}

/// Words that carry no meaning for finding an item ("I want to", "how do I").
const STOP: [&str; 31] = [
    "我",
    "想",
    "要",
    "我要",
    "我想",
    "怎么",
    "怎样",
    "如何",
    "办",
    "办理",
    "的",
    "了",
    "吗",
    "呢",
    "在",
    "哪",
    "哪里",
    "能",
    "可以",
    "去",
    "一下",
    "请问",
    "帮",
    "给",
    // Question words and what every item has: they say nothing of which one is meant.
    "什么",
    "有什么",
    "哪些",
    "有没有",
    "需要",
    "手续",
    "要办",
];

/// English words that carry no meaning for finding an item.
const STOP_EN: [&str; 30] = [
    "i", "my", "me", "a", "an", "the", "for", "in", "of", "to", "and", "on", "at", "how", "do",
    "does", "can", "want", "need", "get", "is", "are", "it", "with", "every", "year", "what",
    "where", "please", "one",
];

/// jieba in search mode, without stop words and punctuation, lower case; an English word by its stem.
struct Words(Arc<Jieba>, rust_stemmers::Stemmer);

impl Tokenizer for Words {
    fn tokenize(&self, text: &str) -> Vec<String> {
        self.0
            .cut_for_search(text, true)
            .into_iter()
            .map(|t| t.word.trim().to_lowercase())
            .filter(|w| !w.is_empty() && w.chars().any(char::is_alphanumeric))
            .filter(|w| !STOP.contains(&w.as_str()) && !STOP_EN.contains(&w.as_str()))
            .map(|w| {
                if w.chars().all(|c| c.is_ascii_alphabetic()) {
                    self.1.stem(&w).into_owned()
                } else {
                    w
                }
            })
            .collect()
    }
}

/// Full pinyin and initials of a text; characters without pinyin are kept as they are (lower case).
fn pinyin_of(text: &str) -> (String, String) {
    let (mut full, mut initials) = (String::new(), String::new());
    for c in text.chars() {
        match c.to_pinyin() {
            Some(p) => {
                full.push_str(p.plain());
                initials.push_str(p.first_letter());
            }
            None if c.is_alphanumeric() => {
                let l: String = c.to_lowercase().collect();
                full.push_str(&l);
                initials.push_str(&l);
            }
            None => {}
        }
    }
    (full, initials)
}

fn normalise(s: &str) -> String {
    s.chars()
        .filter(|c| !c.is_whitespace())
        .flat_map(char::to_lowercase)
        .collect()
}

/// What the index finds: matched directly by its name and synonyms (whole, prefix, part, pinyin), ranked by
/// BM25 over its words.
pub struct Doc {
    pub code: String,
    pub name: String,
    pub synonyms: Vec<String>,
    pub words: String,
}

struct Entry {
    code: String,
    /// The name as residents read it.
    display: String,
    /// The name lower case without spaces, for matching.
    name: String,
    synonyms: Vec<String>,
    pinyin: String,
    initials: String,
    synonym_pinyin: Vec<(String, String)>,
    /// The Chinese characters of the name and synonyms, each once (for the character fallback).
    chars: Vec<char>,
}

/// Characters that say nothing of which item is meant (question words, 我, 的, 一家…).
const STOP_CHARS: &str =
    "我你他她的了吗呢吧啊么什怎哪些有没要想能可以去办理一个家请问帮给在是和或就都也还这那";

fn is_han(c: char) -> bool {
    ('\u{4e00}'..='\u{9fff}').contains(&c) || ('\u{3400}'..='\u{4dbf}').contains(&c)
}

/// The distinct Chinese characters of a text that carry meaning.
fn meaningful_chars(text: &str) -> Vec<char> {
    let mut v: Vec<char> = text
        .chars()
        .filter(|c| is_han(*c) && !STOP_CHARS.contains(*c))
        .collect();
    v.sort_unstable();
    v.dedup();
    v
}

/// The search index of a catalogue; build once (jieba's dictionary takes a moment to load).
pub struct Index {
    entries: Vec<Entry>,
    words: SearchEngine<usize, TokenId, Words>,
    /// How many entries have each character (its rarity weighs a shared character).
    char_df: std::collections::HashMap<char, usize>,
}

impl Index {
    /// The index with the shipped dictionary; without it (a broken installation) the catalogue's own words,
    /// single characters and jieba's HMM still segment a question.
    pub fn new(catalog: &Catalog) -> Self {
        let dictionary = crate::dictionary::dictionary().unwrap_or_else(|e| {
            tracing::error!(error = %e, "searching without the dictionary");
            ""
        });
        Self::with_dictionary(catalog, dictionary)
    }

    /// The index with another jieba dictionary (word, frequency, part of speech per line).
    pub fn with_dictionary(catalog: &Catalog, dictionary: &str) -> Self {
        // The name twice: a word of the name weighs more than one of a synonym. The English name too, for a
        // question asked in English.
        let docs = catalog.items.iter().map(|i| Doc {
            code: i.code.clone(),
            name: i.name.clone(),
            synonyms: i.synonyms.clone(),
            words: format!(
                "{} {} {} {} {}",
                i.name,
                i.name,
                i.synonyms.join(" "),
                i.department,
                i.name_en
            ),
        });
        Self::of(docs.collect(), dictionary)
    }

    /// An index over any documents (杨小通's answers are searched with the same ranking as items).
    pub fn of(docs: Vec<Doc>, dictionary: &str) -> Self {
        let mut jieba = Jieba::empty();
        if let Err(e) = jieba.load_dict(&mut dictionary.as_bytes()) {
            // Segmentation still works on single characters and jieba's HMM; ranking is coarser.
            tracing::warn!(error = %e, "the search dictionary could not be read");
        }
        // The documents' own names and synonyms are words, so a question is cut where the items are.
        for d in &docs {
            for w in std::iter::once(&d.name).chain(&d.synonyms) {
                jieba.add_word(w, None, None);
            }
        }
        let jieba = Arc::new(jieba);
        let entries: Vec<Entry> = docs
            .iter()
            .map(|d| {
                let (pinyin, initials) = pinyin_of(&d.name);
                Entry {
                    code: d.code.clone(),
                    display: d.name.clone(),
                    name: normalise(&d.name),
                    synonyms: d.synonyms.iter().map(|s| normalise(s)).collect(),
                    pinyin,
                    initials,
                    synonym_pinyin: d.synonyms.iter().map(|s| pinyin_of(s)).collect(),
                    chars: meaningful_chars(&format!("{} {}", d.name, d.synonyms.join(" "))),
                }
            })
            .collect();
        let docs = docs
            .into_iter()
            .enumerate()
            .map(|(n, d)| Document::new(n, d.words));
        let stemmer = rust_stemmers::Stemmer::create(rust_stemmers::Algorithm::English);
        let words = SearchEngineBuilder::<usize, TokenId, Words>::with_tokenizer_and_documents(
            Words(jieba, stemmer),
            docs,
        )
        .build();
        let mut char_df = std::collections::HashMap::new();
        for e in &entries {
            for c in &e.chars {
                *char_df.entry(*c).or_insert(0) += 1;
            }
        }
        Self {
            entries,
            words,
            char_df,
        }
    }

    fn direct(e: &Entry, q: &str) -> Option<Match> {
        if e.name == q {
            return Some(Match::Name);
        }
        if e.name.starts_with(q) {
            return Some(Match::NamePrefix);
        }
        if e.name.contains(q) {
            return Some(Match::NamePart);
        }
        if e.synonyms.iter().any(|s| s.contains(q)) {
            return Some(Match::Synonym);
        }
        if !q.chars().all(|c| c.is_ascii_alphabetic()) {
            return None;
        }
        if e.initials.starts_with(q) {
            return Some(Match::PinyinInitials);
        }
        if e.pinyin.starts_with(q) || (q.len() >= 4 && e.pinyin.contains(q)) {
            return Some(Match::Pinyin);
        }
        if e.initials.contains(q) && q.len() >= 3 {
            return Some(Match::PinyinInitials);
        }
        if e.synonym_pinyin
            .iter()
            .any(|(full, ini)| ini.starts_with(q) || full.starts_with(q))
        {
            return Some(Match::SynonymPinyin);
        }
        None
    }

    /// When neither a name nor a word matched (a word the dictionary does not know, 奶茶店 for 开店): the
    /// entries sharing at least two meaningful characters with the query, the rarer the character the more it
    /// counts. Hand-written: no crate does this over a catalogue's own names.
    fn by_characters(&self, q: &str) -> Vec<(Hit, usize)> {
        let asked = meaningful_chars(q);
        let n = self.entries.len().max(1) as f32;
        self.entries
            .iter()
            .filter_map(|e| {
                let shared: Vec<&char> = asked.iter().filter(|c| e.chars.contains(c)).collect();
                if shared.len() < 2 {
                    return None;
                }
                let weight: f32 = shared
                    .iter()
                    .map(|c| (n / *self.char_df.get(c).unwrap_or(&1) as f32).ln() + 1.0)
                    .sum();
                Some((
                    Hit {
                        code: e.code.clone(),
                        name: e.display.clone(),
                        score: weight,
                        matched: Match::Words,
                    },
                    e.name.chars().count(),
                ))
            })
            .collect()
    }

    /// The items that match `query`, best first, at most `limit`.
    pub fn search(&self, query: &str, limit: usize) -> Vec<Hit> {
        let q = normalise(query);
        if q.is_empty() {
            return Vec::new();
        }
        let found = self.words.search(query, self.entries.len());
        let best = found
            .first()
            .map(|r| r.score)
            .unwrap_or(0.0)
            .max(f32::EPSILON);
        let mut words = vec![0.0f32; self.entries.len()];
        for r in &found {
            if let Some(w) = words.get_mut(r.document.id) {
                *w = r.score / best;
            }
        }
        let mut hits: Vec<(Hit, usize)> = self
            .entries
            .iter()
            .enumerate()
            .filter_map(|(n, e)| {
                let direct = Self::direct(e, &q);
                let w = words[n];
                let matched = direct.or((w > 0.0).then_some(Match::Words))?;
                Some((
                    Hit {
                        code: e.code.clone(),
                        name: e.display.clone(),
                        score: matched.tier() + 30.0 * w,
                        matched,
                    },
                    e.name.chars().count(),
                ))
            })
            .collect();
        if hits.is_empty() {
            hits = self.by_characters(&q);
        }
        // Best score first; a shorter name first among equals (the more specific item); then the file's order.
        hits.sort_by(|(a, la), (b, lb)| b.score.total_cmp(&a.score).then(la.cmp(lb)));
        hits.into_iter().take(limit).map(|(h, _)| h).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_shipped_dictionary_loads_whole() {
        let mut j = Jieba::empty();
        let text = crate::dictionary::dictionary().unwrap();
        j.load_dict(&mut text.as_bytes()).unwrap();
        let words: Vec<&str> = j
            .cut("打印社保缴费记录", false)
            .into_iter()
            .map(|t| t.word)
            .collect();
        assert_eq!(words, ["打印", "社保", "缴费", "记录"]);
    }

    #[test]
    fn pinyin_full_and_initials() {
        assert_eq!(
            pinyin_of("社保缴费记录打印"),
            ("shebaojiaofeijiludayin".to_string(), "sbjfjldy".to_string())
        );
        assert_eq!(pinyin_of("A4 打印").1, "a4dy");
    }
}
