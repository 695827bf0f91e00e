#![no_main]
mod common;

use kiosk_drivers::pad::protocol::{FrameDecoder, MAX_FRAME};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    common::feed(&mut FrameDecoder::default(), data, MAX_FRAME, |f| {
        // What decodes re-encodes to a frame that decodes to the same thing.
        if let Ok(f) = f {
            let again = kiosk_drivers::codec::decode_all(&mut FrameDecoder::default(), &f.message.encode(f.seq));
            assert_eq!(again, vec![Ok(f)]);
        }
    });
});
