#![no_main]
mod common;

use kiosk_drivers::printer::protocol::{CommandDecoder, PrinterStatus, ReplyDecoder};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    common::feed(&mut ReplyDecoder::default(), data, 7, |_| {});
    common::feed(&mut CommandDecoder::default(), data, 8 + 72 * 2400, |_| {});
    if let [a, b, c, ..] = data {
        if let Some(s) = PrinterStatus::from_bytes(*a, *b, *c) {
            let _ = s.refusal();
        }
    }
});
