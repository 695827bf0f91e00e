//! The application: item → form → materials → sign → review → submit → print → rate.

use super::*;

pub(super) fn item(code: &str) -> Box<kiosk_catalog::Item> {
    let c = kiosk_catalog::Catalog::bundled().unwrap();
    Box::new(c.get(code).unwrap().clone())
}

pub(super) fn with_printers(t: &mut Terminal, now: Instant) {
    t.add_device(
        DeviceId("a4".into()),
        DeviceClass::A4Printer,
        Health::Online,
        now,
    );
    t.add_device(
        DeviceId("receipt".into()),
        DeviceClass::ReceiptPrinter,
        Health::Online,
        now,
    );
}

fn reply(number: &str, document: bool) -> CaseReply {
    CaseReply {
        parts: Vec::new(),
        case_number: number.into(),
        state: if document {
            kiosk_api::CaseState::Done
        } else {
            kiosk_api::CaseState::Accepted
        },
        follow_url: format!("https://x.invalid/{number}"),
        document: document.then(|| kiosk_api::IssuedDocument {
            title: "社保缴费记录".into(),
            issuer: "x".into(),
            rows: vec![("2026年10月".into(), "8000".into())],
            note: None,
        }),
    }
}

pub(super) fn submitted_request(fx: &[Effect]) -> &Submit {
    fx.iter()
        .find_map(|e| match e {
            Effect::Submit(s) => Some(&**s),
            _ => None,
        })
        .expect("a submission")
}

fn step(t: &Terminal) -> Option<Step> {
    t.application.as_ref().map(|a| a.step)
}

#[test]
fn a_payment_record_is_printed_in_three_touches_after_the_card_and_rated_in_a_fourth() {
    let t0 = Instant::now();
    let mut t = terminal(t0);
    t.terminal_id = "YP-0001".into();
    with_printers(&mut t, t0);
    t.device(card(0), t0, today());
    // Touch 1: the item (a search hit or a category's row; the category tile would be one more touch).
    let fx = t.intent(Intent::OpenItem(item("SB-001")), t0);
    assert!(
        fx.is_empty(),
        "only card fields: nothing to ask the platform: {fx:?}"
    );
    assert_eq!((t.screen, step(&t)), (Screen::Apply, Some(Step::Form)));
    let a = t.application.as_ref().unwrap();
    assert_eq!(a.fields[0].value.expose(), "张建国");
    assert_eq!(a.fields[0].source, Some(crate::application::Source::Card));
    assert_eq!(
        a.fields[2].value.expose(),
        "近12个月",
        "the usual choice is preset"
    );
    // Touch 2: 打印. A print item has no review: its form is all there is to check.
    let t1 = t0 + Duration::from_secs(10);
    let fx = t.intent(Intent::Next, t1);
    let sub = submitted_request(&fx);
    assert_eq!(sub.request.item_code, "SB-001");
    assert_eq!(sub.request.applicant.as_ref().unwrap().name, "张建国");
    assert_eq!(step(&t), Some(Step::Submitting));
    let key = sub.request.idempotency_key.clone();
    assert!(key.starts_with("YP-0001-"));
    let fx = t.submitted(&key, Ok(reply("YP1", true)), "2026-11-29 10:00", t1);
    assert_eq!(step(&t), Some(Step::Done));
    let printout = effect!(fx, Print);
    assert!(
        printout.receipt.is_none(),
        "the document is the result: no receipt too"
    );
    assert!(printout.document.is_some());
    t.printed(&key, Printer::A4, Ok(()));
    assert_eq!(
        t.application.as_ref().unwrap().document,
        PrintState::Printed
    );
    // Touch 3: ★5 sends the rating and ends the session.
    let t2 = t0 + Duration::from_secs(20);
    let fx = t.intent(Intent::Rate(5), t2);
    let e = effect!(fx, Evaluate);
    assert_eq!(
        (e.level, e.follow_up, e.case_number.as_str()),
        (5, false, "YP1")
    );
    let f = effect!(fx, Figures);
    assert_eq!(f.outcome, Outcome::Submitted);
    assert_eq!(
        (f.fields_shown, f.fields_prefilled, f.prefilled_unchanged),
        (3, 2, 2)
    );
    assert_eq!(f.rating, Some(5));
    assert_eq!(f.application_s, Some(10.0));
    assert!(fx.contains(&Effect::SessionEnded(EndReason::Finished)));
    assert!(t.application.is_none() && t.resident.is_none());
    assert_eq!(t.notice.map(|n| n.0), Some(Notice::ThankYou));
}

pub(super) fn photograph(t: &mut Terminal, material: usize, now: Instant) {
    t.intent(Intent::Photograph(material), now);
    assert_eq!(t.screen, Screen::Capture);
    assert_eq!(t.intent(Intent::TakePhoto, now), [Effect::TakeStill]);
    t.photo_taken(Ok(photo()), now);
    t.intent(Intent::UsePhoto, now);
    assert_eq!(t.screen, Screen::Apply);
}

pub(super) fn sign(t: &mut Terminal, now: Instant) {
    t.intent(Intent::ToggleCommitmentRead, now);
    for (i, x) in (100..=900).step_by(100).enumerate() {
        t.intent(
            Intent::SignPoint {
                x,
                y: 500 + (i as i32 % 2) * 100,
                new_stroke: i == 0,
            },
            now,
        );
    }
}

#[test]
fn an_application_goes_through_identity_prefill_materials_signature_review_and_submission() {
    let t0 = Instant::now();
    let mut t = terminal(t0);
    with_printers(&mut t, t0);
    // Chosen before identifying: the terminal asks for the card, then opens the form.
    t.intent(Intent::Start, t0);
    assert!(t.intent(Intent::OpenItem(item("HJ-002")), t0).is_empty());
    assert_eq!(step(&t), Some(Step::Identify));
    let fx = t.device(card(2), t0, today());
    let prefill = effect!(fx, FetchPrefill);
    assert_eq!(prefill.sources, ["platform.phone"]);
    assert_eq!(step(&t), Some(Step::Form));
    // Waiting for the platform: 下一步 does nothing yet.
    t.intent(Intent::Next, t0);
    assert_eq!(step(&t), Some(Step::Form));
    let mut values = std::collections::BTreeMap::new();
    values.insert("platform.phone".to_string(), "13912345678".to_string());
    t.prefill_arrived(
        "HJ-002",
        Ok(PrefillReply {
            values,
            ..Default::default()
        }),
        t0,
    );
    let a = t.application.as_ref().unwrap();
    assert_eq!(a.fields[3].value.expose(), "13912345678");
    assert_eq!(
        a.fields[3].source,
        Some(crate::application::Source::Platform)
    );
    // The address is empty and required: the form says so instead of going on.
    t.intent(Intent::Next, t0);
    assert_eq!(step(&t), Some(Step::Form));
    assert_eq!(
        t.application.as_ref().unwrap().fields[2].problem,
        Some(crate::application::Problem::Required)
    );
    // Typed by pinyin: "shanghai" then a candidate, then digits.
    t.intent(Intent::FocusField(2), t0);
    for k in ["s", "h", "a", "n", "g", "h", "a", "i"] {
        t.intent(
            Intent::FieldKey {
                key: k.into(),
                first: None,
            },
            t0,
        );
    }
    assert_eq!(t.application.as_ref().unwrap().composition, "shanghai");
    t.intent(
        Intent::PickCandidate {
            text: "上海".into(),
            consumed: 8,
        },
        t0,
    );
    for k in ["1", "0", "号"] {
        t.intent(
            Intent::FieldKey {
                key: k.into(),
                first: None,
            },
            t0,
        );
    }
    let a = t.application.as_ref().unwrap();
    assert_eq!(a.fields[2].value.expose(), "上海10号");
    assert!(a.composition.is_empty());
    assert!(a.fields[2].problem.is_none(), "fixed as it is typed");
    t.intent(Intent::Next, t0);
    assert_eq!(step(&t), Some(Step::Materials));
    // Nothing photographed yet: no further.
    t.intent(Intent::Next, t0);
    assert_eq!(step(&t), Some(Step::Materials));
    photograph(&mut t, 0, t0);
    assert_eq!(t.application.as_ref().unwrap().attached.len(), 1);
    assert!(
        t.materials.is_empty(),
        "the photo belongs to the application"
    );
    t.intent(Intent::Next, t0);
    assert_eq!(step(&t), Some(Step::Sign));
    // Neither read nor signed: no further; a tap is not a signature.
    t.intent(Intent::Next, t0);
    t.intent(Intent::ToggleCommitmentRead, t0);
    t.intent(
        Intent::SignPoint {
            x: 500,
            y: 500,
            new_stroke: true,
        },
        t0,
    );
    t.intent(Intent::Next, t0);
    assert_eq!(step(&t), Some(Step::Sign));
    t.intent(Intent::ToggleCommitmentRead, t0);
    t.intent(Intent::ClearSignature, t0);
    sign(&mut t, t0);
    t.intent(Intent::Next, t0);
    assert_eq!(step(&t), Some(Step::Review));
    // Back goes one step, forward again.
    t.intent(Intent::Back, t0);
    assert_eq!(step(&t), Some(Step::Sign));
    t.intent(Intent::Next, t0);
    let fx = t.intent(Intent::Next, t0);
    let sub = submitted_request(&fx);
    assert_eq!(sub.request.materials.len(), 1);
    assert_eq!(sub.request.materials[0].name, "住房租赁合同或房产证明");
    // The case names the photo by its hash; the bytes travel beside it.
    assert_eq!(sub.uploads.len(), 1);
    assert_eq!(sub.uploads[0].reference(), sub.request.materials[0]);
    assert!(sub.request.commitment.is_some());
    assert!(!sub.strokes.is_empty());
    let key = sub.request.idempotency_key.clone();
    // The platform is down: nothing is said to be done, and the same case can be sent again.
    let fx = t.submitted(
        &key,
        Err(PlatformError::Unreachable("cannot connect".into())),
        "",
        t0,
    );
    assert!(fx.is_empty());
    assert_eq!(step(&t), Some(Step::Submitting));
    assert!(matches!(
        t.application.as_ref().unwrap().submission,
        Submission::Failed(_)
    ));
    let fx = t.intent(Intent::RetrySubmit, t0);
    assert_eq!(
        submitted_request(&fx).request.idempotency_key,
        key,
        "one case, not two"
    );
    // A stale answer for another key changes nothing.
    t.submitted("other", Ok(reply("X", false)), "", t0);
    assert_eq!(step(&t), Some(Step::Submitting));
    let fx = t.submitted(&key, Ok(reply("YP2", false)), "2026-11-29 10:05", t0);
    assert_eq!(step(&t), Some(Step::Done));
    let Some(Effect::Print(p)) = fx.first() else {
        panic!("{fx:?}")
    };
    let receipt = p.receipt.as_ref().expect("a receipt for an application");
    assert!(receipt
        .lines
        .contains(&kiosk_drivers::printer::protocol::Line::Row(
            "受理编号".into(),
            "YP2".into()
        )));
    assert!(p.document.is_none());
    // The card may leave now: the resident still collects the receipt and rates.
    t.device(DeviceEvent::CardRemoved, t0, today());
    assert_eq!(step(&t), Some(Step::Done));
    // ★2 asks why before it is sent, and is marked for follow-up.
    let fx = t.intent(Intent::Rate(2), t0);
    assert!(fx.is_empty());
    t.intent(Intent::ToggleReason(0), t0);
    t.intent(Intent::ToggleReason(3), t0);
    t.intent(Intent::ToggleReason(0), t0);
    let fx = t.intent(Intent::SendRating, t0);
    let e = effect!(fx, Evaluate);
    assert_eq!((e.level, e.follow_up), (2, true));
    assert_eq!(e.reasons, ["打印或设备故障"]);
    assert!(t.application.is_none());
}

#[test]
fn a_printer_that_cannot_print_is_said_before_the_item_starts() {
    let t0 = Instant::now();
    let mut t = terminal(t0);
    with_printers(&mut t, t0);
    t.device(
        DeviceEvent::Health {
            device: DeviceId("a4".into()),
            health: Health::Down {
                reason: "unplugged".into(),
            },
        },
        t0,
        today(),
    );
    assert!(!t.printer_ready(kiosk_catalog::Kind::Print));
    assert!(t.printer_ready(kiosk_catalog::Kind::Apply));
    t.device(card(0), t0, today());
    t.intent(Intent::OpenItem(item("SB-001")), t0);
    assert!(
        t.intent(Intent::Next, t0).is_empty(),
        "nothing sent to print on a dead printer"
    );
    assert_eq!(step(&t), Some(Step::Form));
    // Out of paper counts too.
    t.device(
        DeviceEvent::Paper {
            device: DeviceId("receipt".into()),
            state: PaperState::Out,
        },
        t0,
        today(),
    );
    assert!(!t.printer_ready(kiosk_catalog::Kind::Apply));
}

#[test]
fn a_printer_failing_after_submission_is_reported_not_hidden() {
    let t0 = Instant::now();
    let mut t = terminal(t0);
    with_printers(&mut t, t0);
    t.device(card(0), t0, today());
    t.intent(Intent::OpenItem(item("SB-001")), t0);
    let fx = t.intent(Intent::Next, t0);
    let key = submitted_request(&fx).request.idempotency_key.clone();
    t.submitted(&key, Ok(reply("YP3", true)), "", t0);
    t.printed(&key, Printer::A4, Err("paper jam".into()));
    assert!(matches!(
        t.application.as_ref().unwrap().document,
        PrintState::Failed(_)
    ));
}

#[test]
fn pulling_the_card_mid_way_ends_the_session_and_drops_the_application() {
    let t0 = Instant::now();
    let mut t = terminal(t0);
    t.device(card(2), t0, today());
    t.intent(Intent::OpenItem(item("HJ-002")), t0);
    t.intent(Intent::FocusField(2), t0);
    t.intent(
        Intent::FieldKey {
            key: "x".into(),
            first: None,
        },
        t0,
    );
    let fx = t.device(DeviceEvent::CardRemoved, t0, today());
    assert!(fx.contains(&Effect::SessionEnded(EndReason::CardRemoved)));
    let f = effect!(fx, Figures);
    assert_eq!(f.outcome, Outcome::Abandoned);
    assert_eq!(f.item_code.as_deref(), Some("HJ-002"));
    assert!(t.application.is_none() && t.resident.is_none());
    assert_eq!(t.screen, Screen::Attract);
}

#[test]
fn when_the_platform_does_not_answer_prefill_the_resident_types_the_fields() {
    let t0 = Instant::now();
    let mut t = terminal(t0);
    t.device(card(2), t0, today());
    t.intent(Intent::OpenItem(item("HJ-002")), t0);
    t.prefill_arrived(
        "HJ-002",
        Err(PlatformError::Unreachable("timed out".into())),
        t0,
    );
    let a = t.application.as_ref().unwrap();
    assert_eq!(a.prefill, PrefillState::Failed);
    assert!(a.fields[3].value.expose().is_empty());
    t.intent(Intent::FocusField(3), t0);
    for k in "1391234567".chars() {
        t.intent(
            Intent::FieldKey {
                key: k.to_string(),
                first: None,
            },
            t0,
        );
    }
    // Letters do not go into a phone number.
    t.intent(
        Intent::FieldKey {
            key: "a".into(),
            first: None,
        },
        t0,
    );
    t.intent(Intent::FocusField(usize::MAX), t0);
    let a = t.application.as_ref().unwrap();
    assert_eq!(a.fields[3].value.expose(), "1391234567");
    assert_eq!(
        a.fields[3].problem,
        Some(crate::application::Problem::Phone)
    );
}

#[test]
fn each_step_has_its_own_timeout_and_waiting_for_the_platform_is_not_inactivity() {
    let t0 = Instant::now();
    let mut t = terminal(t0);
    with_printers(&mut t, t0);
    t.device(card(0), t0, today());
    let base = t.settings.inactivity_timeout;
    assert_eq!(t.step_timeout(), Some(base));
    t.intent(Intent::OpenItem(item("SB-001")), t0);
    assert_eq!(
        t.step_timeout(),
        Some(base * 2),
        "filling a form takes longer"
    );
    // At the base timeout the form has not warned yet.
    t.tick(t0 + base);
    assert!(t.resident.is_some() && t.warning_left.is_none());
    t.intent(Intent::Next, t0 + base);
    assert_eq!(t.step_timeout(), None);
    let fx = t.tick(t0 + base * 10);
    assert!(fx.is_empty() && t.resident.is_some());
}

#[test]
fn could_not_get_it_done_reports_the_item_the_step_and_the_reason() {
    let t0 = Instant::now();
    let mut t = terminal(t0);
    t.terminal_id = "YP-0001".into();
    t.device(card(2), t0, today());
    t.intent(Intent::OpenItem(item("HJ-002")), t0);
    t.intent(Intent::OpenNotDone, t0);
    assert_eq!(t.screen, Screen::NotDone);
    // Nothing is sent without a reason.
    assert!(t.intent(Intent::SendNotDone, t0).is_empty());
    t.intent(Intent::NotDoneReason(1), t0);
    let fx = t.intent(Intent::SendNotDone, t0);
    assert_eq!(
        fx,
        [Effect::ReportNotDone(NotDoneReport {
            terminal_id: "YP-0001".into(),
            item_code: Some("HJ-002".into()),
            step: "form".into(),
            reason: "缺少材料".into(),
            comment: None,
        })]
    );
    assert_eq!(t.screen, Screen::Home);
    t.not_done_answered::<()>(Ok(()), t0);
    assert_eq!(t.notice.map(|n| n.0), Some(Notice::NotDoneSent));
    let fx = t.intent(Intent::Back, t0);
    let f = effect!(fx, Figures);
    assert_eq!(f.outcome, Outcome::NotDone);
}

#[test]
fn help_goes_to_the_platform_with_the_item_and_step() {
    let t0 = Instant::now();
    let mut t = terminal(t0);
    t.device(card(0), t0, today());
    t.intent(Intent::OpenItem(item("SB-001")), t0);
    let fx = t.intent(Intent::CallHelp, t0);
    assert!(fx.contains(&Effect::Help(HelpRequest {
        terminal_id: String::new(),
        item_code: Some("SB-001".into()),
        step: "form".into(),
    })));
    assert_eq!(t.notice.map(|n| n.0), Some(Notice::HelpCalling));
    t.help_answered(
        Ok(HelpReply {
            ticket: "BB1".into(),
            message: String::new(),
        }),
        t0,
    );
    assert_eq!(t.notice.map(|n| n.0), Some(Notice::HelpComing));
    t.help_answered(Err(PlatformError::Unreachable("x".into())), t0);
    assert_eq!(t.notice.map(|n| n.0), Some(Notice::HelpNotConnected));
}

#[test]
fn the_evaluation_pad_rates_a_finished_case_and_nothing_else() {
    let t0 = Instant::now();
    let mut t = terminal(t0);
    with_printers(&mut t, t0);
    t.device(card(0), t0, today());
    let pad = |n| DeviceEvent::PadKey(kiosk_drivers::Rating::new(n).unwrap());
    assert!(
        t.device(pad(4), t0, today()).is_empty(),
        "no case: no rating"
    );
    t.intent(Intent::OpenItem(item("SB-001")), t0);
    let fx = t.intent(Intent::Next, t0);
    let key = submitted_request(&fx).request.idempotency_key.clone();
    t.submitted(&key, Ok(reply("YP4", true)), "", t0);
    let fx = t.device(pad(4), t0, today());
    assert!(fx
        .iter()
        .any(|e| matches!(e, Effect::Evaluate(e) if e.channel == Channel::Pad && e.level == 4)));
}

#[test]
fn a_suishenma_is_checked_by_the_platform_and_identifies_for_real_name_items_only() {
    let t0 = Instant::now();
    let mut t = terminal(t0);
    with_printers(&mut t, t0);
    t.intent(Intent::Start, t0);
    t.intent(Intent::OpenItem(item("SB-001")), t0);
    assert_eq!(step(&t), Some(Step::Identify));
    let fx = t.device(
        DeviceEvent::CodeScanned(ScanPayload::classify("https://ssm.example.invalid/c/AB12")),
        t0,
        today(),
    );
    let [Effect::VerifyCode(r)] = &fx[..] else {
        panic!("{fx:?}")
    };
    assert_eq!(r.code, "https://ssm.example.invalid/c/AB12");
    // Refused: said, and nobody is identified.
    t.identity_verified(
        Err(PlatformError::Refused {
            status: 404,
            code: "unknown-code".into(),
            message: String::new(),
        }),
        t0,
        today(),
    );
    assert_eq!(t.notice.map(|n| n.0), Some(Notice::SuiShenMaRefused));
    assert!(t.resident.is_none());
    let first17 = "31011019500315441";
    let id = format!(
        "{first17}{}",
        kiosk_drivers::IdNumber::check_char(first17).unwrap()
    );
    let reply = IdentityReply {
        applicant: kiosk_api::Applicant {
            name: "王秀英".into(),
            id_number: id.clone(),
        },
        birth_date: "1950-03-15".into(),
        sex: "女".into(),
        address: "上海市杨浦区长阳路1080号".into(),
    };
    t.identity_verified(Ok(reply.clone()), t0, today());
    assert_eq!(t.resident.as_ref().unwrap().age, 76);
    assert!(t.elder_proposal);
    // The print item waited for a real name: it opens, prefilled from what the platform said.
    assert_eq!(step(&t), Some(Step::Form));
    assert_eq!(
        t.application.as_ref().unwrap().fields[0].value.expose(),
        "王秀英"
    );
    // An item that needs the card itself asks for it.
    t.intent(Intent::OpenItem(item("HJ-002")), t0);
    assert_eq!(step(&t), Some(Step::Identify));
    assert_eq!(t.notice.map(|n| n.0), Some(Notice::ItemNeedsCard));
    // Another person's card ends this session and starts theirs.
    let fx = t.device(card(2), t0, today());
    assert!(fx.contains(&Effect::SessionEnded(EndReason::NewCard)));
    assert_eq!(t.resident.as_ref().unwrap().name.expose(), "李娜");
}

#[test]
fn an_item_that_needs_a_face_photo_asks_for_one_with_the_face_camera() {
    let t0 = Instant::now();
    let mut t = terminal(t0);
    with_printers(&mut t, t0);
    t.device(card(0), t0, today());
    t.intent(Intent::OpenItem(item("SB-002")), t0);
    let fx = t.intent(Intent::Next, t0);
    assert!(fx.iter().all(|e| !matches!(e, Effect::Submit(_))));
    // The phone comes from the platform in this item; type it when it does not.
    t.prefill_arrived("SB-002", Err(PlatformError::Unreachable("x".into())), t0);
    t.intent(Intent::FocusField(2), t0);
    for k in "13912345678".chars() {
        t.intent(
            Intent::FieldKey {
                key: k.to_string(),
                first: None,
            },
            t0,
        );
    }
    t.intent(Intent::Next, t0);
    assert_eq!(step(&t), Some(Step::Materials));
    let a = t.application.as_ref().unwrap();
    assert_eq!(a.item.materials[0].name, crate::application::FACE_PHOTO);
    assert_eq!(a.missing_materials(), [0]);
    t.intent(Intent::Photograph(0), t0);
    assert!(t.capture_face(), "the face camera takes this one");
    t.intent(Intent::TakePhoto, t0);
    t.photo_taken(Ok(photo()), t0);
    t.intent(Intent::UsePhoto, t0);
    assert!(!t.capture_face());
    assert!(t
        .application
        .as_ref()
        .unwrap()
        .missing_materials()
        .is_empty());
}

#[test]
fn the_elder_offer_does_not_cost_a_touch() {
    let t0 = Instant::now();
    let mut t = terminal(t0);
    t.device(card(0), t0, today());
    assert!(t.elder_proposal);
    t.intent(Intent::Category("social-insurance".into()), t0);
    assert!(
        !t.elder_proposal && !t.elder,
        "ignored: put away, nothing changed"
    );
}

#[test]
fn a_case_the_platform_cannot_take_now_gets_a_provisional_number_and_then_the_real_one() {
    let t0 = Instant::now();
    let mut t = terminal(t0);
    with_printers(&mut t, t0);
    t.device(card(2), t0, today());
    t.intent(Intent::OpenItem(item("YB-003")), t0);
    t.intent(Intent::Next, t0);
    assert_eq!(step(&t), Some(Step::Review));
    let fx = t.intent(Intent::Next, t0);
    let key = submitted_request(&fx).request.idempotency_key.clone();
    // The caller committed the case to the outbox, then the platform could not be reached.
    let fx = t.queued(&key, "L0000BEEF", "2026-11-29 10:00", t0);
    assert_eq!(step(&t), Some(Step::Done));
    let p = effect!(fx, Print);
    let receipt = p.receipt.as_ref().unwrap();
    use kiosk_drivers::printer::protocol::Line;
    assert!(receipt
        .lines
        .contains(&Line::Row("暂存编号".into(), "L0000BEEF".into())));
    assert!(
        !receipt.lines.iter().any(|l| matches!(l, Line::Qr(_))),
        "no case to follow yet"
    );
    // Delivered later: the real number replaces the provisional one on screen.
    t.case_delivered(&key, reply("YP9", false));
    assert!(matches!(
        &t.application.as_ref().unwrap().submission,
        Submission::Accepted(r) if r.case_number == "YP9"
    ));
    // Rated under the provisional number while it waits.
    let mut t = terminal(t0);
    with_printers(&mut t, t0);
    t.device(card(2), t0, today());
    t.intent(Intent::OpenItem(item("YB-003")), t0);
    t.intent(Intent::Next, t0);
    let fx = t.intent(Intent::Next, t0);
    let key = submitted_request(&fx).request.idempotency_key.clone();
    t.queued(&key, "L1", "", t0);
    let fx = t.intent(Intent::Rate(5), t0);
    assert_eq!(effect!(fx, Evaluate).case_number, "L1");
    let f = effect!(fx, Figures);
    assert_eq!(
        f.outcome,
        Outcome::Submitted,
        "kept on the terminal counts as submitted"
    );
}
