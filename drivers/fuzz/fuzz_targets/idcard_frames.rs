#![no_main]
mod common;

use kiosk_drivers::idcard::protocol::{decode_text, CardData, FrameDecoder, Reply, MAX_FRAME, TEXT_LEN};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    common::feed(&mut FrameDecoder::new(), data, MAX_FRAME, |frame| {
        if let Ok(body) = frame {
            if let Ok(reply) = Reply::from_body(&body) {
                for fp in [false, true] {
                    if let Ok(card) = CardData::parse(&reply.data, fp) {
                        let _ = decode_text(&card.text, card.photo);
                    }
                }
            }
        }
    });
    if data.len() >= TEXT_LEN {
        let _ = decode_text(&data[..TEXT_LEN], vec![]);
    }
});
