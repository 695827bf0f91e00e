//! A 社会保障卡 as a card answers: the files of its basic data and the commands a terminal reads them with. Pure
//! (bytes in, bytes out): the simulator puts it on a virtual reader through vpcd, the tests talk to it directly.

use super::apdu::{self, sw, Command, Response};
use super::basic_data::{
    encode_an, encode_cn, encode_date, tag, tlv, EF_HOLDER, EF_ISSUER, ITEMS, SSSE_NAME,
};
use super::record::SocialSecurityCard;

/// How the card answers, as cards sold answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Behaviour {
    /// Data straight in the response (T=1 cards, or readers that hide T=0).
    Direct,
    /// T=0 card: SELECT answers 61xx (the FCI waits for GET RESPONSE); READ RECORD with the wrong Le answers
    /// 6Cxx.
    T0,
    /// A card issued to be read only with the issuer's PSAM: the holder's file answers 6982.
    Locked,
    /// A chip card without the social security application (a bank card, say).
    Foreign,
}

/// A card's ATR (ISO 7816-3: direct convention, T=0 then T=1, historical bytes "SSC").
pub const ATR: [u8; 11] = [
    0x3B, 0x86, 0x80, 0x01, 0x80, 0x31, 0x53, 0x53, 0x43, 0x00, 0x00,
];

pub struct CardEmulator {
    behaviour: Behaviour,
    /// (file, tag, value) of every item the card holds.
    items: Vec<(u16, u8, Vec<u8>)>,
    in_ssse: bool,
    file: Option<u16>,
    /// What waits for GET RESPONSE.
    waiting: Vec<u8>,
}

impl CardEmulator {
    /// A card holding `card`'s items; `None` when a value does not fit its item (the card could not be issued).
    pub fn new(card: &SocialSecurityCard, behaviour: Behaviour) -> Option<Self> {
        let nation = card.nation.map(|n| format!("{n:02}")).unwrap_or_default();
        let sex = match card.sex {
            crate::idcard::Sex::Male => "1",
            crate::idcard::Sex::Female => "2",
            crate::idcard::Sex::NotStated => "9",
            crate::idcard::Sex::Unknown => "0",
        };
        let mut items = vec![
            (EF_ISSUER, tag::VERSION, encode_an(&card.version, 4)?),
            (
                EF_ISSUER,
                tag::CARD_NUMBER,
                encode_an(card.card_number.expose(), 9)?,
            ),
            (
                EF_HOLDER,
                tag::NUMBER,
                encode_an(card.number.expose().as_str(), 18)?,
            ),
            (EF_HOLDER, tag::NAME, encode_an(card.name.expose(), 30)?),
            (EF_HOLDER, tag::SEX, encode_an(sex, 1)?),
            (EF_HOLDER, tag::NATION, encode_cn(&nation, 1)?),
            (EF_HOLDER, tag::BIRTH_DATE, encode_date(card.birth_date)),
        ];
        if let Some(d) = card.issued {
            items.push((EF_ISSUER, tag::ISSUED, encode_date(d)));
        }
        if let Some(d) = card.valid_until {
            items.push((EF_ISSUER, tag::VALID_UNTIL, encode_date(d)));
        }
        Some(Self {
            behaviour,
            items,
            in_ssse: false,
            file: None,
            waiting: Vec::new(),
        })
    }

    /// Power-on or reset: nothing selected.
    pub fn reset(&mut self) {
        self.in_ssse = false;
        self.file = None;
        self.waiting.clear();
    }

    /// The card's answer to one command APDU.
    pub fn respond(&mut self, command: &[u8]) -> Vec<u8> {
        self.answer(command).encode()
    }

    fn answer(&mut self, bytes: &[u8]) -> Response {
        let Some(c) = Command::decode(bytes) else {
            return Response::status(0x6700);
        };
        if c.cla != 0x00 {
            return Response::status(sw::CLA_NOT_SUPPORTED);
        }
        if c.ins != apdu::INS_GET_RESPONSE {
            self.waiting.clear();
        }
        match (c.ins, c.p1) {
            (apdu::INS_SELECT, apdu::SELECT_BY_NAME) => {
                if c.data != SSSE_NAME || self.behaviour == Behaviour::Foreign {
                    return Response::status(sw::FILE_NOT_FOUND);
                }
                self.in_ssse = true;
                self.file = None;
                // FCI: DF name only.
                self.selected(tlv(0x6F, &tlv(0x84, SSSE_NAME)))
            }
            (apdu::INS_SELECT, apdu::SELECT_BY_ID) => {
                let fid = match c.data.as_slice() {
                    [a, b] => u16::from_be_bytes([*a, *b]),
                    _ => return Response::status(sw::WRONG_P1P2),
                };
                if !self.in_ssse || (fid != EF_ISSUER && fid != EF_HOLDER) {
                    return Response::status(sw::FILE_NOT_FOUND);
                }
                self.file = Some(fid);
                self.selected(Vec::new())
            }
            (apdu::INS_READ_RECORD, number) if c.p2 == apdu::RECORD_BY_NUMBER => {
                let Some(file) = self.file else {
                    return Response::status(0x6986);
                };
                if file == EF_HOLDER && self.behaviour == Behaviour::Locked {
                    return Response::status(sw::SECURITY);
                }
                let Some((_, t, v)) = self
                    .items
                    .iter()
                    .find(|(f, t, _)| *f == file && *t == number)
                else {
                    return Response::status(sw::RECORD_NOT_FOUND);
                };
                let data = tlv(*t, v);
                if self.behaviour == Behaviour::T0 && c.le != Some(data.len() as u8) {
                    return Response::status(u16::from_be_bytes([sw::WRONG_LE, data.len() as u8]));
                }
                Response::ok(data)
            }
            (apdu::INS_GET_RESPONSE, _) if !self.waiting.is_empty() => {
                let n = (c.le.unwrap_or(0) as usize).min(self.waiting.len());
                let n = if n == 0 { self.waiting.len() } else { n };
                let data: Vec<u8> = self.waiting.drain(..n).collect();
                match self.waiting.len() {
                    0 => Response::ok(data),
                    left => Response {
                        data,
                        sw: u16::from_be_bytes([sw::MORE_DATA, left.min(255) as u8]),
                    },
                }
            }
            (apdu::INS_GET_RESPONSE, _) => Response::status(0x6985),
            _ => Response::status(sw::INS_NOT_SUPPORTED),
        }
    }

    fn selected(&mut self, fci: Vec<u8>) -> Response {
        if self.behaviour == Behaviour::T0 && !fci.is_empty() {
            let n = fci.len().min(255) as u8;
            self.waiting = fci;
            return Response::status(u16::from_be_bytes([sw::MORE_DATA, n]));
        }
        Response::ok(fci)
    }

    /// How many items the card holds (for the tests that take one away).
    pub fn item_count(&self) -> usize {
        self.items.len()
    }

    /// Takes an item off the card (a card issued without it, or a damaged one).
    pub fn remove_item(&mut self, tag: u8) {
        self.items.retain(|(_, t, _)| *t != tag);
    }

    /// Replaces an item's stored bytes (a card written wrongly).
    pub fn set_item(&mut self, tag: u8, value: Vec<u8>) {
        if let Some((_, _, v)) = self.items.iter_mut().find(|(_, t, _)| *t == tag) {
            *v = value;
        } else if let Some(i) = ITEMS.iter().find(|i| i.tag == tag) {
            self.items.push((i.file, tag, value));
        }
    }
}
