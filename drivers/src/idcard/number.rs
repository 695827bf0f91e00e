//! The number on a card a GA 467 reader reads, and the check each shape of it carries.
//!
//! Two shapes (layouts in `hardware/protocols/idcard-card-types.md`):
//! - 18 characters, GB 11643: resident ID cards, Hong Kong/Macao/Taiwan residence permits and the 2023
//!   foreigners' permanent residence card. 17 digits, the birth date at 7–14, an ISO 7064 MOD 11-2 check.
//! - 15 characters, the 2017 foreigners' permanent residence card: nationality (3 letters), accepting place
//!   (4 digits), birth date YYMMDD, sequence digit and an ICAO 9303 check digit (weights 7 3 1).

use super::record::Date;
use std::fmt;
use thiserror::Error;
use zeroize::Zeroize;

#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum IdNumberError {
    #[error("an ID number has 18 characters (15 on a foreigner's card of 2017), this one has {0}")]
    Length(usize),
    #[error("an ID number is 17 digits and a check character (0-9 or X)")]
    Characters,
    #[error("a foreigner's card number of 2017 is 3 letters and 12 digits")]
    ForeignCharacters,
    #[error("the birth date inside the ID number is not a date")]
    BirthDate,
    #[error("the check character does not match (mistyped or misread)")]
    CheckDigit,
}

/// A card number whose check character is right: 18 characters of GB 11643, or the 15 of the 2017
/// foreigners' card.
#[derive(Clone, PartialEq, Eq, Zeroize)]
pub struct IdNumber(String);

impl IdNumber {
    const WEIGHTS: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
    const CHECK: [char; 11] = ['1', '0', 'X', '9', '8', '7', '6', '5', '4', '3', '2'];

    pub fn parse(s: &str) -> Result<Self, IdNumberError> {
        let s = s.trim().to_ascii_uppercase();
        match s.chars().count() {
            18 => Self::parse_gb11643(s),
            15 => Self::parse_foreign_2017(s),
            n => Err(IdNumberError::Length(n)),
        }
    }

    fn parse_gb11643(s: String) -> Result<Self, IdNumberError> {
        let chars: Vec<char> = s.chars().collect();
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

    fn parse_foreign_2017(s: String) -> Result<Self, IdNumberError> {
        let b = s.as_bytes();
        // 15 characters that are all ASCII are 15 bytes; anything else fails the shape test below.
        if b.len() != 15
            || !b[..3].iter().all(u8::is_ascii_uppercase)
            || !b[3..].iter().all(u8::is_ascii_digit)
        {
            return Err(IdNumberError::ForeignCharacters);
        }
        // YYMMDD: the century is not in the number; the date must exist in one of the two.
        let (yy, mm, dd) = (&s[7..9], &s[9..11], &s[11..13]);
        let parse = |t: &str| t.parse::<u8>().ok();
        let (Some(y), Some(m), Some(d)) = (parse(yy), parse(mm), parse(dd)) else {
            return Err(IdNumberError::BirthDate);
        };
        let y = u16::from(y);
        if Date::new(1900 + y, m, d).is_none() && Date::new(2000 + y, m, d).is_none() {
            return Err(IdNumberError::BirthDate);
        }
        if Self::icao_check(&s[..14]) != Some(char::from(b[14])) {
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

    /// The ICAO 9303 check digit (weights 7 3 1; digits by value, A = 10 … Z = 35, `<` = 0) of the 2017
    /// foreigners' card number's first 14 characters. Hand-written: eight lines, and no crate of the field does
    /// only this.
    pub fn icao_check(first14: &str) -> Option<char> {
        let mut sum = 0u32;
        for (i, c) in first14.chars().enumerate() {
            let v = match c {
                '0'..='9' | 'A'..='Z' => c.to_digit(36)?,
                '<' => 0,
                _ => return None,
            };
            sum += v * [7, 3, 1][i % 3];
        }
        char::from_digit(sum % 10, 10)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Whether this is the 15-character number of a 2017 foreigners' card.
    pub fn is_foreign_2017(&self) -> bool {
        self.0.len() == 15
    }

    /// The birth date inside the number; `None` for the 2017 foreigners' number, which has no century.
    pub fn birth_date(&self) -> Option<Date> {
        if self.is_foreign_2017() {
            return None;
        }
        Date::parse_yyyymmdd(&self.0[6..14])
    }

    /// The birth date as the number holds it: YYYYMMDD (18 characters) or YYMMDD (15).
    pub(super) fn birth_digits(&self) -> &str {
        if self.is_foreign_2017() {
            &self.0[7..13]
        } else {
            &self.0[6..14]
        }
    }
}

impl fmt::Debug for IdNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("IdNumber(‹redacted›)")
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
    fn the_2017_foreigners_number_has_its_own_check() {
        // ICAO 9303's own worked example: the document number L898902C3 has check digit 6.
        assert_eq!(IdNumber::icao_check("L898902C3"), Some('6'));
        let first14 = "USA31008503121";
        let c = IdNumber::icao_check(first14).unwrap();
        let good = format!("{first14}{c}");
        let n = IdNumber::parse(&good.to_lowercase()).unwrap();
        assert_eq!(n.as_str(), good);
        assert!(n.is_foreign_2017());
        assert_eq!(n.birth_date(), None);
        assert_eq!(n.birth_digits(), "850312");
        let wrong = char::from_digit((c.to_digit(10).unwrap() + 1) % 10, 10).unwrap();
        assert_eq!(
            IdNumber::parse(&format!("{first14}{wrong}")),
            Err(IdNumberError::CheckDigit)
        );
        assert_eq!(
            IdNumber::parse("US131008503121X"),
            Err(IdNumberError::ForeignCharacters)
        );
        assert_eq!(
            IdNumber::parse("USA3100851312X0"),
            Err(IdNumberError::ForeignCharacters)
        );
        let bad_date = "USA31008513121";
        let c = IdNumber::icao_check(bad_date).unwrap();
        assert_eq!(
            IdNumber::parse(&format!("{bad_date}{c}")),
            Err(IdNumberError::BirthDate)
        );
        // Fifteen characters that are not all ASCII are refused, not sliced mid-character.
        assert_eq!(
            IdNumber::parse("美国3100850312123"),
            Err(IdNumberError::ForeignCharacters)
        );
    }
}
