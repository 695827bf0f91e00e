//! What the card just read gives a form: the fields that ask for it, filled; and on a card other than the
//! resident ID card, the fields that say which document the number is on (a department cannot tell a
//! foreigner's 15-character number or a permit's 81… number from a typo without them).

use super::field::{FieldState, Source};
use crate::model::CardData;
use kiosk_catalog::{Field, FieldType, Prefill};

/// Fills the fields the item takes from the card, then adds the card's own fields the item does not ask for
/// after the ID number (or the name, or at the top), in the card's order.
pub(super) fn prefill(fields: &mut Vec<FieldState>, card: &CardData) {
    let after = fields
        .iter()
        .position(|f| f.field.prefill == Some(Prefill::Card("id_number".into())))
        .or_else(|| {
            fields
                .iter()
                .position(|f| f.field.prefill == Some(Prefill::Card("name".into())))
        })
        .map_or(0, |i| i + 1);
    let missing: Vec<FieldState> = card
        .document
        .iter()
        .filter(|(id, _, _)| {
            !fields
                .iter()
                .any(|f| f.field.prefill == Some(Prefill::Card((*id).into())))
        })
        .map(|(id, label, _)| {
            FieldState::new(Field {
                id: format!("card_{id}"),
                label: (*label).into(),
                kind: FieldType::Text,
                required: true,
                prefill: Some(Prefill::Card((*id).into())),
                choices: Vec::new(),
            })
        })
        .collect();
    fields.splice(after..after, missing);
    for f in fields.iter_mut() {
        let Some(Prefill::Card(which)) = &f.field.prefill else {
            continue;
        };
        // An item's "身份证号码" is the number of whatever card was read.
        if which == "id_number" && !card.document.is_empty() {
            f.field.label = "证件号码".into();
        }
        let v = match which.as_str() {
            "name" => card.name.expose().clone(),
            "id_number" => card.id_number.expose().clone(),
            "sex" => card.sex.clone(),
            "birth" => card.birth.clone(),
            "address" => card.address.expose().clone(),
            other => card
                .document
                .iter()
                .find(|(id, _, _)| *id == other)
                .map(|(_, _, v)| v.expose().clone())
                .unwrap_or_default(),
        };
        if !v.is_empty() {
            f.set_prefill(v, Source::Card);
        }
    }
}

impl super::Application {
    /// The form's 证件类型 as the card gave it; `None` after a resident ID card or a 随申码.
    pub fn card_type(&self) -> Option<&str> {
        self.fields
            .iter()
            .find(|f| f.field.prefill == Some(Prefill::Card("card_type".into())))
            .and_then(|f| f.held.as_ref())
            .map(|(v, _)| v.expose().as_str())
    }
}

/// What a form shows for a sample card: used by the tests here and in the session.
#[cfg(test)]
pub(crate) fn card_of(sample: usize) -> CardData {
    CardData::from_record(&kiosk_drivers::sim::sample_cards()[sample].record)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn item_fields() -> Vec<FieldState> {
        let f = |id: &str, prefill: Option<&str>| {
            FieldState::new(Field {
                id: id.into(),
                label: id.into(),
                kind: FieldType::Text,
                required: true,
                prefill: prefill.map(|p| Prefill::parse(p).unwrap()),
                choices: Vec::new(),
            })
        };
        vec![
            f("applicant", Some("card.name")),
            f("number", Some("card.id_number")),
            f("address", Some("card.address")),
            f("phone", Some("platform.phone")),
        ]
    }

    fn shown(fields: &[FieldState]) -> Vec<(String, String)> {
        fields
            .iter()
            .map(|f| (f.field.label.clone(), f.value.expose().clone()))
            .collect()
    }

    #[test]
    fn a_resident_id_card_adds_nothing() {
        let mut fields = item_fields();
        prefill(&mut fields, &card_of(0));
        assert_eq!(fields.len(), 4);
        assert_eq!(fields[0].value.expose(), "张建国");
        assert_eq!(fields[0].source, Some(Source::Card));
    }

    #[test]
    fn a_foreigners_card_says_what_it_is_after_the_number() {
        let mut fields = item_fields();
        // The 2017 card: 15-character number, a Chinese name, nationality by letters.
        prefill(&mut fields, &card_of(6));
        let s = shown(&fields);
        assert_eq!(s[0], ("applicant".into(), "史密斯".into()));
        assert_eq!(s[1].1.len(), 15);
        assert_eq!(s[1].0, "证件号码");
        assert_eq!(s[2], ("证件类型".into(), "外国人永久居留身份证".into()));
        assert_eq!(s[3], ("英文姓名".into(), "SMITH, JOHN WILLIAM".into()));
        assert_eq!(s[4], ("国籍".into(), "USA".into()));
        // No address on the card: left for the resident or the platform, not filled with nothing.
        assert_eq!(s[5], ("address".into(), String::new()));
        assert_eq!(fields[5].source, None);
        assert!(fields[2..5].iter().all(|f| f.source == Some(Source::Card)));
        // The number on the card passes the form's own check.
        assert_eq!(
            super::super::validate(
                &Field {
                    kind: FieldType::IdNumber,
                    ..fields[1].field.clone()
                },
                &s[1].1
            ),
            None
        );
    }

    #[test]
    fn a_card_with_the_english_name_only_does_not_show_it_twice() {
        let mut fields = item_fields();
        prefill(&mut fields, &card_of(7));
        let s = shown(&fields);
        assert_eq!(s[0].1, "GARCIA LOPEZ, MARIA DE LOS ANGELES CRISTINA");
        assert_eq!(s[2], ("证件类型".into(), "外国人永久居留身份证".into()));
        assert_eq!(s[3], ("国籍".into(), "ESP".into()));
        assert!(!s.iter().any(|(l, _)| l == "英文姓名"));
    }

    #[test]
    fn a_permit_adds_its_pass_number_and_an_item_that_asks_gets_it_once() {
        let mut fields = item_fields();
        fields.push(FieldState::new(Field {
            id: "kind".into(),
            label: "证件类型".into(),
            kind: FieldType::Text,
            required: true,
            prefill: Some(Prefill::parse("card.card_type").unwrap()),
            choices: Vec::new(),
        }));
        prefill(&mut fields, &card_of(5));
        let s = shown(&fields);
        assert_eq!(s[2], ("通行证号码".into(), "H60123456".into()));
        assert_eq!(s.iter().filter(|(l, _)| l == "证件类型").count(), 1);
        assert_eq!(s.last().unwrap().1, "港澳台居民居住证");
    }
}
