//! The simulated terminal end to end: a person presses buttons in the device simulator window, the simulator
//! publishes device events, the kiosk reacts on screen, and the end of a session leaves nothing of the
//! resident in the view.

use i_slint_backend_testing::ElementHandle;
use kiosk::app::Kiosk;
use kiosk::dev::simulator::Simulator;
use kiosk_drivers::manager::{self, Devices};
use kiosk_drivers::{DeviceEvent, Health, PaperState};
use kiosk_tests::*;
use slint::ComponentHandle;
use std::rc::Rc;
use std::time::{Duration, Instant};
use tokio::sync::mpsc::{unbounded_channel, UnboundedReceiver};

/// The simulated terminal as `kiosk run --simulate` builds it: the kiosk window, the serial drivers talking to
/// simulated devices on pseudo-terminals, and the device simulator window driving those devices.
struct Rig {
    kiosk: Rc<Kiosk>,
    sim: Rc<Simulator>,
    rx: UnboundedReceiver<DeviceEvent>,
    _devices: Devices,
    _rt: tokio::runtime::Runtime,
}

impl Rig {
    fn new(profile_name: &str, name: &str) -> Self {
        let profile = profile(profile_name);
        let kiosk = kiosk(&profile);
        let rt = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .enable_all()
            .build()
            .unwrap();
        let (tx, rx) = unbounded_channel();
        let dir = std::env::temp_dir().join(format!("kiosk-e2e-{}-{name}", std::process::id()));
        let mut devices = {
            let _g = rt.enter();
            manager::start(&profile.devices, &dir, tx.clone())
        };
        let sims = Rc::new(std::mem::take(&mut devices.sims));
        let sim = Simulator::new(sims).expect("simulator window");
        drop(tx);
        let mut rig = Rig {
            kiosk,
            sim,
            rx,
            _devices: devices,
            _rt: rt,
        };
        // The four serial devices come online through their drivers.
        let mut online = 0;
        rig.deliver_until(Duration::from_secs(5), |e| {
            if matches!(
                e,
                DeviceEvent::Health {
                    health: Health::Online,
                    ..
                }
            ) {
                online += 1;
            }
            online == 4
        });
        assert_eq!(online, 4, "reader, scanner, printer and pad online");
        rig
    }

    /// Hands every event to the kiosk (on this, the UI thread) until one satisfies `until`.
    fn deliver_until(
        &mut self,
        within: Duration,
        mut until: impl FnMut(&DeviceEvent) -> bool,
    ) -> bool {
        let end = Instant::now() + within;
        while Instant::now() < end {
            match self.rx.try_recv() {
                Ok(e) => {
                    let done = until(&e);
                    self.kiosk.device(e);
                    if done {
                        return true;
                    }
                }
                Err(_) => std::thread::sleep(Duration::from_millis(5)),
            }
        }
        false
    }

    /// Clicks the simulator button with this label and delivers events until the expected one has arrived.
    fn press(&mut self, label: &str, expect: impl FnMut(&DeviceEvent) -> bool) {
        let button = find(&self.sim.window, label);
        assert!(!button.is_empty(), "no simulator button {label}");
        button[0].invoke_accessible_default_action();
        assert!(
            self.deliver_until(Duration::from_secs(5), expect),
            "{label}: the expected event did not arrive"
        );
    }
}

#[test]
fn a_card_from_the_simulator_greets_the_resident_and_its_removal_wipes_them() {
    let mut rig = Rig::new("simulated", "card");
    let kiosk = rig.kiosk.clone();
    let sim = rig.sim.clone();
    sim.window.show().expect("show simulator");
    sim.window
        .window()
        .set_size(slint::PhysicalSize::new(460, 980));

    assert!(
        !find(&kiosk.ui, "插入身份证").is_empty(),
        "starts on the attract screen"
    );
    // The card goes onto the simulated reader; the GA 467 driver reads it over the pty and publishes it.
    rig.press("插入 · 长者 74岁 男", |e| {
        matches!(e, DeviceEvent::CardInserted(_))
    });
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
        newest.contains("身份证放上阅读器：长者 74岁 男") && !newest.contains("张"),
        "{newest}"
    );
    rig.press("取出身份证 · remove card", |e| {
        matches!(e, DeviceEvent::CardRemoved)
    });
    assert!(
        !find(&kiosk.ui, "插入身份证").is_empty(),
        "back on the attract screen"
    );
    assert!(
        !kiosk.ui.global::<kiosk_ui::Theme>().get_elder(),
        "elder mode back to the default"
    );
    let text = ui_text(&kiosk.ui);
    for trace in ["张", "建国", "310110", "控江路"] {
        assert!(
            !text.contains(trace),
            "{trace:?} still in the UI after the session ended:\n{text}"
        );
    }
    assert!(kiosk.terminal.borrow().resident().is_none());
}

#[test]
fn help_door_scanner_and_paper_are_answered_on_screen() {
    let mut rig = Rig::new("simulated", "help");
    let kiosk = rig.kiosk.clone();

    rig.press("帮办按钮 · help", |e| {
        matches!(e, DeviceEvent::HelpPressed)
    });
    let notice = kiosk
        .ui
        .global::<kiosk_ui::ShellAdapter>()
        .get_notice_text();
    assert!(
        notice.contains("12345"),
        "help says where to get a person: {notice}"
    );

    rig.press("扫 随申码", |e| {
        matches!(e, DeviceEvent::CodeScanned(_))
    });
    let notice = kiosk
        .ui
        .global::<kiosk_ui::ShellAdapter>()
        .get_notice_text();
    assert!(notice.contains("随申码"), "{notice}");
    snapshot(&kiosk, "e2e-suishenma-notice");

    // The printer driver polls the simulated printer's status and publishes the change.
    rig.press("缺纸", |e| {
        matches!(
            e,
            DeviceEvent::Paper {
                state: PaperState::Out,
                ..
            }
        )
    });
    let alert = kiosk
        .ui
        .global::<kiosk_ui::ShellAdapter>()
        .get_device_alert();
    assert_eq!(alert.as_str(), "暂不可用：回执打印机缺纸");
    rig.press("纸正常", |e| {
        matches!(
            e,
            DeviceEvent::Paper {
                state: PaperState::Ok,
                ..
            }
        )
    });
    assert_eq!(
        kiosk
            .ui
            .global::<kiosk_ui::ShellAdapter>()
            .get_device_alert()
            .as_str(),
        ""
    );

    // A device unplugged is down for residents within 2 s, and back by itself when plugged in again.
    rig.press("拔出读卡器", |e| {
        matches!(
            e,
            DeviceEvent::Health {
                health: Health::Down { .. },
                ..
            }
        )
    });
    assert_eq!(
        kiosk
            .ui
            .global::<kiosk_ui::ShellAdapter>()
            .get_device_alert()
            .as_str(),
        "暂不可用：身份证阅读器暂停服务"
    );
    rig.sim.window.show().expect("show simulator");
    rig.sim
        .window
        .window()
        .set_size(slint::PhysicalSize::new(460, 980));
    snapshot_window(rig.sim.window.window(), "e2e-device-simulator-unplugged");
    rig.press("插回读卡器", |e| {
        matches!(
            e,
            DeviceEvent::Health {
                health: Health::Online,
                ..
            }
        )
    });
    assert_eq!(
        kiosk
            .ui
            .global::<kiosk_ui::ShellAdapter>()
            .get_device_alert()
            .as_str(),
        ""
    );

    rig.press("开柜门 · open door", |e| {
        matches!(e, DeviceEvent::DoorOpened)
    });
    // The technician's PIN pad while the door is open (tests/tests/maintenance.rs goes further).
    assert!(
        !find(&kiosk.ui, "PIN 0 digits").is_empty(),
        "maintenance PIN pad while the door is open"
    );
    snapshot(&kiosk, "e2e-maintenance");
    rig.press("关柜门 · close door", |e| {
        matches!(e, DeviceEvent::DoorClosed)
    });
    assert!(find(&kiosk.ui, "PIN 0 digits").is_empty());
}

#[test]
fn touching_a_tile_opens_its_category_and_english_follows() {
    let profile = profile("rpi4-community");
    let kiosk = kiosk(&profile);
    assert!(
        kiosk.items(Duration::from_secs(30)).is_some(),
        "catalogue loads"
    );
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
        !find(&kiosk.ui, "Print social insurance payment record").is_empty(),
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

#[test]
fn faults_injected_from_the_simulator_reach_the_screen_and_clear() {
    let mut rig = Rig::new("simulated", "faults");
    let kiosk = rig.kiosk.clone();
    let alert = |k: &Kiosk| {
        k.ui.global::<kiosk_ui::ShellAdapter>()
            .get_device_alert()
            .to_string()
    };
    let down = |id: &'static str| move |e: &DeviceEvent| matches!(e, DeviceEvent::Health { device, health: Health::Down { .. } } if device.0 == id);
    let online = |id: &'static str| move |e: &DeviceEvent| matches!(e, DeviceEvent::Health { device, health: Health::Online } if device.0 == id);
    // Let the A4 printer and the cameras report first.
    rig.deliver_until(Duration::from_secs(5), online("a4"));

    // The A4 printer's door: printer-state-reasons over IPP → down for residents with its name.
    rig.press("A4 开门", down("a4"));
    assert!(alert(&kiosk).contains("A4 打印机"), "{}", alert(&kiosk));
    rig.press("A4 开门", online("a4"));
    assert_eq!(alert(&kiosk), "");

    // Out of paper is a paper state, like the receipt printer's.
    rig.press(
        "A4 缺纸",
        |e| matches!(e, DeviceEvent::Paper { device, state: PaperState::Out } if device.0 == "a4"),
    );
    assert!(alert(&kiosk).contains("A4 打印机缺纸"), "{}", alert(&kiosk));

    // The document camera vanishes and comes back.
    rig.press("拔出高拍仪", down("document-camera"));
    assert!(alert(&kiosk).contains("高拍仪"), "{}", alert(&kiosk));
    rig.press("插回高拍仪", online("document-camera"));

    // The help button's line becomes busy: not a resident's device, but the health view says so.
    rig.press("帮办按钮线被占用 · help line busy", down("help"));
    let view = kiosk.terminal.borrow().health_view(Instant::now());
    let help = view.iter().find(|l| l.id.0 == "help").unwrap();
    assert!(help.state.contains("busy"), "{help:?}");
    rig.press("帮办按钮线恢复 · help line back", online("help"));

    rig.sim.window.show().expect("show simulator");
    rig.sim
        .window
        .window()
        .set_size(slint::PhysicalSize::new(460, 1140));
    snapshot_window(rig.sim.window.window(), "e2e-device-simulator-faults");
}

#[test]
fn the_simulator_takes_the_service_centre_down_and_up() {
    init_backend();
    let sim =
        Simulator::new(Rc::new(manager::SimulatedDevices::default())).expect("simulator window");
    let rt = tokio::runtime::Runtime::new().expect("runtime");
    let (_, hub) = kiosk_tests::hub_on_loopback(&rt);
    sim.attach_hub(hub.clone());
    find(&sim.window, "平台停机 · platform down")[0].invoke_accessible_default_action();
    assert!(!hub.is_available());
    find(&sim.window, "平台恢复 · platform back")[0].invoke_accessible_default_action();
    assert!(hub.is_available());
}

#[test]
fn the_simulator_lays_the_page_on_the_document_cameras_pad() {
    use kiosk_drivers::camera::service::{PageOnPad, Plug};
    init_backend();
    let plug = Plug::default();
    let mut devices = manager::SimulatedDevices::default();
    devices.cameras.push((
        kiosk_drivers::DeviceId("document-camera".into()),
        plug.clone(),
    ));
    let sim = Simulator::new(Rc::new(devices)).expect("simulator window");
    for (label, how) in [
        ("光线暗", PageOnPad::Dim),
        ("出框", PageOnPad::OffEdge),
        ("平放", PageOnPad::Placed),
    ] {
        find(&sim.window, label)[0].invoke_accessible_default_action();
        assert_eq!(plug.page(), how, "{label}");
    }
}
