//! What the terminal keeps of a 社会保障卡 after reading its basic data: who holds it and whether it is still
//! valid. The birthplace and the issuer's codes are on the card too; nothing here needs them, so they are not
//! kept.

use crate::idcard::{Date, IdNumber, Sex};
use crate::sensitive::Sensitive;

#[derive(Clone)]
pub struct SocialSecurityCard {
    /// 社会保障号码: the holder's citizen ID number (GB 11643), checked.
    pub number: Sensitive<IdNumber>,
    /// 姓名, as the card stores it (GBK).
    pub name: Sensitive<String>,
    pub sex: Sex,
    /// 民族 (GB 3304 code, 01 = 汉), when the card has one.
    pub nation: Option<u8>,
    pub birth_date: Date,
    /// 卡号: the card's own number, printed on its face (not the person's).
    pub card_number: Sensitive<String>,
    /// 规范版本 (`1.00`, `2.00`, `3.00`): the card generation.
    pub version: String,
    pub issued: Option<Date>,
    /// 卡有效期; a card without one does not expire.
    pub valid_until: Option<Date>,
}

impl std::fmt::Debug for SocialSecurityCard {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SocialSecurityCard")
            .field("number", &self.number)
            .field("name", &self.name)
            .field("sex", &self.sex)
            .field("nation", &self.nation)
            .field("birth_date", &format_args!("‹redacted›"))
            .field("card_number", &self.card_number)
            .field("version", &self.version)
            .field("issued", &self.issued)
            .field("valid_until", &self.valid_until)
            .finish()
    }
}

impl SocialSecurityCard {
    pub fn age_on(&self, today: Date) -> u16 {
        self.birth_date.years_until(today)
    }

    pub fn is_expired_on(&self, today: Date) -> bool {
        self.valid_until.is_some_and(|d| d < today)
    }
}
