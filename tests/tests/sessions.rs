//! Whole sessions on the simulated terminal, by touch: the ID card on the simulated reader (GA 467 over a pty),
//! the reference hub over HTTP on loopback, the simulated receipt printer (ESC/POS over a pty) and A4 printer
//! (IPP), the synthetic document camera. After each session nothing of the resident may be found in the UI
//! tree or the view models. And a soak: many sessions in one process without growth of memory or descriptors.

use kiosk::application::{PrintState, Step, Submission};
use kiosk_drivers::sim::sample_cards;
use kiosk_tests::*;
use slint::{ComponentHandle, Model};

#[test]
fn a_payment_record_is_printed_in_four_touches_and_rated() {
    let term = Terminal::start(&profile("simulated"), "print");
    let k = term.kiosk.clone();
    let card = sample_cards().remove(2);
    let (name, id) = (
        card.record.name.expose().clone(),
        card.record.id_number.expose().as_str().to_string(),
    );
    let t0 = std::time::Instant::now();
    term.insert_card(card.record);
    let read = t0.elapsed();
    // 1: the category, 2: the item, 3: 打印, 4: a star.
    term.touch("社保");
    term.touch("社保缴费记录打印");
    assert_eq!(step(&k), Some(Step::Form));
    assert!(
        !find(&k.ui, "来自身份证").is_empty(),
        "prefill names its source"
    );
    snapshot(&k, "e2e-print-form");
    let t1 = std::time::Instant::now();
    term.touch("打印");
    term.until("the case", |k| step(k) == Some(Step::Done));
    let case = t1.elapsed();
    term.until("the A4 printout", |k| {
        printout(k, true) != Some(PrintState::Printing)
    });
    // What the terminal itself makes the resident wait for (their touches come on top): a figure for the
    // notes, not a pass mark (the simulated A4 printer takes 1.5 s a page, as a slow real one does).
    eprintln!(
        "machine time: card read {:.2} s; 打印 → case {:.2} s; → printed {:.2} s",
        read.as_secs_f64(),
        case.as_secs_f64(),
        t1.elapsed().as_secs_f64()
    );
    assert_eq!(
        k.terminal
            .borrow()
            .application()
            .as_ref()
            .map(|a| a.document.clone()),
        Some(PrintState::Printed)
    );
    let printed = term.sims.a4.as_ref().expect("simulated A4").printed();
    assert_eq!(printed.len(), 1);
    assert!(
        printed[0].pdf.starts_with(b"%PDF"),
        "a PDF went to the printer"
    );
    assert!(!find(&k.ui, "已打印，请从出纸口取走").is_empty());
    assert!(
        !find(&k.ui, "证件号码").is_empty(),
        "what is printed is shown"
    );
    snapshot(&k, "e2e-print-done");
    term.touch("非常满意");
    assert!(
        k.terminal.borrow().resident().is_none(),
        "the session ended"
    );
    term.until("the rating and the figures reach the hub", |_| {
        let r = term.received();
        !r.evaluations.is_empty() && !r.figures.is_empty()
    });
    {
        let r = term.received();
        assert_eq!(r.cases.len(), 1);
        let (req, reply) = (&r.bodies[0], r.cases.values().next().unwrap());
        assert_eq!(req.item_code, "SB-001");
        assert_eq!(req.applicant.as_ref().unwrap().id_number, id);
        assert!(req.application_pdf.is_some());
        assert_eq!(r.evaluations[0].case_number, reply.case_number);
        assert_eq!(r.evaluations[0].level, 5);
        let f = &r.figures[0];
        assert_eq!(f.outcome, kiosk_api::Outcome::Submitted);
        assert_eq!((f.fields_shown, f.prefilled_unchanged), (3, 2));
        assert_eq!(f.rating, Some(5));
        let rendered = format!("{f:?}");
        assert!(!rendered.contains(&name) && !rendered.contains(&id));
    }
    // The devices' health reached the platform for the fleet view, through the outbox.
    term.until("device reports at the hub", |_| {
        !term.received().telemetry.is_empty()
    });
    let reports = term.received().telemetry;
    assert!(
        reports
            .iter()
            .all(|r| r.terminal_id == "sim-0001" && !r.at.is_empty()),
        "{reports:?}"
    );
    assert!(reports.iter().any(|r| r.state == "online"), "{reports:?}");
    assert!(!find(
        &k.ui,
        "感谢使用！请取走身份证和打印的材料。您的信息已清除。"
    )
    .is_empty());
    assert_wiped(&k, &[&name, &id, &id[..10]]);
}

#[test]
fn searching_sbjf_finds_the_item_and_the_prefilled_form_prints() {
    let term = Terminal::start(&profile("rpi4-community"), "sbjf");
    let k = term.kiosk.clone();
    let card = sample_cards().remove(0);
    term.sims.reader.as_ref().unwrap().insert(card.record);
    term.until("the card is read", |k| {
        k.terminal.borrow().resident().is_some()
    });
    // The senior is offered elder mode in a strip; taking it costs one touch, ignoring it none.
    term.touch("使用长辈版");
    assert!(k.terminal.borrow().elder());
    // Elder mode's home shows the common items; search is behind 全部事项.
    term.touch("全部事项");
    term.touch("搜索事项");
    for key in ["s", "b", "j", "f"] {
        term.touch(key);
    }
    term.touch("社保缴费记录打印");
    assert_eq!(step(&k), Some(Step::Form));
    snapshot(&k, "e2e-sbjf-form-portrait-elder");
    term.touch("打印");
    term.until("the printout", |k| {
        printout(k, true) == Some(PrintState::Printed)
    });
    snapshot(&k, "e2e-sbjf-done-portrait-elder");
    term.touch("满意");
    assert!(k.terminal.borrow().resident().is_none());
    assert!(
        !k.terminal.borrow().elder(),
        "elder mode ends with the session"
    );
}

/// Draws a stroke on the signature pad with pointer events, as a finger does.
#[test]
fn an_application_with_a_photo_a_signature_and_a_bad_rating_by_touch() {
    let term = Terminal::start(&profile("simulated"), "apply");
    let k = term.kiosk.clone();
    let card = sample_cards().remove(2);
    let (name, id) = (
        card.record.name.expose().clone(),
        card.record.id_number.expose().as_str().to_string(),
    );
    term.sims.reader.as_ref().unwrap().insert(card.record);
    term.until("the card is read", |k| {
        k.terminal.borrow().resident().is_some()
    });
    term.touch("户籍与居住证");
    term.touch("居住登记");
    term.until("prefill from the platform", |k| {
        !find(&k.ui, "来自一网通办实名信息").is_empty()
    });
    let phone = k.terminal.borrow().application().as_ref().unwrap().fields[3]
        .value
        .expose()
        .clone();
    assert_eq!(phone.len(), 11);
    // The address by pinyin: letters, then the first candidate, twice; then the house number.
    term.touch("在沪居住地址");
    for key in ["y", "a", "n", "g", "p", "u"] {
        term.touch(key);
    }
    let first =
        k.ui.global::<kiosk_ui::ApplicationAdapter>()
            .get_candidates()
            .row_data(0)
            .unwrap();
    assert_eq!(first.as_str(), "杨");
    term.touch("杨");
    term.touch("选第一个");
    for key in ["1", "0", "8"] {
        term.touch(key);
    }
    let address = k.terminal.borrow().application().as_ref().unwrap().fields[2]
        .value
        .expose()
        .clone();
    assert!(
        address.starts_with('杨') && address.ends_with("108"),
        "{address}"
    );
    term.touch("完成");
    term.touch("下一步");
    assert_eq!(step(&k), Some(Step::Materials));
    term.touch("拍照");
    assert_eq!(
        k.terminal.borrow().screen(),
        kiosk::session::Screen::Capture
    );
    term.touch("拍照");
    term.until("the straightened page", |k| {
        *k.terminal.borrow().capture() == kiosk::session::CaptureStep::Review
    });
    term.touch("使用这张");
    assert!(!find(&k.ui, "已拍照").is_empty());
    term.touch("下一步");
    assert_eq!(step(&k), Some(Step::Sign));
    term.touch("我已阅读并承诺");
    draw_signature(&k);
    assert!(k.terminal.borrow().application().as_ref().unwrap().signed());
    snapshot(&k, "e2e-apply-signed");
    term.touch("下一步");
    assert_eq!(step(&k), Some(Step::Review));
    term.touch("提交");
    term.until("the case", |k| step(k) == Some(Step::Done));
    term.until("the receipt", |k| {
        printout(k, false) != Some(PrintState::Printing)
    });
    let case = match &k
        .terminal
        .borrow()
        .application()
        .as_ref()
        .unwrap()
        .submission
    {
        Submission::Accepted(r) => r.case_number.clone(),
        other => panic!("{other:?}"),
    };
    let receipts = term.sims.printer.as_ref().unwrap().printed();
    assert_eq!(receipts.len(), 1);
    assert!(
        receipts[0].lines.iter().any(|l| l.contains(&case)),
        "the receipt carries the case number: {:?}",
        receipts[0].lines
    );
    assert_eq!(
        receipts[0].qr_codes.len(),
        1,
        "a QR code to follow the case"
    );
    snapshot(&k, "e2e-apply-done");
    term.touch("不满意");
    term.touch("操作太复杂");
    // A few words too, with the same keyboard.
    term.touch("补充说明（可选）");
    for key in ["m", "a", "n"] {
        term.touch(key);
    }
    term.touch("选第一个");
    snapshot(&k, "e2e-apply-rating-comment");
    term.touch("完成");
    term.touch("提交评价");
    term.until("the rating", |_| !term.received().evaluations.is_empty());
    {
        let r = term.received();
        let req = &r.bodies[0];
        assert_eq!(req.materials.len(), 1);
        let photo = term
            .hub
            .material_path(&req.materials[0].sha256)
            .expect("the photo at the hub");
        let bytes = std::fs::read(&photo).expect("read the photo");
        assert!(bytes.starts_with(&[0xFF, 0xD8]), "a JPEG");
        assert_eq!(kiosk_api::sha256_hex(&bytes), req.materials[0].sha256);
        let pdf = term
            .hub
            .material_path(&req.application_pdf.as_ref().expect("the form").sha256)
            .expect("the application PDF at the hub");
        assert!(std::fs::read(pdf).expect("read").starts_with(b"%PDF"));
        let e = &r.evaluations[0];
        assert!(e.follow_up && e.level == 2);
        assert_eq!(e.reasons, ["操作太复杂"]);
        let comment = e.comment.as_deref().unwrap_or_default();
        assert_eq!(
            comment.chars().count(),
            1,
            "one character typed by pinyin: {comment:?}"
        );
    }
    assert_wiped(&k, &[&name, &id, &phone, &address]);
}

#[test]
fn a_platform_that_is_down_is_said_and_one_retry_makes_one_case() {
    let term = Terminal::start(&profile("simulated"), "down");
    let k = term.kiosk.clone();
    let card = sample_cards().remove(2);
    term.sims.reader.as_ref().unwrap().insert(card.record);
    term.until("the card is read", |k| {
        k.terminal.borrow().resident().is_some()
    });
    term.hub.set_available(false);
    term.touch("社保");
    term.touch("社保缴费记录打印");
    term.touch("打印");
    term.until("the refusal", |k| {
        k.terminal
            .borrow()
            .application()
            .as_ref()
            .is_some_and(|a| matches!(a.submission, Submission::Failed(_)))
    });
    assert!(!find(&k.ui, "没有提交成功").is_empty());
    assert!(term.received().cases.is_empty());
    term.hub.set_available(true);
    term.touch("重新提交");
    term.until("the case", |k| step(k) == Some(Step::Done));
    assert_eq!(term.received().cases.len(), 1);
}

#[test]
fn an_application_the_platform_cannot_take_now_is_kept_numbered_and_delivered_later() {
    let term = Terminal::start(&profile("simulated"), "queued");
    let k = term.kiosk.clone();
    let card = sample_cards().remove(2);
    term.sims.reader.as_ref().unwrap().insert(card.record);
    term.until("the card is read", |k| {
        k.terminal.borrow().resident().is_some()
    });
    term.hub.set_available(false);
    term.touch("医保");
    term.touch("医保卡挂失补办");
    term.touch("下一步");
    assert_eq!(step(&k), Some(Step::Review));
    term.touch("提交");
    term.until("the case is kept", |k| step(k) == Some(Step::Done));
    let provisional = match &k
        .terminal
        .borrow()
        .application()
        .as_ref()
        .unwrap()
        .submission
    {
        Submission::Queued { provisional } => provisional.clone(),
        other => panic!("{other:?}"),
    };
    assert!(!find(&k.ui, &format!("暂存编号：{provisional}")).is_empty());
    term.until("the receipt", |k| {
        printout(k, false) != Some(PrintState::Printing)
    });
    let receipts = term.sims.printer.as_ref().unwrap().printed();
    assert!(receipts[0].lines.iter().any(|l| l.contains(&provisional)));
    snapshot(&k, "e2e-queued-done");
    assert!(
        term.received().cases.is_empty(),
        "nothing reached the platform"
    );
    term.touch("非常满意");
    // The platform comes back: the outbox delivers the case once, then the rating under the case's number.
    term.hub.set_available(true);
    term.until("delivery", |_| {
        let r = term.received();
        r.cases.len() == 1 && r.evaluations.len() == 1
    });
    let r = term.received();
    let case = r.cases.values().next().unwrap();
    assert_eq!(r.evaluations[0].case_number, case.case_number);
    assert_ne!(case.case_number, provisional);
}

#[test]
fn a_suishenma_identifies_through_the_platform() {
    let term = Terminal::start(&profile("simulated"), "ssm");
    let k = term.kiosk.clone();
    term.touch("轻触屏幕开始");
    // A real-name item (a 随申码 is enough; an item that needs the card itself would ask for it).
    term.touch("社保");
    term.touch("社保缴费记录打印");
    assert_eq!(step(&k), Some(Step::Identify));
    term.sims
        .scanner
        .as_ref()
        .expect("simulated scanner")
        .show(&(kiosk_hub::platform::DEMO_CODE_PREFIX.to_string() + "7Q2W9E4R1T"));
    term.until("the platform's answer", |k| step(k) == Some(Step::Form));
    assert!(k.terminal.borrow().resident().is_some());
}

#[test]
fn a_foreigner_with_the_2017_card_files_with_the_card_named_on_the_case() {
    let term = Terminal::start(&profile("simulated"), "foreign");
    let k = term.kiosk.clone();
    let card = sample_cards()
        .into_iter()
        .find(|c| c.record.card_type == kiosk_drivers::CardType::ForeignPermanentResident2017)
        .expect("a 2017 foreigner's sample card");
    let (name, id) = (
        card.record.name.expose().clone(),
        card.record.id_number.expose().as_str().to_string(),
    );
    assert_eq!(id.len(), 15);
    term.insert_card(card.record);
    term.touch("社保");
    term.touch("社保缴费记录打印");
    assert_eq!(step(&k), Some(Step::Form));
    assert!(
        !find(&k.ui, "来自永居证").is_empty(),
        "the source is the card read"
    );
    assert!(!find(&k.ui, "外国人永久居留身份证").is_empty());
    snapshot(&k, "e2e-foreigner-form");
    term.touch("打印");
    term.until("the case", |k| step(k) == Some(Step::Done));
    term.touch("非常满意");
    term.until("the case at the hub", |_| !term.received().cases.is_empty());
    let r = term.received();
    let req = &r.bodies[0];
    assert_eq!(req.applicant.as_ref().unwrap().id_number, id);
    let field = |id: &str| {
        req.fields
            .iter()
            .find(|f| f.id == id)
            .map(|f| f.value.clone())
    };
    assert_eq!(
        field("card_card_type").as_deref(),
        Some("外国人永久居留身份证")
    );
    assert_eq!(field("card_nationality").as_deref(), Some("USA"));
    assert_eq!(
        field("card_english_name").as_deref(),
        Some("SMITH, JOHN WILLIAM")
    );
    assert_wiped(&k, &[&name, &id, "SMITH"]);
}
