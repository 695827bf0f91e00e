//! Codec costs: decoding a full GA 467 read reply (1295 bytes: frame, lengths, card text) and building a receipt
//! with a QR code. `cargo bench -p kiosk-drivers --bench codecs`.

use criterion::{criterion_group, criterion_main, Criterion};
use kiosk_drivers::codec::decode_all;
use kiosk_drivers::idcard::protocol::{
    decode_text, encode_text, sw3, CardData, FrameDecoder, Reply,
};
use kiosk_drivers::printer::protocol::{encode, job_id, Layout, Receipt};
use kiosk_drivers::sim::sample_cards;
use std::hint::black_box;

fn read_reply() -> Vec<u8> {
    let card = sample_cards().remove(0).record;
    let data = CardData {
        text: encode_text(&card).to_vec(),
        photo: card.photo_wlt.expose().clone(),
        fingerprint: None,
    };
    Reply {
        sw: [0, 0, sw3::SUCCESS],
        data: data.encode(),
    }
    .encode()
}

fn codecs(c: &mut Criterion) {
    let frame = read_reply();
    assert_eq!(frame.len(), 1295);
    c.bench_function("ga467 decode full read reply (1295 bytes)", |b| {
        b.iter(|| {
            let mut dec = FrameDecoder::new();
            let body = decode_all(&mut dec, black_box(&frame)).remove(0).unwrap();
            let reply = Reply::from_body(&body).unwrap();
            let data = CardData::parse(&reply.data, false).unwrap();
            decode_text(&data.text, data.photo).unwrap()
        })
    });
    let receipt = Receipt::new()
        .title("杨浦区政务服务 · 办件回执")
        .row("事项", "社保缴费记录打印")
        .row("办件编号", "YP2026112800017")
        .row("申请人", "张*国")
        .row("办理时间", "2026-11-28 14:03")
        .separator()
        .text("扫码查看办理进度，或拨打 12345 咨询。")
        .qr("https://zwfw.example.invalid/q/YP2026112800017");
    let layout = Layout::default();
    c.bench_function("receipt with QR code: build and encode", |b| {
        b.iter(|| encode(black_box(&receipt), &layout, job_id(17)).unwrap())
    });
}

criterion_group!(benches, codecs);
criterion_main!(benches);
