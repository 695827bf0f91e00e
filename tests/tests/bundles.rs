//! 一件事 on the simulated terminal, by touch, against the hub over HTTP: one form, the certificates the
//! platform holds instead of photos, one signature, a case per department at the hub and on the receipt; in
//! Chinese and in English elder mode; and a platform that dies half-way through a bundle, whose bundle is kept
//! and completed with no department case filed twice.
//!
//! Each run prints its figures (touches, prefill, the machine's own time): BENCHMARKS.md "一件事" has them.

use kiosk::application::{PrintState, Step, Submission};
use kiosk_tests::resident::Resident;
use kiosk_tests::*;
use slint::ComponentHandle;

/// The bundle's case and its department cases at the hub: (bundle request, bundle reply, department
/// requests by part code).
fn at_hub(
    term: &Terminal,
    code: &str,
) -> (
    kiosk_api::CaseRequest,
    kiosk_api::CaseReply,
    Vec<kiosk_api::CaseRequest>,
) {
    let r = term.received();
    let bundle = r
        .bodies
        .iter()
        .find(|b| b.item_code == code)
        .expect("the bundle's case")
        .clone();
    let reply = r.cases[&bundle.idempotency_key].clone();
    let departments: Vec<kiosk_api::CaseRequest> = r
        .bodies
        .iter()
        .filter(|b| {
            b.idempotency_key
                .starts_with(&format!("{}/", bundle.idempotency_key))
        })
        .cloned()
        .collect();
    (bundle, reply, departments)
}

fn figures_line(
    term: &Terminal,
    code: &str,
    touches: u32,
    machine_s: f64,
) -> kiosk_api::SessionFigures {
    term.until("the figures at the hub", |_| {
        term.received()
            .figures
            .iter()
            .any(|f| f.item_code.as_deref() == Some(code))
    });
    let f = term
        .received()
        .figures
        .into_iter()
        .find(|f| f.item_code.as_deref() == Some(code))
        .expect("figures");
    eprintln!(
        "bundle {code}: {touches} touches from the card to the rating; prefill {}/{} = {:.0} %; \
         application {:.1} s and session {:.1} s of the terminal's own time (machine time {machine_s:.1} s)",
        f.prefilled_unchanged,
        f.fields_shown,
        f.prefill_rate().unwrap_or(0.0) * 100.0,
        f.application_s.unwrap_or(0.0),
        f.session_s,
    );
    f
}

#[test]
fn a_shop_is_opened_in_one_sitting_with_a_case_per_department() {
    let term = Terminal::start(&profile("simulated"), "bundle-shop");
    let k = term.kiosk.clone();
    let (r, name, id) = Resident::with_card(&term, 3);
    let t0 = std::time::Instant::now();
    r.touch("企业服务");
    r.touch("开店一件事");
    r.until_prefilled();
    assert!(!find(&k.ui, "来自电子证照（名称自主申报）").is_empty());
    assert!(!find(&k.ui, "来自电子证照（租赁合同备案）").is_empty());
    snapshot(&k, "e2e-bundle-shop-form");
    r.touch("下一步");
    assert_eq!(step(&k), Some(Step::Materials));
    // The registered lease is fetched, not photographed; it says where it came from.
    assert!(!find(&k.ui, "已获取，免于提交").is_empty());
    snapshot(&k, "e2e-bundle-shop-materials");
    // The resident can open it: the certificate service's record, over the list (touches not counted: the
    // resident need not look).
    term.touch("查看");
    let form = || k.ui.global::<kiosk_ui::ApplicationAdapter>();
    term.until("the lease's record", |_| {
        form().get_viewing() && form().get_view_status().is_empty()
    });
    let rows = view_rows(&k);
    assert!(rows.contains("证照编号"), "{rows}");
    assert!(rows.contains("大学路265号"), "{rows}");
    snapshot(&k, "e2e-bundle-shop-certificate-open");
    term.touch("看完了");
    assert!(!form().get_viewing());
    r.photograph_all("拍照", "使用这张");
    r.touch("下一步");
    assert_eq!(step(&k), Some(Step::Sign));
    // The tenancy statement is written from the card and the certificates: read here, signed with the rest.
    let signed =
        k.ui.global::<kiosk_ui::ApplicationAdapter>()
            .get_commitment_text();
    assert!(signed.contains("〔经营场所使用情况说明〕"), "{signed}");
    assert!(
        signed.contains(
            "现使用位于上海市杨浦区大学路265号底层的房屋作为“杨浦区浩然咖啡店”的经营场所"
        ),
        "{signed}"
    );
    snapshot(&k, "e2e-bundle-shop-sign");
    r.touch("我已阅读并承诺");
    r.sign();
    r.touch("下一步");
    assert_eq!(step(&k), Some(Step::Review));
    let models = view_models(&k);
    assert!(
        models.contains("经营场所使用情况说明 已为您写好，随签名提交"),
        "{models}"
    );
    assert!(
        models.contains("分送：区绿化市容局 户外招牌设置 · 5个工作日"),
        "{models}"
    );
    snapshot(&k, "e2e-bundle-shop-review");
    r.touch("提交");
    term.until("the case", |k| step(k) == Some(Step::Done));
    term.until("the receipt", |k| {
        printout(k, false) != Some(PrintState::Printing)
    });
    let machine = t0.elapsed().as_secs_f64();
    snapshot(&k, "e2e-bundle-shop-done");
    let reply = match &k
        .terminal
        .borrow()
        .application()
        .as_ref()
        .unwrap()
        .submission
    {
        Submission::Accepted(r) => r.clone(),
        other => panic!("{other:?}"),
    };
    assert_eq!(reply.parts.len(), 4, "licence, food permit, signboard, tax");
    let receipts = term.sims.printer.as_ref().unwrap().printed();
    let text = receipts[0].lines.join("\n");
    for part in &reply.parts {
        assert!(
            text.contains(&part.case_number),
            "{} on the receipt:\n{text}",
            part.item_name
        );
        let shown = format!("{} · {}", part.case_number, part.time_limit);
        assert!(view_models(&k).contains(&shown), "{shown} on screen");
    }
    r.touch("非常满意");
    let f = figures_line(&term, "YJS-KD", r.touches.get(), machine);
    assert!(r.touches.get() <= 25, "{} touches", r.touches.get());
    assert!(f.prefill_rate().unwrap_or(0.0) >= 0.7, "{f:?}");
    // At the hub: the bundle, and each department's case with only what that department takes.
    let (bundle, hub_reply, departments) = at_hub(&term, "YJS-KD");
    assert_eq!(hub_reply, reply);
    assert_eq!(departments.len(), 4);
    let signboard = departments.iter().find(|d| d.item_code == "KD-DZ").unwrap();
    let ids: Vec<&str> = signboard.fields.iter().map(|f| f.id.as_str()).collect();
    assert_eq!(ids, ["shop_name", "shop_address"]);
    assert_eq!(signboard.materials.len(), 1);
    assert_eq!(signboard.materials[0].name, "店招设计效果图");
    let licence = departments
        .iter()
        .find(|d| d.item_code == "KD-YYZZ")
        .unwrap();
    assert_eq!(
        licence.certificates.len(),
        1,
        "the lease as an e-certificate"
    );
    // The statement goes to the licence's department as a signed PDF, its words those of the form.
    let statement: Vec<&kiosk_api::MaterialRef> = licence.materials.iter().collect();
    assert_eq!(statement.len(), 1);
    assert_eq!(statement[0].name, "经营场所使用情况说明");
    assert_eq!(statement[0].media_type, "application/pdf");
    let pdf = term
        .hub
        .material_path(&statement[0].sha256)
        .expect("the statement at the hub");
    let text = pdf_text(&pdf);
    assert!(text.contains("杨浦区浩然咖啡店"), "{text}");
    assert!(text.contains("申请人签名"), "{text}");
    assert_eq!(
        bundle.materials.len(),
        3,
        "each photo once, and the statement"
    );
    assert_eq!(term.received().cases.len(), 5);
    assert_wiped(&k, &[&name, &id]);
}

#[test]
fn a_birth_is_filed_in_english_elder_mode_and_a_platform_dying_half_way_files_each_case_once() {
    let term = Terminal::start(&profile("simulated"), "bundle-birth");
    let k = term.kiosk.clone();
    let (r, name, id) = Resident::with_card(&term, 2);
    let t0 = std::time::Instant::now();
    r.touch("长辈版");
    r.touch("English");
    r.touch("All services");
    r.touch("Residence and permits");
    r.touch("A baby is born (one application)");
    r.until_prefilled();
    // The list scrolls in elder mode: what it holds is read from its model.
    let models = view_models(&k);
    assert!(
        models.contains("from your e-certificate (birth certificate)"),
        "{models}"
    );
    snapshot(&k, "e2e-bundle-birth-form-elder-en");
    r.touch("Next");
    // Birth certificate, marriage certificate and household register are fetched; the baby's photo is taken.
    snapshot(&k, "e2e-bundle-birth-materials-elder-en");
    r.photograph_all("Take photo", "Use this one");
    r.touch("Next");
    r.touch("I have read and agree");
    r.sign();
    r.touch("Next");
    // The platform dies after the first two department cases.
    term.hub.fail_next_bundle_at(3);
    r.touch("Submit");
    term.until("the case, kept or taken", |k| step(k) == Some(Step::Done));
    // Kept by the outbox (or taken at once if the client retried): delivered, each department once.
    term.until("the bundle at the hub", |k| {
        matches!(
            k.terminal
                .borrow()
                .application()
                .as_ref()
                .map(|a| &a.submission),
            Some(Submission::Accepted(_))
        )
    });
    let machine = t0.elapsed().as_secs_f64();
    snapshot(&k, "e2e-bundle-birth-done-elder-en");
    assert!(
        !term.hub.bundle_fault_pending(),
        "the platform failed half-way"
    );
    let receipts = term.sims.printer.as_ref().unwrap().printed();
    let first = receipts
        .first()
        .map(|r| r.lines.join("\n"))
        .unwrap_or_default();
    eprintln!("the receipt after the platform failed half-way:\n{first}");
    let (_, reply, departments) = at_hub(&term, "YJS-CS");
    assert_eq!(reply.parts.len(), 5);
    assert_eq!(departments.len(), 5);
    assert_eq!(
        term.received().cases.len(),
        6,
        "one bundle, five departments, none twice"
    );
    assert!(!receipts.is_empty());
    r.touch("Very satisfied");
    let f = figures_line(&term, "YJS-CS", r.touches.get(), machine);
    assert!(f.elder_mode);
    assert!(f.prefill_rate().unwrap_or(0.0) >= 0.7, "{f:?}");
    assert!(r.touches.get() <= 25, "{} touches", r.touches.get());
    assert_wiped(&k, &[&name, &id]);
}

/// The rows of what the resident opened, one "label value" per line.
fn view_rows(k: &kiosk::app::Kiosk) -> String {
    use slint::Model;
    k.ui.global::<kiosk_ui::ApplicationAdapter>()
        .get_view_rows()
        .iter()
        .map(|r| format!("{} {}", r.label, r.value))
        .collect::<Vec<_>>()
        .join("\n")
}

/// What elder mode says on the screen shown (the private parts are the headphones').
fn spoken(k: &kiosk::app::Kiosk) -> String {
    kiosk_ui::present::narration::narrate(&k.terminal.borrow(), &k.ui)
        .parts
        .iter()
        .map(|p| p.text.clone())
        .collect::<Vec<_>>()
        .join(" ")
}

fn offers_shown(k: &kiosk::app::Kiosk) -> bool {
    !k.terminal.borrow().offers().is_empty()
}

#[test]
fn benefits_without_applying_are_shown_spoken_and_confirmed_with_one_touch() {
    let term = Terminal::start(&profile("simulated"), "offers-elder");
    let k = term.kiosk.clone();
    // 王秀英, 81: 老年综合津贴 is paid already; 高龄津贴 wants one touch.
    let (r, name, id) = Resident::with_card(&term, 1);
    term.until("the overview", offers_shown);
    assert!(!find(&k.ui, "老年综合津贴 每月180元").is_empty());
    assert!(!find(&k.ui, "高龄津贴").is_empty());
    snapshot(&k, "e2e-offers-home");
    // The line says 确认领取; the whole line is the button.
    assert!(!find(&k.ui, "确认领取").is_empty());
    r.touch("高龄津贴");
    term.until("the confirmation", |k| find(&k.ui, "已确认").len() == 1);
    snapshot(&k, "e2e-offers-confirmed");
    let confirmed = term
        .rt
        .block_on(term.hub.db().records("offer-confirm"))
        .expect("records");
    assert_eq!(confirmed.len(), 1, "{confirmed:?}");
    assert!(confirmed[0].contains("longevity-allowance"));
    // Nothing was in the way: the home screen is where she was, her task one touch on.
    assert_eq!(k.terminal.borrow().screen(), kiosk::session::Screen::Home);
    term.sims.reader.as_ref().unwrap().remove();
    term.until("the session ends", |k| {
        k.terminal.borrow().resident().is_none()
    });
    assert!(!offers_shown(&k));
    assert_wiped(&k, &[&name, &id]);

    // Next time, in English elder mode: both are hers, and the screen says so aloud.
    let (r, _, _) = Resident::with_card(&term, 1);
    r.touch("长辈版");
    r.touch("English");
    term.until("the overview", offers_shown);
    let kind = k.terminal.borrow().offers()[1].offer.kind;
    assert_eq!(kind, kiosk_api::OfferKind::Granted);
    let said = spoken(&k);
    assert!(
        said.contains("Senior allowance: 180 yuan a month"),
        "{said}"
    );
    assert!(said.contains("Allowance for residents over 80"), "{said}");
    assert!(find(&k.ui, "Confirm").is_empty(), "nothing left to confirm");
    r.touch("Senior allowance: 180 yuan a month");
    assert!(
        !find(&k.ui, "Hide").is_empty(),
        "the touch shows how it is paid"
    );
    snapshot(&k, "e2e-offers-home-elder-en");
}

#[test]
fn a_permit_about_to_end_and_a_recent_event_are_suggested_and_open_with_one_touch() {
    let term = Terminal::start(&profile("simulated"), "offers-suggest");
    let k = term.kiosk.clone();
    // 陈浩: his residence permit ends in 40 days, and his shop's name is reserved.
    let (r, _, _) = Resident::with_card(&term, 3);
    term.until("the overview", offers_shown);
    let codes: Vec<Option<String>> = k
        .terminal
        .borrow()
        .offers()
        .iter()
        .map(|l| l.offer.item_code.clone())
        .collect();
    assert_eq!(
        codes,
        [Some("HJ-001".to_string()), Some("YJS-KD".to_string())]
    );
    assert!(!find(&k.ui, "居住证签注").is_empty());
    assert!(!find(&k.ui, "开店一件事").is_empty());
    snapshot(&k, "e2e-offers-suggested");
    r.touch("居住证签注");
    term.until("the suggested item's form", |k| {
        k.terminal
            .borrow()
            .application()
            .as_ref()
            .is_some_and(|a| a.item.code == "HJ-001")
    });
    assert_eq!(r.touches.get(), 1, "one touch from the card to the form");
}

/// 最低生活保障 in English elder mode: the application letter and the income statement are written from the
/// card and two typed numbers, read out (privately: they hold the resident's number) and signed; with the
/// household register held there is no photo to take; each goes to the platform as a signed PDF.
#[test]
fn an_application_letter_and_income_statement_are_written_read_out_and_signed_in_english_elder_mode(
) {
    let term = Terminal::start(&profile("simulated"), "written-texts");
    let k = term.kiosk.clone();
    let (r, name, id) = Resident::with_card(&term, 0);
    r.touch("长辈版");
    r.touch("English");
    r.touch("All services");
    r.touch("Civil affairs and elderly care");
    r.touch("Apply for minimum living allowance");
    r.touch("共同生活家庭人数");
    r.touch("3");
    r.touch("家庭月收入（元）");
    for key in ["2", "1", "0", "0"] {
        r.touch(key);
    }
    r.touch("Next");
    assert_eq!(step(&k), Some(Step::Sign), "nothing to photograph");
    let signed =
        k.ui.global::<kiosk_ui::ApplicationAdapter>()
            .get_commitment_text();
    assert!(
        signed.contains("Written for you from your form"),
        "{signed}"
    );
    assert!(
        signed.contains(&format!("本人{name}（公民身份号码{id}），因家庭生活困难")),
        "{signed}"
    );
    assert!(
        signed.contains("家庭共同生活成员3人，家庭月收入合计2100元"),
        "{signed}"
    );
    let said = kiosk_ui::present::narration::narrate(&k.terminal.borrow(), &k.ui).parts;
    let public: String = said
        .iter()
        .filter(|p| !p.private)
        .map(|p| p.text.as_str())
        .collect();
    assert!(
        public.contains(
            "The 最低生活保障申请书, 家庭收入情况说明 are written for you from your form"
        ),
        "{public}"
    );
    assert!(
        !public.contains(&id),
        "the number is not said aloud: {public}"
    );
    assert!(
        said.iter()
            .any(|p| p.private && p.text.contains("家庭月收入合计2100元")),
        "the texts are read into the headphones"
    );
    snapshot(&k, "e2e-written-sign-elder-en");
    r.touch("I have read and agree");
    r.sign();
    r.touch("Next");
    assert_eq!(step(&k), Some(Step::Review));
    let models = view_models(&k);
    assert!(
        models.contains("家庭收入情况说明 written for you, signed with the form"),
        "{models}"
    );
    snapshot(&k, "e2e-written-review-elder-en");
    r.touch("Submit");
    term.until("the case", |k| step(k) == Some(Step::Done));
    let case = term
        .received()
        .bodies
        .into_iter()
        .find(|b| b.item_code == "MZ-005")
        .expect("the case at the hub");
    let names: Vec<&str> = case.materials.iter().map(|m| m.name.as_str()).collect();
    assert_eq!(names, ["最低生活保障申请书", "家庭收入情况说明"]);
    let income = term
        .hub
        .material_path(&case.materials[1].sha256)
        .expect("the statement");
    let text = pdf_text(&income);
    assert!(
        text.contains("家庭共同生活成员3人，家庭月收入合计2100元"),
        "{text}"
    );
    assert!(text.contains("最低生活保障申请"), "{text}");
    eprintln!(
        "written texts, MZ-005 in English elder mode: {} touches from the card to submitted",
        r.touches.get()
    );
    r.touch("Very satisfied");
    term.until("the session's end", |k| {
        k.terminal.borrow().application().is_none()
    });
    assert_wiped(&k, &[&name, &id]);
}

/// 电子材料链: 陈浩 photographs his lease for the residence permit's renewal; at his next visit, in English elder mode,
/// the residence registration needs the same material and does not ask for it: the review says which case it
/// came from, the case at the hub names the same file, and back reaches the materials to replace it.
#[test]
fn a_material_handed_in_once_is_not_asked_for_again_at_the_next_visit() {
    let term = Terminal::start(&profile("simulated"), "material-chain");
    let k = term.kiosk.clone();
    let (r, name, id) = Resident::with_card(&term, 3);
    r.touch("户籍与居住证");
    r.touch("居住证签注");
    r.until_prefilled();
    r.touch("下一步");
    assert_eq!(step(&k), Some(Step::Materials));
    r.photograph_all("拍照", "使用这张");
    r.touch("下一步");
    r.touch("提交");
    term.until("the renewal", |k| step(k) == Some(Step::Done));
    // He takes his card, rates and goes.
    r.leave_rating("非常满意");
    let received = term.received();
    let renewal = received
        .bodies
        .iter()
        .find(|b| b.item_code == "HJ-001")
        .expect("the renewal at the hub")
        .clone();
    let number = received.cases[&renewal.idempotency_key].case_number.clone();
    let lease = renewal.materials[0].clone();
    assert_eq!(lease.name, "住房租赁合同或房产证明");

    let (r, _, _) = Resident::with_card(&term, 3);
    r.touch("长辈版");
    r.touch("English");
    r.touch("All services");
    r.touch("Residence and permits");
    r.touch("Residence registration");
    r.until_prefilled();
    r.touch("在沪居住地址");
    r.touch("1");
    r.touch("Next");
    assert_eq!(step(&k), Some(Step::Sign), "nothing to photograph");
    r.touch("I have read and agree");
    r.sign();
    r.touch("Next");
    assert_eq!(step(&k), Some(Step::Review));
    let models = view_models(&k);
    assert!(
        models.contains(&format!(
            "住房租赁合同或房产证明 handed in with your case {number} on "
        )),
        "{models}"
    );
    snapshot(&k, "e2e-chain-review-elder-en");
    // Back twice reaches the materials: the lease can be replaced there.
    r.touch("Back");
    r.touch("Back");
    assert_eq!(step(&k), Some(Step::Materials));
    assert!(!find(&k.ui, "Replace").is_empty());
    snapshot(&k, "e2e-chain-materials-elder-en");
    // Opened, it is the photo he took, with the case it came with.
    term.touch("Open");
    let form = || k.ui.global::<kiosk_ui::ApplicationAdapter>();
    term.until("the earlier photo", |_| {
        form().get_viewing() && form().get_view_status().is_empty()
    });
    assert!(form().get_view_has_picture(), "the photo is shown");
    assert!(view_rows(&k).contains(&number), "{}", view_rows(&k));
    // Elder mode says what is open aloud, and what it says about him into the headphones.
    let said = kiosk_ui::present::narration::narrate(&k.terminal.borrow(), &k.ui).parts;
    assert!(
        said.iter()
            .any(|p| !p.private && p.text.contains("住房租赁合同或房产证明 is open")),
        "{said:?}"
    );
    assert!(said.iter().any(|p| p.private && p.text.contains(&number)));
    snapshot(&k, "e2e-chain-material-open-elder-en");
    term.touch("Done");
    assert!(!form().get_viewing());
    r.touch("Next");
    r.touch("Next");
    r.touch("Submit");
    term.until("the registration", |k| step(k) == Some(Step::Done));
    let registration = term
        .received()
        .bodies
        .into_iter()
        .find(|b| b.item_code == "HJ-002")
        .expect("the registration at the hub");
    assert_eq!(
        registration.materials,
        [lease],
        "the same file, not uploaded again"
    );
    eprintln!(
        "material chain: the second visit took {} touches from the card to submitted, no photo",
        r.touches.get()
    );
    r.touch("Very satisfied");
    assert_wiped(&k, &[&name, &id]);
}
