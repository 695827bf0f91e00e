//! Candidate lookup over the dictionary the terminal ships (jieba's 60,000 most frequent words): each key press
//! asks for candidates, so this must stay far below a frame (16 ms).

use criterion::{criterion_group, criterion_main, Criterion};
use kiosk_ime::Dictionary;
use std::hint::black_box;

fn bench(c: &mut Criterion) {
    let text = kiosk_catalog::dictionary().expect("data/jieba-dict.txt");
    let dict = Dictionary::from_jieba(text);
    for q in ["zhang", "zh", "shanghaishi", "bj", "yangpuqu"] {
        c.bench_function(&format!("candidates {q}"), |b| {
            b.iter(|| dict.candidates(black_box(q), 10))
        });
    }
    c.bench_function("build dictionary", |b| {
        b.iter(|| Dictionary::from_jieba(black_box(text)))
    });
}

criterion_group!(benches, bench);
criterion_main!(benches);
