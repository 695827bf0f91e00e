#![no_main]
mod common;

use kiosk_drivers::scanner::keyboard::KeyboardDecoder;
use kiosk_drivers::scanner::protocol::{scan_text, HostCommandDecoder, ScanDecoder, ScanFrame, ScanProtocol, Terminator, MAX_SCAN};
use kiosk_drivers::ScanPayload;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    for t in [Terminator::Cr, Terminator::CrLf, Terminator::Lf, Terminator::None] {
        for p in [ScanProtocol::Line, ScanProtocol::Newland] {
            let mut d = ScanDecoder::new(t, p);
            common::feed(&mut d, data, MAX_SCAN + 96, |f| {
                if let Ok(ScanFrame::Code(c)) = f {
                    let _ = ScanPayload::classify(&scan_text(&c));
                }
            });
            let _ = d.finish();
        }
    }
    common::feed(&mut HostCommandDecoder::default(), data, 97, |_| {});
    let mut k = KeyboardDecoder::default();
    for pair in data.chunks_exact(2) {
        let _ = k.key(u16::from(pair[0]), i32::from(pair[1] % 3));
    }
});
