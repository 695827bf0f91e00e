//! The record on a resident ID card (二代证) or residence permit, as the GA 467 reader hands it over, and the
//! rules every ID number obeys.

use crate::sensitive::Sensitive;
use std::fmt;
use thiserror::Error;
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
    /// 外国人永久居留身份证
    ForeignPermanentResident,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Validity {
    Until(Date),
    /// 长期
    LongTerm,
}

#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum IdNumberError {
    #[error("an ID number has 18 characters, this one has {0}")]
    Length(usize),
    #[error("an ID number is 17 digits and a check character (0-9 or X)")]
    Characters,
    #[error("the birth date inside the ID number is not a date")]
    BirthDate,
    #[error("the check character does not match (mistyped or misread)")]
    CheckDigit,
}

/// An 18-character citizen ID number whose check character (ISO 7064 MOD 11-2) is right.
#[derive(Clone, PartialEq, Eq, Zeroize)]
pub struct IdNumber(String);

impl IdNumber {
    const WEIGHTS: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
    const CHECK: [char; 11] = ['1', '0', 'X', '9', '8', '7', '6', '5', '4', '3', '2'];

    pub fn parse(s: &str) -> Result<Self, IdNumberError> {
        let s = s.trim().to_ascii_uppercase();
        let chars: Vec<char> = s.chars().collect();
        if chars.len() != 18 {
            return Err(IdNumberError::Length(chars.len()));
        }
        let mut sum = 0;
        for (c, w) in chars[..17].iter().zip(Self::WEIGHTS) {
            sum += c.to_digit(10).ok_or(IdNumberError::Characters)? * w;
        }
        if !(chars[17].is_ascii_digit() || chars[17] == 'X') {
            return Err(IdNumberError::Characters);
        }
        Date::parse_yyyymmdd(&s[6..14]).ok_or(IdNumberError::BirthDate)?;
        if Self::CHECK[(sum % 11) as usize] != chars[17] {
            return Err(IdNumberError::CheckDigit);
        }
        Ok(Self(s))
    }

    /// The check character for the first 17 digits; used by simulators and tests to make valid numbers.
    pub fn check_char(first17: &str) -> Option<char> {
        let digits: Option<Vec<u32>> = first17.chars().map(|c| c.to_digit(10)).collect();
        let digits = digits.filter(|d| d.len() == 17)?;
        let sum: u32 = digits.iter().zip(Self::WEIGHTS).map(|(d, w)| d * w).sum();
        Some(Self::CHECK[(sum % 11) as usize])
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn birth_date(&self) -> Option<Date> {
        Date::parse_yyyymmdd(&self.0[6..14])
    }
}

impl fmt::Debug for IdNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("IdNumber(‹redacted›)")
    }
}

/// Fields of a 港澳台居民居住证 that a resident ID card does not have.
#[derive(Debug, Clone)]
pub struct PermitDetails {
    /// 通行证号码
    pub pass_number: Sensitive<String>,
    /// 签发次数
    pub issue_count: u8,
}

/// The text part of a card. Everything that identifies the person is [`Sensitive`]; the birth date, which is
/// also the middle of the ID number, is left out of `Debug` (logs).
#[derive(Clone)]
pub struct IdCardRecord {
    pub card_type: CardType,
    pub name: Sensitive<String>,
    pub sex: Sex,
    /// Nationality code, 01..56 (01 = 汉), 97, 98; none on a residence permit.
    pub nation: Option<u8>,
    pub birth_date: Date,
    pub address: Sensitive<String>,
    pub id_number: Sensitive<IdNumber>,
    pub authority: String,
    pub valid_from: Date,
    pub valid_to: Validity,
    /// What only a Hong Kong/Macao/Taiwan residence permit carries.
    pub permit: Option<PermitDetails>,
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
    fn check_digit_accepts_good_and_rejects_bad() {
        let first17 = "11010519491231002";
        let c = IdNumber::check_char(first17).unwrap();
        assert_eq!(c, 'X');
        assert!(IdNumber::parse("11010519491231002X").is_ok());
        assert!(IdNumber::parse("11010519491231002x").is_ok());
        assert_eq!(
            IdNumber::parse("110105194912310021"),
            Err(IdNumberError::CheckDigit)
        );
        assert_eq!(
            IdNumber::parse("1101051949123100"),
            Err(IdNumberError::Length(16))
        );
        assert_eq!(
            IdNumber::parse("11010519491331002X"),
            Err(IdNumberError::BirthDate)
        );
        assert_eq!(
            IdNumber::parse("1101051949123100AX"),
            Err(IdNumberError::Characters)
        );
    }

    #[test]
    fn ages_count_whole_years() {
        let birth = Date::new(1952, 3, 15).unwrap();
        assert_eq!(birth.years_until(Date::new(2026, 3, 14).unwrap()), 73);
        assert_eq!(birth.years_until(Date::new(2026, 3, 15).unwrap()), 74);
        assert!(Date::new(2025, 2, 29).is_none());
        assert!(Date::new(2024, 2, 29).is_some());
    }
}
