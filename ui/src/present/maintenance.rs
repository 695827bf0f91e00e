//! The maintenance menu as the view shows it: the PIN pad's state, the sections, and each section's rows
//! (label, state, actions). Technicians read Chinese and English side by side.

use crate::{KioskWindow, MaintRow, MaintenanceAdapter};
use kiosk_core::maintenance::{Section, Setting, SlotCheck, Test, TestState, UpdateRun};
use kiosk_core::session::Terminal;
use slint::{ComponentHandle, Model, ModelRc, SharedString, VecModel};
use std::time::{Duration, Instant};

/// What the menu shows besides the terminal's own state: plain facts the wiring gathers for it, each only
/// for the section on the screen (`None` or empty for the others).
pub struct Facts {
    pub now: Instant,
    pub queue: Option<QueueFacts>,
    /// The firmware's recent log lines, oldest first.
    pub log: Vec<String>,
    pub settings: Option<SettingsFacts>,
    pub system: Option<SystemFacts>,
    pub receipts: u64,
    pub a4: u64,
}

pub struct QueueFacts {
    /// The outbox's state (`None`: no store on this terminal).
    pub outbox: Option<Result<OutboxFacts, String>>,
    pub addresses: Vec<String>,
    /// The platform's address, if one is configured.
    pub platform: Option<String>,
    /// The platform's last answer: its latency, or why it did not answer (`None`: not asked yet).
    pub hub: Option<Result<Duration, String>>,
}

pub struct OutboxFacts {
    pub queued: u64,
    /// How long the oldest undelivered item has waited.
    pub oldest: Option<Duration>,
    pub last_error: Option<String>,
}

pub struct SettingsFacts {
    /// The configuration file (`None`: the simulation's built-in defaults).
    pub file: Option<String>,
    /// "id · street / community".
    pub terminal: String,
    pub platform: String,
    /// The file's text, or why it could not be read.
    pub text: Option<Result<String, String>>,
}

pub struct SystemFacts {
    pub version: String,
    pub uptime: Duration,
    pub free_disk: Option<u64>,
    pub temperature: Option<f64>,
    /// The image has RAUC (not a development build or the simulated terminal).
    pub rauc: bool,
    /// The running and the other slot as RAUC last reported them, or why it could not.
    pub slots: Option<Result<(String, String), String>>,
    pub slot_check: SlotCheck,
    pub update: UpdateRun,
    /// The update bundle a technician can install (its file name), if one is there.
    pub bundle: Option<String>,
    /// Where a bundle can be put instead of a USB stick.
    pub updates_dir: String,
}

const OK: i32 = 1;
const WARN: i32 = 2;
const BAD: i32 = 3;
const HEADING: i32 = 4;
const LOG_LINE: i32 = 5;

fn row(label: impl Into<String>, value: impl Into<String>, level: i32) -> MaintRow {
    MaintRow {
        label: SharedString::from(label.into()),
        value: SharedString::from(value.into()),
        level,
        ..MaintRow::default()
    }
}

fn heading(label: &str) -> MaintRow {
    row(label, "", HEADING)
}

fn with(mut r: MaintRow, action: &str, label: &str) -> MaintRow {
    r.action = action.into();
    r.action_label = label.into();
    r
}

fn with2(mut r: MaintRow, action: &str, label: &str) -> MaintRow {
    r.action2 = action.into();
    r.action2_label = label.into();
    r
}

/// A duration as a technician reads it.
pub fn human(d: Duration) -> String {
    let s = d.as_secs();
    match s {
        0..=119 => format!("{s} s"),
        120..=7199 => format!("{} min", s / 60),
        7200..=172_799 => format!("{} h", s / 3600),
        _ => format!("{} d", s / 86_400),
    }
}

pub const SECTION_NAMES: [&str; 6] = [
    "设备 Devices",
    "网络队列 Network",
    "日志 Logs",
    "设置 Settings",
    "系统 System",
    "耗材 Paper",
];

fn test_row(t: Test, state: Option<&TestState>) -> MaintRow {
    let label = format!("测试 Test · {}", t.label());
    match state {
        None => with(
            row(label, "", 0),
            &format!("test:{}", t.name()),
            "测试 Test",
        ),
        Some(TestState::Running { .. }) => row(label, t.prompt(), WARN),
        Some(TestState::Judge) => with2(
            with(
                row(label, "正常吗？Did it look or sound right?", WARN),
                &format!("judge:{}:ok", t.name()),
                "正常 OK",
            ),
            &format!("judge:{}:bad", t.name()),
            "异常 Not OK",
        ),
        Some(TestState::Passed(what)) => with(
            row(label, format!("通过 passed · {what}"), OK),
            &format!("test:{}", t.name()),
            "再测 Again",
        ),
        Some(TestState::Failed(why)) => with(
            row(label, format!("失败 failed · {why}"), BAD),
            &format!("test:{}", t.name()),
            "再测 Again",
        ),
    }
}

fn devices(t: &Terminal, now: Instant) -> Vec<MaintRow> {
    let mut rows = vec![];
    for line in t.health_view(now) {
        let level = if line.state.starts_with("down") {
            BAD
        } else if line.state.starts_with("degraded") {
            WARN
        } else {
            OK
        };
        let mut value = format!("{} · {}", line.state, human(line.for_));
        if let Some(e) = &line.last_error {
            if !line.state.starts_with("down") {
                value.push_str(&format!(" · 上次故障 last error: {e}"));
            }
        }
        rows.push(row(format!("{} ({})", line.id.0, line.class), value, level));
        for test in Test::for_class(line.class) {
            rows.push(test_row(*test, t.maintenance().tests.get(test)));
        }
    }
    rows.push(heading("语音 Speech"));
    rows.push(test_row(
        Test::Speech,
        t.maintenance().tests.get(&Test::Speech),
    ));
    rows
}

fn queue(k: &QueueFacts) -> Vec<MaintRow> {
    let mut rows = vec![heading("待发送队列 Outbox")];
    match &k.outbox {
        Some(Ok(s)) => {
            let oldest = s.oldest.map(human).unwrap_or_else(|| "—".into());
            rows.push(with(
                row(
                    format!("{} 项待发送 item(s) waiting", s.queued),
                    format!("最早 oldest: {oldest}"),
                    if s.queued > 0 { WARN } else { OK },
                ),
                "send-now",
                "立即重试 Retry now",
            ));
            rows.push(row(
                "上次错误 Last error",
                s.last_error.clone().unwrap_or_else(|| "—".into()),
                0,
            ));
        }
        Some(Err(e)) => rows.push(row("队列不可读 Outbox unreadable", e.as_str(), BAD)),
        None => rows.push(row("没有本地存储 No store", "", BAD)),
    }
    rows.push(heading("网络 Network"));
    let addresses = &k.addresses;
    rows.push(row(
        "地址 Addresses",
        if addresses.is_empty() {
            "—".to_string()
        } else {
            addresses.join(" · ")
        },
        if addresses.is_empty() { WARN } else { 0 },
    ));
    let base = k.platform.clone().unwrap_or_else(|| "—".into());
    let (value, level) = match &k.hub {
        Some(Ok(d)) => (format!("可达 reachable · {} ms", d.as_millis()), OK),
        Some(Err(e)) => (format!("不可达 unreachable · {e}"), BAD),
        None => ("尚未检测 not checked yet".into(), 0),
    };
    rows.push(with(
        row(format!("平台 Platform {base}"), value, level),
        "check-network",
        "检测 Check",
    ));
    rows
}

fn logs(lines: &[String]) -> Vec<MaintRow> {
    let mut rows = vec![heading("最近日志（最新在上）Recent log, newest first")];
    rows.extend(lines.iter().rev().take(60).map(|l| {
        // A log line reads in one colour; its level word says what it is.
        row(l.clone(), "", LOG_LINE)
    }));
    if lines.is_empty() {
        rows.push(row("—", "", 0));
    }
    rows
}

fn settings(t: &Terminal, k: Option<&SettingsFacts>) -> Vec<MaintRow> {
    let (Some(d), Some(k)) = (t.maintenance().draft, k) else {
        return vec![];
    };
    let file = k
        .file
        .clone()
        .unwrap_or_else(|| "内置默认（模拟）built-in defaults (simulation)".into());
    let stepper = |s: Setting, label: &str, value: String| {
        with2(
            with(
                row(label, value, 0),
                &format!("adjust:{}:down", s.name()),
                "−",
            ),
            &format!("adjust:{}:up", s.name()),
            "+",
        )
    };
    let switch = |s: Setting, label: &str, value: String| {
        with(
            row(label, value, 0),
            &format!("adjust:{}:up", s.name()),
            "切换 Switch",
        )
    };
    let onoff = |b: bool| if b { "开 on" } else { "关 off" }.to_string();
    let mut rows = vec![
        heading(&format!("配置文件 Configuration: {file}")),
        row("终端 Terminal", k.terminal.as_str(), 0),
        row("平台 Platform", k.platform.as_str(), 0),
        stepper(
            Setting::InactivityTimeout,
            "无操作退出 Inactivity timeout",
            format!("{} s", d.inactivity_timeout_s),
        ),
        stepper(
            Setting::Warning,
            "退出前提醒 Warning before",
            format!("{} s", d.warning_s),
        ),
        stepper(
            Setting::ElderAge,
            "长辈版提示年龄 Elder mode offered from",
            format!("{} 岁", d.elder_age),
        ),
        switch(
            Setting::ElderDefault,
            "默认长辈版 Elder mode by default",
            onoff(d.elder_default),
        ),
        switch(
            Setting::HighContrast,
            "高对比度 High contrast",
            onoff(d.high_contrast),
        ),
        switch(
            Setting::Language,
            "默认语言 Language",
            d.language.code().to_string(),
        ),
        with(
            row(
                "应用 Apply",
                "校验后写入配置，失败则回滚 validated, written, rolled back on failure",
                0,
            ),
            "apply",
            "应用 Apply",
        ),
    ];
    if let Some(text) = &k.text {
        rows.push(heading("文件内容 The file"));
        match text {
            Ok(text) => rows.extend(text.lines().map(|l| row(hide_secret(l), "", LOG_LINE))),
            Err(e) => rows.push(row(format!("不可读 unreadable: {e}"), "", BAD)),
        }
    }
    rows
}

/// A line of kiosk.toml as the menu shows it: the enrolment code and the hashes are not for the screen.
fn hide_secret(line: &str) -> String {
    let key = line.split('=').next().unwrap_or("").trim();
    match key {
        "enrolment_code" | "pin_hash" | "card_hash" => format!("{key} = ‹hidden›"),
        _ => line.to_string(),
    }
}

fn system(u: &SystemFacts) -> Vec<MaintRow> {
    let mut rows = vec![row("固件版本 Firmware", u.version.as_str(), 0)];
    rows.extend(slot_rows(u));
    rows.extend([
        row("运行时间 Uptime", human(u.uptime), 0),
        row(
            "可用磁盘 Free disk",
            u.free_disk
                .map(|b| format!("{:.1} GB", b as f64 / 1e9))
                .unwrap_or_else(|| "—".into()),
            0,
        ),
        row(
            "温度 Temperature",
            u.temperature
                .map(|c| format!("{c:.0} °C"))
                .unwrap_or_else(|| "—".into()),
            0,
        ),
        with(
            row("重启程序 Restart the firmware", "", 0),
            "restart",
            "重启程序 Restart",
        ),
        with(
            row("重启终端 Reboot the terminal", "", WARN),
            "reboot",
            "重启终端 Reboot",
        ),
    ]);
    rows
}

/// The image's slots and updates: which slot runs and whether it was marked good, the other slot, and the
/// bundle a technician can install (from a USB stick or the data partition) with its progress.
fn slot_rows(u: &SystemFacts) -> Vec<MaintRow> {
    if !u.rauc {
        return vec![row(
            "更新 Update (RAUC)",
            "无 RAUC（开发版或模拟终端）no RAUC (development build or simulated terminal)",
            0,
        )];
    }
    let mut rows = Vec::new();
    match &u.slots {
        None => rows.push(row("运行槽 Running slot", "正在询问 RAUC asking RAUC…", 0)),
        Some(Err(e)) => rows.push(row("运行槽 Running slot", format!("RAUC: {e}"), BAD)),
        Some(Ok((running, other))) => {
            rows.push(row("运行槽 Running slot", running.as_str(), 0));
            rows.push(row("另一槽 Other slot", other.as_str(), 0));
        }
    }
    rows.push(match &u.slot_check {
        SlotCheck::Waiting => row("自检 Self-test", "运行中 running", 0),
        SlotCheck::Good(_) => row(
            "自检 Self-test",
            "通过，已标记良好 passed: slot marked good",
            OK,
        ),
        SlotCheck::NotMarked(why) => row(
            "自检 Self-test",
            format!("未标记良好 slot not marked good: {why}"),
            BAD,
        ),
    });
    rows.push(match (&u.update, &u.bundle) {
        (
            UpdateRun::Running {
                bundle,
                percent,
                step,
            },
            _,
        ) => row(
            "更新 Update",
            format!("安装中 installing {bundle}: {percent}% {step}"),
            WARN,
        ),
        (UpdateRun::Installed(b), _) => row(
            "更新 Update",
            format!("已安装 {b}，重启后运行 installed: reboot to run it"),
            OK,
        ),
        (UpdateRun::Failed(e), Some(p)) => with(
            row("更新 Update", format!("安装失败 not installed: {e}"), BAD),
            "install-update",
            &format!("重试 Retry {p}"),
        ),
        (UpdateRun::Failed(e), None) => {
            row("更新 Update", format!("安装失败 not installed: {e}"), BAD)
        }
        (UpdateRun::Idle, Some(p)) => with(
            row("更新包 Update bundle", p.as_str(), 0),
            "install-update",
            "安装 Install",
        ),
        (UpdateRun::Idle, None) => row(
            "更新包 Update bundle",
            format!(
                "无：插入带 .raucb 的U盘 none: insert a USB stick with a .raucb bundle (or {})",
                u.updates_dir
            ),
            0,
        ),
    });
    rows
}

fn consumables(k: &Facts) -> Vec<MaintRow> {
    vec![
        with(
            row(
                "小票 Receipts printed since refill",
                k.receipts.to_string(),
                0,
            ),
            "reset:receipt",
            "已换纸 Refilled",
        ),
        with(
            row(
                "A4 文件 A4 documents printed since refill",
                k.a4.to_string(),
                0,
            ),
            "reset:a4",
            "已加纸 Refilled",
        ),
    ]
}

/// Writes the menu into the view.
pub fn present(ui: &KioskWindow, t: &Terminal, k: &Facts) {
    let maint = ui.global::<MaintenanceAdapter>();
    let m = &t.maintenance();
    maint.set_open(m.door_open());
    if !m.door_open() {
        if maint.get_rows().row_count() > 0 {
            maint.set_rows(ModelRc::default());
        }
        maint.set_unlocked(false);
        maint.set_message(SharedString::new());
        maint.set_camera(false);
        return;
    }
    let now = k.now;
    maint.set_unlocked(m.who().is_some());
    maint.set_who(m.who().unwrap_or_default().into());
    maint.set_pin_length(m.pin_length() as i32);
    let message = match (m.who(), m.locked_for(now), m.has_technicians()) {
        (None, Some(secs), _) => format!("已锁定，{secs} 秒后再试 Locked, try again in {secs} s"),
        (None, None, false) => {
            "未配置维护人员 No technician is configured: add [[maintenance.technician]] to kiosk.toml (kiosk technician)".into()
        }
        _ => m.message.clone().unwrap_or_default(),
    };
    maint.set_message(message.into());
    maint.set_camera(m.camera_test().is_some());
    if m.who().is_none() {
        return;
    }
    let names: Vec<SharedString> = SECTION_NAMES
        .iter()
        .map(|n| SharedString::from(*n))
        .collect();
    maint.set_sections(ModelRc::new(VecModel::from(names)));
    maint.set_section(m.section.index());
    let rows = match m.section {
        Section::Devices => devices(t, now),
        Section::Queue => k.queue.as_ref().map(queue).unwrap_or_default(),
        Section::Logs => logs(&k.log),
        Section::Settings => settings(t, k.settings.as_ref()),
        Section::System => k.system.as_ref().map(system).unwrap_or_default(),
        Section::Consumables => consumables(k),
    };
    maint.set_rows(ModelRc::new(VecModel::from(rows)));
}
