//! The device simulator window of `kiosk run --simulate`: a person plays the hardware. The serial devices (ID card
//! reader, scanner, receipt printer, evaluation pad) are simulated devices on pseudo-terminals that the real
//! drivers talk to, so a card inserted here is read over GA 467 frames like a real one; the GPIO inputs (help
//! button, door, presence) are simulated lines that bounce like contacts and go through the GPIO services.

use kiosk_drivers::manager::SimulatedDevices;
use kiosk_drivers::sim::{sample_cards, SAMPLE_CODES};
use kiosk_drivers::simio::LineControls;
use kiosk_drivers::{KeypadKey, PaperState};
use kiosk_ui::SimulatorWindow;
use slint::{ComponentHandle, ModelRc, SharedString, VecModel};
use std::rc::Rc;

const LOG_LINES: usize = 14;

pub struct Simulator {
    pub window: SimulatorWindow,
    log: Rc<VecModel<SharedString>>,
}

impl Simulator {
    pub fn new(devices: Rc<SimulatedDevices>) -> Result<Rc<Self>, slint::PlatformError> {
        let window = SimulatorWindow::new()?;
        crate::view::screen_fonts::register_or_log();
        let labels: Vec<SharedString> = sample_cards()
            .iter()
            .map(|c| SharedString::from(c.label))
            .collect();
        window.set_card_labels(ModelRc::new(VecModel::from(labels)));
        let codes: Vec<SharedString> = SAMPLE_CODES
            .iter()
            .map(|(l, _)| SharedString::from(*l))
            .collect();
        window.set_code_labels(ModelRc::new(VecModel::from(codes)));
        let log = Rc::new(VecModel::default());
        window.set_log(ModelRc::from(log.clone()));
        let sim = Rc::new(Simulator { window, log });

        // Each handler: update the simulator's own view, log a line without personal data, drive a simulated
        // device. The drivers do the rest, as on a real terminal.
        let log = {
            let sim = Rc::downgrade(&sim);
            move |line: String| {
                if let Some(s) = sim.upgrade() {
                    s.push_log(line);
                }
            }
        };
        let w = &sim.window;
        {
            let log = log.clone();
            let devs = devices.clone();
            let ww = w.as_weak();
            w.on_insert_card(move |i| {
                let Some(card) = usize::try_from(i)
                    .ok()
                    .and_then(|i| sample_cards().into_iter().nth(i))
                else {
                    return;
                };
                let Some(reader) = &devs.reader else { return };
                if let Some(w) = ww.upgrade() {
                    w.set_card_inserted(true);
                }
                log(format!("身份证放上阅读器：{}", card.label));
                reader.insert(card.record);
            });
        }
        {
            let log = log.clone();
            let devs = devices.clone();
            let ww = w.as_weak();
            w.on_remove_card(move || {
                let Some(reader) = &devs.reader else { return };
                if let Some(w) = ww.upgrade() {
                    w.set_card_inserted(false);
                }
                log("身份证取走".into());
                reader.remove();
            });
        }
        {
            let log = log.clone();
            let devs = devices.clone();
            w.on_scan(move |i| {
                let Some((label, data)) = usize::try_from(i).ok().and_then(|i| SAMPLE_CODES.get(i))
                else {
                    return;
                };
                let Some(scanner) = &devs.scanner else { return };
                log(format!("出示：{label}"));
                scanner.show(data);
            });
        }
        {
            let log = log.clone();
            let devs = devices.clone();
            w.on_help_button(move || match &devs.gpio {
                Some(g) if g.help.is_some() => {
                    log("帮办按钮按下".into());
                    g.press_help();
                }
                _ => log("此配置没有帮办按钮".into()),
            });
        }
        {
            let log = log.clone();
            let devs = devices.clone();
            w.on_pad_key(move |n| {
                let Some(pad) = &devs.pad else { return };
                if let Ok(level @ 1..=5) = u8::try_from(n) {
                    log(format!("评价器按键：★{level}"));
                    pad.press(level);
                }
            });
        }
        {
            let log = log.clone();
            let devs = devices.clone();
            let ww = w.as_weak();
            w.on_set_door(move |open| {
                let Some(g) = devs.gpio.as_ref().filter(|g| g.door.is_some()) else {
                    return log("此配置没有柜门开关".into());
                };
                if let Some(w) = ww.upgrade() {
                    w.set_door_open(open);
                }
                log(if open { "柜门打开" } else { "柜门关闭" }.into());
                g.set_door_open(open);
            });
        }
        {
            let log = log.clone();
            let devs = devices.clone();
            let ww = w.as_weak();
            w.on_set_presence(move |present| {
                let Some(g) = devs.gpio.as_ref().filter(|g| g.presence.is_some()) else {
                    return log("此配置没有人体感应器".into());
                };
                if let Some(w) = ww.upgrade() {
                    w.set_present(present);
                }
                log(if present {
                    "有人走近"
                } else {
                    "人已离开"
                }
                .into());
                g.set_present(present);
            });
        }
        {
            let log = log.clone();
            let devs = devices.clone();
            w.on_keypad_key(move |i| {
                let Some(key) = usize::try_from(i).ok().and_then(|i| KeypadKey::ALL.get(i)) else {
                    return;
                };
                match devs.gpio.as_ref().filter(|g| !g.keypad.is_empty()) {
                    Some(g) => {
                        log(format!("键盘：{}", key.key()));
                        g.press_key(*key);
                    }
                    None => log("此配置没有模拟键盘".into()),
                }
            });
        }
        {
            let log = log.clone();
            let devs = devices.clone();
            let unplugged = Rc::new(VecModel::from(vec![false; 7]));
            w.set_unplugged(ModelRc::from(unplugged.clone()));
            w.on_toggle_plug(move |i| {
                let Ok(i) = usize::try_from(i) else { return };
                let Some(was) = unplugged.row_data(i) else {
                    return;
                };
                let (name, done) = match i {
                    0 => (
                        "读卡器",
                        devs.reader
                            .as_ref()
                            .map(|d| if was { d.replug() } else { d.unplug() }),
                    ),
                    1 => (
                        "扫码器",
                        devs.scanner
                            .as_ref()
                            .map(|d| if was { d.replug() } else { d.unplug() }),
                    ),
                    2 => (
                        "打印机",
                        devs.printer
                            .as_ref()
                            .map(|d| if was { d.replug() } else { d.unplug() }),
                    ),
                    3 => (
                        "评价器",
                        devs.pad
                            .as_ref()
                            .map(|d| if was { d.replug() } else { d.unplug() }),
                    ),
                    4 => (
                        "A4 打印机",
                        devs.a4.as_ref().and_then(|d| {
                            if was {
                                d.replug()
                                    .map_err(|e| tracing::warn!(error = %e, "simulated A4 printer cannot listen again"))
                                    .ok()
                            } else {
                                d.unplug();
                                Some(())
                            }
                        }),
                    ),
                    _ => {
                        let wanted = if i == 5 { "document-camera" } else { "face-camera" };
                        (
                            if i == 5 { "高拍仪" } else { "人脸摄像头" },
                            devs.cameras
                                .iter()
                                .find(|(id, _)| id.0 == wanted)
                                .map(|(_, plug)| plug.set_connected(was)),
                        )
                    }
                };
                if done.is_some() {
                    unplugged.set_row_data(i, !was);
                    log(format!("{}{name}", if was { "插回" } else { "拔出" }));
                }
            });
        }
        {
            let log = log.clone();
            let ww = w.as_weak();
            let devs = devices.clone();
            w.on_set_paper(move |n| {
                let Some(printer) = &devs.printer else { return };
                if let Some(w) = ww.upgrade() {
                    w.set_paper(n);
                }
                let (line, state) = match n {
                    1 => ("回执纸将尽", PaperState::NearEnd),
                    2 => ("回执缺纸", PaperState::Out),
                    _ => ("回执纸正常", PaperState::Ok),
                };
                log(line.into());
                printer.set_paper(state);
            });
        }
        {
            // What the photo checks (精准告知) see: the page in poor light, or partly out of the picture.
            let log = log.clone();
            let ww = w.as_weak();
            let devs = devices.clone();
            w.on_set_page_on_pad(move |n| {
                use kiosk_drivers::camera::service::PageOnPad;
                let Some((_, plug)) = devs
                    .cameras
                    .iter()
                    .find(|(id, _)| id.0 == "document-camera")
                else {
                    return;
                };
                let (line, how) = match n {
                    1 => ("高拍仪：光线暗", PageOnPad::Dim),
                    2 => ("高拍仪：材料出框", PageOnPad::OffEdge),
                    _ => ("高拍仪：平放", PageOnPad::Placed),
                };
                plug.set_page(how);
                if let Some(w) = ww.upgrade() {
                    w.set_page_on_pad(n);
                }
                log(line.into());
            });
        }
        {
            // Found by the driver when it next probes: before the first receipt, or after the printer is
            // unplugged and plugged back.
            let log = log.clone();
            let ww = w.as_weak();
            let devs = devices.clone();
            w.on_toggle_job_replies(move || {
                let (Some(printer), Some(w)) = (&devs.printer, ww.upgrade()) else {
                    return;
                };
                let on = !w.get_job_replies();
                w.set_job_replies(on);
                printer.set_job_replies(on);
                log(if on {
                    "打印机回应 GS ( H"
                } else {
                    "打印机只回应状态"
                }
                .into());
            });
        }
        {
            let log = log.clone();
            let devs = devices.clone();
            let conditions = Rc::new(VecModel::from(vec![false; 5]));
            w.set_a4_conditions(ModelRc::from(conditions.clone()));
            w.on_toggle_a4_condition(move |i| {
                let Some(a4) = &devs.a4 else { return };
                let Ok(i) = usize::try_from(i) else { return };
                let Some(was) = conditions.row_data(i) else {
                    return;
                };
                let (condition, name) = match i {
                    0 => (Condition::MediaEmpty, "A4 缺纸"),
                    1 => (Condition::MediaLow, "A4 纸将尽"),
                    2 => (Condition::TonerLow, "A4 碳粉不足"),
                    3 => (Condition::DoorOpen, "A4 打印机开门"),
                    _ => (Condition::Jam, "A4 卡纸"),
                };
                a4.set_condition(condition, !was);
                conditions.set_row_data(i, !was);
                log(format!("{name}{}", if was { "解除" } else { "" }));
            });
        }
        {
            let devs = devices.clone();
            let ww = w.as_weak();
            w.on_toggle_gpio_fault(move || {
                let (Some(gpio), Some(w)) = (&devs.gpio, ww.upgrade()) else {
                    return;
                };
                let Some(help) = &gpio.help else { return };
                let busy = !w.get_gpio_fault();
                gpio.gpio.set_fault(
                    &help.chip,
                    help.line,
                    busy.then_some("the line is busy: another program holds it (simulated)"),
                );
                w.set_gpio_fault(busy);
                log(if busy {
                    "帮办按钮线被占用"
                } else {
                    "帮办按钮线恢复"
                }
                .into());
            });
        }
        Ok(sim)
    }

    /// Lets the simulator take the simulated service centre down and up again.
    #[cfg(feature = "simulated-hub")]
    pub fn attach_hub(self: &Rc<Self>, platform: std::sync::Arc<kiosk_hub::Platform>) {
        let ww = self.window.as_weak();
        let sim = Rc::downgrade(self);
        self.window.on_toggle_platform(move || {
            let Some(w) = ww.upgrade() else { return };
            let down = !w.get_platform_down();
            platform.set_available(!down);
            w.set_platform_down(down);
            if let Some(sim) = sim.upgrade() {
                sim.push_log(if down { "平台停机" } else { "平台恢复" }.into());
            }
        });
    }

    /// The headphone jack: plugging in goes to the kiosk as the jack's switch would.
    pub fn attach_kiosk(self: &Rc<Self>, inbox: crate::app::Inbox) {
        let ww = self.window.as_weak();
        let sim = Rc::downgrade(self);
        self.window.on_toggle_headset(move || {
            let Some(w) = ww.upgrade() else { return };
            let plugged = !w.get_headset();
            w.set_headset(plugged);
            inbox.device(kiosk_drivers::DeviceEvent::Headset(plugged));
            if let Some(sim) = sim.upgrade() {
                sim.push_log(
                    if plugged {
                        "插入耳机"
                    } else {
                        "拔出耳机"
                    }
                    .into(),
                );
            }
        });
    }

    fn push_log(&self, line: String) {
        let stamp = crate::system::clock::local_now().format("%H:%M:%S");
        self.log.insert(0, format!("{stamp}  {line}").into());
        while self.log.row_count() > LOG_LINES {
            self.log.remove(LOG_LINES);
        }
    }
}

use kiosk_drivers::a4::Condition;
use slint::Model as _;
