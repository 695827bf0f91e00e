//! Camera costs at 1280×720: producing a synthetic frame, fanning one frame out to a preview and a still request
//! (sharing, not copying), encoding a still to JPEG, and straightening a document shot (1280×960).
//! `cargo bench -p kiosk-drivers --bench camera`.

use criterion::{criterion_group, criterion_main, Criterion};
use kiosk_drivers::camera::document::straighten;
use kiosk_drivers::camera::synthetic::{document, pattern};
use kiosk_drivers::camera::to_jpeg;
use std::hint::black_box;
use std::time::Duration;

fn camera(c: &mut Criterion) {
    c.bench_function("synthetic frame 1280x720", |b| {
        b.iter(|| pattern(1280, 720, black_box(42), Duration::ZERO))
    });
    let frame = pattern(1280, 720, 42, Duration::ZERO);
    let (preview, _keep) = tokio::sync::watch::channel(None);
    c.bench_function("fan-out of one frame to preview + still", |b| {
        b.iter(|| {
            let (tx, rx) = tokio::sync::oneshot::channel();
            let _ = tx.send(frame.clone());
            preview.send_replace(Some(frame.clone()));
            black_box(rx)
        })
    });
    c.bench_function("still to JPEG 1280x720 q85", |b| {
        b.iter(|| to_jpeg(black_box(&frame), 85).unwrap())
    });
    let shot = document(1280, 960, 7.0);
    let mut g = c.benchmark_group("document");
    g.sample_size(20);
    g.bench_function("find, straighten and crop a page 1280x960", |b| {
        b.iter(|| straighten(black_box(&shot)).unwrap())
    });
    g.finish();
}

criterion_group!(benches, camera);
criterion_main!(benches);
