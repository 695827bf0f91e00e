//! 辅助生成格式文本: the texts the terminal writes for the resident from the form and certificates, read and
//! signed on the signing step, never photographed, filed with the case and written again when a value changes.

use super::applications::{item, sign, submitted_request, with_printers};
use super::bundles::shop_prefill;
use super::*;

#[test]
fn the_shops_tenancy_statement_is_written_from_the_card_and_certificates_and_filed_signed() {
    let t0 = Instant::now();
    let mut t = terminal(t0);
    with_printers(&mut t, t0);
    t.device(card(3), t0, today());
    t.intent(Intent::OpenItem(item("YJS-KD")), t0);
    t.prefill_arrived("YJS-KD", Ok(shop_prefill()), t0);
    let statement = material(&t, "经营场所使用情况说明");
    let a = t.application.as_ref().unwrap();
    let name = a.fields[field(&t, "name")].value.expose().clone();
    assert!(!name.is_empty());
    let text = a.written_text(statement).unwrap();
    assert!(
        text.starts_with(&format!("本人{name}（公民身份号码")),
        "{text}"
    );
    assert!(text.contains("位于上海市杨浦区大学路150号底层的房屋作为“杨浦区浩然咖啡店”的经营场所，经营范围为餐饮服务"), "{text}");
    // Nothing to photograph for it, and the check before submission does not ask for it.
    assert!(a.material_held(statement));
    assert!(!a.missing_materials().contains(&statement));
    // A value changed on the form is in the text.
    let shop = field(&t, "shop_name");
    let a = t.application.as_mut().unwrap();
    a.focus(shop);
    a.key("clear", None);
    for c in ["浩", "然", "小", "馆"] {
        a.key(c, None);
    }
    a.unfocus();
    assert!(a.written_text(statement).unwrap().contains("“浩然小馆”"));
    // Through to the submission: signed once, the statement goes with the case (the caller renders it as a
    // signed PDF); the photos and the certificate are as before.
    t.intent(Intent::Next, t0);
    for m in t.application.as_ref().unwrap().missing_materials() {
        super::applications::photograph(&mut t, m, t0);
    }
    t.intent(Intent::Next, t0);
    assert_eq!(t.application.as_ref().unwrap().step, Step::Sign);
    sign(&mut t, t0);
    t.intent(Intent::Next, t0);
    let fx = t.intent(Intent::Next, t0);
    let sub = submitted_request(&fx);
    assert_eq!(sub.written.len(), 1);
    assert_eq!(sub.written[0].name, "经营场所使用情况说明");
    assert!(sub.written[0].text.expose().contains("“浩然小馆”"));
    assert!(
        !format!("{:?}", sub.written).contains(&name),
        "the text is not in a log"
    );
    let yyzz = sub
        .request
        .parts
        .iter()
        .find(|p| p.item_code == "KD-YYZZ")
        .unwrap();
    assert!(yyzz.materials.contains(&"经营场所使用情况说明".to_string()));
    assert_eq!(
        sub.request.materials.len(),
        2,
        "the photos; the caller adds the texts"
    );
}

/// 最低生活保障: the application letter and the income statement are both written from four fields; with
/// the household register held there is nothing to photograph, so the form goes straight to the signing.
#[test]
fn an_application_letter_and_income_statement_need_no_materials_step() {
    let t0 = Instant::now();
    let mut t = terminal(t0);
    with_printers(&mut t, t0);
    t.device(card(0), t0, today());
    t.intent(Intent::OpenItem(item("MZ-005")), t0);
    let (size, income) = (field(&t, "household_size"), field(&t, "monthly_income"));
    let a = t.application.as_mut().unwrap();
    for (f, v) in [(size, "3"), (income, "2100")] {
        a.focus(f);
        for c in v.chars() {
            a.key(&c.to_string(), None);
        }
    }
    a.unfocus();
    assert!(!a.materials_needed());
    let texts = a.written();
    let names: Vec<&str> = texts.iter().map(|w| w.name.as_str()).collect();
    assert_eq!(names, ["最低生活保障申请书", "家庭收入情况说明"]);
    let income = texts[1].text.expose();
    assert!(
        income.contains("家庭共同生活成员3人，家庭月收入合计2100元"),
        "{income}"
    );
    t.intent(Intent::Next, t0);
    assert_eq!(t.application.as_ref().unwrap().step, Step::Sign);
    sign(&mut t, t0);
    t.intent(Intent::Next, t0);
    let fx = t.intent(Intent::Next, t0);
    assert_eq!(submitted_request(&fx).written.len(), 2);
}

/// A clerk who returns a written text has the fields in it asked again, and the text written anew.
#[test]
fn a_returned_written_text_asks_again_for_the_fields_in_it() {
    let t0 = Instant::now();
    let mut t = terminal(t0);
    with_printers(&mut t, t0);
    let returned = kiosk_api::ReturnedCase {
        case_number: "YP-DB-1".into(),
        item_code: "MZ-005".into(),
        item_name: "最低生活保障申请".into(),
        department: String::new(),
        round: 1,
        reasons: vec![kiosk_api::ReturnReason {
            field: None,
            material: Some("家庭收入情况说明".into()),
            note: "月收入应含养老金".into(),
        }],
        fields: [("household_size", "3"), ("monthly_income", "2100")]
            .into_iter()
            .map(|(id, v)| kiosk_api::FieldValue {
                id: id.into(),
                label: id.into(),
                value: v.into(),
            })
            .collect(),
    };
    identified_with_returned(&mut t, 0, vec![returned], t0);
    t.intent(
        Intent::Correct {
            case: 0,
            item: item("MZ-005"),
        },
        t0,
    );
    let a = t.application.as_ref().unwrap();
    let asked: Vec<&str> = a
        .fields_in_use()
        .map(|(_, f)| f.field.id.as_str())
        .collect();
    assert!(
        asked.contains(&"monthly_income") && asked.contains(&"household_size"),
        "{asked:?}"
    );
    let texts: Vec<String> = a.written().into_iter().map(|w| w.name).collect();
    assert_eq!(
        texts,
        ["家庭收入情况说明"],
        "only the text the clerk named goes again"
    );
}
