//! 杨小通 on the simulated terminal against the hub over HTTP: the example questions of the issue, each to the
//! right item or place in at most three touches after the question; a question typed with the pinyin keyboard;
//! an unhelpful mark that reaches the operations view; a new knowledge base published at the hub and synced;
//! answers with the platform down; English elder mode, spoken.

use kiosk::session::Screen;
use kiosk_tests::*;
use slint::{ComponentHandle, Model};

fn touch_counted(term: &Terminal, touches: &mut u32, label: &str) {
    term.touch(label);
    *touches += 1;
}

/// Types `letters` on the keyboard and picks, from the candidate bar, what spells `meant` (as a resident
/// would: the longest candidate that is next in what they mean).
fn type_pinyin(term: &Terminal, letters: &str, meant: &str) {
    for key in letters.chars() {
        term.touch(&key.to_string());
    }
    let start = term
        .kiosk
        .terminal
        .borrow()
        .asking()
        .as_ref()
        .map_or(0, |a| a.text.chars().count());
    let mut done = String::new();
    while term
        .kiosk
        .terminal
        .borrow()
        .asking()
        .as_ref()
        .is_some_and(|a| !a.composition.is_empty())
    {
        term.kiosk.render();
        let next: String = meant.chars().skip(done.chars().count()).collect();
        let pick = term
            .kiosk
            .candidates()
            .into_iter()
            .map(|c| c.text)
            .filter(|c| next.starts_with(c.as_str()))
            .max_by_key(|c| c.chars().count())
            .unwrap_or_else(|| panic!("no candidate for {next:?}: {:?}", term.kiosk.candidates()));
        term.touch(&pick);
        done.push_str(&pick);
    }
    let typed = term
        .kiosk
        .terminal
        .borrow()
        .asking()
        .as_ref()
        .map(|a| a.text.clone())
        .unwrap_or_default();
    assert_eq!(typed.chars().skip(start).collect::<String>(), meant);
}

fn item_open(term: &Terminal) -> Option<String> {
    let t = term.kiosk.terminal.borrow();
    (t.screen() == Screen::Apply)
        .then(|| t.application().as_ref().map(|a| a.item.code.clone()))
        .flatten()
}

fn ask_page(term: &Terminal, button: &str) {
    term.until("杨小通's knowledge base", |k| {
        k.knowledge_version().is_some()
    });
    term.touch(button);
    term.kiosk.render();
    assert_eq!(term.kiosk.terminal.borrow().screen(), Screen::Ask);
}

#[test]
fn the_example_questions_reach_their_item_or_place_in_three_touches() {
    let term = Terminal::start(&profile("simulated"), "ask-examples");
    let k = term.kiosk.clone();
    ask_page(&term, "问杨小通");
    snapshot(&k, "ask-typing");

    // 退休了养老金怎么领: two questions back, then the retirement bundle.
    term.touch("退休了养老金怎么领");
    let mut touches = 0;
    assert!(!find(&k.ui, "您已经在按月领取养老金了吗？").is_empty());
    snapshot(&k, "ask-guide");
    touch_counted(&term, &mut touches, "还没有");
    touch_counted(&term, &mut touches, "职工养老保险（单位或灵活就业交的）");
    assert!(
        !find(&k.ui, "职工退休：退休一件事").is_empty(),
        "{}",
        ui_text(&k.ui)
    );
    snapshot(&k, "ask-answer");
    touch_counted(&term, &mut touches, "在本机办理：退休一件事");
    assert_eq!(item_open(&term).as_deref(), Some("YJS-TX"));
    assert!(touches <= 3, "{touches} touches");
    eprintln!("退休了养老金怎么领: the item in {touches} touches after the question");

    // 我妈80岁了有什么补贴: one question back, the allowance with its amount for 80, then its item.
    term.touch("问杨小通");
    term.touch("再问一个");
    term.touch("我妈80岁了有什么补贴");
    let mut touches = 0;
    assert!(!find(&k.ui, "老人日常起居需要别人照护吗？").is_empty());
    touch_counted(&term, &mut touches, "能自理");
    let text = ui_text(&k.ui);
    assert!(text.contains("80–89岁每月180元"), "{text}");
    assert!(text.contains("依据：上海市民政局"), "{text}");
    touch_counted(&term, &mut touches, "在本机办理：老年综合津贴申请");
    assert_eq!(item_open(&term).as_deref(), Some("MZ-002"));
    eprintln!("我妈80岁了有什么补贴: the item in {touches} touches after the question");

    // 外地人孩子上学要什么: the question says 外地, so nothing is asked back: the place, at once.
    term.touch("问杨小通");
    term.touch("再问一个");
    term.touch("外地人孩子上学要什么");
    let text = ui_text(&k.ui);
    assert!(text.contains("本机不能办理的部分，请到："), "{text}");
    assert!(text.contains("杨浦区教育局"), "{text}");
    assert!(text.contains("在本机办理：居住证签注"), "{text}");
    assert!(text.contains("杨浦区教育局招生办公室 · 步行约"), "{text}");
    snapshot(&k, "ask-place");
    eprintln!("外地人孩子上学要什么: the place in 0 touches after the question");

    // The place on a slip from the receipt printer: address, hours, the walk and a QR code for a phone's map.
    let before = term.sims.printer.as_ref().expect("printer").printed().len();
    term.touch("打印地址");
    term.until("the slip", |_| {
        term.sims
            .printer
            .as_ref()
            .is_some_and(|p| p.printed().len() > before)
    });
    let slip = term
        .sims
        .printer
        .as_ref()
        .expect("printer")
        .printed()
        .pop()
        .expect("slip");
    let lines = slip.lines.join("\n");
    assert!(
        lines.contains("去这里办理") && lines.contains("杨浦区教育局招生办公室"),
        "{lines}"
    );
    assert!(lines.contains("步行约"), "{lines}");
    assert!(
        slip.qr_codes.iter().any(|q| q.starts_with("geo:31.")),
        "{:?}",
        slip.qr_codes
    );
    term.until("the slip's line", |k| {
        kiosk_tests::ui_text(&k.ui).contains("地址条已打印，请取走")
    });

    // Where else: the map of the 15-minute circle and the places by walking distance.
    term.touch("附近哪里能办");
    let text = ui_text(&k.ui);
    assert!(
        text.contains("服务地图") && text.contains("开鲁新村社区党群服务站"),
        "{text}"
    );
    let ask = k.ui.global::<kiosk_ui::AskAdapter>();
    let places: Vec<String> = ask
        .get_places()
        .iter()
        .map(|p| p.name.to_string())
        .collect();
    assert_eq!(
        places.first().map(String::as_str),
        Some("开鲁新村社区党群服务站"),
        "{places:?}"
    );
    assert!(
        ask.get_map_roads().row_count() >= 6,
        "the streets around are drawn"
    );
    snapshot(&k, "ask-map");
    term.touch("返回");
    assert!(!ask.get_map(), "Back leaves the map for the answer");

    // It did not help: the mark reaches the hub, with the answer flagged stale past its review date.
    term.touch("没有帮助");
    term.until("the mark at the hub", |_| {
        term.rt
            .block_on(term.hub.knowledge_status("2026-12-07"))
            .is_ok_and(|s| {
                s.answers
                    .iter()
                    .any(|a| a.id == "school-migrant" && a.unhelpful == 1 && a.stale)
            })
    });
    assert!(!find(&k.ui, "已反馈，谢谢").is_empty());
}

#[test]
fn a_question_typed_in_pinyin_is_answered_and_a_new_bundle_is_synced_and_kept_offline() {
    let term = Terminal::start(&profile("simulated"), "ask-typed");
    let k = term.kiosk.clone();
    ask_page(&term, "问杨小通");
    type_pinyin(&term, "shebaoka", "社保卡");
    type_pinyin(&term, "diule", "丢了");
    assert_eq!(
        term.kiosk
            .terminal
            .borrow()
            .asking()
            .as_ref()
            .map(|a| a.text.clone()),
        Some("社保卡丢了".to_string())
    );
    term.touch("问");
    assert!(
        !find(&k.ui, "在本机办理：社保卡补换").is_empty(),
        "{}",
        ui_text(&k.ui)
    );

    // The district publishes version 2 with a changed answer; the terminal takes it at its sync.
    let (v, body) = term.rt.block_on(term.hub.knowledge()).unwrap().unwrap();
    assert_eq!(v, 1);
    let mut kb: kiosk_api::knowledge::KnowledgeBundle = serde_json::from_str(&body).unwrap();
    let a = kb.answers.iter_mut().find(|a| a.id == "sb-005").unwrap();
    a.text = "社保卡丢失的，先挂失再补卡（第二版）。".into();
    a.version = 2;
    assert_eq!(term.rt.block_on(term.hub.publish_knowledge(kb)).unwrap(), 2);
    k.knowledge_sync_now();
    term.until("version 2 in use", |k| k.knowledge_version() == Some(2));
    let dir = std::env::temp_dir().join(format!("kiosk-t-{}-ask-typed", std::process::id()));
    assert!(
        dir.join("knowledge.json").exists(),
        "kept for the next start"
    );

    // The platform goes down: the synced bundle still answers.
    term.hub.set_available(false);
    term.touch("再问一个");
    term.touch("返回");
    term.touch("问杨小通");
    k.intent(kiosk::session::Intent::Ask(
        kiosk::session::AskIntent::Question("社保卡丢了怎么办".into()),
    ));
    let text = ui_text(&k.ui);
    assert!(text.contains("（第二版）"), "{text}");
    assert!(text.contains("第2版"), "{text}");
}

#[test]
fn english_elder_mode_asks_back_and_speaks_the_answer() {
    let term = Terminal::start(&profile("simulated"), "ask-elder-en");
    let k = term.kiosk.clone();
    term.touch("长辈版");
    term.touch("English");
    ask_page(&term, "Ask 杨小通");
    term.touch("I have retired: how do I get my pension?");
    assert!(!find(&k.ui, "Do you already receive a monthly pension?").is_empty());
    term.touch("Yes, I receive it");
    let public = said_aloud(&k);
    let said = kiosk_ui::present::narration::narrate(&k.terminal.borrow(), &k.ui);
    assert!(
        public
            .iter()
            .any(|t| t.contains("Pension eligibility check")),
        "{public:?}"
    );
    assert!(
        public.iter().any(|t| t.contains("once a year")),
        "{public:?}"
    );
    // The question as asked goes to the headphones only.
    assert!(said
        .parts
        .iter()
        .any(|p| p.private && p.text.contains("I have retired")));
    snapshot(&k, "ask-answer-elder-en");
    term.touch("Do it here: Pension eligibility check");
    assert_eq!(item_open(&term).as_deref(), Some("SB-002"));
}

#[test]
fn what_was_typed_in_the_search_is_asked_with_one_touch() {
    let term = Terminal::start(&profile("simulated"), "ask-search");
    let k = term.kiosk.clone();
    term.until("杨小通's knowledge base", |k| {
        k.knowledge_version().is_some()
    });
    k.intent(kiosk::session::Intent::Start);
    k.intent(kiosk::session::Intent::Search("退休金".into()));
    term.touch("问杨小通：退休金");
    assert_eq!(k.terminal.borrow().screen(), Screen::Ask);
    assert!(
        !find(&k.ui, "您已经在按月领取养老金了吗？").is_empty(),
        "{}",
        ui_text(&k.ui)
    );
}
