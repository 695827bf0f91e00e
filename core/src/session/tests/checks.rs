//! 精准告知: before a case is filed the review says what a clerk would send it back for, and one touch fixes
//! each; what cannot be granted cannot be filed.

use super::applications::{item, photograph, sign, with_printers};
use super::bundles::shop_prefill;
use super::*;
use crate::application::Source;
use crate::model::PhotoQuality;

fn concerns(t: &Terminal) -> Vec<Concern> {
    t.application.as_ref().unwrap().concerns()
}

#[test]
fn the_review_says_what_a_clerk_would_return_and_one_touch_fixes_each() {
    let t0 = Instant::now();
    let mut t = terminal(t0);
    with_printers(&mut t, t0);
    t.device(card(3), t0, today());
    t.intent(Intent::OpenItem(item("YJS-KD")), t0);
    t.prefill_arrived("YJS-KD", Ok(shop_prefill()), t0);
    // The shop's name typed over the name reservation's.
    let a = t.application.as_mut().unwrap();
    let name = a
        .fields
        .iter()
        .position(|f| f.field.id == "shop_name")
        .unwrap();
    a.focus(name);
    a.key("1", None);
    assert_eq!(
        concerns(&t).last(),
        Some(&Concern::Contradicts {
            field: name,
            source: Source::Certificate("name_reservation".into()),
        })
    );
    t.intent(Intent::Next, t0);
    // One page too dark, one partly off the pad.
    let missing = t.application.as_ref().unwrap().missing_materials();
    let (dark, cut) = (missing[0], missing[1]);
    for (m, quality) in [
        (
            dark,
            PhotoQuality {
                dark: true,
                cut_off: false,
            },
        ),
        (
            cut,
            PhotoQuality {
                dark: false,
                cut_off: true,
            },
        ),
    ] {
        t.intent(Intent::Photograph(m), t0);
        t.intent(Intent::TakePhoto, t0);
        t.photo_taken(Ok(photo().with_quality(quality)), t0);
        t.intent(Intent::UsePhoto, t0);
    }
    t.intent(Intent::Next, t0);
    sign(&mut t, t0);
    t.intent(Intent::Next, t0);
    assert_eq!(t.application.as_ref().unwrap().step, Step::Review);
    assert_eq!(
        concerns(&t),
        [
            Concern::PhotoDark { material: dark },
            Concern::PhotoCutOff { material: cut },
            Concern::Contradicts {
                field: name,
                source: Source::Certificate("name_reservation".into()),
            },
        ]
    );
    // None of these stops the resident, who may know better; each is one touch away from fixed.
    assert!(t.application.as_ref().unwrap().fileable());
    t.intent(Intent::FixConcern(2), t0);
    let a = t.application.as_ref().unwrap();
    assert_eq!(a.fields[name].value.expose(), "杨浦区浩然咖啡店");
    assert!(a.fields[name].prefilled_unchanged);
    // A photo again: straight back to the review with it.
    t.intent(Intent::FixConcern(0), t0);
    assert_eq!(t.screen, Screen::Capture);
    t.intent(Intent::TakePhoto, t0);
    t.photo_taken(Ok(photo()), t0);
    t.intent(Intent::UsePhoto, t0);
    assert_eq!(t.screen, Screen::Apply);
    assert_eq!(t.application.as_ref().unwrap().step, Step::Review);
    assert_eq!(concerns(&t), [Concern::PhotoCutOff { material: cut }]);
    t.intent(Intent::FixConcern(0), t0);
    photograph_here(&mut t, t0);
    assert!(concerns(&t).is_empty());
    let fx = t.intent(Intent::Next, t0);
    assert!(fx.iter().any(|e| matches!(e, Effect::Submit(_))), "{fx:?}");
}

/// The capture screen is open for the material: take a good photo and use it.
fn photograph_here(t: &mut Terminal, now: Instant) {
    assert_eq!(t.screen, Screen::Capture);
    t.intent(Intent::TakePhoto, now);
    t.photo_taken(Ok(photo()), now);
    t.intent(Intent::UsePhoto, now);
}

/// What the platform holds for the 老年综合津贴's form.
fn bank_account() -> PrefillReply {
    PrefillReply {
        values: [("platform.bank_account".to_string(), "6222 1".to_string())].into(),
        ..Default::default()
    }
}

#[test]
fn an_age_condition_not_met_is_said_at_once_and_nothing_is_filed() {
    let t0 = Instant::now();
    // 陈浩 is 31: 老年综合津贴 is from 65.
    let mut t = terminal(t0);
    with_printers(&mut t, t0);
    t.device(card(3), t0, today());
    t.intent(Intent::OpenItem(item("MZ-002")), t0);
    assert_eq!(
        concerns(&t),
        [Concern::TooYoung {
            min_age: 65,
            age: 31
        }]
    );
    t.prefill_arrived("MZ-002", Ok(bank_account()), t0);
    t.intent(Intent::Next, t0);
    assert_eq!(t.application.as_ref().unwrap().step, Step::Form);
    // 王秀英, 81, goes on.
    let mut t = terminal(t0);
    with_printers(&mut t, t0);
    t.device(card(1), t0, today());
    t.intent(Intent::OpenItem(item("MZ-002")), t0);
    assert!(concerns(&t).is_empty());
    t.prefill_arrived("MZ-002", Ok(bank_account()), t0);
    t.intent(Intent::Next, t0);
    assert_eq!(t.application.as_ref().unwrap().step, Step::Sign);
}

#[test]
fn a_material_left_out_blocks_the_review_and_its_touch_takes_the_photo() {
    let t0 = Instant::now();
    let mut t = terminal(t0);
    with_printers(&mut t, t0);
    t.device(card(3), t0, today());
    t.intent(Intent::OpenItem(item("YJS-KD")), t0);
    t.prefill_arrived("YJS-KD", Ok(shop_prefill()), t0);
    t.intent(Intent::Next, t0);
    for m in t.application.as_ref().unwrap().missing_materials() {
        photograph(&mut t, m, t0);
    }
    t.intent(Intent::Next, t0);
    sign(&mut t, t0);
    t.intent(Intent::Next, t0);
    // A photo lost on the way (the attachment gone): the review does not file without it.
    let a = t.application.as_mut().unwrap();
    let gone = a.attached.remove(0).material;
    assert_eq!(concerns(&t), [Concern::MissingMaterial { material: gone }]);
    let fx = t.intent(Intent::Next, t0);
    assert!(!fx.iter().any(|e| matches!(e, Effect::Submit(_))));
    t.intent(Intent::FixConcern(0), t0);
    photograph_here(&mut t, t0);
    assert!(t.application.as_ref().unwrap().fileable());
}

fn returned_shop_sign() -> kiosk_api::ReturnedCase {
    let filed = [
        ("shop_name", "浩然咖啡"),
        ("sells_food", "是"),
        ("shop_address", "上海市杨浦区大学路150号底层"),
    ];
    kiosk_api::ReturnedCase {
        case_number: "YP-DZ-1".into(),
        item_code: "YJS-KD".into(),
        item_name: "开店一件事".into(),
        department: "区绿化市容局".into(),
        round: 1,
        reasons: vec![
            kiosk_api::ReturnReason {
                field: Some("shop_name".into()),
                material: None,
                note: "店招名称与营业执照名称不一致".into(),
            },
            kiosk_api::ReturnReason {
                field: None,
                material: Some("店招设计效果图".into()),
                note: "效果图不清晰，请重新拍摄".into(),
            },
        ],
        fields: filed
            .into_iter()
            .map(|(id, v)| kiosk_api::FieldValue {
                id: id.into(),
                label: id.into(),
                value: v.into(),
            })
            .collect(),
    }
}

/// A case a clerk sent back shows after identification; its correction asks only what the clerk named, is
/// not signed again, and names the case it corrects.
#[test]
fn a_returned_case_is_corrected_by_just_what_the_clerk_named() {
    let t0 = Instant::now();
    let mut t = terminal(t0);
    with_printers(&mut t, t0);
    identified_with_returned(&mut t, 3, vec![returned_shop_sign()], t0);
    assert_eq!(t.returned().len(), 1);
    // The item must be the case's own.
    t.intent(
        Intent::Correct {
            case: 0,
            item: item("YJS-CS"),
        },
        t0,
    );
    assert!(t.application.is_none());
    let fx = t.intent(
        Intent::Correct {
            case: 0,
            item: item("YJS-KD"),
        },
        t0,
    );
    assert!(!fx.iter().any(|e| matches!(e, Effect::FetchPrefill(_))));
    let a = t.application.as_ref().unwrap();
    let asked: Vec<&str> = a
        .fields_in_use()
        .map(|(_, f)| f.field.id.as_str())
        .collect();
    assert_eq!(asked, ["shop_name"]);
    let name = a.fields_in_use().next().unwrap().0;
    assert_eq!(a.fields[name].value.expose(), "浩然咖啡");
    assert_eq!(a.fields[name].source, Some(Source::Filed));
    let a = t.application.as_mut().unwrap();
    a.focus(name);
    a.key("clear", None);
    a.key("店", None);
    t.intent(Intent::Next, t0);
    let a = t.application.as_ref().unwrap();
    assert_eq!(a.step, Step::Materials);
    let missing: Vec<&str> = a
        .missing_materials()
        .into_iter()
        .map(|i| a.item.materials[i].name.as_str())
        .collect();
    assert_eq!(missing, ["店招设计效果图"]);
    let m = a.missing_materials()[0];
    photograph(&mut t, m, t0);
    t.intent(Intent::Next, t0);
    assert_eq!(
        t.application.as_ref().unwrap().step,
        Step::Review,
        "no signature again"
    );
    let fx = t.intent(Intent::Next, t0);
    let sub = fx
        .iter()
        .find_map(|e| match e {
            Effect::Submit(s) => Some(s.clone()),
            _ => None,
        })
        .expect("submitted");
    let r = &sub.request;
    assert_eq!(r.corrects.as_deref(), Some("YP-DZ-1"));
    assert_eq!(r.item_code, "YJS-KD");
    let ids: Vec<&str> = r.fields.iter().map(|f| f.id.as_str()).collect();
    assert_eq!(ids, ["shop_name"]);
    assert_eq!(r.fields[0].value, "店");
    assert_eq!(r.materials.len(), 1);
    assert!(r.parts.is_empty() && r.certificates.is_empty() && r.commitment.is_none());
    let key = r.idempotency_key.clone();
    t.submitted(
        &key,
        Ok(kiosk_api::CaseReply {
            case_number: "YP-DZ-1".into(),
            state: kiosk_api::CaseState::Accepted,
            follow_url: "https://example/c".into(),
            document: None,
            parts: Vec::new(),
        }),
        "2026-11-28 10:00",
        t0,
    );
    assert!(t.returned().is_empty(), "its line leaves the home screen");
    assert_eq!(t.application.as_ref().unwrap().step, Step::Done);
}
