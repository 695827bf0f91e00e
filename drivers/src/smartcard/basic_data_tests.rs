use super::*;
use crate::smartcard::emulator::{Behaviour, CardEmulator};
use crate::smartcard::samples::sample_chip_cards;

/// Runs a whole read against `card`; returns the outcome and the number of exchanges.
fn read(card: &mut CardEmulator) -> (Result<SocialSecurityCard, ReadError>, usize) {
    let (mut read, mut bytes) = BasicDataRead::start();
    for n in 1.. {
        match read.handle(&card.respond(&bytes)) {
            Step::Send(next) => bytes = next,
            Step::Done(r) => return (r, n),
        }
    }
    unreachable!()
}

fn sample(behaviour: Behaviour) -> CardEmulator {
    let s = sample_chip_cards().remove(0);
    CardEmulator::new(&s.card, behaviour).unwrap()
}

#[test]
fn every_sample_card_reads_back_as_it_was_issued() {
    for s in sample_chip_cards() {
        let mut card = CardEmulator::new(&s.card, s.behaviour).unwrap();
        let (got, _) = read(&mut card);
        match s.behaviour {
            Behaviour::Direct | Behaviour::T0 => {
                let got = got.unwrap_or_else(|e| panic!("{}: {e}", s.label));
                assert_eq!(got.number.expose(), s.card.number.expose());
                assert_eq!(got.name.expose(), s.card.name.expose());
                assert_eq!(got.sex, s.card.sex);
                assert_eq!(got.nation, s.card.nation);
                assert_eq!(got.birth_date, s.card.birth_date);
                assert_eq!(got.card_number.expose(), s.card.card_number.expose());
                assert_eq!(got.version, s.card.version);
                assert_eq!(got.issued, s.card.issued);
                assert_eq!(got.valid_until, s.card.valid_until);
            }
            Behaviour::Locked => assert_eq!(got.unwrap_err(), ReadError::NeedsAuthentication),
            Behaviour::Foreign => assert_eq!(
                got.unwrap_err(),
                ReadError::NotSocialSecurityCard(sw::FILE_NOT_FOUND)
            ),
        }
    }
}

#[test]
fn a_t0_card_is_followed_through_get_response_and_the_le_it_asks_for() {
    let (direct, n_direct) = read(&mut sample(Behaviour::Direct));
    let (t0, n_t0) = read(&mut sample(Behaviour::T0));
    assert_eq!(direct.unwrap().name.expose(), t0.unwrap().name.expose());
    // One GET RESPONSE for the application's FCI, and each record asked twice.
    assert_eq!(n_direct, 12);
    assert_eq!(n_t0, n_direct + 1 + 9);
}

#[test]
fn optional_items_may_be_missing_and_required_ones_may_not() {
    let mut card = sample(Behaviour::Direct);
    for t in [tag::NATION, tag::ISSUED, tag::VALID_UNTIL, tag::VERSION] {
        card.remove_item(t);
    }
    let got = read(&mut card).0.unwrap();
    assert_eq!(
        (got.nation, got.valid_until, got.issued),
        (None, None, None)
    );
    assert!(got.version.is_empty());
    assert!(!got.is_expired_on(Date::new(2099, 1, 1).unwrap()));

    let mut card = sample(Behaviour::Direct);
    card.remove_item(tag::NAME);
    assert_eq!(
        read(&mut card).0.unwrap_err(),
        ReadError::Card {
            what: "姓名",
            sw: sw::RECORD_NOT_FOUND
        }
    );
}

#[test]
fn each_wrongly_written_item_is_refused_by_name() {
    let cases: [(u8, Vec<u8>, &str); 7] = [
        // The check character of 310110195203150318 is 8, not 9.
        (
            tag::NUMBER,
            encode_an("310110195203150319", 18).unwrap(),
            "社会保障号码",
        ),
        (tag::NAME, vec![0x00; 30], "姓名"),
        (tag::NAME, vec![0xFF, 0x30, 0x80, 0x00], "姓名"),
        (tag::SEX, b"3".to_vec(), "性别"),
        (
            tag::BIRTH_DATE,
            encode_cn("19520316", 4).unwrap(),
            "出生日期",
        ),
        (tag::BIRTH_DATE, vec![0x19, 0x5A, 0x03, 0x15], "出生日期"),
        (tag::CARD_NUMBER, encode_an("C31-11031", 9).unwrap(), "卡号"),
    ];
    for (t, value, name) in cases {
        let mut card = sample(Behaviour::Direct);
        card.set_item(t, value);
        match read(&mut card).0 {
            Err(ReadError::Field { field, .. }) => assert_eq!(field, name),
            other => panic!("{name}: {other:?}"),
        }
    }
}

#[test]
fn a_card_that_never_stops_answering_more_data_is_left() {
    let (mut read, _) = BasicDataRead::start();
    let mut steps = 0;
    loop {
        steps += 1;
        if let Step::Done(r) = read.handle(&[0x61, 0x01, 0x61, 0x01]) {
            assert_eq!(r.unwrap_err(), ReadError::TooLong);
            break;
        }
        assert!(steps < 100);
    }
    let (mut read, _) = BasicDataRead::start();
    assert!(matches!(
        read.handle(&[0x90]),
        Step::Done(Err(ReadError::Garbled))
    ));
}

#[test]
fn records_are_taken_with_or_without_their_tag() {
    assert_eq!(record_value(0x0A, &[0x0A, 0x01, b'1']), b"1");
    assert_eq!(record_value(0x0A, b"1"), b"1");
    // A length past the end is no TLV: the bytes are taken as they are.
    assert_eq!(record_value(0x0A, &[0x0A, 0x05, b'1']), &[0x0A, 0x05, b'1']);
    assert_eq!(
        decode_cn(&[0x19, 0x52, 0x03, 0x15]).as_deref(),
        Some("19520315")
    );
    assert_eq!(decode_cn(&[0x01, 0xFF]).as_deref(), Some("01"));
    assert_eq!(decode_cn(&[0xFF]).as_deref(), Some(""));
    assert_eq!(decode_cn(&[0x1A]), None);
    assert_eq!(decode_an(b"3.00").as_deref(), Some("3.00"));
    let name = encode_an("张𪚥国", 30);
    assert!(
        name.is_none(),
        "GBK has no 𪚥: such a card is written by the issuer in GB 18030"
    );
    assert_eq!(
        decode_an(&encode_an("李娜", 30).unwrap()).as_deref(),
        Some("李娜")
    );
}
