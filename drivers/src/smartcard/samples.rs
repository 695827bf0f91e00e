//! The 社保卡s the device simulator can insert: the sample residents' own cards, one answering like a T=0 card, one
//! expired, one that only the issuer's PSAM may read, and a chip card that is no 社保卡.

use super::emulator::Behaviour;
use super::record::SocialSecurityCard;
use crate::idcard::Date;
use crate::sensitive::Sensitive;
use crate::sim::sample_cards;

/// A chip card the simulator can insert, with a label without personal data.
pub struct SampleChipCard {
    pub label: &'static str,
    pub card: SocialSecurityCard,
    pub behaviour: Behaviour,
}

/// Label, index into the sample ID cards, behaviour, card number, valid until.
type ChipCard = (&'static str, usize, Behaviour, &'static str, (u16, u8, u8));

const CHIP_CARDS: [ChipCard; 5] = [
    (
        "社保卡 长者 74岁 男",
        0,
        Behaviour::Direct,
        "C31011031",
        (2035, 12, 31),
    ),
    (
        "社保卡 居民 38岁 女（T=0 卡）",
        2,
        Behaviour::T0,
        "C31011046",
        (2033, 5, 31),
    ),
    (
        "社保卡 长者 81岁 女 已过期",
        1,
        Behaviour::Direct,
        "A31011024",
        (2024, 6, 30),
    ),
    (
        "社保卡 须专用模块读取",
        3,
        Behaviour::Locked,
        "C31011013",
        (2034, 1, 31),
    ),
    (
        "银行卡（不是社保卡）",
        3,
        Behaviour::Foreign,
        "C31011013",
        (2034, 1, 31),
    ),
];

pub fn sample_chip_cards() -> Vec<SampleChipCard> {
    let ids = sample_cards();
    CHIP_CARDS
        .iter()
        .filter_map(|&(label, i, behaviour, number, (y, m, d))| {
            let r = &ids.get(i)?.record;
            let valid_until = Date::new(y, m, d)?;
            Some(SampleChipCard {
                label,
                behaviour,
                card: SocialSecurityCard {
                    number: r.id_number.clone(),
                    name: r.name.clone(),
                    sex: r.sex,
                    nation: r.nation,
                    birth_date: r.birth_date,
                    card_number: Sensitive::new(number.to_string()),
                    version: if behaviour == Behaviour::T0 {
                        "2.00"
                    } else {
                        "3.00"
                    }
                    .into(),
                    issued: Date::new(y - 10, m, 1),
                    valid_until: Some(valid_until),
                },
            })
        })
        .collect()
}
