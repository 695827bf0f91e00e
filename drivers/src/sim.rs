//! Simulator material shared by every device class: the sample residents whose cards the simulated reader holds.
//!
//! Every person here is invented. Resident ID numbers use Yangpu's area code 310110; every number carries a
//! correct check character.

use crate::idcard::{
    CardType, Date, ForeignDetails, IdCardRecord, IdNumber, PermitDetails, Sex, Validity,
};
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

/// The sample cards, freshly built (each call gives new copies, so a session can drop and wipe its own): the
/// resident ID cards, then a Hong Kong residence permit and a foreigner's permanent residence card of each
/// edition.
pub fn sample_cards() -> Vec<SampleCard> {
    let mut cards = resident_cards();
    cards.extend(other_cards());
    cards
}

fn resident_cards() -> Vec<SampleCard> {
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
                    foreign: None,
                    photo_wlt: Sensitive::new(vec![0; 1024]),
                    photo_bmp: None,
                },
            })
        })
        .collect()
}

/// A card of another type than the resident ID card, from a few fields; the rest as on the resident cards.
#[allow(clippy::too_many_arguments)]
fn other(
    label: &'static str,
    card_type: CardType,
    name: &str,
    sex: Sex,
    birth: (u16, u8, u8),
    number: String,
    valid: ((u16, u8, u8), (u16, u8, u8)),
    address: &str,
) -> Option<SampleCard> {
    Some(SampleCard {
        label,
        record: IdCardRecord {
            card_type,
            name: Sensitive::new(name.to_string()),
            sex,
            nation: None,
            birth_date: date(birth),
            address: Sensitive::new(address.to_string()),
            id_number: Sensitive::new(IdNumber::parse(&number).ok()?),
            authority: String::new(),
            valid_from: date(valid.0),
            valid_to: Validity::Until(date(valid.1)),
            permit: None,
            foreign: None,
            photo_wlt: Sensitive::new(vec![0; 1024]),
            photo_bmp: None,
        },
    })
}

fn other_cards() -> Vec<SampleCard> {
    let gb11643 = |first17: &str| {
        IdNumber::check_char(first17)
            .map(|c| format!("{first17}{c}"))
            .unwrap_or_default()
    };
    let mut out = Vec::new();
    if let Some(mut c) = other(
        "香港居民 居住证 36岁 男",
        CardType::HkMacaoTaiwanPermit,
        "陈家明",
        Sex::Male,
        (1990, 4, 18),
        gb11643("81000019900418051"),
        ((2023, 3, 1), (2028, 2, 28)),
        "上海市杨浦区大连路950号1801室",
    ) {
        c.record.authority = "上海市公安局杨浦分局".into();
        c.record.permit = Some(PermitDetails {
            pass_number: Sensitive::new("H60123456".into()),
            issue_count: 1,
        });
        out.push(c);
    }
    let first14 = "USA31008503121";
    let number = IdNumber::icao_check(first14)
        .map(|c| format!("{first14}{c}"))
        .unwrap_or_default();
    if let Some(mut c) = other(
        "外国人 永居证2017版 41岁 男",
        CardType::ForeignPermanentResident2017,
        "史密斯",
        Sex::Male,
        (1985, 3, 12),
        number,
        ((2018, 6, 1), (2028, 5, 31)),
        "",
    ) {
        c.record.authority = "3100".into();
        c.record.foreign = Some(ForeignDetails {
            english_name: Sensitive::new("SMITH, JOHN WILLIAM".into()),
            nationality: "USA".into(),
            edition: "01".into(),
        });
        out.push(c);
    }
    // Known by the English name only: no Chinese name on the card, and one longer than its first part.
    let name = "GARCIA LOPEZ, MARIA DE LOS ANGELES CRISTINA";
    if let Some(mut c) = other(
        "外国人 永居证2023版 34岁 女",
        CardType::ForeignPermanentResident2023,
        name,
        Sex::Female,
        (1992, 7, 5),
        gb11643("93172419920705042"),
        ((2024, 1, 15), (2034, 1, 14)),
        "",
    ) {
        c.record.foreign = Some(ForeignDetails {
            english_name: Sensitive::new(name.into()),
            nationality: "ESP".into(),
            edition: "00".into(),
        });
        out.push(c);
    }
    out
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
        assert_eq!(cards.len(), SAMPLES.len() + 3);
        let today = Date::new(2026, 11, 28).unwrap();
        assert!(cards.iter().any(|c| c.record.age_on(today) >= 65));
        for c in &cards {
            let id = c.record.id_number.expose();
            if !id.is_foreign_2017() {
                assert_eq!(id.birth_date(), Some(c.record.birth_date));
            }
            assert!(!c.label.contains(c.record.name.expose().as_str()));
            // Every sample is what a reader would send: it survives the card text both ways.
            let text = crate::idcard::protocol::encode_text(&c.record);
            let back = crate::idcard::protocol::decode_text(&text, vec![]);
            assert!(back.is_ok(), "{}: {back:?}", c.label);
        }
        assert!(cards.iter().any(|c| c.record.is_expired_on(today)));
    }
}
