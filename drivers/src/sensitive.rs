//! A wrapper for personal data (ID numbers, names, addresses, photos, phone numbers).
//!
//! Its `Debug` and `Display` never show the value, so a `tracing` record or a panic message that formats it
//! leaks nothing; the value is overwritten with zeros when it is dropped, so a session's end leaves no copy
//! behind in the memory this wrapper owned.

use std::fmt;
use zeroize::{Zeroize, ZeroizeOnDrop};

/// Personal data. Read it with [`Sensitive::expose`], only where a person must see it or the platform must
/// receive it.
#[derive(Clone, PartialEq, Eq, Default, Zeroize, ZeroizeOnDrop)]
pub struct Sensitive<T: Zeroize>(T);

impl<T: Zeroize> Sensitive<T> {
    pub fn new(value: T) -> Self {
        Self(value)
    }

    /// The value itself. Every call site is a place where personal data leaves the wrapper: keep them few.
    pub fn expose(&self) -> &T {
        &self.0
    }
}

impl<T: Zeroize> From<T> for Sensitive<T> {
    fn from(value: T) -> Self {
        Self(value)
    }
}

impl<T: Zeroize> fmt::Debug for Sensitive<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Sensitive(‹redacted›)")
    }
}

impl<T: Zeroize> fmt::Display for Sensitive<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("‹redacted›")
    }
}

/// Chinese name masking (姓名脱敏) for screens other people can see: the family name stays, the rest is starred,
/// except the last character of names of three or more characters ("张建国" → "张*国", "李娜" → "李*").
pub fn mask_name(name: &str) -> String {
    let chars: Vec<char> = name.trim().chars().collect();
    match chars.len() {
        0 => String::new(),
        1 => "*".to_string(),
        2 => format!("{}*", chars[0]),
        n => {
            let mut s = String::new();
            s.push(chars[0]);
            s.extend(std::iter::repeat_n('*', n - 2));
            s.push(chars[n - 1]);
            s
        }
    }
}

/// Masks an ID number as technicians see it: the first 6 and the last 4 characters, stars between.
pub fn mask_id_number(id: &str) -> String {
    let chars: Vec<char> = id.chars().collect();
    if chars.len() <= 10 {
        return "*".repeat(chars.len());
    }
    let mut s: String = chars[..6].iter().collect();
    s.extend(std::iter::repeat_n('*', chars.len() - 10));
    s.extend(&chars[chars.len() - 4..]);
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_and_display_hide_the_value() {
        let s = Sensitive::new("310110195203150021".to_string());
        assert!(!format!("{s:?}").contains("3101"));
        assert!(!format!("{s}").contains("3101"));
        assert_eq!(s.expose(), "310110195203150021");
    }

    #[test]
    fn names_are_masked_but_keep_the_family_name() {
        assert_eq!(mask_name("张建国"), "张*国");
        assert_eq!(mask_name("李娜"), "李*");
        assert_eq!(mask_name("欧阳春晓"), "欧**晓");
        assert_eq!(mask_name(""), "");
    }

    #[test]
    fn id_numbers_keep_six_and_four() {
        assert_eq!(mask_id_number("310110195203150021"), "310110********0021");
        assert_eq!(mask_id_number("12345"), "*****");
    }
}
