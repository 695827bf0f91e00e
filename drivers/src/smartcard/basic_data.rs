//! Reading a 社会保障卡's basic data, sans-IO: the read hands out command APDUs and takes the card's responses
//! through one door (`handle`), and ends with the card's record or why there is none. No I/O, no clock: the PC/SC
//! driver, the tests, the fuzz target and the card emulator's checks drive it alike.
//!
//! What it relies on (hardware/protocols/social-security-card.md): the social security environment SSSE selected
//! by its name `sx1.sh.社会保障`; under it EF05 (发卡机构数据) and EF06 (持卡人基本信息), the two files the
//! national card's structure lets any terminal read without a PIN or a PSAM; each data item a record numbered by
//! its tag, answered as tag, length, value. T=0 cards' 61xx and 6Cxx are followed.

use super::apdu::{sw, Command, Response};
use super::record::SocialSecurityCard;
use crate::idcard::{Date, IdNumber, Sex};
use crate::sensitive::Sensitive;

/// The SSSE's name: "sx1.sh." and 社会保障 in GBK.
pub const SSSE_NAME: &[u8] = b"sx1.sh.\xC9\xE7\xBB\xE1\xB1\xA3\xD5\xCF";
/// 发卡机构数据文件
pub const EF_ISSUER: u16 = 0xEF05;
/// 持卡人基本信息文件
pub const EF_HOLDER: u16 = 0xEF06;

/// Data items (record numbers and tags) of the two files.
pub mod tag {
    pub const VERSION: u8 = 0x03;
    pub const ISSUED: u8 = 0x05;
    pub const VALID_UNTIL: u8 = 0x06;
    pub const CARD_NUMBER: u8 = 0x07;
    pub const NUMBER: u8 = 0x08;
    pub const NAME: u8 = 0x09;
    pub const SEX: u8 = 0x0A;
    pub const NATION: u8 = 0x0B;
    pub const BIRTH_DATE: u8 = 0x0D;
}

/// One data item: its file, its tag, its length on the card and whether a card without it is unreadable.
#[derive(Debug, Clone, Copy)]
pub struct Item {
    pub file: u16,
    pub tag: u8,
    pub len: usize,
    pub required: bool,
    pub name: &'static str,
}

/// The items read, file by file. Lengths from the national data item list (an: ASCII or GBK padded with 00; cn:
/// BCD padded with F).
pub const ITEMS: [Item; 9] = [
    item(EF_ISSUER, tag::VERSION, 4, false, "规范版本"),
    item(EF_ISSUER, tag::ISSUED, 4, false, "发卡日期"),
    item(EF_ISSUER, tag::VALID_UNTIL, 4, false, "卡有效期"),
    item(EF_ISSUER, tag::CARD_NUMBER, 9, true, "卡号"),
    item(EF_HOLDER, tag::NUMBER, 18, true, "社会保障号码"),
    item(EF_HOLDER, tag::NAME, 30, true, "姓名"),
    item(EF_HOLDER, tag::SEX, 1, true, "性别"),
    item(EF_HOLDER, tag::NATION, 1, false, "民族"),
    item(EF_HOLDER, tag::BIRTH_DATE, 4, true, "出生日期"),
];

const fn item(file: u16, tag: u8, len: usize, required: bool, name: &'static str) -> Item {
    Item {
        file,
        tag,
        len,
        required,
        name,
    }
}

/// A card's answers in one read are bounded: a card that keeps asking for GET RESPONSE is not followed forever.
const MAX_EXCHANGES: usize = 48;

/// Why a chip card gave no record.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ReadError {
    #[error("not a social security card: it has no social security application (SW {0:04X})")]
    NotSocialSecurityCard(u16),
    #[error(
        "the card lets its basic data be read only after an authentication with a PSAM (SW 6982)"
    )]
    NeedsAuthentication,
    #[error("the card answered {sw:04X} to {what}")]
    Card { what: &'static str, sw: u16 },
    #[error("the card's answer is shorter than a status word")]
    Garbled,
    #[error("{field}: {problem}")]
    Field {
        field: &'static str,
        problem: &'static str,
    },
    #[error("the card asked for more than {MAX_EXCHANGES} exchanges")]
    TooLong,
}

/// What to do next.
#[derive(Debug)]
pub enum Step {
    /// Send these bytes to the card and hand its answer to `handle`.
    Send(Vec<u8>),
    Done(Result<SocialSecurityCard, ReadError>),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Stage {
    SelectApplication,
    SelectFile(u16),
    Read(usize),
}

/// One read of one card's basic data.
pub struct BasicDataRead {
    stage: Stage,
    last: Command,
    /// Data gathered over 61xx continuations.
    partial: Vec<u8>,
    le_retried: bool,
    exchanges: usize,
    values: [Option<Vec<u8>>; ITEMS.len()],
}

impl BasicDataRead {
    /// Starts a read; the first command to send comes with it.
    pub fn start() -> (Self, Vec<u8>) {
        let first = Command::select_by_name(SSSE_NAME);
        let bytes = first.encode();
        (
            Self {
                stage: Stage::SelectApplication,
                last: first,
                partial: Vec::new(),
                le_retried: false,
                exchanges: 0,
                values: Default::default(),
            },
            bytes,
        )
    }

    /// The card's answer to the last command sent.
    pub fn handle(&mut self, answer: &[u8]) -> Step {
        self.exchanges += 1;
        if self.exchanges > MAX_EXCHANGES {
            return Step::Done(Err(ReadError::TooLong));
        }
        let Some(r) = Response::parse(answer) else {
            return Step::Done(Err(ReadError::Garbled));
        };
        if r.sw1() == sw::MORE_DATA {
            self.partial.extend_from_slice(&r.data);
            return self.send_raw(Command::get_response(r.sw2()));
        }
        if r.sw1() == sw::WRONG_LE && !self.le_retried && self.last.le.is_some() {
            self.le_retried = true;
            let mut again = self.last.clone();
            again.le = Some(r.sw2());
            return self.send_raw(again);
        }
        let mut data = std::mem::take(&mut self.partial);
        data.extend_from_slice(&r.data);
        match (self.stage, r.sw) {
            (_, sw::SECURITY) => Step::Done(Err(ReadError::NeedsAuthentication)),
            (Stage::SelectApplication, sw::OK) => self.next_after(None),
            (Stage::SelectApplication, s) => Step::Done(Err(ReadError::NotSocialSecurityCard(s))),
            (Stage::SelectFile(_), sw::OK) => self.read(self.first_item_of_stage()),
            (Stage::SelectFile(f), s) => Step::Done(Err(ReadError::Card {
                what: if f == EF_ISSUER {
                    "SELECT EF05"
                } else {
                    "SELECT EF06"
                },
                sw: s,
            })),
            (Stage::Read(i), sw::OK) => {
                self.values[i] = Some(record_value(ITEMS[i].tag, &data).to_vec());
                self.next_after(Some(i))
            }
            (Stage::Read(i), sw::RECORD_NOT_FOUND) if !ITEMS[i].required => {
                self.next_after(Some(i))
            }
            (Stage::Read(i), s) => Step::Done(Err(ReadError::Card {
                what: ITEMS[i].name,
                sw: s,
            })),
        }
    }

    fn first_item_of_stage(&self) -> usize {
        match self.stage {
            Stage::SelectFile(f) => ITEMS.iter().position(|i| i.file == f).unwrap_or(0),
            _ => 0,
        }
    }

    /// After item `done` (or the application's selection): the next item, selecting its file first when it is in
    /// another one, or the record.
    fn next_after(&mut self, done: Option<usize>) -> Step {
        let next = done.map_or(0, |i| i + 1);
        let Some(item) = ITEMS.get(next) else {
            return Step::Done(self.finish());
        };
        if done.is_none_or(|i| ITEMS[i].file != item.file) {
            self.stage = Stage::SelectFile(item.file);
            return self.send(Command::select_by_id(item.file));
        }
        self.read(next)
    }

    fn read(&mut self, i: usize) -> Step {
        self.stage = Stage::Read(i);
        // Le 00: up to 256 bytes; a T=0 card that wants the exact length says so with 6Cxx.
        self.send(Command::read_record(ITEMS[i].tag, 0))
    }

    fn send(&mut self, c: Command) -> Step {
        self.le_retried = false;
        self.send_raw(c)
    }

    fn send_raw(&mut self, c: Command) -> Step {
        let bytes = c.encode();
        // GET RESPONSE continues the command before it; only that one may be repeated after 6Cxx.
        if c.ins != super::apdu::INS_GET_RESPONSE {
            self.last = c;
        }
        Step::Send(bytes)
    }

    fn value(&self, tag: u8) -> Option<&[u8]> {
        ITEMS
            .iter()
            .position(|i| i.tag == tag)
            .and_then(|i| self.values[i].as_deref())
    }

    fn finish(&self) -> Result<SocialSecurityCard, ReadError> {
        let field =
            |field: &'static str, problem: &'static str| ReadError::Field { field, problem };
        let an = |t: u8, name: &'static str| -> Result<Option<String>, ReadError> {
            self.value(t)
                .map(|v| decode_an(v).ok_or(field(name, "not GBK text")))
                .transpose()
        };
        let date = |t: u8, name: &'static str| -> Result<Option<Date>, ReadError> {
            self.value(t)
                .map(|v| {
                    decode_cn(v)
                        .and_then(|s| Date::parse_yyyymmdd(&s))
                        .ok_or(field(name, "not a date"))
                })
                .transpose()
        };
        let number = an(tag::NUMBER, "社会保障号码")?.unwrap_or_default();
        let number =
            IdNumber::parse(&number).map_err(|_| field("社会保障号码", "not a valid ID number"))?;
        let name = an(tag::NAME, "姓名")?.unwrap_or_default();
        if name.is_empty() {
            return Err(field("姓名", "empty"));
        }
        let sex = an(tag::SEX, "性别")?
            .and_then(|s| s.chars().next())
            .and_then(Sex::from_code)
            .ok_or(field("性别", "not a GB/T 2261.1 code"))?;
        let birth_date = date(tag::BIRTH_DATE, "出生日期")?.ok_or(field("出生日期", "missing"))?;
        if number.birth_date().is_some_and(|b| b != birth_date) {
            return Err(field("出生日期", "does not match the number"));
        }
        let nation = match self.value(tag::NATION) {
            None => None,
            Some(v) => match decode_cn(v) {
                Some(s) if s.is_empty() => None,
                Some(s) => Some(s.parse::<u8>().map_err(|_| field("民族", "not a code"))?),
                None => return Err(field("民族", "not a code")),
            },
        };
        let card_number = an(tag::CARD_NUMBER, "卡号")?.unwrap_or_default();
        if card_number.is_empty() || !card_number.bytes().all(|b| b.is_ascii_alphanumeric()) {
            return Err(field("卡号", "not letters and digits"));
        }
        Ok(SocialSecurityCard {
            number: Sensitive::new(number),
            name: Sensitive::new(name),
            sex,
            nation,
            birth_date,
            card_number: Sensitive::new(card_number),
            version: an(tag::VERSION, "规范版本")?.unwrap_or_default(),
            issued: date(tag::ISSUED, "发卡日期")?,
            valid_until: date(tag::VALID_UNTIL, "卡有效期")?,
        })
    }
}

/// A record as answered: tag, length, value; a card that answers the bare value is taken as it is. (Tags are
/// 03..0D, which neither an nor cn values can start with, so the two cannot be confused.)
pub fn record_value(tag: u8, data: &[u8]) -> &[u8] {
    match data {
        [t, len, rest @ ..] if *t == tag && (*len as usize) <= rest.len() => &rest[..*len as usize],
        _ => data,
    }
}

/// An "an" item: GBK text, padded with 00 (some issuers pad with spaces).
pub fn decode_an(v: &[u8]) -> Option<String> {
    let end = v
        .iter()
        .rposition(|&b| b != 0x00 && b != b' ' && b != 0xFF)
        .map_or(0, |p| p + 1);
    encoding_rs::GB18030
        .decode_without_bom_handling_and_without_replacement(&v[..end])
        .map(|s| s.into_owned())
}

/// A "cn" item: BCD digits, padded with F; any other nibble is no cn value.
pub fn decode_cn(v: &[u8]) -> Option<String> {
    let mut out = String::with_capacity(v.len() * 2);
    for nibble in v.iter().flat_map(|b| [b >> 4, b & 0x0F]) {
        match nibble {
            0..=9 => out.push(char::from(b'0' + nibble)),
            0x0F => break,
            _ => return None,
        }
    }
    Some(out)
}

/// The card's side (the emulator): text as an item of `len` bytes, `None` when it does not fit or GBK lacks a
/// character.
pub fn encode_an(s: &str, len: usize) -> Option<Vec<u8>> {
    let (bytes, _, unmappable) = encoding_rs::GBK.encode(s);
    if unmappable || bytes.len() > len {
        return None;
    }
    let mut v = bytes.into_owned();
    v.resize(len, 0x00);
    Some(v)
}

/// The card's side: digits as a cn item of `len` bytes.
pub fn encode_cn(digits: &str, len: usize) -> Option<Vec<u8>> {
    if digits.len() > len * 2 || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let mut nibbles: Vec<u8> = digits.bytes().map(|b| b - b'0').collect();
    nibbles.resize(len * 2, 0x0F);
    Some(nibbles.chunks(2).map(|p| (p[0] << 4) | p[1]).collect())
}

/// The data answered for one record: tag, length, value.
pub fn tlv(tag: u8, value: &[u8]) -> Vec<u8> {
    let mut v = vec![tag, value.len().min(255) as u8];
    v.extend_from_slice(&value[..value.len().min(255)]);
    v
}

/// Date as the card stores it (YYYYMMDD in BCD).
pub fn encode_date(d: Date) -> Vec<u8> {
    let s = format!("{:04}{:02}{:02}", d.year, d.month, d.day);
    encode_cn(&s, 4).unwrap_or_default()
}

#[cfg(test)]
#[path = "basic_data_tests.rs"]
mod tests;
