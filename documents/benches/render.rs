//! Making a one-page application form PDF (fonts loaded once, as the terminal does): layout, subsetting the
//! CJK font, writing the PDF. `cargo bench -p kiosk-documents --bench render`.

use criterion::{criterion_group, criterion_main, Criterion};
use kiosk_documents::{application_form, render, Fonts, FormField, FormInput};
use std::hint::black_box;

fn form() -> FormInput {
    FormInput {
        issuer: "上海市杨浦区政务服务中心".into(),
        item: "居住证明开具".into(),
        reference: "YP20261129-000123".into(),
        submitted: "2026年11月29日 10:42".into(),
        terminal: "殷行街道社区事务受理服务中心".into(),
        fields: (0..12)
            .map(|i| FormField {
                label: format!("字段 {i}"),
                value: format!("上海市杨浦区国和路{i}号，一段需要折行的较长文本。"),
            })
            .collect(),
        materials: vec!["居民身份证".into(), "租赁合同".into()],
        commitment: Some("本人承诺所填写的信息真实、准确、完整。".into()),
        signature: None,
    }
}

fn bench(c: &mut Criterion) {
    let fonts = Fonts::bundled_only().expect("fonts");
    let sheet = application_form(&form());
    let mut g = c.benchmark_group("pdf");
    g.sample_size(20);
    g.bench_function("one-page application form", |b| {
        b.iter(|| render(black_box(&sheet), &fonts).expect("pdf"))
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
