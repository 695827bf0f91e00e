//! Properties every codec keeps, over generated input: decode(encode(x)) == x, and arbitrary bytes fed in
//! arbitrary pieces never panic and never make a decoder hold more than one frame's worth of bytes.

use kiosk_drivers::codec::{decode_all, Decoder};
use kiosk_drivers::idcard::protocol::{self as ga467, Reply};
use kiosk_drivers::pad::protocol::{self as pad, LightMode, Message};
use kiosk_drivers::printer::protocol::{CommandDecoder, ReplyDecoder};
use kiosk_drivers::scanner::protocol::{
    HostCommandDecoder, ScanDecoder, ScanFrame, ScanProtocol, Terminator, MAX_SCAN,
};
use kiosk_drivers::{Date, IdNumber};
use proptest::prelude::*;

/// Feeds `bytes` in pieces of the given sizes; checks the bound after every call; returns the items.
fn feed_bounded<D: Decoder>(
    d: &mut D,
    bytes: &[u8],
    pieces: &[usize],
    max: usize,
) -> Vec<Result<D::Frame, D::Error>> {
    let mut out = Vec::new();
    let mut rest = bytes;
    let mut sizes = pieces.iter().cycle();
    while !rest.is_empty() {
        let n = (*sizes.next().unwrap_or(&1)).clamp(1, rest.len());
        let (mut piece, tail) = rest.split_at(n);
        rest = tail;
        loop {
            let (used, item) = d.feed(piece);
            assert!(
                d.buffered() <= max,
                "decoder holds {} bytes, bound {max}",
                d.buffered()
            );
            piece = &piece[used..];
            match item {
                Some(i) => out.push(i),
                None if piece.is_empty() || used == 0 => break,
                None => {}
            }
        }
    }
    out
}

fn pieces() -> impl Strategy<Value = Vec<usize>> {
    proptest::collection::vec(1usize..600, 1..8)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn ga467_replies_round_trip(sw in any::<[u8; 3]>(), data in proptest::collection::vec(any::<u8>(), 0..ga467::MAX_LEN - 4), noise in proptest::collection::vec(any::<u8>(), 0..64), p in pieces()) {
        let reply = Reply { sw, data };
        let mut stream = noise.into_iter().filter(|&b| b != 0xAA).collect::<Vec<_>>();
        stream.extend_from_slice(&reply.encode());
        let got = feed_bounded(&mut ga467::FrameDecoder::new(), &stream, &p, ga467::MAX_FRAME);
        let last = got.into_iter().next_back().expect("a frame").expect("valid");
        prop_assert_eq!(Reply::from_body(&last).unwrap(), reply);
    }

    #[test]
    fn ga467_arbitrary_bytes_are_bounded(bytes in proptest::collection::vec(any::<u8>(), 0..6000), p in pieces()) {
        feed_bounded(&mut ga467::FrameDecoder::new(), &bytes, &p, ga467::MAX_FRAME);
        // The same with the preamble sprinkled in, which makes the decoder wait for lengths.
        let mut spiced = Vec::new();
        for (i, b) in bytes.iter().enumerate() {
            if i % 97 == 0 { spiced.extend_from_slice(&ga467::PREAMBLE); }
            spiced.push(*b);
        }
        feed_bounded(&mut ga467::FrameDecoder::new(), &spiced, &p, ga467::MAX_FRAME);
    }

    #[test]
    fn ga467_card_text_round_trips(
        name in "[\u{4e00}-\u{9fa5}]{2,15}",
        address in "[\u{4e00}-\u{9fa5}0-9]{0,35}",
        y in 1920u16..2020, m in 1u8..=12, d in 1u8..=28, seq in 0u16..1000,
        nation in prop_oneof![1u8..=56, Just(97u8), Just(98u8)],
    ) {
        let birth = Date::new(y, m, d).unwrap();
        let first17 = format!("310110{y:04}{m:02}{d:02}{seq:03}");
        let id = IdNumber::parse(&format!("{first17}{}", IdNumber::check_char(&first17).unwrap())).unwrap();
        let mut card = kiosk_drivers::sim::sample_cards().remove(0).record;
        card.name = name.clone().into();
        card.address = address.clone().into();
        card.birth_date = birth;
        card.id_number = id.clone().into();
        card.nation = Some(nation);
        let back = ga467::decode_text(&ga467::encode_text(&card), vec![]).unwrap();
        prop_assert_eq!(back.name.expose(), &name);
        prop_assert_eq!(back.address.expose(), &address);
        prop_assert_eq!(back.id_number.expose(), &id);
        prop_assert_eq!(back.birth_date, birth);
        prop_assert_eq!(back.nation, Some(nation));
    }

    #[test]
    fn ga467_arbitrary_text_never_panics(text in proptest::collection::vec(any::<u8>(), 256)) {
        let _ = ga467::decode_text(&text, vec![]);
        let _ = ga467::CardData::parse(&text, false);
        let _ = ga467::CardData::parse(&text, true);
    }

    /// Random text under each type mark this terminal reads, so every layout's decoder is reached.
    #[test]
    fn ga467_arbitrary_text_of_every_card_type_never_panics(
        mut text in proptest::collection::vec(any::<u8>(), 256),
        mark in prop_oneof![Just(b' '), Just(b'J'), Just(b'I'), Just(b'Y')],
    ) {
        text[248] = mark;
        let _ = ga467::decode_text(&text, vec![]);
    }

    /// Any single byte changed in a real card of any type: refused by field or decoded, never a panic; what
    /// decodes encodes back to the same person.
    #[test]
    fn ga467_one_byte_off_on_any_card_type(pick in 0usize..8, at in 0usize..256, byte in any::<u8>()) {
        let cards = kiosk_drivers::sim::sample_cards();
        let card = &cards[pick % cards.len()].record;
        let mut text = ga467::encode_text(card);
        text[at] = byte;
        if let Ok(r) = ga467::decode_text(&text, vec![]) {
            let again = ga467::decode_text(&ga467::encode_text(&r), vec![]);
            prop_assert!(again.is_ok(), "{:?}", again);
            let again = again.unwrap();
            prop_assert_eq!(again.id_number.expose(), r.id_number.expose());
        }
    }

    #[test]
    fn scans_round_trip(codes in proptest::collection::vec("[ -~]{1,300}", 1..5), p in pieces()) {
        let mut stream = Vec::new();
        for c in &codes { stream.extend_from_slice(c.as_bytes()); stream.extend_from_slice(b"\r\n"); }
        let got = feed_bounded(&mut ScanDecoder::new(Terminator::CrLf, ScanProtocol::Line), &stream, &p, MAX_SCAN);
        let want: Vec<_> = codes.iter().map(|c| Ok(ScanFrame::Code(c.as_bytes().to_vec()))).collect();
        prop_assert_eq!(got, want);
    }

    #[test]
    fn scanner_decoders_are_bounded(bytes in proptest::collection::vec(any::<u8>(), 0..20000), p in pieces()) {
        for t in [Terminator::Cr, Terminator::None] {
            for proto in [ScanProtocol::Line, ScanProtocol::Newland] {
                feed_bounded(&mut ScanDecoder::new(t, proto), &bytes, &p, MAX_SCAN + 96);
            }
        }
        feed_bounded(&mut HostCommandDecoder::default(), &bytes, &p, 97);
    }

    #[test]
    fn printer_decoders_are_bounded(bytes in proptest::collection::vec(any::<u8>(), 0..20000), p in pieces()) {
        feed_bounded(&mut ReplyDecoder::default(), &bytes, &p, 7);
        // The largest command the printer takes is a raster block of 72 × 2400 dots.
        feed_bounded(&mut CommandDecoder::default(), &bytes, &p, 8 + 72 * 2400);
    }

    #[test]
    fn pad_messages_round_trip(seq in any::<u8>(), which in 0usize..10, text in "\\PC{0,40}", b in any::<u8>(), level in 1u8..=5, mode in 0usize..4) {
        let modes = [LightMode::Off, LightMode::Steady, LightMode::Slow, LightMode::Medium];
        let m = match which {
            0 => Message::Hello,
            1 => Message::Heartbeat,
            2 => Message::Prompt(text.chars().take(40).collect::<String>()),
            3 => Message::Lights { mask: b & 0x1F, mode: modes[mode] },
            4 => Message::KeyAck(b),
            5 => Message::Version("PAD5/1.2".into()),
            6 => Message::Alive { status: b },
            7 => Message::Ack(b),
            8 => Message::Nak { seq: b, reason: 1 },
            _ => Message::Key(level),
        };
        let m = match m { Message::Prompt(t) if t.len() > pad::MAX_PROMPT => Message::Prompt(String::new()), m => m };
        let got = decode_all(&mut pad::FrameDecoder::default(), &m.encode(seq));
        prop_assert_eq!(got, vec![Ok(pad::Frame { seq, message: m })]);
    }

    #[test]
    fn pad_decoder_is_bounded(bytes in proptest::collection::vec(any::<u8>(), 0..6000), p in pieces()) {
        let mut spiced = Vec::new();
        for (i, b) in bytes.iter().enumerate() {
            if i % 31 == 0 { spiced.extend_from_slice(&[pad::SOF, pad::VERSION]); }
            spiced.push(*b);
        }
        feed_bounded(&mut pad::FrameDecoder::default(), &spiced, &p, pad::MAX_FRAME);
    }
}
