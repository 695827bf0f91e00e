//! 杨小通's page: typing a question in pinyin, 导办's choices, Back, the unhelpful mark, and the wipe.

use super::applications::item;
use super::*;

fn ask(t: &mut Terminal, i: AskIntent, now: Instant) -> Vec<Effect> {
    t.handle(Input::Intent(Intent::Ask(i)), now)
}

fn key(t: &mut Terminal, k: &str, now: Instant) {
    ask(
        t,
        AskIntent::Key {
            key: k.into(),
            first: None,
        },
        now,
    );
}

#[test]
fn a_question_typed_in_pinyin_is_asked_and_choices_are_taken_back_one_by_one() {
    let now = Instant::now();
    let mut t = terminal(now);
    let fx = ask(&mut t, AskIntent::Open, now);
    assert!(fx.contains(&Effect::SessionStarted { identified: false }));
    assert_eq!(t.screen(), Screen::Ask);
    for k in ["y", "a", "n", "g"] {
        key(&mut t, k, now);
    }
    assert_eq!(t.asking().as_ref().unwrap().composition, "yang");
    ask(
        &mut t,
        AskIntent::Pick {
            text: "养".into(),
            consumed: 4,
        },
        now,
    );
    for k in ["l", "a", "o", "j", "i", "n"] {
        key(&mut t, k, now);
    }
    ask(
        &mut t,
        AskIntent::Pick {
            text: "老金".into(),
            consumed: 6,
        },
        now,
    );
    ask(&mut t, AskIntent::Send, now);
    let a = t.asking().as_ref().unwrap();
    assert_eq!(a.question.as_deref(), Some("养老金"));
    // A choice is taken once per question, at most three in all.
    for (q, v) in [
        ("receiving", "否"),
        ("receiving", "是"),
        ("insured", "职工"),
    ] {
        ask(
            &mut t,
            AskIntent::Choose {
                question: q.into(),
                value: v.into(),
            },
            now,
        );
    }
    let chosen = &t.asking().as_ref().unwrap().chosen;
    assert_eq!(chosen.len(), 2);
    assert_eq!(chosen[0], ("receiving".to_string(), "否".to_string()));
    // Back takes the last choice, then the question, then leaves the page for where it was opened.
    t.handle(Input::Intent(Intent::Back), now);
    assert_eq!(t.asking().as_ref().unwrap().chosen.len(), 1);
    t.handle(Input::Intent(Intent::Back), now);
    t.handle(Input::Intent(Intent::Back), now);
    assert_eq!(t.asking().as_ref().unwrap().question, None);
    assert_eq!(t.screen(), Screen::Ask);
    t.handle(Input::Intent(Intent::Back), now);
    assert_eq!(t.screen(), Screen::Home);
}

#[test]
fn an_unhelpful_mark_leaves_once_without_the_digits_and_the_end_wipes_the_question() {
    let now = Instant::now();
    let mut t = terminal(now);
    ask(&mut t, AskIntent::Open, now);
    ask(
        &mut t,
        AskIntent::Question("我的身份证310110195001011234丢了".into()),
        now,
    );
    let mark = AskIntent::Unhelpful {
        answer: "sb-005".into(),
        version: 1,
    };
    let fx = ask(&mut t, mark.clone(), now);
    let m = effect!(fx, Unhelpful);
    assert_eq!(m.answer_id, "sb-005");
    assert!(
        !m.question.chars().any(|c| c.is_ascii_digit()),
        "{}",
        m.question
    );
    assert!(ask(&mut t, mark, now).is_empty(), "marked twice");
    t.handle(Input::Intent(Intent::Back), now);
    t.handle(Input::Intent(Intent::Back), now);
    t.handle(Input::Intent(Intent::Back), now);
    assert_eq!(t.screen(), Screen::Attract);
    assert_eq!(t.asking(), &None);
}

#[test]
fn an_item_started_from_an_answer_comes_back_to_the_answer() {
    let now = Instant::now();
    let mut t = terminal(now);
    t.handle(Input::Intent(Intent::Start), now);
    ask(&mut t, AskIntent::Open, now);
    ask(&mut t, AskIntent::Question("社保卡丢了".into()), now);
    t.handle(Input::Intent(Intent::OpenItem(item("SB-005"))), now);
    assert_eq!(t.screen(), Screen::Apply);
    // The page opened from the item returns to it.
    ask(&mut t, AskIntent::Open, now);
    assert_eq!(
        t.asking().as_ref().unwrap().question.as_deref(),
        Some("社保卡丢了")
    );
    t.handle(Input::Intent(Intent::Back), now);
    t.handle(Input::Intent(Intent::Back), now);
    assert_eq!(t.screen(), Screen::Apply);
    t.handle(Input::Intent(Intent::Home), now);
    assert_eq!(t.asking(), &None);
}

#[test]
fn a_place_is_printed_on_a_slip_and_the_map_closes_first_on_back() {
    let now = Instant::now();
    let mut t = terminal(now);
    ask(&mut t, AskIntent::Open, now);
    ask(
        &mut t,
        AskIntent::Question("外地人孩子上学要什么".into()),
        now,
    );
    ask(&mut t, AskIntent::Map(true), now);
    assert!(t.asking().as_ref().unwrap().map);
    let slip = PlaceSlip {
        about: "来沪人员随迁子女入学".into(),
        name: "杨浦区教育局招生办公室".into(),
        address: "某路1号".into(),
        hours: "周一至周五".into(),
        minutes: 25,
        remote_window: false,
        geo: "geo:31.27500,121.52000".into(),
    };
    let fx = ask(&mut t, AskIntent::PrintPlace(Box::new(slip.clone())), now);
    let p = effect!(fx, Print);
    let lines = format!("{:?}", p.receipt.as_ref().unwrap().lines);
    assert!(
        lines.contains("某路1号") && lines.contains("25分钟") && lines.contains("geo:31.27500"),
        "{lines}"
    );
    // Not twice while it prints.
    assert!(ask(&mut t, AskIntent::PrintPlace(Box::new(slip)), now).is_empty());
    let key = p.key.clone();
    t.handle(
        Input::Printed {
            key: key.clone(),
            printer: Printer::Receipt,
            result: Ok(()),
        },
        now,
    );
    assert_eq!(
        t.asking().as_ref().unwrap().slip,
        Some((key, crate::application::PrintState::Printed))
    );
    t.handle(Input::Intent(Intent::Back), now);
    let a = t.asking().as_ref().unwrap();
    assert!(
        !a.map && a.question.is_some(),
        "Back leaves the map for the answer"
    );
}
