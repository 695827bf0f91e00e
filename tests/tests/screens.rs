//! The first screens, headless with the software renderer, in both orientations and both modes: the expected
//! elements exist, nothing spills out of its box, Chinese text is really drawn, targets are big enough.
//! Screenshots land in target/screenshots/.

use i_slint_backend_testing::AccessibleRole;
use kiosk::session::{Input, Intent};
use kiosk_drivers::sim::sample_cards;
use kiosk_drivers::DeviceEvent;
use kiosk_tests::*;
use slint::ComponentHandle;

#[path = "screens/calls.rs"]
mod calls;
#[path = "screens/flows.rs"]
mod flows;
#[path = "screens/rare.rs"]
mod rare;
use calls::*;
use flows::show_camera_frame;

#[derive(Clone, Copy, PartialEq, Debug)]
enum PageUnderTest {
    Attract,
    Home,
    Capture,
    Search,
    Category,
    Identify,
    /// The form with the pinyin keyboard open on the address.
    Form,
    Materials,
    Sign,
    Review,
    /// The platform did not take the case (a print item: never queued).
    SubmitFailed,
    /// An application the platform could not take: kept on the terminal with a provisional number.
    Queued,
    /// A print item's case: the document shown and the rating with reasons (★2).
    Done,
    NotDone,
    /// 杨小通: an answer after one question asked back.
    Ask,
    /// 杨小通's service map: the 15-minute circle and where else the item is done.
    AskMap,
    /// 视频办: nobody answered within the minute; a call-back or keep waiting.
    CallNoAnswer,
    /// The call-back number pad.
    CallPhone,
    /// The call is over: one-touch rating.
    CallEnded,
    /// A form the clerk pushed, under the call strip.
    CallStrip,
}

/// The catalogue's item, for the pages of an application.
fn item(kiosk: &kiosk::app::Kiosk, code: &str) -> Box<kiosk_catalog::Item> {
    let items = kiosk
        .items(std::time::Duration::from_secs(30))
        .expect("catalogue loads");
    Box::new(items.catalog.get(code).expect("item").clone())
}

/// Drives the simulated terminal to one page of an application through the state machine's intents, with the
/// hub answering over loopback and the simulated printers printing.
fn drive_to(term: &Terminal, page: PageUnderTest) {
    use kiosk::application::{PrefillState, PrintState, Step};
    let kiosk = &term.kiosk;
    let card = sample_cards().remove(2);
    if page != PageUnderTest::Identify && page != PageUnderTest::Category {
        kiosk.device(DeviceEvent::CardInserted(Box::new(card.record)));
    }
    // A document to print is never queued: with the platform down it is the page that says "not submitted".
    let print = page == PageUnderTest::Done || page == PageUnderTest::SubmitFailed;
    match page {
        PageUnderTest::Category => {
            kiosk.intent(Intent::Start);
            kiosk.intent(Intent::Category("household".into()));
            return;
        }
        PageUnderTest::Ask | PageUnderTest::AskMap => {
            use kiosk::session::AskIntent;
            assert!(kiosk.wait_knowledge(std::time::Duration::from_secs(30)));
            kiosk.intent(Intent::Ask(AskIntent::Open));
            kiosk.intent(Intent::Ask(AskIntent::Question(
                "我妈80岁了有什么补贴".into(),
            )));
            kiosk.intent(Intent::Ask(AskIntent::Choose {
                question: "care".into(),
                value: "不需要".into(),
            }));
            if page == PageUnderTest::AskMap {
                kiosk.intent(Intent::Ask(AskIntent::Map(true)));
            }
            return;
        }
        PageUnderTest::NotDone => {
            kiosk.intent(Intent::OpenItem(item(kiosk, "HJ-002")));
            kiosk.intent(Intent::OpenNotDone);
            kiosk.intent(Intent::NotDoneReason(1));
            return;
        }
        _ => {}
    }
    kiosk.intent(Intent::OpenItem(item(
        kiosk,
        if print { "SB-001" } else { "HJ-002" },
    )));
    if page == PageUnderTest::Identify {
        return;
    }
    term.until("prefill", |k| {
        k.terminal
            .borrow()
            .application()
            .as_ref()
            .is_some_and(|a| a.prefill != PrefillState::Waiting)
    });
    if !print {
        kiosk.intent(Intent::FocusField(2));
        for k in ["y", "a", "n", "g", "p", "u"] {
            kiosk.intent(Intent::FieldKey {
                key: k.into(),
                first: None,
            });
        }
        if page == PageUnderTest::Form {
            return;
        }
        for text in ["杨浦", "区", "控江路", "1555", "号"] {
            kiosk.intent(Intent::PickCandidate {
                text: text.into(),
                consumed: 0,
            });
        }
        kiosk.intent(Intent::FocusField(usize::MAX));
        kiosk.intent(Intent::Next);
        assert_eq!(step(kiosk), Some(Step::Materials));
        if page == PageUnderTest::Materials {
            return;
        }
        kiosk.intent(Intent::Photograph(0));
        kiosk.intent(Intent::TakePhoto);
        term.until("the document camera's still", |k| {
            *k.terminal.borrow().capture() == kiosk::session::CaptureStep::Review
        });
        kiosk.intent(Intent::UsePhoto);
        kiosk.intent(Intent::Next);
        kiosk.intent(Intent::ToggleCommitmentRead);
        // A signature: two strokes across the pad.
        for stroke in [
            [(120, 600), (200, 420), (260, 640), (330, 430)],
            [(400, 500), (520, 380), (600, 620), (760, 450)],
        ] {
            for (i, (x, y)) in stroke.iter().enumerate() {
                kiosk.intent(Intent::SignPoint {
                    x: *x,
                    y: *y,
                    new_stroke: i == 0,
                });
            }
        }
        if page == PageUnderTest::Sign {
            return;
        }
        kiosk.intent(Intent::Next);
        assert_eq!(step(kiosk), Some(Step::Review));
        if page == PageUnderTest::Review {
            return;
        }
    }
    if page == PageUnderTest::SubmitFailed || page == PageUnderTest::Queued {
        term.hub.set_available(false);
    }
    kiosk.intent(Intent::Next);
    term.until("the platform's answer", |k| {
        k.terminal
            .borrow()
            .application()
            .as_ref()
            .is_some_and(|a| !matches!(a.submission, kiosk::application::Submission::Waiting))
    });
    if page == PageUnderTest::SubmitFailed {
        return;
    }
    term.until("the printout", |k| {
        printout(k, print) != Some(PrintState::Printing)
    });
    if page == PageUnderTest::Queued {
        return;
    }
    kiosk.intent(Intent::Rate(2));
    kiosk.intent(Intent::ToggleReason(0));
}

/// Elder mode's home: the six items elderly residents use most, video help and staff help.
const ELDER_LABELS: [&str; 6] = [
    "养老金资格认证",
    "社保缴费记录打印",
    "医保缴费记录查询",
    "敬老卡申领",
    "老年综合津贴申请",
    "长期护理保险评估申请",
];

const CATEGORY_LABELS: [&str; 9] = [
    "社保",
    "医保",
    "公积金",
    "税务",
    "户籍与居住证",
    "民政与养老",
    "残联",
    "企业服务",
    "证明打印",
];

fn check_screen(profile_name: &str, elder: bool, page: PageUnderTest) {
    let profile = profile(profile_name);
    let application = !matches!(
        page,
        PageUnderTest::Attract
            | PageUnderTest::Home
            | PageUnderTest::Capture
            | PageUnderTest::Search
            | PageUnderTest::CallNoAnswer
            | PageUnderTest::CallPhone
            | PageUnderTest::CallEnded
            | PageUnderTest::CallStrip
    );
    let term = application.then(|| Terminal::start(&profile, &format!("{profile_name}-{elder}")));
    let kiosk = match &term {
        Some(t) => t.kiosk.clone(),
        None => kiosk(&profile),
    };
    if let Some(term) = &term {
        if elder {
            kiosk.intent(Intent::ToggleElder);
        }
        drive_to(term, page);
        kiosk.intent(Intent::AnswerElderProposal(elder));
    } else if page == PageUnderTest::Home {
        // A senior's card: the greeting and the elder-mode question; answer it as the mode under test wants.
        let card = sample_cards().remove(0);
        kiosk.device(DeviceEvent::CardInserted(Box::new(card.record)));
        kiosk.intent(Intent::AnswerElderProposal(elder));
        // Elder mode's tiles come from the catalogue, which loads in the background.
        assert!(
            kiosk.items(std::time::Duration::from_secs(30)).is_some(),
            "catalogue loads"
        );
        kiosk.render();
    } else if elder {
        kiosk.intent(Intent::ToggleElder);
    }
    if page == PageUnderTest::Capture {
        kiosk.intent(Intent::OpenCapture);
        show_camera_frame(&kiosk);
    }
    if let PageUnderTest::CallNoAnswer
    | PageUnderTest::CallPhone
    | PageUnderTest::CallEnded
    | PageUnderTest::CallStrip = page
    {
        drive_call(&kiosk, page);
    }
    if page == PageUnderTest::Search {
        kiosk.intent(Intent::Start);
        kiosk.intent(Intent::ShowKeyboard(true));
        assert!(
            kiosk.items(std::time::Duration::from_secs(30)).is_some(),
            "catalogue loads"
        );
        for key in ["s", "b", "j", "f"] {
            let k = find(&kiosk.ui, key);
            assert!(!k.is_empty(), "no key {key}");
            k[0].invoke_accessible_default_action();
        }
        assert_eq!(kiosk.terminal.borrow().search(), "sbjf");
    }
    assert_eq!(kiosk.terminal.borrow().elder(), elder);
    let name = format!(
        "{}-{}-{}",
        match page {
            PageUnderTest::Attract => "attract",
            PageUnderTest::Home => "home",
            PageUnderTest::Capture => "capture",
            PageUnderTest::Search => "search",
            PageUnderTest::Category => "category",
            PageUnderTest::Identify => "identify",
            PageUnderTest::Form => "form",
            PageUnderTest::Materials => "materials",
            PageUnderTest::Sign => "sign",
            PageUnderTest::Review => "review",
            PageUnderTest::SubmitFailed => "submit-failed",
            PageUnderTest::Queued => "queued",
            PageUnderTest::Done => "done",
            PageUnderTest::NotDone => "not-done",
            PageUnderTest::Ask => "ask",
            PageUnderTest::AskMap => "ask-map",
            PageUnderTest::CallNoAnswer => "call-no-answer",
            PageUnderTest::CallPhone => "call-phone",
            PageUnderTest::CallEnded => "call-ended",
            PageUnderTest::CallStrip => "call-strip",
        },
        if profile.panel.width_px > profile.panel.height_px {
            "landscape"
        } else {
            "portrait"
        },
        if elder { "elder" } else { "standard" }
    );
    let shot = snapshot(&kiosk, &name);
    let ui = &kiosk.ui;
    let mm = profile.panel.px_per_mm();
    let window = Rect {
        x: 0.0,
        y: 0.0,
        w: profile.panel.width_px as f32,
        h: profile.panel.height_px as f32,
    };

    // 1. What must be on every screen, and what this page adds.
    let mut expected = vec!["长辈版", "English", "呼叫帮办", "视频办"];
    match page {
        PageUnderTest::Attract => expected.extend(["插入身份证", "扫随申码", "轻触屏幕开始"]),
        PageUnderTest::Home if elder => {
            expected.extend(["返回", "首页", "全部事项"]);
            expected.extend(ELDER_LABELS);
        }
        PageUnderTest::Home => {
            expected.extend(["返回", "首页", "搜索事项"]);
            expected.extend(CATEGORY_LABELS);
        }
        PageUnderTest::Capture => expected.extend(["返回", "拍摄材料", "拍照", "高拍仪画面"]),
        PageUnderTest::Search => expected.extend([
            "搜索事项",
            "社保缴费记录打印",
            "清空",
            "删除",
            "收起键盘",
            "q",
            "m",
        ]),
        PageUnderTest::Category => expected.extend(["户籍与居住证", "居住登记", "居住证签注"]),
        PageUnderTest::Identify => expected.extend(["办理此事项需要实名认证", "办不成事"]),
        PageUnderTest::Form => expected.extend([
            "在沪居住地址",
            "联系电话",
            "候选字",
            "杨",
            "完成",
            "下一步",
            "办不成事",
        ]),
        PageUnderTest::Materials => expected.extend(["住房租赁合同或房产证明", "拍照", "下一步"]),
        PageUnderTest::Sign => expected.extend(["我已阅读并承诺", "已签名", "重新签名", "下一步"]),
        PageUnderTest::Review => expected.extend(["在沪居住地址", "告知承诺", "提交"]),
        PageUnderTest::SubmitFailed => expected.extend(["没有提交成功", "重新提交"]),
        PageUnderTest::Queued => expected.extend([
            "已保存，网络恢复后自动提交",
            "回执已打印，请取走",
            "非常满意",
        ]),
        PageUnderTest::Done => {
            expected.extend(["非常满意", "非常不满意", "办理时间太长", "提交评价"]);
            // Elder mode asks one thing at a time: the reasons for a bad rating take the page.
            if !elder {
                expected.push("证件号码");
            }
        }
        PageUnderTest::NotDone => expected.extend(["缺少材料", "提交"]),
        PageUnderTest::AskMap => expected.extend(["打印地址", "殷行街道社区事务受理服务中心"]),
        PageUnderTest::Ask => expected.extend([
            "老年综合津贴",
            "在本机办理：老年综合津贴申请",
            "没有帮助",
            "再问一个",
        ]),
        PageUnderTest::CallNoAnswer => {
            expected.extend(["坐席暂时都在忙", "留下电话，稍后回电", "继续等待", "挂断"])
        }
        PageUnderTest::CallPhone => {
            expected.extend(["回电号码", "1", "0", "退格", "确认回电", "继续等待"])
        }
        PageUnderTest::CallEnded => {
            expected.extend(["视频通话已结束", "非常满意", "非常不满意", "不评价，返回"])
        }
        PageUnderTest::CallStrip => {
            expected.extend(["视频通话中", "回到视频", "挂断", "联系电话", "下一步"])
        }
    }
    for label in &expected {
        let found = find(ui, label);
        assert!(!found.is_empty(), "{name}: no element labelled {label}");
        for e in &found {
            assert!(
                Rect::of(e).inside(&window),
                "{name}: {label} lies outside the window: {:?}",
                Rect::of(e)
            );
        }
    }
    if page == PageUnderTest::Home {
        assert!(
            !find(ui, "张*国，您好！请选择要办理的事项").is_empty(),
            "{name}: no greeting by (masked) name"
        );
        assert!(
            find(ui, "张建国").is_empty(),
            "{name}: the full name is on screen"
        );
    }

    // 2. Nothing spills out: every text and every button lies inside the window, and a text that sits in a
    //    button or bar lies wholly inside it.
    let texts = i_slint_backend_testing::ElementQuery::from_root(ui)
        .match_descendants()
        .match_accessible_role(AccessibleRole::Text)
        .find_all()
        .into_iter()
        .filter(|e| e.size().width > 0.0 && e.accessible_label().is_some_and(|l| !l.is_empty()))
        .collect::<Vec<_>>();
    assert!(texts.len() >= 5, "{name}: only {} texts found", texts.len());
    let boxes: Vec<(String, Rect)> = [AccessibleRole::Button, AccessibleRole::Groupbox]
        .into_iter()
        .flat_map(|role| {
            i_slint_backend_testing::ElementQuery::from_root(ui)
                .match_descendants()
                .match_accessible_role(role)
                .find_all()
        })
        .filter(|e| e.size().width > 0.0)
        .map(|e| {
            (
                e.accessible_label().unwrap_or_default().to_string(),
                Rect::of(&e),
            )
        })
        .collect();
    // Rows scrolled out of a list are clipped by it, not spilled: they are left out of the checks below.
    let lists: Vec<Rect> = i_slint_backend_testing::ElementQuery::from_root(ui)
        .match_descendants()
        .match_accessible_role(AccessibleRole::List)
        .find_all()
        .iter()
        .map(Rect::of)
        .collect();
    let scrolled_out = |r: &Rect| {
        let (cx, cy) = r.center();
        lists
            .iter()
            .any(|l| cx >= l.x && cx <= l.x + l.w && (cy < l.y || cy > l.y + l.h))
    };
    for t in texts.iter().filter(|t| !scrolled_out(&Rect::of(t))) {
        let r = Rect::of(t);
        let label = t.accessible_label().unwrap_or_default();
        assert!(
            r.inside(&window),
            "{name}: text {label:?} outside the window: {r:?}"
        );
        let (cx, cy) = r.center();
        for (box_label, b) in &boxes {
            // A full-screen touch area (the attract page) holds everything; it is not a box that can overflow.
            if b.w >= window.w - 1.0 && b.h >= window.h * 0.5 {
                continue;
            }
            if b.contains_point(cx, cy) {
                assert!(
                    r.inside(b),
                    "{name}: text {label:?} {r:?} spills out of {box_label:?} {b:?}"
                );
            }
        }
    }
    for (label, b) in &boxes {
        assert!(
            b.inside(&window),
            "{name}: {label:?} outside the window: {b:?}"
        );
    }

    // 3. Chinese text is drawn: the title and (on home) every tile carry ink, not an empty box.
    let mut inked = vec!["长辈版", "呼叫帮办"];
    match page {
        PageUnderTest::Home if elder => inked.extend(ELDER_LABELS),
        PageUnderTest::Home => inked.extend(CATEGORY_LABELS),
        PageUnderTest::Attract => inked.extend(["插入身份证", "扫随申码"]),
        PageUnderTest::Capture => inked.extend(["拍摄材料", "拍照"]),
        PageUnderTest::Search => inked.extend(["社保缴费记录打印", "删除"]),
        PageUnderTest::Category => inked.extend(["居住登记"]),
        PageUnderTest::Identify => inked.extend(["办理此事项需要实名认证"]),
        PageUnderTest::Form => inked.extend(["在沪居住地址", "杨"]),
        PageUnderTest::Materials => inked.extend(["住房租赁合同或房产证明"]),
        PageUnderTest::Sign => inked.extend(["已签名", "我已阅读并承诺"]),
        PageUnderTest::Review => inked.extend(["告知承诺"]),
        PageUnderTest::SubmitFailed => inked.extend(["没有提交成功"]),
        PageUnderTest::Queued => inked.extend(["已保存，网络恢复后自动提交"]),
        PageUnderTest::Done => inked.extend(["非常满意", "提交评价"]),
        PageUnderTest::NotDone => inked.extend(["缺少材料"]),
        PageUnderTest::Ask => inked.extend(["老年综合津贴", "没有帮助"]),
        PageUnderTest::AskMap => inked.extend(["殷行街道社区事务受理服务中心"]),
        PageUnderTest::CallNoAnswer => inked.extend(["留下电话，稍后回电", "挂断"]),
        PageUnderTest::CallPhone => inked.extend(["确认回电", "退格"]),
        PageUnderTest::CallEnded => inked.extend(["非常满意", "不评价，返回"]),
        PageUnderTest::CallStrip => inked.extend(["回到视频", "联系电话"]),
    }
    for label in inked {
        let e = &find(ui, label)[0];
        let amount = ink(&shot, &Rect::of(e));
        assert!(
            amount > 0.01,
            "{name}: {label} looks blank ({:.2}% ink)",
            amount * 100.0
        );
    }

    // 4. Touch targets at least 15 mm (standard) or 20 mm (elder) on this panel.
    let min_mm = if elder { 20.0 } else { 15.0 };
    for e in i_slint_backend_testing::ElementQuery::from_root(ui)
        .match_descendants()
        .match_accessible_role(AccessibleRole::Button)
        .find_all()
    {
        let r = Rect::of(&e);
        if r.w == 0.0 {
            continue;
        }
        let label = e.accessible_label().unwrap_or_default();
        assert!(
            r.w / mm >= min_mm - 0.1 && r.h / mm >= min_mm - 0.1,
            "{name}: button {label:?} is {:.1}×{:.1} mm, under {min_mm} mm",
            r.w / mm,
            r.h / mm
        );
    }

    // 5. Type and contrast, measured on the screenshot: every text's cap height in millimetres on this panel and
    //    its contrast against what is behind it. Elder mode: 6.1 mm and 7:1 for every text. Standard mode: 4.5:1,
    //    and no text under the 3.9 mm of the secondary size (hints, sources, step names); body text is 5.0 mm.
    let (min_cap, min_contrast) = if elder { (6.1, 7.0) } else { (3.9, 4.5) };
    let actionable: Vec<(String, Rect, bool)> =
        i_slint_backend_testing::ElementQuery::from_root(ui)
            .match_descendants()
            .match_predicate(|e| {
                e.accessible_role()
                    .is_some_and(kiosk_ui::present::screen_reader::is_actionable)
            })
            .find_all()
            .iter()
            .filter(|e| e.size().width > 0.0)
            .map(|e| {
                (
                    e.accessible_label().unwrap_or_default().to_string(),
                    Rect::of(e),
                    e.accessible_enabled() != Some(false),
                )
            })
            .collect();
    // The elements inside each list, with the list's box.
    let listed: Vec<(Rect, Rect)> = i_slint_backend_testing::ElementQuery::from_root(ui)
        .match_descendants()
        .match_accessible_role(AccessibleRole::List)
        .find_all()
        .iter()
        .flat_map(|l| {
            let lr = Rect::of(l);
            l.query_descendants()
                .find_all()
                .iter()
                .map(move |t| (Rect::of(t), lr))
                .collect::<Vec<_>>()
        })
        .collect();
    let same = |a: &Rect, b: &Rect| {
        (a.x - b.x).abs() < 0.5 && (a.y - b.y).abs() < 0.5 && (a.w - b.w).abs() < 0.5
    };
    let mut problems = Vec::new();
    let mut measured = 0;
    let mut seen: Vec<String> = Vec::new();
    for t in i_slint_backend_testing::ElementQuery::from_root(ui)
        .match_descendants()
        .match_type_name("Text")
        .find_all()
    {
        let r = Rect::of(&t);
        // A text in a list that is scrolled (partly) out of it is clipped: measured once scrolled in.
        let clipped = listed.iter().any(|(t, l)| same(t, &r) && !r.inside(l));
        if r.w < 1.0 || r.h < 1.0 || !r.inside(&window) || clipped {
            continue;
        }
        if t.computed_opacity() < 0.99 {
            continue;
        }
        let centre = r.center();
        // A text inside a button is named by the button (its own role is none).
        let container = actionable
            .iter()
            .filter(|(_, b, _)| b.contains_point(centre.0, centre.1))
            .min_by(|a, b| (a.1.w * a.1.h).total_cmp(&(b.1.w * b.1.h)));
        // A switched-off control's text is exempt from contrast (WCAG 1.4.3: inactive components).
        if container.is_some_and(|(_, _, enabled)| !enabled) {
            continue;
        }
        let text = t
            .accessible_label()
            .filter(|l| !l.is_empty())
            .map(|l| l.to_string())
            .or_else(|| container.map(|(l, _, _)| l.clone()))
            .unwrap_or_else(|| "国".to_string());
        let Some(m) = kiosk_tests::a11y::measure_text(&shot, &r, &text, mm) else {
            continue;
        };
        // The same text can be reached twice through nested components: measure each place once.
        let place = format!("{text}@{:.0},{:.0}", r.x, r.y);
        if seen.contains(&place) {
            continue;
        }
        seen.push(place);
        measured += 1;
        if m.cap_mm < min_cap - 0.2 {
            problems.push(format!(
                "{text:?} at {r:?}: cap height {:.1} mm < {min_cap} mm ({} px of ink)",
                m.cap_mm, m.ink_px
            ));
        }
        if m.contrast < min_contrast - 0.05 {
            problems.push(format!(
                "{text:?}: contrast {:.2}:1 < {min_contrast}:1 (text {:02x?} on {:02x?})",
                m.contrast, m.fg, m.bg
            ));
        }
    }
    eprintln!("{name}: {measured} texts measured");
    assert!(measured >= 5, "{name}: only {measured} texts measured");
    assert!(
        problems.is_empty(),
        "{name}: {} texts fail:\n{}",
        problems.len(),
        problems.join("\n")
    );

    // 6. Every actionable element has a name for speech and the keypad's screen reader, and none of the page's
    //    lies under the top or bottom bar (a button half hidden by the bar is a button a person misses).
    let bars: Vec<Rect> = boxes
        .iter()
        .map(|(_, b)| *b)
        .filter(|b| {
            b.w >= window.w - 1.0
                && b.h < window.h / 4.0
                && (b.y <= 1.0 || b.y + b.h >= window.h - 1.0)
        })
        .collect();
    for (label, r, _) in &actionable {
        assert!(
            !label.trim().is_empty(),
            "{name}: an actionable element at {r:?} has no accessible label"
        );
        let (cx, cy) = r.center();
        let clipped = listed.iter().any(|(t, l)| same(t, r) && !r.inside(l));
        if bars.iter().any(|b| b.contains_point(cx, cy)) || clipped {
            continue;
        }
        for b in &bars {
            let overlap = (r.y + r.h).min(b.y + b.h) - r.y.max(b.y);
            assert!(
                overlap <= 0.5,
                "{name}: {label:?} {r:?} lies {overlap:.0} px under the bar {b:?}"
            );
        }
    }
}

/// Every page in both modes and both orientations.
macro_rules! every_way {
    ($($name:ident => $page:expr),* $(,)?) => {
        mod pages {
            use super::*;
            $(
                mod $name {
                    use super::*;
                    #[test]
                    fn landscape_standard() {
                        check_screen("simulated", false, $page);
                    }
                    #[test]
                    fn landscape_elder() {
                        check_screen("simulated", true, $page);
                    }
                    #[test]
                    fn portrait_standard() {
                        check_screen("rpi4-community", false, $page);
                    }
                    #[test]
                    fn portrait_elder() {
                        check_screen("rpi4-community", true, $page);
                    }
                }
            )*
        }
    };
}

every_way! {
    attract => PageUnderTest::Attract,
    home => PageUnderTest::Home,
    search => PageUnderTest::Search,
    capture => PageUnderTest::Capture,
    category => PageUnderTest::Category,
    identify => PageUnderTest::Identify,
    form => PageUnderTest::Form,
    materials => PageUnderTest::Materials,
    sign => PageUnderTest::Sign,
    review => PageUnderTest::Review,
    submit_failed => PageUnderTest::SubmitFailed,
    queued => PageUnderTest::Queued,
    done => PageUnderTest::Done,
    not_done => PageUnderTest::NotDone,
    ask => PageUnderTest::Ask,
    ask_map => PageUnderTest::AskMap,
    call_no_answer => PageUnderTest::CallNoAnswer,
    call_phone => PageUnderTest::CallPhone,
    call_ended => PageUnderTest::CallEnded,
    call_strip => PageUnderTest::CallStrip,
}
