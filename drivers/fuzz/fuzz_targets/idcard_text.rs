#![no_main]
//! The card text of every type, mutated from a valid card: random bytes stop at the first field, mutations of
//! a real card reach every check behind it (number against nationality and birth date, the 2023 name split).

use kiosk_drivers::idcard::protocol::{decode_text, encode_text};
use kiosk_drivers::sim::sample_cards;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Some((&pick, edits)) = data.split_first() else {
        return;
    };
    let cards = sample_cards();
    let card = &cards[usize::from(pick) % cards.len()].record;
    let mut text = encode_text(card);
    // Edits as (offset, byte) pairs over the 256-byte text.
    for pair in edits.chunks_exact(2) {
        text[usize::from(pair[0])] = pair[1];
    }
    if let Ok(r) = decode_text(&text, vec![]) {
        // What decodes must encode to a text that decodes to the same person.
        let again = decode_text(&encode_text(&r), vec![]).expect("a decoded card encodes back");
        assert_eq!(again.id_number.expose(), r.id_number.expose());
        assert_eq!(again.name.expose(), r.name.expose());
    }
});
