//! Simulator material shared by every device class: the sample residents whose cards the simulated reader holds.
//!
//! Every person here is invented. ID numbers use Yangpu's area code 310110 and carry a correct check character.

use crate::idcard::{CardType, Date, IdCardRecord, IdNumber, Sex, Validity};
use crate::sensitive::Sensitive;

/// A card the simulator can insert, with a label a person picks it by (no personal data in the label).
pub struct SampleCard {
    pub label: &'static str,
    pub record: IdCardRecord,
}

struct Sample {
    label: &'static str,
    name: &'static str,
    sex: Sex,
    birth: (u16, u8, u8),
    seq: &'static str,
    address: &'static str,
    valid_to: Option<(u16, u8, u8)>,
}

const SAMPLES: [Sample; 5] = [
    Sample {
        label: "长者 74岁 男",
        name: "张建国",
        sex: Sex::Male,
        birth: (1952, 3, 15),
        seq: "031",
        address: "上海市杨浦区控江路1500弄12号302室",
        valid_to: None,
    },
    Sample {
        label: "长者 81岁 女",
        name: "王秀英",
        sex: Sex::Female,
        birth: (1945, 9, 2),
        seq: "024",
        address: "上海市杨浦区殷行路800弄5号101室",
        valid_to: None,
    },
    Sample {
        label: "居民 38岁 女",
        name: "李娜",
        sex: Sex::Female,
        birth: (1988, 6, 21),
        seq: "046",
        address: "上海市杨浦区国权路39号1204室",
        valid_to: Some((2036, 7, 1)),
    },
    Sample {
        label: "居民 31岁 男",
        name: "陈浩",
        sex: Sex::Male,
        birth: (1995, 11, 8),
        seq: "013",
        address: "上海市杨浦区长阳路1687号3号楼601室",
        valid_to: Some((2033, 4, 12)),
    },
    Sample {
        label: "青年 25岁 女 证件过期",
        name: "欧阳春晓",
        sex: Sex::Female,
        birth: (2001, 1, 30),
        seq: "068",
        address: "上海市杨浦区政学路77号",
        valid_to: Some((2025, 1, 30)),
    },
];

fn date((y, m, d): (u16, u8, u8)) -> Date {
    // The table above is ours and fixed; an impossible date there would be a typo caught by the tests.
    Date::new(y, m, d).unwrap_or(Date {
        year: 1970,
        month: 1,
        day: 1,
    })
}

/// The sample cards, freshly built (each call gives new copies, so a session can drop and wipe its own).
pub fn sample_cards() -> Vec<SampleCard> {
    SAMPLES
        .iter()
        .filter_map(|s| {
            let birth = date(s.birth);
            let first17 = format!(
                "310110{:04}{:02}{:02}{}",
                birth.year, birth.month, birth.day, s.seq
            );
            let check = IdNumber::check_char(&first17)?;
            let id = IdNumber::parse(&format!("{first17}{check}")).ok()?;
            let valid_to = s
                .valid_to
                .map(|d| Validity::Until(date(d)))
                .unwrap_or(Validity::LongTerm);
            Some(SampleCard {
                label: s.label,
                record: IdCardRecord {
                    card_type: CardType::ResidentId,
                    name: Sensitive::new(s.name.to_string()),
                    sex: s.sex,
                    nation: Some(1),
                    birth_date: birth,
                    address: Sensitive::new(s.address.to_string()),
                    id_number: Sensitive::new(id),
                    authority: "上海市公安局杨浦分局".to_string(),
                    valid_from: Date {
                        year: 2016,
                        month: 5,
                        day: 10,
                    },
                    valid_to,
                    permit: None,
                    photo_wlt: Sensitive::new(vec![0; 1024]),
                    photo_bmp: None,
                },
            })
        })
        .collect()
}

/// How many printouts a simulated printer keeps for whoever looks (tests, the simulator window): a soak of
/// thousands of sessions must not grow without end in its printers.
pub const KEPT_PRINTOUTS: usize = 64;

/// Codes the simulated scanner offers. The 随申码 one is a made-up URL of the shape public kiosk code expects.
pub const SAMPLE_CODES: [(&str, &str); 2] = [
    ("随申码", "https://ssm.example.invalid/c/7Q2W9E4R1T"),
    ("商品条码", "6901234567892"),
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_sample_is_valid_and_one_is_over_65() {
        let cards = sample_cards();
        assert_eq!(cards.len(), SAMPLES.len());
        let today = Date::new(2026, 11, 28).unwrap();
        assert!(cards.iter().any(|c| c.record.age_on(today) >= 65));
        for c in &cards {
            let id = c.record.id_number.expose();
            assert_eq!(id.birth_date(), Some(c.record.birth_date));
            assert!(!c.label.contains(c.record.name.expose().as_str()));
        }
        assert!(cards.iter().any(|c| c.record.is_expired_on(today)));
    }
}
