//! The record on a resident ID card (二代证) or residence permit, as the GA 467 reader hands it over, and the
//! rules every ID number obeys.

use super::number::IdNumber;
use crate::sensitive::Sensitive;
use std::fmt;
use zeroize::Zeroize;

/// A calendar date as printed on the card (YYYYMMDD).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Zeroize)]
pub struct Date {
    pub year: u16,
    pub month: u8,
    pub day: u8,
}

impl Date {
    pub fn new(year: u16, month: u8, day: u8) -> Option<Self> {
        let leap =
            (year.is_multiple_of(4) && !year.is_multiple_of(100)) || year.is_multiple_of(400);
        let days = match month {
            1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
            4 | 6 | 9 | 11 => 30,
            2 if leap => 29,
            2 => 28,
            _ => return None,
        };
        (year >= 1900 && (1..=days).contains(&day)).then_some(Self { year, month, day })
    }

    /// Parses `YYYYMMDD`; anything else is `None`.
    pub fn parse_yyyymmdd(s: &str) -> Option<Self> {
        let s = s.trim();
        if s.len() != 8 || !s.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        Self::new(
            s[0..4].parse().ok()?,
            s[4..6].parse().ok()?,
            s[6..8].parse().ok()?,
        )
    }

    /// Whole years from `self` (a birth date) to `today`.
    pub fn years_until(self, today: Date) -> u16 {
        let mut years = today.year.saturating_sub(self.year);
        if (today.month, today.day) < (self.month, self.day) {
            years = years.saturating_sub(1);
        }
        years
    }
}

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Sex {
    Unknown,
    Male,
    Female,
    NotStated,
}

impl Sex {
    /// GB/T 2261.1 code as stored on the card.
    pub fn from_code(code: char) -> Option<Self> {
        match code {
            '0' => Some(Sex::Unknown),
            '1' => Some(Sex::Male),
            '2' => Some(Sex::Female),
            '9' => Some(Sex::NotStated),
            _ => None,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CardType {
    ResidentId,
    /// 港澳台居民居住证
    HkMacaoTaiwanPermit,
    /// 外国人永久居留身份证, 2017 edition (mark `I`, 15-character number)
    ForeignPermanentResident2017,
    /// 外国人永久居留身份证, 2023 edition (mark `Y`, 18-character number)
    ForeignPermanentResident2023,
}

impl CardType {
    /// The card's name as a form and a clerk say it.
    pub fn name_zh(self) -> &'static str {
        match self {
            CardType::ResidentId => "居民身份证",
            CardType::HkMacaoTaiwanPermit => "港澳台居民居住证",
            CardType::ForeignPermanentResident2017 | CardType::ForeignPermanentResident2023 => {
                "外国人永久居留身份证"
            }
        }
    }

    pub fn is_foreign(self) -> bool {
        matches!(
            self,
            CardType::ForeignPermanentResident2017 | CardType::ForeignPermanentResident2023
        )
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Validity {
    Until(Date),
    /// 长期
    LongTerm,
}

/// Fields of a 港澳台居民居住证 that a resident ID card does not have.
#[derive(Debug, Clone)]
pub struct PermitDetails {
    /// 通行证号码
    pub pass_number: Sensitive<String>,
    /// 签发次数
    pub issue_count: u8,
}

/// Fields of a 外国人永久居留身份证 that a resident ID card does not have.
#[derive(Debug, Clone)]
pub struct ForeignDetails {
    /// The name in Latin letters, as on the card (up to 60 characters on the 2017 card, 46 on the 2023 one).
    pub english_name: Sensitive<String>,
    /// ISO 3166-1 alpha-3 (`USA`); the 2023 card's numeric code is shown as alpha-3 where ISO knows it, as
    /// the three digits where it does not.
    pub nationality: String,
    /// The 2023 card's renewals (换证次数) or the 2017 card's version, as the card has it.
    pub edition: String,
}

/// The text part of a card. Everything that identifies the person is [`Sensitive`]; the birth date, which is
/// also the middle of the ID number, is left out of `Debug` (logs).
#[derive(Clone)]
pub struct IdCardRecord {
    pub card_type: CardType,
    /// The name in Chinese characters; on a foreigner's card without one, the English name.
    pub name: Sensitive<String>,
    pub sex: Sex,
    /// Nationality code, 01..56 (01 = 汉), 97, 98; none on a residence permit.
    pub nation: Option<u8>,
    pub birth_date: Date,
    /// Empty on a foreigner's card, which has no address.
    pub address: Sensitive<String>,
    pub id_number: Sensitive<IdNumber>,
    /// The issuing authority; on the 2017 foreigners' card its code, on the 2023 one nothing.
    pub authority: String,
    pub valid_from: Date,
    pub valid_to: Validity,
    /// What only a Hong Kong/Macao/Taiwan residence permit carries.
    pub permit: Option<PermitDetails>,
    /// What only a foreigner's permanent residence card carries.
    pub foreign: Option<ForeignDetails>,
    /// The card photo, opaque "wlt" bytes only a vendor library decodes.
    pub photo_wlt: Sensitive<Vec<u8>>,
    /// The photo as a BMP, when the vendor's decoder is installed.
    pub photo_bmp: Option<Sensitive<Vec<u8>>>,
}

impl std::fmt::Debug for IdCardRecord {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("IdCardRecord")
            .field("card_type", &self.card_type)
            .field("name", &self.name)
            .field("sex", &self.sex)
            .field("nation", &self.nation)
            .field("birth_date", &format_args!("‹redacted›"))
            .field("address", &self.address)
            .field("id_number", &self.id_number)
            .field("authority", &self.authority)
            .field("valid_from", &self.valid_from)
            .field("valid_to", &self.valid_to)
            .field("permit", &self.permit)
            .field("foreign", &self.foreign)
            .field("photo_wlt", &self.photo_wlt)
            .field("photo_bmp", &self.photo_bmp)
            .finish()
    }
}

impl IdCardRecord {
    pub fn age_on(&self, today: Date) -> u16 {
        self.birth_date.years_until(today)
    }

    pub fn is_expired_on(&self, today: Date) -> bool {
        match self.valid_to {
            Validity::LongTerm => false,
            Validity::Until(d) => d < today,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ages_count_whole_years() {
        let birth = Date::new(1952, 3, 15).unwrap();
        assert_eq!(birth.years_until(Date::new(2026, 3, 14).unwrap()), 73);
        assert_eq!(birth.years_until(Date::new(2026, 3, 15).unwrap()), 74);
        assert!(Date::new(2025, 2, 29).is_none());
        assert!(Date::new(2024, 2, 29).is_some());
    }
}
