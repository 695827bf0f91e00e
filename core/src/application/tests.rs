use super::*;

fn field(kind: FieldType, required: bool) -> Field {
    Field {
        id: "f".into(),
        label: "f".into(),
        kind,
        required,
        prefill: None,
        choices: vec!["甲".into(), "乙".into()],
    }
}

#[test]
fn validation_in_plain_categories() {
    use FieldType::*;
    fn bad(k: FieldType, v: &str) -> Option<Problem> {
        validate(&field(k, true), v)
    }
    assert_eq!(bad(Text, " "), Some(Problem::Required));
    assert_eq!(validate(&field(Text, false), ""), None);
    let first17 = "31011019520315441";
    let check = kiosk_drivers::IdNumber::check_char(first17).unwrap();
    let wrong = if check == '0' { '1' } else { '0' };
    assert_eq!(bad(IdNumber, &format!("{first17}{check}")), None);
    assert_eq!(
        bad(IdNumber, &format!("{first17}{wrong}")),
        Some(Problem::IdNumber)
    );
    assert_eq!(bad(Phone, "13912345678"), None);
    assert_eq!(bad(Phone, "65432100"), None);
    assert_eq!(bad(Phone, "1391234567"), Some(Problem::Phone));
    assert_eq!(bad(Date, "2026-02-28"), None);
    assert_eq!(bad(Date, "2026-02-30"), Some(Problem::Date));
    assert_eq!(bad(Amount, "12.5"), None);
    assert_eq!(bad(Amount, "12."), Some(Problem::Amount));
    assert_eq!(bad(Amount, "1.234"), Some(Problem::Amount));
    assert_eq!(bad(Number, "12a"), Some(Problem::Number));
    assert_eq!(bad(Choice, "乙"), None);
    assert_eq!(bad(Choice, "丙"), Some(Problem::Choice));
    assert_eq!(bad(Text, &"字".repeat(101)), Some(Problem::TooLong));
}

#[test]
fn the_chinese_keyboard_also_types_latin_letters() {
    let item = kiosk_catalog::Catalog::bundled()
        .unwrap()
        .get("HJ-002")
        .unwrap()
        .clone();
    let mut a = Application::new(item, None, "k".into());
    a.focus(2);
    for k in ["h", "a", "o"] {
        a.key(k, None);
    }
    assert_eq!(a.composition, "hao");
    // Switching keeps the letters being composed, then types letters as they are.
    a.key("latin", None);
    a.key("b", None);
    a.key("1", None);
    assert_eq!(a.fields[2].value.expose(), "haoB1");
    a.key("latin", None);
    a.key("x", None);
    assert_eq!(a.composition, "x");
}
