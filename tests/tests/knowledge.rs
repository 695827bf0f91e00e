//! 杨小通's knowledge base at the hub over HTTP, on SQLite and on PostgreSQL: the shipped bundle served with
//! its version as the ETag and 304 for a terminal that has it; a new version published; both still there after
//! the hub restarts on the same database; unhelpful marks taken once per key, refused with digits in them or
//! for another terminal, and counted per answer version in the operations view with stale answers flagged.

use kiosk::platform::PlatformError;
use kiosk_api::knowledge::UnhelpfulMark;

fn mark(terminal: &str, answer: &str, version: u32, question: &str) -> UnhelpfulMark {
    UnhelpfulMark {
        terminal_id: terminal.into(),
        answer_id: answer.into(),
        answer_version: version,
        question: question.into(),
    }
}

fn status(e: PlatformError) -> u16 {
    match e {
        PlatformError::Refused { status, .. } => status,
        other => panic!("not a refusal: {other:?}"),
    }
}

fn knowledge_at_the_hub(database: Option<String>) {
    let dir = kiosk_tests::scratch("hub-knowledge");
    let rt = tokio::runtime::Runtime::new().expect("runtime");
    let (url, hub) = kiosk_tests::hub_with(&rt, &dir, database.as_deref());
    let terminal = kiosk_tests::enrolled(&rt, &url, &hub, "T1");

    let kb = rt
        .block_on(terminal.knowledge(None))
        .expect("bundle")
        .expect("not a 304");
    assert_eq!(kb.version, 1);
    assert!(kb.answers.iter().any(|a| a.id == "pension-retire"));
    assert_eq!(rt.block_on(terminal.knowledge(Some(1))).expect("304"), None);
    // Not enrolled: refused like every platform call.
    let anonymous = kiosk::platform::Platform::new(&url).expect("client");
    assert_eq!(
        status(rt.block_on(anonymous.knowledge(None)).unwrap_err()),
        401
    );

    // Marks: once per key; digits (an ID number typed into a question) and another terminal's refused.
    let m = mark("T1", "school-migrant", 1, "外地人孩子上学要什么");
    let first = rt.block_on(terminal.unhelpful(&m, "K1")).expect("mark");
    let again = rt.block_on(terminal.unhelpful(&m, "K1")).expect("repeat");
    assert_eq!(first.ticket, again.ticket);
    let digits = mark("T1", "sb-005", 1, "310110195001011234丢了");
    assert_eq!(
        status(rt.block_on(terminal.unhelpful(&digits, "K2")).unwrap_err()),
        422
    );
    let other = mark("T2", "sb-005", 1, "社保卡丢了");
    assert_eq!(
        status(rt.block_on(terminal.unhelpful(&other, "K3")).unwrap_err()),
        403
    );
    // A mark of an older version of the answer is not this version's.
    let old = mark("T1", "sb-005", 0, "社保卡丢了");
    rt.block_on(terminal.unhelpful(&old, "K4"))
        .expect("old mark");

    let s = rt
        .block_on(hub.knowledge_status("2026-12-07"))
        .expect("status");
    let school = s
        .answers
        .iter()
        .find(|a| a.id == "school-migrant")
        .expect("row");
    assert_eq!((school.unhelpful, school.stale), (1, true));
    assert_eq!(school.questions, vec!["外地人孩子上学要什么".to_string()]);
    let card = s.answers.iter().find(|a| a.id == "sb-005").expect("row");
    assert_eq!((card.unhelpful, card.stale), (0, false));

    // A bundle that does not fit the catalogue is refused and says why; nothing is published.
    let mut broken = kb.clone();
    broken.answers[0].item = Some("XX-999".into());
    match rt.block_on(hub.publish_knowledge(broken)) {
        Err(kiosk_hub::knowledge::PublishError::Invalid(why)) => {
            assert!(why.contains("XX-999"), "{why}")
        }
        other => panic!("published: {other:?}"),
    }
    // Version 2 is published; the terminal that had 1 gets it.
    let mut next = kb.clone();
    next.answers.retain(|a| a.id != "school-local");
    assert_eq!(
        rt.block_on(hub.publish_knowledge(next)).expect("publish"),
        2
    );
    let got = rt
        .block_on(terminal.knowledge(Some(1)))
        .expect("bundle")
        .expect("version 2");
    assert_eq!(got.version, 2);
    drop(terminal);
    drop(hub);
    drop(rt);

    // The hub restarts on the same database: version 2 and the marks are still there.
    let rt = tokio::runtime::Runtime::new().expect("runtime");
    let (url, hub) = kiosk_tests::hub_with(&rt, &dir, database.as_deref());
    let terminal = kiosk_tests::enrolled(&rt, &url, &hub, "T1");
    let kb = rt
        .block_on(terminal.knowledge(Some(1)))
        .expect("bundle")
        .expect("not a 304");
    assert_eq!(kb.version, 2);
    assert!(!kb.answers.iter().any(|a| a.id == "school-local"));
    let s = rt
        .block_on(hub.knowledge_status("2026-12-07"))
        .expect("status");
    assert_eq!(s.version, 2);
    assert_eq!(
        s.answers
            .iter()
            .find(|a| a.id == "school-migrant")
            .map(|a| a.unhelpful),
        Some(1)
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn the_knowledge_base_on_sqlite_survives_a_restart() {
    knowledge_at_the_hub(None);
}

#[test]
fn the_knowledge_base_on_postgresql_survives_a_restart() {
    let rt = tokio::runtime::Runtime::new().expect("runtime");
    if let Some(url) = kiosk_tests::postgres_database(&rt, "knowledge") {
        drop(rt);
        knowledge_at_the_hub(Some(url));
    }
}
