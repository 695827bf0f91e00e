//! 一件事: one form for several departments' items, conditions that pick the parts, certificates instead of
//! materials, and a receipt with every department's case.

use super::applications::{item, photograph, sign, submitted_request, with_printers};
use super::*;
use kiosk_drivers::printer::protocol::Line;

/// 陈浩, who is opening a café: what the platform holds for him.
pub(super) fn shop_prefill() -> PrefillReply {
    let values = [
        ("platform.phone", "13900001111"),
        ("platform.bank_account", "6222 0210 0000 1111 222"),
        ("cert.name_reservation.name", "杨浦区浩然咖啡店"),
        ("cert.name_reservation.industry", "餐饮服务"),
        ("cert.lease.address", "上海市杨浦区大学路150号底层"),
        ("cert.lease.number", "ZL0000000001"),
        ("cert.health_certificate.number", "JK0000000002"),
    ];
    PrefillReply {
        values: values
            .into_iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect(),
        ..Default::default()
    }
}

#[test]
fn a_shop_is_opened_with_one_form_one_signature_and_a_case_per_department() {
    let t0 = Instant::now();
    let mut t = terminal(t0);
    t.terminal_id = "YP-0001".into();
    with_printers(&mut t, t0);
    t.device(card(3), t0, today());
    let fx = t.intent(Intent::OpenItem(item("YJS-KD")), t0);
    let ask = effect!(fx, FetchPrefill);
    // The certificates that stand for materials are asked for with the fields.
    assert!(ask.sources.contains(&"cert.lease.number".to_string()));
    assert!(ask
        .sources
        .contains(&"cert.name_reservation.name".to_string()));
    t.prefill_arrived("YJS-KD", Ok(shop_prefill()), t0);
    let a = t.application.as_ref().unwrap();
    assert_eq!(
        a.fields[field(&t, "shop_name")].value.expose(),
        "杨浦区浩然咖啡店"
    );
    assert_eq!(
        a.fields[field(&t, "business_scope")].value.expose(),
        "餐饮服务",
        "a choice the platform fills is not preset to the first choice first"
    );
    assert_eq!(a.fields[field(&t, "sells_food")].value.expose(), "是");
    // Sells food and has a signboard (the usual answers): all four departments' items.
    assert_eq!(a.case_parts().len(), 4);
    let all = a.fields_in_use().count();
    // "No food" takes the food permit and its two fields away.
    let sells_food = field(&t, "sells_food");
    t.intent(
        Intent::Choose {
            field: sells_food,
            choice: 1,
        },
        t0,
    );
    let a = t.application.as_ref().unwrap();
    let parts: Vec<String> = a.case_parts().into_iter().map(|p| p.item_code).collect();
    assert_eq!(parts, ["KD-YYZZ", "KD-DZ", "KD-SW"]);
    assert_eq!(a.fields_in_use().count(), all - 2);
    assert!(!a.field_in_use(field(&t, "food_kind")));
    // Back to food: the permit's fields come back, and the floor plan is asked for; the lease is the
    // registered one the platform holds, so it is not.
    t.intent(
        Intent::Choose {
            field: sells_food,
            choice: 0,
        },
        t0,
    );
    t.intent(Intent::Next, t0);
    let a = t.application.as_ref().unwrap();
    assert_eq!(a.step, Step::Materials);
    let names = |a: &Application, list: Vec<usize>| -> Vec<String> {
        list.into_iter()
            .map(|i| a.item.materials[i].name.clone())
            .collect()
    };
    assert_eq!(
        names(a, a.missing_materials()),
        ["经营场所平面布局图", "店招设计效果图"]
    );
    let lease = a
        .item
        .materials
        .iter()
        .position(|m| m.name == "经营场所租赁合同")
        .unwrap();
    assert!(a.material_held(lease));
    assert_eq!(a.fetched_number(lease), Some("ZL0000000001"));
    // The lease is not photographed even when asked to.
    t.intent(Intent::Photograph(lease), t0);
    assert_eq!(t.screen, Screen::Apply);
    for m in t.application.as_ref().unwrap().missing_materials() {
        photograph(&mut t, m, t0);
    }
    t.intent(Intent::Next, t0);
    assert_eq!(t.application.as_ref().unwrap().step, Step::Sign);
    sign(&mut t, t0);
    t.intent(Intent::Next, t0);
    let fx = t.intent(Intent::Next, t0);
    let sub = submitted_request(&fx);
    let r = &sub.request;
    assert_eq!(r.item_code, "YJS-KD");
    assert_eq!(r.parts.len(), 4);
    let food = r.parts.iter().find(|p| p.item_code == "KD-SPXK").unwrap();
    assert!(food.fields.contains(&"food_kind".to_string()));
    assert_eq!(food.materials, ["经营场所租赁合同", "经营场所平面布局图"]);
    assert_eq!(r.materials.len(), 2, "two photos, each once");
    assert_eq!(r.certificates.len(), 1);
    assert_eq!(r.certificates[0].number, "ZL0000000001");
    assert_eq!(
        r.commitment.as_deref(),
        item("YJS-KD").commitment.as_deref()
    );
    // The platform answers with a case per department: the receipt lists each with its time limit.
    let key = r.idempotency_key.clone();
    let cases: Vec<kiosk_api::DepartmentCase> = r
        .parts
        .iter()
        .enumerate()
        .map(|(i, p)| kiosk_api::DepartmentCase {
            item_code: p.item_code.clone(),
            item_name: p.item_name.clone(),
            department: p.department.clone(),
            case_number: format!("YP{i}"),
            state: kiosk_api::CaseState::Accepted,
            time_limit: p.time_limit.clone(),
        })
        .collect();
    let reply = CaseReply {
        case_number: "YPB".into(),
        state: kiosk_api::CaseState::Accepted,
        follow_url: "https://x.invalid/YPB".into(),
        document: None,
        parts: cases,
    };
    let fx = t.submitted(&key, Ok(reply), "2026-12-06 10:00", t0);
    let receipt = effect!(fx, Print).receipt.clone().expect("a receipt");
    let rows: Vec<(String, String)> = receipt
        .lines
        .iter()
        .filter_map(|l| match l {
            Line::Row(k, v) => Some((k.clone(), v.clone())),
            _ => None,
        })
        .collect();
    for n in ["YP0", "YP1", "YP2", "YP3"] {
        assert!(
            rows.iter().any(|(k, v)| k == "办件编号" && v == n),
            "{rows:?}"
        );
    }
    assert!(receipt
        .lines
        .contains(&Line::Text("食品经营许可（区市场监管局）".into())));
    assert!(rows
        .iter()
        .any(|(k, v)| k == "免于提交（电子证照）" && v == "经营场所租赁合同"));
    let fx = t.intent(Intent::Rate(5), t0);
    let f = effect!(fx, Figures);
    assert_eq!(f.item_code.as_deref(), Some("YJS-KD"));
    assert!(f.prefill_rate().unwrap() >= 0.7, "{f:?}");
}

#[test]
fn without_the_certificate_the_material_is_photographed_and_a_part_that_does_not_apply_is_not_filed(
) {
    let t0 = Instant::now();
    let mut t = terminal(t0);
    with_printers(&mut t, t0);
    t.device(card(3), t0, today());
    t.intent(Intent::OpenItem(item("YJS-KD")), t0);
    // The platform holds nothing for this resident.
    t.prefill_arrived("YJS-KD", Ok(PrefillReply::default()), t0);
    let a = t.application.as_ref().unwrap();
    assert!(
        a.fields[field(&t, "business_scope")]
            .value
            .expose()
            .is_empty(),
        "a choice left for the platform is the resident's to make when it has nothing"
    );
    let signboard = field(&t, "signboard");
    t.intent(
        Intent::Choose {
            field: signboard,
            choice: 1,
        },
        t0,
    );
    let a = t.application.as_mut().unwrap();
    let missing: Vec<&str> = a
        .missing_materials()
        .into_iter()
        .map(|i| a.item.materials[i].name.as_str())
        .collect();
    assert_eq!(missing, ["经营场所租赁合同", "经营场所平面布局图"]);
    assert!(!a.check_all(), "the empty fields are asked");
    assert!(a.case_parts().iter().all(|p| p.item_code != "KD-DZ"));
}
