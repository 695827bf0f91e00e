//! The simulated terminal end to end: a person presses buttons in the device simulator window, the simulator
//! publishes device events, the kiosk reacts on screen, and the end of a session leaves nothing of the
//! resident in the view.

use i_slint_backend_testing::{ElementHandle, ElementQuery};
use kiosk::simulator::Simulator;
use kiosk_drivers::{DeviceEvent, DeviceId};
use kiosk_tests::*;
use slint::ComponentHandle;
use tokio::sync::mpsc::{unbounded_channel, UnboundedReceiver};

/// Clicks the simulator button with this label and delivers what it published, as the device runtime would.
fn press(
    sim: &Simulator,
    label: &str,
    rx: &mut UnboundedReceiver<DeviceEvent>,
    kiosk: &kiosk::app::Kiosk,
) {
    let button = find(&sim.window, label);
    assert!(!button.is_empty(), "no simulator button {label}");
    button[0].invoke_accessible_default_action();
    let mut delivered = 0;
    while let Ok(event) = rx.try_recv() {
        kiosk.device(event);
        delivered += 1;
    }
    assert_eq!(delivered, 1, "{label} should publish exactly one event");
}

/// Every label and value in the kiosk window, to look for traces of a resident.
fn all_text(kiosk: &kiosk::app::Kiosk) -> String {
    let mut s = String::new();
    for e in ElementQuery::from_root(&kiosk.ui)
        .match_descendants()
        .find_all()
    {
        for t in [
            e.accessible_label(),
            e.accessible_value(),
            e.accessible_description(),
        ]
        .into_iter()
        .flatten()
        {
            s.push_str(&t);
            s.push('\n');
        }
    }
    s
}

#[test]
fn a_card_from_the_simulator_greets_the_resident_and_its_removal_wipes_them() {
    let profile = profile("simulated");
    let kiosk = kiosk(&profile);
    let (tx, mut rx) = unbounded_channel();
    let sim = Simulator::new(tx, Some(DeviceId("receipt".into()))).expect("simulator window");
    sim.window.show().expect("show simulator");
    sim.window
        .window()
        .set_size(slint::PhysicalSize::new(420, 760));

    assert!(
        !find(&kiosk.ui, "插入身份证").is_empty(),
        "starts on the attract screen"
    );
    press(&sim, "插入 · 长者 74岁 男", &mut rx, &kiosk);
    assert!(
        !find(&kiosk.ui, "张*国，您好！请选择要办理的事项").is_empty(),
        "greeting by masked name"
    );
    // The resident is 74: elder mode is offered; accepting it switches the theme.
    let accept = find(&kiosk.ui, "使用长辈版");
    assert!(!accept.is_empty(), "elder mode is proposed");
    accept[0].invoke_accessible_default_action();
    assert!(kiosk.ui.global::<kiosk_ui::Theme>().get_elder());
    snapshot(&kiosk, "e2e-greeted-elder");

    snapshot_window(sim.window.window(), "e2e-device-simulator");
    // The simulator's event log names the sample by its label, never by the person's name.
    let log = sim.window.get_log();
    let newest = slint::Model::row_data(&log, 0).unwrap_or_default();
    assert!(
        newest.contains("身份证插入：长者 74岁 男") && !newest.contains("张"),
        "{newest}"
    );
    press(&sim, "取出身份证 · remove card", &mut rx, &kiosk);
    assert!(
        !find(&kiosk.ui, "插入身份证").is_empty(),
        "back on the attract screen"
    );
    assert!(
        !kiosk.ui.global::<kiosk_ui::Theme>().get_elder(),
        "elder mode back to the default"
    );
    let text = all_text(&kiosk);
    for trace in ["张", "建国", "310110", "控江路"] {
        assert!(
            !text.contains(trace),
            "{trace:?} still in the UI after the session ended:\n{text}"
        );
    }
    assert!(kiosk.terminal.borrow().resident.is_none());
}

#[test]
fn help_door_scanner_and_paper_are_answered_on_screen() {
    let profile = profile("simulated");
    let kiosk = kiosk(&profile);
    let (tx, mut rx) = unbounded_channel();
    let sim = Simulator::new(tx, Some(DeviceId("receipt".into()))).expect("simulator window");

    press(&sim, "帮办按钮 · help", &mut rx, &kiosk);
    let notice = kiosk.ui.global::<kiosk_ui::AppState>().get_notice_text();
    assert!(
        notice.contains("12345"),
        "help says where to get a person: {notice}"
    );

    press(&sim, "扫 随申码", &mut rx, &kiosk);
    let notice = kiosk.ui.global::<kiosk_ui::AppState>().get_notice_text();
    assert!(notice.contains("随申码"), "{notice}");
    snapshot(&kiosk, "e2e-suishenma-notice");

    press(&sim, "缺纸", &mut rx, &kiosk);
    let alert = kiosk.ui.global::<kiosk_ui::AppState>().get_device_alert();
    assert_eq!(alert.as_str(), "暂不可用：回执打印机缺纸");
    press(&sim, "纸正常", &mut rx, &kiosk);
    assert_eq!(
        kiosk
            .ui
            .global::<kiosk_ui::AppState>()
            .get_device_alert()
            .as_str(),
        ""
    );

    press(&sim, "开柜门 · open door", &mut rx, &kiosk);
    assert!(
        !find(&kiosk.ui, "设备维护中").is_empty(),
        "maintenance screen while the door is open"
    );
    snapshot(&kiosk, "e2e-maintenance");
    press(&sim, "关柜门 · close door", &mut rx, &kiosk);
    assert!(find(&kiosk.ui, "设备维护中").is_empty());
}

#[test]
fn touching_a_tile_opens_its_category_and_english_follows() {
    let profile = profile("rpi4-community");
    let kiosk = kiosk(&profile);
    find(&kiosk.ui, "轻触屏幕开始")[0].invoke_accessible_default_action();
    let tile = find(&kiosk.ui, "证明打印");
    assert!(!tile.is_empty());
    tile[0].invoke_accessible_default_action();
    assert!(
        !find(&kiosk.ui, "社保缴费记录打印").is_empty(),
        "items of the category are listed"
    );
    find(&kiosk.ui, "English")[0].invoke_accessible_default_action();
    assert!(
        !find(&kiosk.ui, "Social insurance payment record").is_empty(),
        "items in English"
    );
    assert!(
        !find(&kiosk.ui, "Call staff").is_empty(),
        "bundled English translation of the bars"
    );
    snapshot(&kiosk, "e2e-category-english-portrait");
    find(&kiosk.ui, "中文")[0].invoke_accessible_default_action();
    assert!(!find(&kiosk.ui, "呼叫帮办").is_empty());
    let _ = ElementHandle::find_by_accessible_label(&kiosk.ui, "返回")
        .next()
        .map(|b| b.invoke_accessible_default_action());
    assert!(
        !find(&kiosk.ui, "搜索事项").is_empty(),
        "back from a category is the home page"
    );
}
