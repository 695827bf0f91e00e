//! 杨小通's recognition, measured (issue 22): the labelled questions in `questions.tsv` (colloquial, elderly
//! wording, typos, pinyin initials, English) through the terminal's offline search; prints top-1 and top-3
//! accuracy per kind of wording and overall, the latency per question, and every question whose first answer
//! is wrong. `cargo bench -p kiosk-catalog --bench questions`.

use kiosk_catalog::assistant::{Assistant, Reply};
use kiosk_catalog::{Catalog, Index};
use std::collections::BTreeMap;
use std::time::{Duration, Instant};

const QUESTIONS: &str = include_str!("questions.tsv");
/// Written after the synonyms were tuned on `QUESTIONS`, never used to tune them: how well it generalises.
const HELD_OUT: &str = include_str!("questions-heldout.tsv");
/// Written after 杨小通's answers (and their ways of asking), before anything was tuned against it.
const HELD_OUT_2: &str = include_str!("questions-heldout-2.tsv");
/// Written before the search's character fallback, to measure it.
const HELD_OUT_3: &str = include_str!("questions-heldout-3.tsv");

struct Labelled<'a> {
    question: &'a str,
    expected: Vec<&'a str>,
    style: &'a str,
}

fn labelled(set: &'static str) -> Vec<Labelled<'static>> {
    set.lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
        .filter_map(|l| {
            let mut cols = l.split('\t');
            Some(Labelled {
                question: cols.next()?,
                expected: cols.next()?.split('|').collect(),
                style: cols.next().unwrap_or("plain"),
            })
        })
        .collect()
}

fn pct(n: usize, of: usize) -> f64 {
    100.0 * n as f64 / of.max(1) as f64
}

fn main() {
    let catalog = match Catalog::bundled() {
        Ok(c) => c,
        Err(e) => {
            eprintln!("the shipped catalogue is not valid: {e:?}");
            std::process::exit(1);
        }
    };
    let index = Index::new(&catalog);
    let sets = [
        ("tuning set", QUESTIONS),
        ("held-out set", HELD_OUT),
        ("second held-out set", HELD_OUT_2),
        ("third held-out set", HELD_OUT_3),
    ];
    for (name, set) in sets {
        run(name, &labelled(set), &catalog, &index);
    }
    let kb = match kiosk_catalog::knowledge::bundled(&catalog) {
        Ok(kb) => kb,
        Err(e) => {
            eprintln!("the shipped knowledge base is not valid: {e:?}");
            std::process::exit(1);
        }
    };
    let dictionary = kiosk_catalog::dictionary().unwrap_or("");
    let assistant = Assistant::new(kb, &catalog, dictionary);
    for (name, set) in sets {
        run_assistant(name, &labelled(set), &assistant);
    }
}

/// The same questions through 杨小通 itself: the answer it gives, after 导办's questions answered as the
/// resident who meant the labelled item would answer them (the choices of the family's answer for that item).
fn run_assistant(name: &str, questions: &[Labelled], assistant: &Assistant) {
    let (mut right, mut asked, mut guided) = (0, 0, 0);
    let mut times = Vec::new();
    let mut misses = Vec::new();
    for q in questions {
        let mut chosen: Vec<(String, String)> = Vec::new();
        let t = Instant::now();
        let mut reply = assistant.reply(q.question, &chosen);
        times.push(t.elapsed());
        let mut steps = 0;
        while let Reply::Ask { question, .. } = &reply {
            // The family's answer for the labelled item says which choice that resident makes.
            let wanted = assistant.bundle().answers.iter().find(|a| {
                a.family.is_some()
                    && a.item.as_deref().is_some_and(|i| q.expected.contains(&i))
                    && a.when.contains_key(&question.id)
            });
            let Some(value) = wanted.and_then(|a| a.when.get(&question.id)) else {
                break;
            };
            chosen.push((question.id.clone(), value.clone()));
            steps += 1;
            let t = Instant::now();
            reply = assistant.reply(q.question, &chosen);
            times.push(t.elapsed());
        }
        asked += steps;
        guided += usize::from(steps > 0);
        let got = match &reply {
            Reply::Answer { answer, .. } => {
                answer.item.clone().unwrap_or_else(|| answer.id.clone())
            }
            Reply::Ask { question, .. } => format!("(asks {})", question.id),
            Reply::Nothing => "(nothing)".into(),
        };
        if q.expected.contains(&got.as_str()) {
            right += 1;
        } else {
            misses.push(format!(
                "  {}  want {}  got {got}",
                q.question,
                q.expected.join("|")
            ));
        }
    }
    times.sort_unstable();
    let at = |p: f64| times[((times.len() - 1) as f64 * p) as usize].as_secs_f64() * 1e6;
    println!(
        "杨小通 answers, {name}: {right}/{} = {:.1} % reach the labelled item; {guided} asked back ({asked} questions in all, at most {} each); per reply p50 {:.0} µs, p95 {:.0} µs, max {:.0} µs",
        questions.len(),
        pct(right, questions.len()),
        kiosk_catalog::knowledge::MAX_GUIDE_STEPS,
        at(0.5),
        at(0.95),
        at(1.0)
    );
    println!("wrong answers ({}):", misses.len());
    for m in misses {
        println!("{m}");
    }
    println!();
}

fn run(name: &str, questions: &[Labelled], catalog: &Catalog, index: &Index) {
    for q in questions {
        for code in &q.expected {
            assert!(
                catalog.get(code).is_some(),
                "{code} ({}) is not in the catalogue",
                q.question
            );
        }
    }
    // One warm-up pass (jieba's first calls build caches), then the measured one.
    for q in questions {
        std::hint::black_box(index.search(q.question, 3));
    }
    let mut per_style: BTreeMap<&str, (usize, usize, usize)> = BTreeMap::new();
    let mut times: Vec<Duration> = Vec::new();
    let mut misses = Vec::new();
    for q in questions {
        let t = Instant::now();
        let hits = index.search(q.question, 3);
        times.push(t.elapsed());
        let top1 = hits
            .first()
            .is_some_and(|h| q.expected.contains(&h.code.as_str()));
        let top3 = hits.iter().any(|h| q.expected.contains(&h.code.as_str()));
        let s = per_style.entry(q.style).or_default();
        s.0 += 1;
        s.1 += usize::from(top1);
        s.2 += usize::from(top3);
        if !top1 {
            let got: Vec<&str> = hits.iter().map(|h| h.code.as_str()).collect();
            misses.push(format!(
                "  {}  want {}  got {}{}",
                q.question,
                q.expected.join("|"),
                got.join(", "),
                if top3 { "" } else { "  (not in the top 3)" }
            ));
        }
    }
    println!(
        "杨小通 recognition, {name}: {} labelled questions over {} items and bundles",
        questions.len(),
        catalog.items.len()
    );
    println!("{:<12} {:>5} {:>8} {:>8}", "wording", "n", "top-1", "top-3");
    let (mut n, mut one, mut three) = (0, 0, 0);
    for (style, (c, t1, t3)) in &per_style {
        println!(
            "{style:<12} {c:>5} {:>7.1}% {:>7.1}%",
            pct(*t1, *c),
            pct(*t3, *c)
        );
        n += c;
        one += t1;
        three += t3;
    }
    println!(
        "{:<12} {n:>5} {:>7.1}% {:>7.1}%",
        "all",
        pct(one, n),
        pct(three, n)
    );
    times.sort_unstable();
    let at = |p: f64| times[((times.len() - 1) as f64 * p) as usize].as_secs_f64() * 1e6;
    println!(
        "latency per question: p50 {:.0} µs, p95 {:.0} µs, max {:.0} µs",
        at(0.5),
        at(0.95),
        at(1.0)
    );
    println!("first answer wrong ({}):", misses.len());
    for m in misses {
        println!("{m}");
    }
    println!();
}
