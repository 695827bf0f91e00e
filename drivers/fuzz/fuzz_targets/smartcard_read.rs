#![no_main]
//! The 社保卡 basic-data read against a card that answers anything: each response is the fuzzer's, in 2-byte
//! length-prefixed pieces. The read must end (a record or an error) within its bound, and never panic.

use kiosk_drivers::smartcard::basic_data::{BasicDataRead, Step};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let (mut read, _) = BasicDataRead::start();
    let mut rest = data;
    for _ in 0..64 {
        let Some((len, tail)) = rest.split_first_chunk::<2>() else {
            return;
        };
        let n = usize::from(u16::from_be_bytes(*len)).min(tail.len());
        let (answer, tail) = tail.split_at(n);
        rest = tail;
        if let Step::Done(_) = read.handle(answer) {
            return;
        }
    }
    panic!("the read did not end within 64 answers");
});
