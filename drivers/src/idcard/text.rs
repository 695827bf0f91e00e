//! The 256-byte card text a GA 467 reader returns, for every card type it reads: decoded into a record with
//! every field checked, and encoded back (what the simulated reader sends).
//!
//! UCS-2 little-endian, space-padded; the byte at 248 says which card it is. Layouts:
//! `../shared/references/idcard-ga467.md` (resident ID card) and `hardware/protocols/idcard-card-types.md`.

use super::number::IdNumber;
use super::record::{CardType, Date, ForeignDetails, IdCardRecord, PermitDetails, Sex, Validity};
use crate::sensitive::Sensitive;
use thiserror::Error;

pub const TEXT_LEN: usize = 256;

#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum TextError {
    #[error("the card text is {0} bytes, not 256")]
    Length(usize),
    #[error("field {field} is not valid: {reason}")]
    Field { field: &'static str, reason: String },
    #[error("unknown card type mark {0:?}")]
    UnknownType(char),
}

/// Field offsets and sizes in bytes.
type Span = (usize, usize);

const CARD_TYPE: usize = 248;

/// 居民身份证 and 港澳台居民居住证 (the permit has no nation code and two fields of its own).
mod resident {
    use super::Span;
    pub const NAME: Span = (0, 30);
    pub const SEX: Span = (30, 2);
    pub const NATION: Span = (32, 4);
    pub const BIRTH: Span = (36, 16);
    pub const ADDRESS: Span = (52, 70);
    pub const ID_NUMBER: Span = (122, 36);
    pub const AUTHORITY: Span = (158, 30);
    pub const VALID_FROM: Span = (188, 16);
    pub const VALID_TO: Span = (204, 16);
    /// 港澳台居民居住证: pass number (通行证号码) and how often it was issued (签发次数).
    pub const PASS_NUMBER: Span = (220, 18);
    pub const ISSUE_COUNT: Span = (238, 4);
}

/// 外国人永久居留身份证, 2017 edition (`I`).
mod foreign_2017 {
    use super::Span;
    pub const ENGLISH_NAME: Span = (0, 120);
    pub const SEX: Span = (120, 2);
    pub const NUMBER: Span = (122, 30);
    pub const NATIONALITY: Span = (152, 6);
    pub const CHINESE_NAME: Span = (158, 30);
    pub const VALID_FROM: Span = (188, 16);
    pub const VALID_TO: Span = (204, 16);
    pub const BIRTH: Span = (220, 16);
    pub const VERSION: Span = (236, 4);
    pub const AUTHORITY_CODE: Span = (240, 8);
}

/// 外国人永久居留身份证, 2023 edition (`Y`): the common fields where the resident ID card has them.
mod foreign_2023 {
    use super::Span;
    pub const CHINESE_NAME: Span = (0, 30);
    pub const SEX: Span = (30, 2);
    pub const RENEWALS: Span = (32, 4);
    pub const BIRTH: Span = (36, 16);
    /// Characters 1–35 of the English name; 36–46 follow in [`ENGLISH_NAME_MORE`].
    pub const ENGLISH_NAME: Span = (52, 70);
    pub const NUMBER: Span = (122, 36);
    pub const VALID_FROM: Span = (188, 16);
    pub const VALID_TO: Span = (204, 16);
    pub const ENGLISH_NAME_MORE: Span = (220, 22);
    pub const NATIONALITY: Span = (242, 6);
}

/// A field as the card holds it, padding and all.
fn utf16_raw(text: &[u8], (off, len): Span) -> Result<String, TextError> {
    let units: Vec<u16> = text[off..off + len]
        .chunks_exact(2)
        .map(|c| u16::from_le_bytes([c[0], c[1]]))
        .collect();
    String::from_utf16(&units).map_err(|_| bad("text", "not UCS-2"))
}

fn utf16_field(text: &[u8], span: Span) -> Result<String, TextError> {
    Ok(utf16_raw(text, span)?
        .trim_end_matches([' ', '\0'])
        .trim()
        .to_string())
}

fn bad(field: &'static str, reason: impl Into<String>) -> TextError {
    TextError::Field {
        field,
        reason: reason.into(),
    }
}

fn sex(text: &[u8], span: Span) -> Result<Sex, TextError> {
    utf16_field(text, span)?
        .chars()
        .next()
        .and_then(Sex::from_code)
        .ok_or_else(|| bad("sex", "not one of 0, 1, 2, 9"))
}

fn date(text: &[u8], span: Span, field: &'static str) -> Result<Date, TextError> {
    Date::parse_yyyymmdd(&utf16_field(text, span)?).ok_or_else(|| bad(field, "not a YYYYMMDD date"))
}

fn validity(text: &[u8], from: Span, to: Span) -> Result<(Date, Validity), TextError> {
    let valid_from = date(text, from, "valid from")?;
    let to = utf16_field(text, to)?;
    let valid_to = if to == "长期" {
        Validity::LongTerm
    } else {
        Validity::Until(
            Date::parse_yyyymmdd(&to).ok_or_else(|| bad("valid to", "not a date or 长期"))?,
        )
    };
    Ok((valid_from, valid_to))
}

/// The number, checked, and its birth date checked against the card's.
fn number(text: &[u8], span: Span, birth: Date) -> Result<IdNumber, TextError> {
    let id =
        IdNumber::parse(&utf16_field(text, span)?).map_err(|e| bad("ID number", e.to_string()))?;
    let digits = yyyymmdd(birth);
    if !digits.ends_with(id.birth_digits()) {
        return Err(bad("ID number", "its birth date differs from the card's"));
    }
    Ok(id)
}

/// What every card type fills in the same way.
struct Common {
    card_type: CardType,
    name: String,
    sex: Sex,
    birth_date: Date,
    id_number: IdNumber,
    valid: (Date, Validity),
}

impl Common {
    fn into_record(self, photo: Vec<u8>) -> IdCardRecord {
        IdCardRecord {
            card_type: self.card_type,
            name: Sensitive::new(self.name),
            sex: self.sex,
            nation: None,
            birth_date: self.birth_date,
            address: Sensitive::new(String::new()),
            id_number: Sensitive::new(self.id_number),
            authority: String::new(),
            valid_from: self.valid.0,
            valid_to: self.valid.1,
            permit: None,
            foreign: None,
            photo_wlt: Sensitive::new(photo),
            photo_bmp: None,
        }
    }
}

/// Decodes the card text into a record. Every field is checked; a card that does not decode cleanly is refused
/// with the field named, never passed on half-read.
pub fn decode_text(text: &[u8], photo: Vec<u8>) -> Result<IdCardRecord, TextError> {
    if text.len() != TEXT_LEN {
        return Err(TextError::Length(text.len()));
    }
    match text[CARD_TYPE] {
        b' ' | 0 => decode_resident(text, photo, CardType::ResidentId),
        b'J' => decode_resident(text, photo, CardType::HkMacaoTaiwanPermit),
        b'I' => decode_foreign_2017(text, photo),
        b'Y' => decode_foreign_2023(text, photo),
        b => Err(TextError::UnknownType(char::from(b))),
    }
}

fn decode_resident(
    text: &[u8],
    photo: Vec<u8>,
    card_type: CardType,
) -> Result<IdCardRecord, TextError> {
    use resident::*;
    let name = utf16_field(text, NAME)?;
    if name.is_empty() {
        return Err(bad("name", "empty"));
    }
    let sex = sex(text, SEX)?;
    let nation = match card_type {
        CardType::ResidentId => {
            let n: u8 = utf16_field(text, NATION)?
                .parse()
                .map_err(|_| bad("nation", "not a number"))?;
            if !((1..=56).contains(&n) || n == 97 || n == 98) {
                return Err(bad("nation", format!("code {n} is not 01–56, 97 or 98")));
            }
            Some(n)
        }
        _ => None,
    };
    let birth_date = date(text, BIRTH, "birth date")?;
    let address = utf16_field(text, ADDRESS)?;
    let id_number = number(text, ID_NUMBER, birth_date)?;
    if id_number.is_foreign_2017() {
        return Err(bad("ID number", "15 characters on a card that has 18"));
    }
    let authority = utf16_field(text, AUTHORITY)?;
    let valid = validity(text, VALID_FROM, VALID_TO)?;
    let permit = match card_type {
        CardType::HkMacaoTaiwanPermit => {
            let pass = utf16_field(text, PASS_NUMBER)?;
            if pass.is_empty() {
                return Err(bad("pass number", "empty on a residence permit"));
            }
            let count = utf16_field(text, ISSUE_COUNT)?
                .parse()
                .map_err(|_| bad("issue count", "not a number"))?;
            Some(PermitDetails {
                pass_number: Sensitive::new(pass),
                issue_count: count,
            })
        }
        _ => None,
    };
    let mut r = Common {
        card_type,
        name,
        sex,
        birth_date,
        id_number,
        valid,
    }
    .into_record(photo);
    r.nation = nation;
    r.address = Sensitive::new(address);
    r.authority = authority;
    r.permit = permit;
    Ok(r)
}

fn english_name(name: String) -> Result<String, TextError> {
    if name.is_empty() {
        return Err(bad("English name", "empty on a foreigner's card"));
    }
    Ok(name)
}

/// The Chinese name if the card has one, else the English name: what the person is called on the form.
fn foreign_name(chinese: String, english: &str) -> String {
    if chinese.is_empty() {
        english.to_string()
    } else {
        chinese
    }
}

fn decode_foreign_2017(text: &[u8], photo: Vec<u8>) -> Result<IdCardRecord, TextError> {
    use foreign_2017::*;
    let english = english_name(utf16_field(text, ENGLISH_NAME)?)?;
    let nationality = utf16_field(text, NATIONALITY)?;
    if nationality.len() != 3 || !nationality.bytes().all(|b| b.is_ascii_uppercase()) {
        return Err(bad("nationality", "not three capital letters (ISO 3166-1)"));
    }
    let birth_date = date(text, BIRTH, "birth date")?;
    let id_number = number(text, NUMBER, birth_date)?;
    if !id_number.is_foreign_2017() {
        return Err(bad("ID number", "18 characters on a card that has 15"));
    }
    if !id_number.as_str().starts_with(&nationality) {
        return Err(bad("ID number", "its nationality differs from the card's"));
    }
    let mut r = Common {
        card_type: CardType::ForeignPermanentResident2017,
        name: foreign_name(utf16_field(text, CHINESE_NAME)?, &english),
        sex: sex(text, SEX)?,
        birth_date,
        id_number,
        valid: validity(text, VALID_FROM, VALID_TO)?,
    }
    .into_record(photo);
    r.authority = utf16_field(text, AUTHORITY_CODE)?;
    r.foreign = Some(ForeignDetails {
        english_name: Sensitive::new(english),
        nationality,
        edition: utf16_field(text, VERSION)?,
    });
    Ok(r)
}

fn decode_foreign_2023(text: &[u8], photo: Vec<u8>) -> Result<IdCardRecord, TextError> {
    use foreign_2023::*;
    // The name runs on from the first part into the second: a space at the end of the first is the name's.
    let english = utf16_raw(text, ENGLISH_NAME)? + &utf16_raw(text, ENGLISH_NAME_MORE)?;
    let english = english_name(english.trim_end_matches([' ', '\0']).trim().to_string())?;
    let numeric = utf16_field(text, NATIONALITY)?;
    let code: u32 = match numeric.parse() {
        Ok(n) if numeric.len() == 3 => n,
        _ => return Err(bad("nationality", "not three digits (ISO 3166-1 numeric)")),
    };
    let birth_date = date(text, BIRTH, "birth date")?;
    let id_number = number(text, NUMBER, birth_date)?;
    let n = id_number.as_str();
    if !n.starts_with('9') || id_number.is_foreign_2017() {
        return Err(bad("ID number", "not 18 characters starting with 9"));
    }
    if n[3..6] != numeric {
        return Err(bad("ID number", "its nationality differs from the card's"));
    }
    let mut r = Common {
        card_type: CardType::ForeignPermanentResident2023,
        name: foreign_name(utf16_field(text, CHINESE_NAME)?, &english),
        sex: sex(text, SEX)?,
        birth_date,
        id_number,
        valid: validity(text, VALID_FROM, VALID_TO)?,
    }
    .into_record(photo);
    r.foreign = Some(ForeignDetails {
        english_name: Sensitive::new(english),
        // A code ISO does not list (a new state, a document for the stateless) is shown as it is.
        nationality: isocountry::CountryCode::for_id(code)
            .map(|c| c.alpha3().to_string())
            .unwrap_or(numeric),
        edition: utf16_field(text, RENEWALS)?,
    });
    Ok(r)
}

fn put_utf16(text: &mut [u8], (off, len): Span, value: &str) {
    let mut units: Vec<u16> = value.encode_utf16().collect();
    units.resize(len / 2, u16::from(b' '));
    for (i, u) in units.iter().take(len / 2).enumerate() {
        let [lo, hi] = u.to_le_bytes();
        text[off + 2 * i] = lo;
        text[off + 2 * i + 1] = hi;
    }
}

fn yyyymmdd(d: Date) -> String {
    format!("{:04}{:02}{:02}", d.year, d.month, d.day)
}

fn sex_code(s: Sex) -> &'static str {
    match s {
        Sex::Unknown => "0",
        Sex::Male => "1",
        Sex::Female => "2",
        Sex::NotStated => "9",
    }
}

fn validity_text(v: Validity) -> String {
    match v {
        Validity::LongTerm => "长期".to_string(),
        Validity::Until(d) => yyyymmdd(d),
    }
}

/// Encodes a record as a card holds it: what the simulated reader sends, and the inverse of [`decode_text`].
pub fn encode_text(r: &IdCardRecord) -> [u8; TEXT_LEN] {
    let mut t = [0u8; TEXT_LEN];
    for pair in t.chunks_exact_mut(2) {
        pair.copy_from_slice(&[b' ', 0]);
    }
    let english = r.foreign.as_ref().map(|f| f.english_name.expose().as_str());
    // A foreigner known by the English name only has no Chinese name on the card.
    let chinese = if english == Some(r.name.expose().as_str()) {
        ""
    } else {
        r.name.expose().as_str()
    };
    let nationality = r.foreign.as_ref().map_or("", |f| f.nationality.as_str());
    let edition = r.foreign.as_ref().map_or("", |f| f.edition.as_str());
    match r.card_type {
        CardType::ResidentId | CardType::HkMacaoTaiwanPermit => {
            use resident::*;
            put_utf16(&mut t, NAME, r.name.expose());
            put_utf16(&mut t, SEX, sex_code(r.sex));
            if let Some(n) = r.nation {
                put_utf16(&mut t, NATION, &format!("{n:02}"));
            }
            put_utf16(&mut t, BIRTH, &yyyymmdd(r.birth_date));
            put_utf16(&mut t, ADDRESS, r.address.expose());
            put_utf16(&mut t, ID_NUMBER, r.id_number.expose().as_str());
            put_utf16(&mut t, AUTHORITY, &r.authority);
            put_utf16(&mut t, VALID_FROM, &yyyymmdd(r.valid_from));
            put_utf16(&mut t, VALID_TO, &validity_text(r.valid_to));
            if let Some(p) = &r.permit {
                put_utf16(&mut t, PASS_NUMBER, p.pass_number.expose());
                put_utf16(&mut t, ISSUE_COUNT, &format!("{:02}", p.issue_count));
            }
        }
        CardType::ForeignPermanentResident2017 => {
            use foreign_2017::*;
            put_utf16(&mut t, ENGLISH_NAME, english.unwrap_or_default());
            put_utf16(&mut t, SEX, sex_code(r.sex));
            put_utf16(&mut t, NUMBER, r.id_number.expose().as_str());
            put_utf16(&mut t, NATIONALITY, nationality);
            put_utf16(&mut t, CHINESE_NAME, chinese);
            put_utf16(&mut t, VALID_FROM, &yyyymmdd(r.valid_from));
            put_utf16(&mut t, VALID_TO, &validity_text(r.valid_to));
            put_utf16(&mut t, BIRTH, &yyyymmdd(r.birth_date));
            put_utf16(&mut t, VERSION, edition);
            put_utf16(&mut t, AUTHORITY_CODE, &r.authority);
        }
        CardType::ForeignPermanentResident2023 => {
            use foreign_2023::*;
            put_utf16(&mut t, CHINESE_NAME, chinese);
            put_utf16(&mut t, SEX, sex_code(r.sex));
            put_utf16(&mut t, RENEWALS, edition);
            put_utf16(&mut t, BIRTH, &yyyymmdd(r.birth_date));
            let english: Vec<char> = english.unwrap_or_default().chars().collect();
            let split = english.len().min(ENGLISH_NAME.1 / 2);
            put_utf16(&mut t, ENGLISH_NAME, &String::from_iter(&english[..split]));
            put_utf16(
                &mut t,
                ENGLISH_NAME_MORE,
                &String::from_iter(&english[split..]),
            );
            put_utf16(&mut t, NUMBER, r.id_number.expose().as_str());
            put_utf16(&mut t, VALID_FROM, &yyyymmdd(r.valid_from));
            put_utf16(&mut t, VALID_TO, &validity_text(r.valid_to));
            // The number carries the numeric code; the record keeps the alpha-3 a person reads.
            let numeric = r.id_number.expose().as_str().get(3..6).unwrap_or_default();
            put_utf16(&mut t, NATIONALITY, numeric);
        }
    }
    t[CARD_TYPE] = match r.card_type {
        CardType::ResidentId => b' ',
        CardType::HkMacaoTaiwanPermit => b'J',
        CardType::ForeignPermanentResident2017 => b'I',
        CardType::ForeignPermanentResident2023 => b'Y',
    };
    t
}

#[cfg(test)]
#[path = "text_tests.rs"]
mod tests;
