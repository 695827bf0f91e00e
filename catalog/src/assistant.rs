//! 杨小通: a resident's question to an answer, offline. The question is ranked against the answers with the
//! catalogue's search (names, the ways residents ask, pinyin, jieba and BM25); when the best answer belongs to a
//! family (养老金: already receiving it? employees' or residents' scheme?), 导办 asks back the question that
//! decides between the family's answers, unless the question or an earlier choice already said it.
//!
//! Pure: the same bundle, question and choices give the same reply.

use crate::load::Catalog;
use crate::search::{Doc, Index};
use kiosk_api::knowledge::{Answer, GuideQuestion, KnowledgeBundle};

/// Words that make a question about someone else than the one asking ("我妈80岁了…"): the answer then says
/// nothing of the resident's own age.
const SOMEONE_ELSE: [&str; 22] = [
    "妈", "爸", "父", "母", "老人", "家人", "亲人", "爷爷", "奶奶", "外公", "外婆", "老伴", "丈夫",
    "妻子", "老公", "老婆", "孩子", "儿子", "女儿", "mother", "father", "parent",
];

/// Whether a question is about another person (a parent, a child, a spouse).
pub fn about_someone_else(question: &str) -> bool {
    let q = question.to_lowercase();
    SOMEONE_ELSE.iter().any(|w| q.contains(w))
}

/// What 杨小通 says to a question.
#[derive(Debug, Clone, PartialEq)]
pub enum Reply<'a> {
    /// Nothing in the knowledge base fits: the common questions and a person remain.
    Nothing,
    /// 导办: this question decides between answers; `step` counts from 1.
    Ask {
        question: &'a GuideQuestion,
        step: usize,
    },
    /// The answer, and up to two others the question may have meant.
    Answer {
        answer: &'a Answer,
        also: Vec<&'a Answer>,
    },
}

/// The knowledge base and its index; build once per bundle (the index takes a moment).
pub struct Assistant {
    bundle: KnowledgeBundle,
    index: Index,
}

impl Assistant {
    /// `dictionary` is jieba's (see [`crate::dictionary`]); the catalogue lends each answer its item's names.
    pub fn new(bundle: KnowledgeBundle, catalog: &Catalog, dictionary: &str) -> Self {
        let docs = bundle
            .answers
            .iter()
            .map(|a| {
                let item = a.item.as_deref().and_then(|c| catalog.get(c));
                let mut synonyms = a.asks.clone();
                synonyms.extend(a.common.iter().cloned());
                synonyms.extend(a.common_en.iter().cloned());
                // A review point does not take its item's own name, nor does a family's answer when the item
                // has an answer of its own: the name finds that answer.
                let standalone = |code: &str| {
                    bundle.answers.iter().any(|b| {
                        b.family.is_none()
                            && b.layer == kiosk_api::knowledge::Layer::Consultation
                            && b.item.as_deref() == Some(code)
                    })
                };
                let own = a.layer == kiosk_api::knowledge::Layer::Consultation
                    && (a.family.is_none() || a.item.as_deref().is_some_and(|c| !standalone(c)));
                if let Some(i) = item.filter(|_| own) {
                    synonyms.push(i.name.clone());
                    synonyms.extend(i.synonyms.iter().cloned());
                }
                let words = format!(
                    "{} {} {} {} {} {}",
                    a.title,
                    a.title,
                    synonyms.join(" "),
                    a.title_en,
                    a.common_en.as_deref().unwrap_or(""),
                    item.map(|i| i.name_en.as_str()).unwrap_or(""),
                );
                Doc {
                    code: a.id.clone(),
                    name: a.title.clone(),
                    synonyms,
                    words,
                }
            })
            .collect();
        Assistant {
            index: Index::of(docs, dictionary),
            bundle,
        }
    }

    pub fn version(&self) -> u32 {
        self.bundle.version
    }

    pub fn bundle(&self) -> &KnowledgeBundle {
        &self.bundle
    }

    pub fn answer(&self, id: &str) -> Option<&Answer> {
        self.bundle.answers.iter().find(|a| a.id == id)
    }

    pub fn question(&self, id: &str) -> Option<&GuideQuestion> {
        self.bundle.questions.iter().find(|q| q.id == id)
    }

    /// The questions shown to pick from, in the bundle's order.
    pub fn common(&self) -> impl Iterator<Item = &Answer> {
        self.bundle.answers.iter().filter(|a| a.common.is_some())
    }

    /// The choices a question already gives by its words ("外地人" → 户籍 外省市).
    fn said<'a>(&'a self, question: &str) -> Vec<(&'a str, &'a str)> {
        self.bundle
            .questions
            .iter()
            .filter_map(|q| {
                q.choices
                    .iter()
                    .find(|c| c.says.iter().any(|w| question.contains(w.as_str())))
                    .map(|c| (q.id.as_str(), c.value.as_str()))
            })
            .collect()
    }

    /// The reply to `question` after the choices made so far (question id, value) in 导办.
    pub fn reply(&self, question: &str, chosen: &[(String, String)]) -> Reply<'_> {
        let hits = self.index.search(question, 6);
        let mut found: Vec<&Answer> = hits.iter().filter_map(|h| self.answer(&h.code)).collect();
        // A question pattern goes before the ranking: its answer first, the ranked ones after it.
        let q = question.to_lowercase();
        let patterned = self.bundle.patterns.iter().find(|p| {
            !p.all.is_empty()
                && p.all
                    .iter()
                    .all(|group| group.iter().any(|w| q.contains(w.as_str())))
        });
        if let Some(a) = patterned.and_then(|p| self.answer(&p.answer)) {
            found.retain(|f| f.id != a.id);
            found.insert(0, a);
        }
        let Some(&top) = found.first() else {
            return Reply::Nothing;
        };
        let mut known: Vec<(&str, &str)> = chosen
            .iter()
            .map(|(q, v)| (q.as_str(), v.as_str()))
            .collect();
        for (q, v) in self.said(question) {
            if !known.iter().any(|(k, _)| *k == q) {
                known.push((q, v));
            }
        }
        let also = |answer: &Answer| -> Vec<&Answer> {
            found
                .iter()
                .copied()
                .filter(|a| a.id != answer.id && (a.family.is_none() || a.family != answer.family))
                .take(2)
                .collect()
        };
        let Some(family) = top.family.as_deref() else {
            return Reply::Answer {
                answer: top,
                also: also(top),
            };
        };
        let fits = |a: &&Answer| {
            known
                .iter()
                .all(|(q, v)| a.when.get(*q).is_none_or(|w| w == v))
        };
        let left: Vec<&Answer> = self
            .bundle
            .answers
            .iter()
            .filter(|a| a.family.as_deref() == Some(family))
            .filter(fits)
            .collect();
        let answer = match left.as_slice() {
            [] => top,
            [one] => one,
            several => {
                let deciding = self.bundle.questions.iter().find(|q| {
                    !known.iter().any(|(k, _)| *k == q.id) && {
                        let first = several[0].when.get(&q.id);
                        several.iter().any(|a| a.when.get(&q.id) != first)
                    }
                });
                match deciding {
                    Some(q) => {
                        return Reply::Ask {
                            question: q,
                            step: chosen.len() + 1,
                        }
                    }
                    None => several
                        .iter()
                        .find(|a| a.id == top.id)
                        .unwrap_or(&several[0]),
                }
            }
        };
        // 导办 decided: the other answers the question might have meant are not it.
        Reply::Answer {
            answer,
            also: Vec::new(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn assistant() -> Assistant {
        let catalog = Catalog::bundled().unwrap();
        let kb = crate::knowledge::bundled(&catalog).unwrap();
        Assistant::new(kb, &catalog, crate::dictionary::dictionary().unwrap())
    }

    fn chose(c: &[(&str, &str)]) -> Vec<(String, String)> {
        c.iter()
            .map(|(q, v)| (q.to_string(), v.to_string()))
            .collect()
    }

    fn answered<'a>(r: &Reply<'a>) -> Option<&'a str> {
        match r {
            Reply::Answer { answer, .. } => Some(answer.id.as_str()),
            _ => None,
        }
    }

    fn asked<'a>(r: &Reply<'a>) -> Option<&'a str> {
        match r {
            Reply::Ask { question, .. } => Some(question.id.as_str()),
            _ => None,
        }
    }

    #[test]
    fn a_pension_question_is_decided_by_asking_back() {
        let a = assistant();
        let q = "退休了养老金怎么领";
        assert_eq!(asked(&a.reply(q, &[])), Some("receiving"));
        let r = a.reply(q, &chose(&[("receiving", "否")]));
        assert_eq!(asked(&r), Some("insured"));
        assert!(matches!(r, Reply::Ask { step: 2, .. }));
        let r = a.reply(q, &chose(&[("receiving", "否"), ("insured", "职工")]));
        assert_eq!(answered(&r), Some("pension-retire"));
        let r = a.reply(q, &chose(&[("receiving", "否"), ("insured", "居民")]));
        assert_eq!(answered(&r), Some("pension-resident"));
        assert_eq!(
            answered(&a.reply(q, &chose(&[("receiving", "是")]))),
            Some("pension-check")
        );
    }

    #[test]
    fn a_question_about_a_parent_is_told_from_ones_own() {
        assert!(about_someone_else("我妈80岁了有什么补贴"));
        assert!(about_someone_else("My mother is 80"));
        assert!(!about_someone_else("退休了养老金怎么领"));
    }

    #[test]
    fn what_the_question_says_is_not_asked_again() {
        let a = assistant();
        assert_eq!(
            answered(&a.reply("外地人孩子上学要什么", &[])),
            Some("school-migrant")
        );
        assert_eq!(asked(&a.reply("孩子上学要什么", &[])), Some("hukou"));
        assert_eq!(answered(&a.reply("养老金认证", &[])), Some("pension-check"));
    }

    #[test]
    fn the_example_questions_reach_their_answers() {
        let a = assistant();
        let q = "我妈80岁了有什么补贴";
        assert_eq!(asked(&a.reply(q, &[])), Some("care"));
        assert_eq!(
            answered(&a.reply(q, &chose(&[("care", "不需要")]))),
            Some("elder-allowance")
        );
        let care = "老人卧床需要护理有补贴吗";
        assert_eq!(asked(&a.reply(care, &[])), Some("income"));
        assert_eq!(
            answered(&a.reply(care, &chose(&[("income", "否")]))),
            Some("elder-care")
        );
        assert_eq!(
            answered(&a.reply(
                "老人请保姆有补贴吗",
                &chose(&[("care", "需要"), ("income", "是")])
            )),
            Some("elder-care-subsidy")
        );
        assert_eq!(answered(&a.reply("社保卡丢了", &[])), Some("sb-005"));
        assert_eq!(answered(&a.reply("开店", &[])), Some("yjs-kd"));
        assert_eq!(a.reply("", &[]), Reply::Nothing);
    }
}
