use super::*;
use crate::sim::sample_cards;

fn sample(card_type: CardType) -> IdCardRecord {
    sample_cards()
        .into_iter()
        .map(|c| c.record)
        .find(|r| r.card_type == card_type)
        .unwrap()
}

/// Writes `value` over a field of an encoded card.
fn overwrite(card: &IdCardRecord, span: Span, value: &str) -> [u8; TEXT_LEN] {
    let mut t = encode_text(card);
    put_utf16(&mut t, span, value);
    t
}

fn refused_field(text: &[u8]) -> &'static str {
    match decode_text(text, vec![]) {
        Err(TextError::Field { field, .. }) => field,
        other => panic!("expected a refused field, got {other:?}"),
    }
}

#[test]
fn cards_that_do_not_decode_cleanly_are_refused_by_field() {
    let card = &sample_cards()[2].record;
    let mut text = encode_text(card);
    // Break the ID number's check digit.
    let (off, _) = resident::ID_NUMBER;
    text[off + 34] = if text[off + 34] == b'1' { b'2' } else { b'1' };
    assert_eq!(refused_field(&text), "ID number");

    let mut text = encode_text(card);
    // A resident card's text read as a foreigner's card is refused, not half-read.
    text[CARD_TYPE] = b'I';
    assert!(decode_text(&text, vec![]).is_err());
    text[CARD_TYPE] = b'Y';
    assert!(decode_text(&text, vec![]).is_err());
    text[CARD_TYPE] = b'Q';
    assert_eq!(
        decode_text(&text, vec![]).unwrap_err(),
        TextError::UnknownType('Q')
    );
    assert_eq!(
        decode_text(&text[..100], vec![]).unwrap_err(),
        TextError::Length(100)
    );
}

#[test]
fn a_residence_permit_decodes_its_own_fields() {
    let card = sample(CardType::HkMacaoTaiwanPermit);
    let back = decode_text(&encode_text(&card), vec![]).unwrap();
    assert_eq!(back.card_type, CardType::HkMacaoTaiwanPermit);
    assert_eq!(back.nation, None);
    assert_eq!(back.id_number.expose(), card.id_number.expose());
    assert_eq!(back.address.expose(), card.address.expose());
    let p = back.permit.unwrap();
    assert_eq!(p.pass_number.expose(), "H60123456");
    assert_eq!(p.issue_count, 1);
    assert!(back.foreign.is_none());
    assert_eq!(
        refused_field(&overwrite(&card, resident::PASS_NUMBER, "")),
        "pass number"
    );
}

#[test]
fn the_2017_foreigners_card_decodes_with_its_15_character_number() {
    let card = sample(CardType::ForeignPermanentResident2017);
    let text = encode_text(&card);
    assert_eq!(text[CARD_TYPE], b'I');
    // The English name opens the text; the Chinese name sits where a resident card has its authority.
    assert_eq!(utf16_field(&text, (0, 10)).unwrap(), "SMITH");
    let back = decode_text(&text, vec![]).unwrap();
    assert_eq!(back.name.expose(), "史密斯");
    assert_eq!(back.sex, Sex::Male);
    assert_eq!(back.birth_date, Date::new(1985, 3, 12).unwrap());
    assert_eq!(back.id_number.expose().as_str().len(), 15);
    assert_eq!(back.valid_to, card.valid_to);
    assert_eq!(back.authority, "3100");
    assert_eq!(back.address.expose(), "");
    let f = back.foreign.unwrap();
    assert_eq!(f.english_name.expose(), "SMITH, JOHN WILLIAM");
    assert_eq!(f.nationality, "USA");
    assert_eq!(f.edition, "01");

    // The number must agree with the card: nationality, birth date, check digit.
    use foreign_2017::*;
    assert_eq!(
        refused_field(&overwrite(&card, NATIONALITY, "GBR")),
        "ID number"
    );
    assert_eq!(
        refused_field(&overwrite(&card, NATIONALITY, "U5A")),
        "nationality"
    );
    assert_eq!(
        refused_field(&overwrite(&card, BIRTH, "19850313")),
        "ID number"
    );
    let n = card.id_number.expose().as_str();
    let wrong = format!("{}{}", &n[..14], if n.ends_with('0') { '1' } else { '0' });
    assert_eq!(
        refused_field(&overwrite(&card, NUMBER, &wrong)),
        "ID number"
    );
    assert_eq!(
        refused_field(&overwrite(&card, ENGLISH_NAME, "")),
        "English name"
    );
    // An 18-character number on a 2017 card is not one.
    let resident = sample_cards()[0].record.id_number.expose().clone();
    assert_eq!(
        refused_field(&overwrite(&card, NUMBER, resident.as_str())),
        "ID number"
    );
}

#[test]
fn the_2023_foreigners_card_decodes_its_long_english_name_and_numeric_nationality() {
    let card = sample(CardType::ForeignPermanentResident2023);
    let text = encode_text(&card);
    assert_eq!(text[CARD_TYPE], b'Y');
    // The numeric code is on the card; the record shows the alpha-3 a person reads.
    assert_eq!(
        utf16_field(&text, foreign_2023::NATIONALITY).unwrap(),
        "724"
    );
    let back = decode_text(&text, vec![]).unwrap();
    let f = back.foreign.as_ref().unwrap();
    assert_eq!(f.nationality, "ESP");
    let english = "GARCIA LOPEZ, MARIA DE LOS ANGELES CRISTINA";
    assert!(english.len() > 35);
    assert_eq!(f.english_name.expose(), english);
    // No Chinese name on this card: the English one is the name.
    assert_eq!(back.name.expose(), english);
    assert_eq!(back.sex, Sex::Female);
    assert_eq!(back.id_number.expose(), card.id_number.expose());
    assert_eq!(back.id_number.expose().birth_date(), Some(back.birth_date));

    // A space at the end of the name's first part is the name's, not padding.
    let mut spaced = card.clone();
    let split = "GARCIA LOPEZ, MARIA DE LOS ANGELES ";
    assert_eq!(split.len(), 35);
    spaced.foreign.as_mut().unwrap().english_name = Sensitive::new(format!("{split}CRUZ"));
    spaced.name = spaced.foreign.as_ref().unwrap().english_name.clone();
    let back = decode_text(&encode_text(&spaced), vec![]).unwrap();
    assert_eq!(back.name.expose(), &format!("{split}CRUZ"));

    use foreign_2023::*;
    assert_eq!(
        refused_field(&overwrite(&card, NATIONALITY, "840")),
        "ID number"
    );
    assert_eq!(
        refused_field(&overwrite(&card, NATIONALITY, "ES")),
        "nationality"
    );
    // A code ISO does not list is kept as the digits, not refused.
    let mut unlisted = card.clone();
    let first17 = "93199919920705042";
    let n = format!("{first17}{}", IdNumber::check_char(first17).unwrap());
    unlisted.id_number = Sensitive::new(IdNumber::parse(&n).unwrap());
    let back = decode_text(&encode_text(&unlisted), vec![]).unwrap();
    assert_eq!(back.foreign.unwrap().nationality, "999");
    // A resident number (not starting with 9) on a foreigner's card is refused.
    let mut resident = card.clone();
    resident.id_number = sample_cards()[2].record.id_number.clone();
    resident.birth_date = sample_cards()[2].record.birth_date;
    assert_eq!(refused_field(&encode_text(&resident)), "ID number");
}
