//! Search latency over 1,000 items: the shipped catalogue repeated with changed codes and names, so ranking work
//! is realistic. `cargo bench -p kiosk-catalog --bench search`.

use criterion::{criterion_group, criterion_main, Criterion};
use kiosk_catalog::{Catalog, Index};
use std::hint::black_box;

fn thousand() -> Catalog {
    let base = Catalog::bundled().expect("catalogue");
    let mut items = Vec::new();
    let mut n = 0;
    while items.len() < 1000 {
        for i in &base.items {
            let mut i = i.clone();
            i.code = format!("{}-{n}", i.code);
            if n > 0 {
                i.name = format!("{}（第{n}类）", i.name);
            }
            items.push(i);
        }
        n += 1;
    }
    items.truncate(1000);
    Catalog { items }
}

fn bench(c: &mut Criterion) {
    let catalog = thousand();
    let index = Index::new(&catalog);
    let mut g = c.benchmark_group("search over 1000 items");
    for q in ["sbjf", "社保缴费", "我想打印社保缴费记录", "kaidian"] {
        g.bench_function(q, |b| b.iter(|| index.search(black_box(q), 10)));
    }
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
