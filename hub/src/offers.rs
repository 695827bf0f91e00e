//! 免申即享 and 智能推荐 as the reference platform decides them: pure rules over what the record holds (age,
//! certificates, cases filed, benefits confirmed) and today's date. The real platform has its own rules; the
//! terminal only shows what comes back.

use crate::db::{Certificate, Resident};
use chrono::NaiveDate;
use kiosk_api::{Offer, OfferKind};

/// The offer ids the rules give.
pub mod id {
    pub const ELDER_ALLOWANCE: &str = "elder-allowance";
    pub const LONGEVITY: &str = "longevity-allowance";
    pub const PERMIT: &str = "suggest:HJ-001";
}

/// 上海市老年综合津贴, per month by age band (沪府发〔2016〕 standard as raised since): paid without applying.
fn elder_allowance(age: u32) -> Option<u32> {
    match age {
        0..=64 => None,
        65..=69 => Some(75),
        70..=79 => Some(150),
        80..=89 => Some(180),
        90..=99 => Some(350),
        _ => Some(600),
    }
}

/// A residence permit this close to its end is suggested for 签注.
const PERMIT_NOTICE_DAYS: i64 = 90;

/// Events behind the 一件事 bundles: the certificate that says it happened, and the bundle it suggests.
const EVENTS: [(&str, &str, &str, &str); 3] = [
    (
        "birth_certificate",
        "YJS-CS",
        "新生儿出生一件事",
        "Newborn: one application",
    ),
    (
        "name_reservation",
        "YJS-KD",
        "开店一件事",
        "Opening a shop: one application",
    ),
    (
        "death_certificate",
        "YJS-SH",
        "身后一件事",
        "After a death: one application",
    ),
];

/// What the rules find for one resident. `filed`: item codes of the resident's cases; `confirmed`: offer ids
/// the resident confirmed.
pub fn offers(
    resident: &Resident,
    certs: &[Certificate],
    filed: &[String],
    confirmed: &[String],
    today: NaiveDate,
) -> Vec<Offer> {
    let mut out = Vec::new();
    let age = NaiveDate::parse_from_str(&resident.birth_date, "%Y-%m-%d")
        .ok()
        .and_then(|born| today.years_since(born))
        .unwrap_or(0);
    if let Some(amount) = elder_allowance(age) {
        out.push(Offer {
            id: id::ELDER_ALLOWANCE.into(),
            kind: OfferKind::Granted,
            title: format!("老年综合津贴 每月{amount}元"),
            title_en: format!("Senior allowance: {amount} yuan a month"),
            detail: "免申即享：已按月发放至您的社会保障卡银行账户，无需申请。".into(),
            detail_en: "Paid every month to your social security card's bank account; nothing to apply for."
                .into(),
            item_code: None,
        });
    }
    if age >= 80 {
        let done = confirmed.iter().any(|c| c == id::LONGEVITY);
        out.push(Offer {
            id: id::LONGEVITY.into(),
            kind: if done { OfferKind::Granted } else { OfferKind::Confirm },
            title: "高龄津贴".into(),
            title_en: "Allowance for residents over 80".into(),
            detail: if done {
                "已确认领取，次月起按月发放至您的社会保障卡银行账户。".into()
            } else {
                "您已年满80周岁，可领取高龄津贴。点一下即确认领取，无需填表。".into()
            },
            detail_en: if done {
                "Confirmed: paid every month from next month to your social security card's account.".into()
            } else {
                "You are over 80 and may receive it. One touch confirms; there is no form.".into()
            },
            item_code: None,
        });
    }
    let permit_end = certs
        .iter()
        .find(|c| c.kind == "residence_permit")
        .and_then(|c| c.field("valid_until"))
        .and_then(|d| NaiveDate::parse_from_str(d, "%Y-%m-%d").ok());
    if let Some(end) = permit_end {
        let left = (end - today).num_days();
        if (0..=PERMIT_NOTICE_DAYS).contains(&left) && !filed.iter().any(|f| f == "HJ-001") {
            out.push(Offer {
                id: id::PERMIT.into(),
                kind: OfferKind::Suggest,
                title: "居住证签注".into(),
                title_en: "Residence permit renewal".into(),
                detail: format!("您的居住证将于{end}到期（还有{left}天），可在此办理签注。"),
                detail_en: format!(
                    "Your residence permit ends on {end} ({left} days); renew it here."
                ),
                item_code: Some("HJ-001".into()),
            });
        }
    }
    for (kind, code, name, name_en) in EVENTS {
        if certs.iter().any(|c| c.kind == kind) && !filed.iter().any(|f| f == code) {
            out.push(Offer {
                id: format!("suggest:{code}"),
                kind: OfferKind::Suggest,
                title: name.into(),
                title_en: name_en.into(),
                detail: "相关证照已在平台，一张表、一次签名办完各部门事项。".into(),
                detail_en: "The certificates are on the platform: one form, one signature for every department."
                    .into(),
                item_code: Some(code.into()),
            });
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn resident(born: &str) -> Resident {
        let mut r = crate::devdata::residents()[0].clone();
        r.birth_date = born.into();
        r
    }

    fn day(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn allowances_follow_the_age_on_the_day_and_a_confirmation_grants() {
        let today = day("2026-12-07");
        let ids = |o: &[Offer]| -> Vec<(String, OfferKind)> {
            o.iter().map(|o| (o.id.clone(), o.kind)).collect()
        };
        // 64 until tomorrow: nothing yet; 65 today: the allowance, 75 a month.
        assert!(offers(&resident("1961-12-08"), &[], &[], &[], today).is_empty());
        let at65 = offers(&resident("1961-12-07"), &[], &[], &[], today);
        assert_eq!(
            ids(&at65),
            [(id::ELDER_ALLOWANCE.into(), OfferKind::Granted)]
        );
        assert!(at65[0].title.contains("75"), "{}", at65[0].title);
        let at81 = offers(&resident("1945-09-02"), &[], &[], &[], today);
        assert!(at81[0].title.contains("180"), "{}", at81[0].title);
        assert_eq!(at81[1].kind, OfferKind::Confirm);
        let after = offers(
            &resident("1945-09-02"),
            &[],
            &[],
            &[id::LONGEVITY.into()],
            today,
        );
        assert_eq!(after[1].kind, OfferKind::Granted);
    }

    #[test]
    fn a_permit_near_its_end_and_a_recent_event_are_suggested_until_filed() {
        let today = day("2026-12-07");
        let young = resident("1995-11-08");
        let permit = |until: &str| Certificate {
            number: "JZ1".into(),
            id_number: young.id_number.clone(),
            kind: "residence_permit".into(),
            title: "上海市居住证".into(),
            issuer: "x".into(),
            fields: vec![("valid_until".to_string(), until.to_string())],
            issued_on: "2026-01-01".into(),
        };
        let mut reservation = permit("2027-01-01");
        reservation.kind = "name_reservation".into();
        let near = [permit("2027-01-16"), reservation];
        let got = offers(&young, &near, &[], &[], today);
        let codes: Vec<_> = got.iter().filter_map(|o| o.item_code.clone()).collect();
        assert_eq!(codes, ["HJ-001", "YJS-KD"]);
        assert!(got[0].detail.contains("40天"), "{}", got[0].detail);
        let far = offers(&young, &[permit("2029-12-31")], &[], &[], today);
        assert!(far.is_empty());
        let filed = ["HJ-001".to_string(), "YJS-KD".to_string()];
        assert!(offers(&young, &near, &filed, &[], today).is_empty());
    }
}
