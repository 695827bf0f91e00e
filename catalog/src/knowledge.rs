//! 杨小通's knowledge base: read from `data/knowledge.toml` (what the hub publishes first) or from the JSON a
//! terminal synced, and checked against the catalogue as a whole, like the catalogue itself.

use crate::load::Catalog;
use kiosk_api::knowledge::KnowledgeBundle;
use std::collections::{BTreeMap, BTreeSet, HashSet};

/// The knowledge base shipped with the firmware and seeded into the hub.
pub const BUNDLED_KNOWLEDGE: &str = include_str!("../../data/knowledge.toml");

/// The most questions 导办 may ask before it answers.
pub const MAX_GUIDE_STEPS: usize = 3;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum KnowledgeError {
    #[error("the knowledge base is not valid: {0}")]
    Syntax(String),
    #[error("{id}: {message}")]
    Answer { id: String, message: String },
}

/// Reads the TOML form (the file people keep).
pub fn from_toml(src: &str) -> Result<KnowledgeBundle, KnowledgeError> {
    toml::from_str(src).map_err(|e| KnowledgeError::Syntax(e.to_string()))
}

/// The bundled knowledge base, checked against `catalog` (every problem in one line if it does not fit).
pub fn bundled(catalog: &Catalog) -> Result<KnowledgeBundle, String> {
    let kb = from_toml(BUNDLED_KNOWLEDGE).map_err(|e| e.to_string())?;
    fits(&kb, catalog).map(|()| kb)
}

/// Whether a bundle fits the catalogue; if not, every problem in one line (for a log or a refusal).
pub fn fits(kb: &KnowledgeBundle, catalog: &Catalog) -> Result<(), String> {
    let problems = check(kb, catalog);
    if problems.is_empty() {
        return Ok(());
    }
    Err(problems
        .iter()
        .map(|p| p.to_string())
        .collect::<Vec<_>>()
        .join("; "))
}

fn is_date(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() == 10
        && b[4] == b'-'
        && b[7] == b'-'
        && b.iter()
            .enumerate()
            .all(|(i, c)| i == 4 || i == 7 || c.is_ascii_digit())
}

/// Every problem of a bundle against the catalogue, each with the answer's id: unknown items, questions and
/// choices, an item or bundle with no answer, a family 导办 cannot decide in `MAX_GUIDE_STEPS` questions.
pub fn check(kb: &KnowledgeBundle, catalog: &Catalog) -> Vec<KnowledgeError> {
    let mut out = Vec::new();
    let mut bad = |id: &str, message: String| {
        out.push(KnowledgeError::Answer {
            id: id.to_string(),
            message,
        })
    };
    let choices: BTreeMap<&str, BTreeSet<&str>> = kb
        .questions
        .iter()
        .map(|q| {
            (
                q.id.as_str(),
                q.choices.iter().map(|c| c.value.as_str()).collect(),
            )
        })
        .collect();
    for q in &kb.questions {
        if q.choices.len() < 2 {
            bad(&q.id, "a question needs two choices at least".into());
        }
    }
    let mut seen = HashSet::new();
    for a in &kb.answers {
        if !seen.insert(a.id.as_str()) {
            bad(&a.id, "the id is used twice".into());
        }
        if a.item.is_none() && a.go.is_none() {
            bad(
                &a.id,
                "an answer needs an item to start or a place to go".into(),
            );
        }
        if a.go.is_some() != a.go_en.is_some() || a.common.is_some() != a.common_en.is_some() {
            bad(&a.id, "go and common need their English too".into());
        }
        if let Some(code) = &a.item {
            if catalog.get(code).is_none() {
                bad(&a.id, format!("item {code} is not in the catalogue"));
            }
        }
        for (field, text) in [
            ("text", &a.text),
            ("text_en", &a.text_en),
            ("title", &a.title),
        ] {
            if text.trim().is_empty() {
                bad(&a.id, format!("{field} is empty"));
            }
        }
        if a.source.trim().is_empty() {
            bad(&a.id, "every answer names its source".into());
        }
        if !is_date(&a.reviewed) || !is_date(&a.review_by) {
            bad(
                &a.id,
                "reviewed and review_by are dates (YYYY-MM-DD)".into(),
            );
        }
        for (q, v) in &a.when {
            match choices.get(q.as_str()) {
                None => bad(&a.id, format!("question {q} is not in the knowledge base")),
                Some(c) if !c.contains(v.as_str()) => {
                    bad(&a.id, format!("{v} is not a choice of question {q}"))
                }
                Some(_) => {}
            }
        }
        if a.family.is_some() == a.when.is_empty() {
            bad(
                &a.id,
                "an answer of a family says when it applies (and only one of a family does)".into(),
            );
        }
    }
    let mut places = HashSet::new();
    for p in &kb.places {
        if !places.insert(p.id.as_str()) {
            bad(&p.id, "the place id is used twice".into());
        }
        for i in &p.items {
            if catalog.get(i).is_none() {
                bad(&p.id, format!("item {i} is not in the catalogue"));
            }
        }
        if !(-90.0..=90.0).contains(&p.lat) || !(-180.0..=180.0).contains(&p.lon) {
            bad(&p.id, "lat and lon are degrees".into());
        }
    }
    for a in &kb.answers {
        if let Some(p) = &a.place {
            if !places.contains(p.as_str()) {
                bad(&a.id, format!("place {p} is not among the places"));
            }
        }
    }
    for p in &kb.patterns {
        if !kb.answers.iter().any(|a| a.id == p.answer) {
            bad(
                &p.answer,
                "a pattern names an answer the knowledge base does not have".into(),
            );
        }
        if p.all.is_empty() || p.all.iter().any(|g| g.is_empty()) {
            bad(
                &p.answer,
                "a pattern needs groups of words, none empty".into(),
            );
        }
    }
    for i in &catalog.items {
        if !kb
            .answers
            .iter()
            .any(|a| a.item.as_deref() == Some(&i.code))
        {
            bad(&i.code, "no answer starts this item".into());
        }
    }
    let families: BTreeSet<&str> = kb
        .answers
        .iter()
        .filter_map(|a| a.family.as_deref())
        .collect();
    for f in families {
        let members: Vec<_> = kb
            .answers
            .iter()
            .filter(|a| a.family.as_deref() == Some(f))
            .collect();
        let asked: BTreeSet<&String> = members.iter().flat_map(|a| a.when.keys()).collect();
        if asked.len() > MAX_GUIDE_STEPS {
            bad(
                f,
                format!(
                    "the family asks {} questions, more than {MAX_GUIDE_STEPS}",
                    asked.len()
                ),
            );
        }
        let mut whens = HashSet::new();
        for a in &members {
            if !whens.insert(&a.when) {
                bad(
                    &a.id,
                    format!("another answer of family {f} is for the same choices"),
                );
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_bundled_knowledge_base_fits_the_catalogue() {
        let catalog = Catalog::bundled().unwrap();
        let kb = bundled(&catalog).unwrap_or_else(|p| panic!("{p:#?}"));
        assert!(kb.answers.len() > catalog.items.len());
    }

    #[test]
    fn a_broken_answer_is_named() {
        let catalog = Catalog::bundled().unwrap();
        let mut kb = from_toml(BUNDLED_KNOWLEDGE).unwrap();
        kb.answers[0].item = Some("XX-999".into());
        kb.answers[1].when.insert("hukou".into(), "火星".into());
        kb.answers.retain(|a| a.item.as_deref() != Some("ZM-004"));
        kb.answers[2].place = Some("nowhere".into());
        kb.places[0].items.push("YY-000".into());
        let problems: Vec<String> = check(&kb, &catalog).iter().map(|p| p.to_string()).collect();
        assert!(
            problems.iter().any(|p| p.contains("XX-999")),
            "{problems:?}"
        );
        assert!(problems.iter().any(|p| p.contains("火星")), "{problems:?}");
        assert!(
            problems.iter().any(|p| p.starts_with("ZM-004")),
            "{problems:?}"
        );
        assert!(
            problems.iter().any(|p| p.contains("nowhere")),
            "{problems:?}"
        );
        assert!(
            problems.iter().any(|p| p.contains("YY-000")),
            "{problems:?}"
        );
    }
}
