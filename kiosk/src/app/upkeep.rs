//! The technicians' and the service centre's side of the running kiosk: maintenance commands and tests,
//! configuration changes, RAUC updates and the heartbeat.

use crate::app::Kiosk;
use crate::config::Config;
use crate::maintenance::{Command, Consumable, Test};
use crate::platform::Platform;
use crate::session::Input;
use crate::system::clock::local_now;
use crate::system::rauc::{Rauc, Status};
use crate::system::settings_change::{Applied, Change};
use kiosk_api::{ConfigResult, DeviceHealth, Heartbeat};
use std::path::PathBuf;
use std::time::{Duration, Instant};

use crate::system::upkeep::*;

/// How long the lights and the pad's lights blink in their tests.
const BLINK: Duration = Duration::from_secs(3);

impl Kiosk {
    /// Where the configuration lives and the data folder; `simulated`: reboots are not carried out.
    pub fn set_files(&self, config_path: Option<PathBuf>, data_dir: PathBuf, simulated: bool) {
        let mut u = self.upkeep.borrow_mut();
        u.config_path = config_path;
        u.data_dir = data_dir;
        u.simulated = simulated;
        drop(u);
        self.read_slots();
    }

    /// The self-test's verdict on the running slot.
    pub fn slot_check(&self) -> SlotCheck {
        self.upkeep.borrow().slot_check.clone()
    }

    /// The slots as RAUC last reported them (None: not asked yet, or no RAUC).
    pub fn slots(&self) -> Option<Result<Status, String>> {
        self.upkeep.borrow().slots.clone()
    }

    /// The update being installed from the maintenance menu, or how the last one ended.
    pub fn update_run(&self) -> UpdateRun {
        self.upkeep.borrow().update.clone()
    }

    /// RAUC for this terminal (None: no RAUC), and how long the firmware must run before its slot is good.
    pub fn set_rauc(&self, rauc: Option<Rauc>, good_after: Duration) {
        let mut u = self.upkeep.borrow_mut();
        u.rauc = rauc;
        u.good_after = good_after;
        drop(u);
        self.read_slots();
    }

    /// The runtime the devices and the platform calls run on (None before the services are attached).
    fn runtime(&self) -> Option<tokio::runtime::Handle> {
        self.services.borrow().as_ref().map(|s| s.runtime.clone())
    }

    /// Asks RAUC for the slots, off the UI thread.
    fn read_slots(&self) {
        let Some(rauc) = self.upkeep.borrow().rauc.clone() else {
            return;
        };
        let Some(runtime) = self.runtime() else {
            return;
        };
        let inbox = self.inbox();
        runtime.spawn(async move {
            let status = blocking(move || rauc.status()).await;
            inbox.post(move |k| {
                k.upkeep.borrow_mut().slots = Some(status);
                k.render();
            });
        });
    }

    /// The first frame is on the screen (the service manager was told READY). After `good_after` more of
    /// running, the self-test decides whether this slot is good; RAUC then stops U-Boot counting its tries.
    pub fn first_frame_shown(&self) {
        let (rauc, delay) = {
            let u = self.upkeep.borrow();
            (u.rauc.clone(), u.good_after)
        };
        let Some(rauc) = rauc else {
            return;
        };
        let Some(runtime) = self.runtime() else {
            return;
        };
        let inbox = self.inbox();
        runtime.spawn(async move {
            tokio::time::sleep(delay).await;
            // Posted to the UI thread: that it runs at all shows the event loop is alive.
            inbox.post(move |k| k.self_test(rauc));
        });
    }

    /// What must hold for this slot to be good: the UI loop runs (this runs on it), the configuration loaded
    /// without problems and the store opened (the firmware can serve residents and keep what they hand in).
    fn self_test(&self, rauc: Rauc) {
        let failure = if self.terminal.borrow().config_faulty() {
            Some("配置有误 the configuration has problems")
        } else if self.outbox().is_none() {
            Some("本地存储不可用 the store did not open")
        } else {
            None
        };
        if let Some(why) = failure {
            tracing::error!(why, "self-test failed: the slot is not marked good");
            self.upkeep.borrow_mut().slot_check = SlotCheck::NotMarked(why.into());
            return;
        }
        let Some(runtime) = self.runtime() else {
            return;
        };
        let inbox = self.inbox();
        runtime.spawn(async move {
            let r = blocking(move || rauc.mark_good()).await;
            inbox.post(move |k| {
                match &r {
                    Ok(words) => tracing::info!(rauc = %words, "self-test passed: slot marked good"),
                    Err(e) => tracing::error!(error = %e, "self-test passed but the slot was not marked good"),
                }
                k.upkeep.borrow_mut().slot_check = match r {
                    Ok(words) => SlotCheck::Good(words),
                    Err(e) => SlotCheck::NotMarked(e),
                };
                k.read_slots();
            });
        });
    }

    /// Installs the bundle the System section offers, its progress shown there.
    fn install_update(&self) {
        let (rauc, data_dir, running) = {
            let u = self.upkeep.borrow();
            (
                u.rauc.clone(),
                u.data_dir.clone(),
                matches!(u.update, UpdateRun::Running { .. }),
            )
        };
        if running {
            self.say("已在安装 an update is being installed");
            return;
        }
        let Some(rauc) = rauc else {
            self.say("此终端没有 RAUC no RAUC on this terminal");
            return;
        };
        let Some(bundle) =
            crate::system::rauc::find_bundle(&crate::system::rauc::bundle_dirs(&data_dir))
        else {
            self.say("没有找到更新包 no update bundle found");
            return;
        };
        let Some(runtime) = self.runtime() else {
            return;
        };
        let name = bundle
            .file_name()
            .map(|n| n.to_string_lossy().to_string())
            .unwrap_or_default();
        tracing::warn!(bundle = %bundle.display(), "installing an update");
        self.upkeep.borrow_mut().update = UpdateRun::Running {
            bundle: name.clone(),
            percent: 0,
            step: String::new(),
        };
        self.say(format!("正在安装 installing {name}"));
        let inbox = self.inbox();
        runtime.spawn(async move {
            let step_inbox = inbox.clone();
            let step_name = name.clone();
            let r = rauc
                .install(&bundle, move |p| {
                    let bundle = step_name.clone();
                    step_inbox.post(move |k| {
                        k.upkeep.borrow_mut().update = UpdateRun::Running {
                            bundle,
                            percent: p.percent,
                            step: p.message,
                        };
                        k.render();
                    });
                })
                .await;
            inbox.post(move |k| {
                let (run, said) = match r {
                    Ok(()) => {
                        tracing::warn!(bundle = %name, "update installed; it runs after a reboot");
                        (
                            UpdateRun::Installed(name.clone()),
                            format!("已安装 {name}，重启后运行 installed: reboot to run it"),
                        )
                    }
                    Err(e) => {
                        tracing::error!(bundle = %name, error = %e, "update not installed");
                        let why = crate::system::rauc::explain(&e);
                        (
                            UpdateRun::Failed(why.clone()),
                            format!("安装失败 not installed: {why}"),
                        )
                    }
                };
                k.upkeep.borrow_mut().update = run;
                k.say(said);
                k.read_slots();
                k.render();
            });
        });
    }

    /// The exit code the firmware should end with, when a restart was asked for.
    pub fn exit_code(&self) -> Option<i32> {
        self.upkeep.borrow().exit_code
    }

    /// Printed receipts or A4 documents since the last refill.
    pub fn counter(&self, c: Consumable) -> u64 {
        self.outbox()
            .and_then(|o| o.secret(&counter_name(c)).ok().flatten())
            .and_then(|v| v.parse().ok())
            .unwrap_or(0)
    }

    pub(crate) fn count_printed(&self, c: Consumable) {
        let n = self.counter(c) + 1;
        if let Some(o) = self.outbox() {
            if let Err(e) = o.set_secret(&counter_name(c), &n.to_string()) {
                tracing::warn!(error = %e, "consumables counter not kept");
            }
        }
    }

    fn test_done(&self, t: Test, result: Result<String, String>) {
        self.handle(Input::TestDone { test: t, result });
    }

    fn say(&self, message: impl Into<String>) {
        self.handle(Input::MaintenanceMessage(message.into()));
    }

    /// Carries out a command of the maintenance menu.
    pub(crate) fn maintenance_command(&self, c: Command) {
        let services = self.services.borrow().clone();
        let runtime = services.as_ref().map(|s| s.runtime.clone());
        let inbox = self.inbox();
        match c {
            Command::RunTest(t) => self.run_test(t),
            // The preview follows the menu's state (sync_preview); nothing else runs on after a test.
            Command::StopTest(_) => {}
            Command::SendNow => match self.outbox().map(|o| o.send_now()) {
                Some(Ok(n)) => self.say(format!("{n} 项立即发送 {n} item(s) due now")),
                Some(Err(e)) => self.say(format!("队列不可用 outbox unusable: {e}")),
                None => self.say("此终端没有本地存储 no store on this terminal"),
            },
            Command::CheckNetwork => {
                let base = services
                    .as_ref()
                    .and_then(|s| s.platform.as_ref().map(|p| p.base().to_string()));
                match (runtime, base) {
                    (Some(rt), Some(base)) => {
                        self.say("正在检测 checking…");
                        rt.spawn(async move {
                            let r = Platform::probe(&base).await.map_err(|e| e.to_string());
                            inbox.post(move |k| {
                                k.say(match &r {
                                    Ok(d) => {
                                        format!("平台可达 platform reachable, {} ms", d.as_millis())
                                    }
                                    Err(e) => format!("平台不可达 platform unreachable: {e}"),
                                });
                                k.upkeep.borrow_mut().hub = Some(r);
                            });
                        });
                    }
                    _ => self.say("未配置平台 no platform configured"),
                }
            }
            Command::Restart => {
                tracing::warn!("firmware restart asked for in the maintenance menu");
                self.upkeep.borrow_mut().exit_code = Some(RESTART_EXIT_CODE);
                self.say("正在重启程序 restarting the firmware…");
                // main() ends with the exit code; without an event loop (tests) this does nothing.
                let _ = slint::quit_event_loop();
            }
            Command::Reboot => {
                if self.upkeep.borrow().simulated {
                    self.say("模拟终端不重启主机 simulated terminal: the host is not rebooted");
                } else {
                    // systemd reboots the board when the firmware ends with this code (see kiosk.service).
                    tracing::warn!("reboot asked for in the maintenance menu");
                    self.upkeep.borrow_mut().exit_code = Some(REBOOT_EXIT_CODE);
                    self.say("正在重启终端 rebooting…");
                    let _ = slint::quit_event_loop();
                }
            }
            Command::InstallUpdate => self.install_update(),
            Command::ResetCounter(c) => {
                match self.outbox().map(|o| o.set_secret(&counter_name(c), "0")) {
                    Some(Ok(())) => self.say("计数已清零 counter reset"),
                    Some(Err(e)) => self.say(format!("未能清零 not reset: {e}")),
                    None => self.say("此终端没有本地存储 no store on this terminal"),
                }
            }
            Command::ApplySettings(d) => self.change_config(Change::Settings(d), None),
            Command::KeepLock {
                failures,
                locked_for,
            } => {
                // Kept as the wall-clock end of the lock: a restart must not buy more tries.
                let until = crate::platform::outbox::now_ms() + locked_for.as_millis() as i64;
                let kept = self
                    .outbox()
                    .map(|o| o.set_secret(LOCK_SECRET, &format!("{failures} {until}")));
                if let Some(Err(e)) = kept {
                    tracing::warn!(error = %e, "maintenance lock-out not kept");
                }
            }
        }
    }

    /// Puts back the wrong-PIN count and lock-out kept before a restart (once the store is there).
    pub fn restore_lock(&self) {
        let Some(kept) = self
            .outbox()
            .and_then(|o| o.secret(LOCK_SECRET).ok().flatten())
        else {
            return;
        };
        let mut parts = kept.split(' ').map(str::parse::<i64>);
        if let (Some(Ok(failures)), Some(Ok(until))) = (parts.next(), parts.next()) {
            let left = (until - crate::platform::outbox::now_ms()).max(0) as u64;
            self.handle(Input::LockRestored {
                failures: u32::try_from(failures).unwrap_or(0),
                locked_for: Duration::from_millis(left),
            });
        }
    }

    fn run_test(&self, t: Test) {
        let services = self.services.borrow().clone();
        let Some(services) = services else {
            self.test_done(t, Err("设备未启动 devices not started".into()));
            return;
        };
        let inbox = self.inbox();
        let rt = services.runtime.clone();
        let done = move |r: Result<String, String>| {
            inbox.post(move |k| {
                // Test prints use paper as every other.
                let used = match t {
                    Test::Receipt => Some(Consumable::Receipt),
                    Test::A4 => Some(Consumable::A4),
                    _ => None,
                };
                if let (Some(c), true) = (used, r.is_ok()) {
                    k.count_printed(c);
                }
                k.test_done(t, r)
            })
        };
        match t {
            Test::Receipt => match services.receipt {
                Some(h) => {
                    rt.spawn(async move {
                        let receipt = crate::view::paperwork::test_receipt(
                            "终端小票打印机 terminal printer",
                            "-",
                        );
                        done(
                            h.print(receipt)
                                .await
                                .map(|_| "已打印并切纸 printed and cut".into())
                                .map_err(|e| e.to_string()),
                        );
                    });
                }
                None => self.test_done(t, Err("没有小票打印机 no receipt printer".into())),
            },
            Test::A4 => match services.a4 {
                Some(h) => {
                    rt.spawn(async move {
                        let pdf = tokio::task::spawn_blocking(|| {
                            crate::view::paperwork::a4_test_page("terminal A4 printer")
                        })
                        .await
                        .map_err(|e| e.to_string())
                        .and_then(|r| r);
                        let r = match pdf {
                            Ok(pdf) => h
                                .print(kiosk_drivers::a4::driver::Document::new(
                                    "A4 test page",
                                    pdf,
                                ))
                                .await
                                .map(|_| "已打印 printed".to_string())
                                .map_err(|e| e.to_string()),
                            Err(e) => Err(e),
                        };
                        done(r);
                    });
                }
                None => self.test_done(t, Err("没有A4打印机 no A4 printer".into())),
            },
            Test::DocumentCamera | Test::FaceCamera => {
                let cam = if t == Test::FaceCamera {
                    self.face_camera.borrow().is_some()
                } else {
                    self.camera.borrow().is_some()
                };
                self.test_done(
                    t,
                    if cam {
                        Ok("preview".into())
                    } else {
                        Err("没有这台摄像头 no such camera".into())
                    },
                );
            }
            Test::PadLights => match services.pad {
                Some(pad) => {
                    use kiosk_drivers::pad::driver::PadCommand;
                    use kiosk_drivers::pad::protocol::LightMode;
                    let sent = pad.send(PadCommand::Lights {
                        mask: 0x1F,
                        mode: LightMode::Slow,
                    });
                    match sent {
                        Ok(()) => {
                            rt.spawn(async move {
                                tokio::time::sleep(BLINK).await;
                                let _ = pad.send(PadCommand::Lights {
                                    mask: 0,
                                    mode: LightMode::Off,
                                });
                                done(Ok("blinked".into()));
                            });
                        }
                        Err(_) => self.test_done(t, Err("评价器未运行 pad not running".into())),
                    }
                }
                None => self.test_done(t, Err("没有评价器 no evaluation pad".into())),
            },
            Test::Lights => match services.lights {
                Some(lights) => {
                    let before = *lights.borrow();
                    let _ = lights.send(kiosk_drivers::gpio::protocol::Flash::Medium);
                    rt.spawn(async move {
                        tokio::time::sleep(BLINK).await;
                        let _ = lights.send(before);
                        done(Ok("blinked".into()));
                    });
                }
                None => self.test_done(t, Err("没有状态灯 no status lights".into())),
            },
            Test::Buzzer => match services.buzzer {
                Some(b) => {
                    let beep = kiosk_drivers::gpio::service::Beep {
                        count: 3,
                        on: Duration::from_millis(150),
                        off: Duration::from_millis(150),
                    };
                    let r = b
                        .send(beep)
                        .map(|_| "beeped".to_string())
                        .map_err(|_| "蜂鸣器未运行 buzzer not running".to_string());
                    self.test_done(t, r);
                }
                None => self.test_done(t, Err("没有蜂鸣器 no buzzer".into())),
            },
            Test::Speech => {
                let r = self
                    .with_voice(|v| v.test_phrase())
                    .unwrap_or(Err("语音未启动 speech not started".into()));
                self.test_done(t, r);
            }
            // These wait for a person at the device (Maintenance::device), not for a command.
            Test::Card | Test::Scan | Test::PadKeys | Test::Keypad | Test::HelpButton => {}
        }
    }

    /// A configuration change, from the menu (`push` None) or the platform; its result goes to the menu or
    /// into the next heartbeat.
    fn change_config(&self, change: Change, push: Option<String>) {
        let Some(runtime) = self.runtime() else {
            self.say("设备未启动 not started");
            return;
        };
        let (path, running) = {
            let u = self.upkeep.borrow();
            (u.config_path.clone(), u.config.clone())
        };
        let inbox = self.inbox();
        runtime.spawn(async move {
            let r = crate::system::settings_change::apply(path, running, change).await;
            inbox.post(move |k| k.config_changed(r, push));
        });
    }

    fn config_changed(&self, r: Result<Applied, String>, push: Option<String>) {
        let (ok, message) = match r {
            Ok(applied) => {
                let message = applied.message.clone();
                self.use_config(applied.config);
                (true, message)
            }
            Err(why) => (false, format!("未应用 not applied: {why}")),
        };
        let who = push
            .as_deref()
            .map(|id| format!("platform push {id}"))
            .unwrap_or_default();
        match ok {
            true => tracing::info!(%who, "configuration changed"),
            false => tracing::warn!(%who, %message, "configuration change refused"),
        }
        match push {
            Some(id) => {
                self.upkeep.borrow_mut().pending_result = Some(ConfigResult {
                    id,
                    applied: ok,
                    message,
                });
                // Tell the platform at once rather than in 30 s.
                self.heartbeat_now();
            }
            None => self.say(message),
        }
    }

    /// Puts a new configuration to work: session settings, the theme and the technicians at once; what
    /// needs a restart (devices, platform URL, storage) at the next start.
    fn use_config(&self, config: Config) {
        let settings = config.settings();
        self.handle(Input::Configured {
            settings,
            technicians: config.maintenance.technicians.clone(),
        });
        let panel = self.upkeep.borrow().panel.clone();
        super::configure_view(&self.ui, &config, &panel);
        self.upkeep.borrow_mut().config = config;
    }

    /// Every 30 s, from the kiosk's tick.
    pub(crate) fn heartbeat_due(&self) {
        let due = {
            let u = self.upkeep.borrow();
            !u.heartbeat_in_flight
                && u.last_heartbeat
                    .is_none_or(|t| t.elapsed() >= crate::platform::telemetry::HEARTBEAT_EVERY)
        };
        if due {
            self.heartbeat_now();
        }
    }

    /// Sends the heartbeat now; the reply's pushed configuration is applied (once).
    pub fn heartbeat_now(&self) {
        let services = self.services.borrow().clone();
        let Some((runtime, Some(platform))) = services
            .as_ref()
            .map(|s| (s.runtime.clone(), s.platform.clone()))
        else {
            return;
        };
        let h = self.heartbeat();
        {
            let mut u = self.upkeep.borrow_mut();
            u.last_heartbeat = Some(Instant::now());
            u.heartbeat_in_flight = true;
        }
        let inbox = self.inbox();
        runtime.spawn(async move {
            let started = Instant::now();
            let reply = platform.heartbeat(&h).await;
            let latency = started.elapsed();
            inbox.post(move |k| k.heartbeat_answered(reply.map(|r| (r, latency)), h.config_result));
        });
    }

    fn heartbeat_answered(
        &self,
        reply: Result<(kiosk_api::HeartbeatReply, Duration), crate::platform::PlatformError>,
        reported: Option<ConfigResult>,
    ) {
        let mut u = self.upkeep.borrow_mut();
        u.heartbeat_in_flight = false;
        match reply {
            Ok((r, latency)) => {
                u.hub = Some(Ok(latency));
                // The result reached the platform: not sent again.
                if reported.is_some() && u.pending_result == reported {
                    u.pending_result = None;
                }
                if let Some(push) = r.config {
                    if u.last_push.as_deref() != Some(push.id.as_str()) {
                        u.last_push = Some(push.id.clone());
                        drop(u);
                        tracing::info!(push = %push.id, "configuration pushed by the platform");
                        self.change_config(Change::Whole(push.toml), Some(push.id));
                    }
                }
            }
            Err(e) => {
                tracing::debug!(error = %e, "heartbeat not answered");
                u.hub = Some(Err(e.to_string()));
            }
        }
    }

    /// The heartbeat as it stands.
    pub fn heartbeat(&self) -> Heartbeat {
        let t = self.terminal.borrow();
        let u = self.upkeep.borrow();
        let status = self.outbox().and_then(|o| o.status().ok());
        Heartbeat {
            terminal_id: t.terminal_id().to_string(),
            version: crate::platform::telemetry::VERSION.into(),
            update: u.slots.as_ref().map(|r| match r {
                Ok(s) => s.summary(),
                Err(e) => format!("rauc: {e}"),
            }),
            uptime_s: u.started.elapsed().as_secs(),
            street: u.config.terminal.street.clone(),
            community: u.config.terminal.community.clone(),
            devices: t
                .health_view(Instant::now())
                .into_iter()
                .map(|l| DeviceHealth {
                    device: l.id.0,
                    class: l.class.to_string(),
                    state: l.state,
                    since_s: l.for_.as_secs(),
                    last_error: l.last_error,
                })
                .collect(),
            outbox_depth: status.as_ref().map_or(0, |s| s.queued),
            outbox_oldest_s: status
                .as_ref()
                .and_then(|s| s.oldest_ms)
                .map(|ms| ((crate::platform::outbox::now_ms() - ms).max(0) / 1000) as u64),
            outbox_last_error: status.and_then(|s| s.last_error),
            free_disk_bytes: crate::platform::telemetry::free_disk(&u.data_dir),
            temperature_c: crate::platform::telemetry::temperature(),
            config_result: u.pending_result.clone(),
            sent_at: local_now().to_rfc3339(),
        }
    }
}
