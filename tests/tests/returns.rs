//! 精准告知 and 补正 on the simulated terminal, by touch, against the hub over HTTP: the review says what a
//! clerk would send the case back for (a page too dark or off the pad under the real camera pipeline, a value
//! typed over a certificate) with one touch to fix each; a clerk returns a department's case of a bundle
//! with reasons through the console's API, the resident sees it on the home screen at the next identification
//! and corrects just that; the operations figures count the return, per bundle.
//!
//! The correction's touches are printed: BENCHMARKS.md "精准告知 and 补正" has them.

use kiosk::application::{Concern, Step};
use kiosk_drivers::camera::service::PageOnPad;
use kiosk_tests::clerk::ConsoleClerk;
use kiosk_tests::resident::Resident;
use kiosk_tests::*;
use slint::ComponentHandle;

/// Lays the page on the simulated document camera's pad as `how`.
fn lay_page(term: &Terminal, how: PageOnPad) {
    let (_, plug) = term
        .sims
        .cameras
        .iter()
        .find(|(id, _)| id.0 == "document-camera")
        .expect("a simulated document camera");
    plug.set_page(how);
}

fn concerns(k: &kiosk::app::Kiosk) -> Vec<Concern> {
    k.terminal
        .borrow()
        .application()
        .as_ref()
        .map(|a| a.concerns())
        .unwrap_or_default()
}

/// Takes the photo of the material the capture screen is open for, as the pad has it now.
fn take(r: &Resident) {
    r.touch("拍照");
    r.term.until("the straightened page", |k| {
        *k.terminal.borrow().capture() == kiosk::session::CaptureStep::Review
    });
}

/// 陈浩 from his card to the shop's materials, the form as prefilled.
fn to_materials(r: &Resident) {
    r.touch("企业服务");
    r.touch("开店一件事");
    r.until_prefilled();
    r.touch("下一步");
    assert_eq!(step(&r.term.kiosk), Some(Step::Materials));
}

fn sign_to_review(r: &Resident) {
    r.touch("下一步");
    r.touch("我已阅读并承诺");
    r.sign();
    r.touch("下一步");
    assert_eq!(step(&r.term.kiosk), Some(Step::Review));
}

#[test]
fn what_a_clerk_would_return_is_said_before_submission_and_fixed_with_one_touch() {
    let term = Terminal::start(&profile("simulated"), "checks");
    let k = term.kiosk.clone();
    let (r, name, id) = Resident::with_card(&term, 3);
    r.touch("企业服务");
    r.touch("开店一件事");
    r.until_prefilled();
    // The shop's name typed over the one the name reservation holds.
    r.touch("店铺名称");
    r.touch("1");
    r.touch("下一步");
    assert_eq!(step(&k), Some(Step::Materials));
    // The floor plan in poor light: the capture screen says so at once, and offers 重拍 first.
    lay_page(&term, PageOnPad::Dim);
    r.touch("拍照");
    take(&r);
    let capture = k.ui.global::<kiosk_ui::CaptureAdapter>();
    assert!(
        capture.get_result_warning().contains("偏暗"),
        "{}",
        capture.get_result_warning()
    );
    snapshot(&k, "e2e-checks-dark-photo");
    r.touch("使用这张");
    // The sign's design whole and lit.
    lay_page(&term, PageOnPad::Placed);
    r.touch("拍照");
    take(&r);
    assert_eq!(capture.get_result_warning(), "");
    r.touch("使用这张");
    sign_to_review(&r);
    let found = concerns(&k);
    assert!(
        matches!(
            found.as_slice(),
            [Concern::PhotoDark { .. }, Concern::Contradicts { .. }]
        ),
        "{found:?}"
    );
    assert!(!find(&k.ui, "「经营场所平面布局图」的照片偏暗，可能看不清。").is_empty());
    snapshot(&k, "e2e-checks-review");
    // One touch each: the certificate's name back, the photo again (back to the review with it).
    r.touch("改回登记信息");
    r.touch("重拍");
    take(&r);
    r.touch("使用这张");
    assert_eq!(step(&k), Some(Step::Review));
    assert!(concerns(&k).is_empty(), "{:?}", concerns(&k));
    assert!(find(&k.ui, "提交前请看：以下情况工作人员可能会退回补正").is_empty());
    r.touch("提交");
    term.until("the case", |k| step(k) == Some(Step::Done));
    let bundle = term
        .received()
        .bodies
        .into_iter()
        .find(|b| b.item_code == "YJS-KD")
        .expect("the bundle's case");
    let shop = bundle.fields.iter().find(|f| f.id == "shop_name").unwrap();
    assert_eq!(
        shop.value, "杨浦区浩然咖啡店",
        "the name as the certificate has it"
    );
    eprintln!(
        "checks: {} touches from the card to the submission, fixes included",
        r.touches.get()
    );
    r.touch("非常满意");
    assert_wiped(&k, &[&name, &id]);
}

#[test]
fn a_case_returned_with_reasons_is_shown_at_the_next_identification_and_corrected_in_place() {
    let term = Terminal::start(&profile("simulated"), "returns");
    let k = term.kiosk.clone();
    let origin = term.url.trim_end_matches("/api/v1").to_string();
    // 陈浩 opens his café.
    let (r, name, id) = Resident::with_card(&term, 3);
    to_materials(&r);
    r.photograph_all("拍照", "使用这张");
    sign_to_review(&r);
    r.touch("提交");
    term.until("the case", |k| step(k) == Some(Step::Done));
    // He takes his card, rates and goes.
    r.leave_rating("非常满意");
    let received = term.received();
    let signboard = received
        .bodies
        .iter()
        .find(|b| b.item_code == "KD-DZ")
        .expect("the signboard's department case");
    let number = received.cases[&signboard.idempotency_key]
        .case_number
        .clone();

    // The district's clerk returns the signboard's case: the sign's name and its design picture.
    let clerk = term.rt.block_on(ConsoleClerk::sign_in(
        &origin,
        &term.hub,
        "zhang.min",
        "correct horse battery",
    ));
    let decide = |reasons: serde_json::Value| {
        term.rt.block_on(clerk.post_json(
            &format!("/clerk/api/cases/{number}/decision"),
            serde_json::json!({ "decision": "correction", "reasons": reasons }),
        ))
    };
    let reasons = serde_json::json!([
        { "target": "店铺名称", "note": "店招名称须与营业执照一致，请写全称" },
        { "target": "店招设计效果图", "note": "效果图看不清尺寸，请重新拍摄" },
    ]);
    assert_eq!(decide(reasons), 204);
    // 电子材料链: what the clerk returned is not offered again for another case; the floor plan is.
    let platform = enrolled(&term.rt, &term.url, &term.hub, "T-chain");
    let ask = kiosk_api::PrefillRequest {
        item_code: "YJS-KD".into(),
        applicant: kiosk_api::Applicant {
            name: name.clone(),
            id_number: id.clone(),
        },
        sources: Vec::new(),
        materials: vec!["经营场所平面布局图".into(), "店招设计效果图".into()],
    };
    let earlier = term
        .rt
        .block_on(platform.prefill(&ask))
        .expect("prefill")
        .earlier;
    let offered: Vec<&str> = earlier.iter().map(|e| e.material.name.as_str()).collect();
    assert_eq!(offered, ["经营场所平面布局图"]);

    // The next time he identifies, the home screen has the return first, with the clerk's words.
    let (r, _, _) = Resident::with_card(&term, 3);
    term.until("the overview", |k| {
        !k.terminal.borrow().returned().is_empty()
    });
    assert!(!find(&k.ui, "开店一件事（区绿化市容局）需要补正").is_empty());
    snapshot(&k, "e2e-returned-home");
    // In English elder mode the line is there too, and said aloud (privately: it is about his case).
    term.touch("长辈版");
    term.touch("English");
    assert!(!find(&k.ui, "开店一件事（区绿化市容局） needs a correction").is_empty());
    let said = kiosk_ui::present::narration::narrate(&k.terminal.borrow(), &k.ui);
    let line = said
        .parts
        .iter()
        .find(|p| p.text.contains("needs a correction"))
        .expect("the return is spoken");
    assert!(
        line.text.contains("Touch Correct") && line.private,
        "{}",
        line.text
    );
    snapshot(&k, "e2e-returned-home-elder-en");
    term.touch("中文");
    term.touch("长辈版");
    r.touch("开店一件事（区绿化市容局）需要补正");
    assert_eq!(step(&k), Some(Step::Form));
    {
        let t = k.terminal.borrow();
        let a = t.application().as_ref().unwrap();
        let asked: Vec<&str> = a
            .fields_in_use()
            .map(|(_, f)| f.field.id.as_str())
            .collect();
        assert_eq!(asked, ["shop_name"], "only what the clerk named");
    }
    snapshot(&k, "e2e-returned-form");
    r.touch("店铺名称");
    r.touch("1");
    r.touch("下一步");
    assert_eq!(step(&k), Some(Step::Materials));
    r.photograph_all("拍照", "使用这张");
    r.touch("下一步");
    assert_eq!(step(&k), Some(Step::Review), "nothing signed again");
    snapshot(&k, "e2e-returned-review");
    r.touch("提交");
    term.until("the correction", |k| step(k) == Some(Step::Done));
    snapshot(&k, "e2e-returned-done");
    let touches = r.touches.get();
    eprintln!("correction: {touches} touches from the card to the correction's receipt");
    let receipts = term.sims.printer.as_ref().unwrap().printed();
    let last = receipts.last().expect("a receipt").lines.join("\n");
    assert!(
        last.contains("补正回执") && last.contains(&number),
        "{last}"
    );
    r.touch("非常满意");
    assert_wiped(&k, &[&name, &id]);

    // At the hub: the return is answered; the figures count it for the department and the bundle, once.
    let (returned, figures) = term.rt.block_on(async {
        let returned = clerk.get("/clerk/api/figures").await;
        (
            returned.status().as_u16(),
            returned.text().await.unwrap_or_default(),
        )
    });
    assert_eq!(returned, 200);
    let figures: serde_json::Value = serde_json::from_str(&figures).expect("figures JSON");
    let row = |key: &str| {
        figures["rows"]
            .as_array()
            .into_iter()
            .flatten()
            .find(|r| r["grouping"] == "item" && r["key"] == key)
            .map(|r| r["figures"].clone())
            .unwrap_or_default()
    };
    assert_eq!(row("KD-DZ")["returned"], 1);
    assert_eq!(row("YJS-KD")["returned"], 1);
    assert_eq!(row("YJS-KD")["returned_twice"], 0);
    // Corrected already: a correction now, or one of another person's case, is refused for good.
    let platform = enrolled(&term.rt, &term.url, &term.hub, "YP-OTHER");
    let mut late = sample_case("late-correction", "YP-OTHER", &[]);
    late.corrects = Some(number.clone());
    let refused = |c: &kiosk_api::CaseRequest| match term.rt.block_on(platform.deliver(c, &[])) {
        Err(kiosk::platform::PlatformError::Refused { code, .. }) => code,
        other => panic!("{other:?}"),
    };
    assert_eq!(refused(&late), "not-your-case");
    late.applicant = signboard.applicant.clone();
    assert_eq!(refused(&late), "not-returned");
    // Returned again after the correction: a second return, which the rate counts.
    let again = serde_json::json!([{ "target": "店铺名称", "note": "仍与营业执照不一致" }]);
    assert_eq!(decide(again), 204);
    let csv = term.rt.block_on(async {
        clerk
            .get("/clerk/figures.csv")
            .await
            .text()
            .await
            .unwrap_or_default()
    });
    let line = csv
        .lines()
        .find(|l| l.starts_with("item,YJS-KD,"))
        .unwrap_or_default();
    assert!(line.ends_with(",1,1,1.0000"), "{line}\n{csv}");
}

/// The checks in English elder mode: a page partly off the pad is said at once on the capture screen, listed
/// on the review (and said aloud there) with Retake, and one retake clears it.
#[test]
fn the_checks_are_said_in_english_elder_mode_and_fixed_with_one_touch() {
    let term = Terminal::start(&profile("simulated"), "checks-elder-en");
    let k = term.kiosk.clone();
    let (r, name, id) = Resident::with_card(&term, 3);
    r.touch("长辈版");
    r.touch("English");
    r.touch("All services");
    r.touch("Business services");
    r.touch("Opening a shop (one application)");
    r.until_prefilled();
    r.touch("Next");
    assert_eq!(step(&k), Some(Step::Materials));
    lay_page(&term, PageOnPad::OffEdge);
    r.touch("Take photo");
    r.touch("Take photo");
    term.until("the straightened page", |k| {
        *k.terminal.borrow().capture() == kiosk::session::CaptureStep::Review
    });
    let capture = k.ui.global::<kiosk_ui::CaptureAdapter>();
    assert!(
        capture
            .get_result_warning()
            .contains("Part of the page is outside the photo"),
        "{}",
        capture.get_result_warning()
    );
    r.touch("Use this one");
    lay_page(&term, PageOnPad::Placed);
    r.photograph_all("Take photo", "Use this one");
    r.touch("Next");
    r.touch("I have read and agree");
    r.sign();
    r.touch("Next");
    assert_eq!(step(&k), Some(Step::Review));
    assert!(
        matches!(concerns(&k).as_slice(), [Concern::PhotoCutOff { .. }]),
        "{:?}",
        concerns(&k)
    );
    let public: String = said_aloud(&k).concat();
    assert!(
        public.contains("Before you submit: Part of \"经营场所平面布局图\" is outside the photo."),
        "{public}"
    );
    snapshot(&k, "e2e-checks-review-elder-en");
    r.touch("Retake");
    r.touch("Take photo");
    term.until("the straightened page", |k| {
        *k.terminal.borrow().capture() == kiosk::session::CaptureStep::Review
    });
    r.touch("Use this one");
    assert_eq!(step(&k), Some(Step::Review));
    assert!(concerns(&k).is_empty(), "{:?}", concerns(&k));
    r.touch("Submit");
    term.until("the case", |k| step(k) == Some(Step::Done));
    r.touch("Very satisfied");
    assert_wiped(&k, &[&name, &id]);
}
