//! The maintenance menu on the simulated terminal, end to end: the cabinet door opens it, a PIN (hashed in the
//! configuration) lets a technician in, wrong PINs lock out, every device test runs against the simulators,
//! the audit trail reaches the hub, settings and pushed configurations roll back when they fail, and closing
//! the door leaves the menu with nothing of it on screen.

use kiosk::maintenance::{Test, TestState};
use kiosk_drivers::sim::sample_cards;
use kiosk_drivers::DeviceClass;
use kiosk_tests::{profile, snapshot, ui_text, Terminal};
use slint::ComponentHandle;
use std::path::PathBuf;

const PIN: &str = "246810";

/// A configuration file with one technician, in a folder of its own.
fn configured(name: &str) -> (PathBuf, kiosk::config::Config) {
    let dir = kiosk_tests::scratch(name);
    let path = dir.join("kiosk.toml");
    let hash = kiosk_api::secret::hash(PIN).expect("hash");
    let text = format!(
        "# A test terminal\n[terminal]\nid = \"sim-0001\"\nstreet = \"殷行街道\"\ncommunity = \"开鲁新村社区\"\n\n\
         [session]\ninactivity_timeout_s = 120\nwarning_s = 30\n\n\
         [[maintenance.technician]]\nname = \"王师傅\"\npin_hash = \"{hash}\"\n"
    );
    std::fs::write(&path, text).expect("config");
    let config = kiosk::config::Config::load(&path).expect("a valid configuration");
    (path, config)
}

fn start(name: &str) -> (Terminal, PathBuf) {
    kiosk::system::logging::keep_recent();
    let (path, config) = configured(name);
    let t = Terminal::start_with(&profile("simulated"), name, &config);
    t.kiosk.set_files(
        Some(path.clone()),
        path.parent().expect("dir").to_path_buf(),
        true,
    );
    (t, path)
}

fn door(t: &Terminal, open: bool) {
    t.sims
        .gpio
        .as_ref()
        .expect("simulated GPIO")
        .set_door_open(open);
    t.until("the door switch is seen", |k| {
        k.terminal.borrow().maintenance().door_open() == open
    });
}

fn state(t: &Terminal) -> kiosk_ui::MaintenanceAdapter<'_> {
    t.kiosk.ui.global::<kiosk_ui::MaintenanceAdapter>()
}

fn type_pin(t: &Terminal, pin: &str) {
    for c in pin.chars() {
        t.touch(&c.to_string());
    }
    t.touch("确认 OK");
}

fn action(t: &Terminal, id: &str) {
    t.kiosk
        .ui
        .global::<kiosk_ui::MaintenanceAdapter>()
        .invoke_action(id.into());
}

fn test_state(t: &Terminal, test: Test) -> Option<TestState> {
    t.kiosk
        .terminal
        .borrow()
        .maintenance()
        .tests
        .get(&test)
        .cloned()
}

fn until_test(t: &Terminal, test: Test, what: fn(&TestState) -> bool) {
    t.until(&format!("test {test:?}"), |k| {
        k.terminal
            .borrow()
            .maintenance()
            .tests
            .get(&test)
            .is_some_and(what)
    });
}

fn passed(s: &TestState) -> bool {
    matches!(s, TestState::Passed(_))
}

fn judging(s: &TestState) -> bool {
    *s == TestState::Judge
}

/// The audit trail the hub holds for the terminal, once it contains `action` (delivered by the outbox).
fn audit_with(t: &Terminal, action: &str) -> Vec<kiosk_api::AuditEntry> {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
    loop {
        let trail = t.rt.block_on(t.hub.audit(Some("sim-0001"))).expect("audit");
        if trail.iter().any(|a| a.action.contains(action)) {
            return trail;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "no audit line {action:?} in {trail:#?}"
        );
        kiosk_tests::run_until(&t.kiosk, std::time::Duration::from_millis(200), |_| false);
    }
}

#[test]
fn the_door_opens_the_menu_wrong_pins_lock_out_and_closing_it_leaves() {
    let (t, _) = start("maint-lock");
    // A resident is in the middle of a session when the technician opens the cabinet.
    let card = sample_cards().remove(0).record;
    let name = card.name.expose().clone();
    t.insert_card(card);
    door(&t, true);
    t.until("the PIN pad", |_| true);
    assert!(state(&t).get_open());
    assert!(!state(&t).get_unlocked());
    assert!(
        t.kiosk.terminal.borrow().resident().is_none(),
        "the session ended"
    );
    assert!(
        !ui_text(&t.kiosk.ui).contains(&name),
        "nothing of the resident on screen"
    );
    snapshot(&t.kiosk, "maintenance-pin");

    // Four wrong PINs say how many tries are left; the fifth locks.
    for i in 1..=5 {
        type_pin(&t, "1111");
        t.until("the answer", |k| {
            k.terminal.borrow().maintenance().failures() == i
        });
    }
    t.until("the lock-out is shown", |k| {
        k.ui.global::<kiosk_ui::MaintenanceAdapter>()
            .get_message()
            .contains("Locked")
    });
    // Locked: the right PIN does not open it, nor does closing and opening the door.
    type_pin(&t, PIN);
    t.until("a redraw", |_| true);
    assert!(!state(&t).get_unlocked());
    door(&t, false);
    door(&t, true);
    type_pin(&t, PIN);
    t.until("a redraw", |_| true);
    assert!(!state(&t).get_unlocked(), "the lock-out survives the door");
    // A restart of the firmware (the terminal's state made anew) finds the lock-out kept in the store.
    door(&t, false);
    let (_, config) = configured("maint-lock-again");
    *t.kiosk.terminal.borrow_mut() = kiosk::session::Terminal::new(
        kiosk::session::Setup {
            settings: config.settings(),
            terminal_id: config.terminal.id.clone(),
            technicians: config.maintenance.technicians.clone(),
            nonce: 1,
        },
        std::time::Instant::now(),
    );
    assert_eq!(t.kiosk.terminal.borrow().maintenance().failures(), 0);
    t.kiosk.restore_lock();
    {
        let term = t.kiosk.terminal.borrow();
        assert_eq!(term.maintenance().failures(), 5);
        assert!(term
            .maintenance()
            .locked_for(std::time::Instant::now())
            .is_some_and(|s| s > 20));
    }
    door(&t, true);
    type_pin(&t, PIN);
    t.until("a redraw", |_| true);
    assert!(!state(&t).get_unlocked(), "the lock-out survives a restart");
    let trail = audit_with(&t, "locked out for 30 s");
    assert_eq!(
        trail
            .iter()
            .filter(|a| a.action.starts_with("wrong PIN"))
            .count(),
        5
    );
    assert!(trail
        .iter()
        .all(|a| !a.action.contains(PIN) && !a.action.contains("1111")));

    // Closing the door leaves: the idle screen, nothing of the menu.
    door(&t, false);
    t.until("the idle screen", |k| {
        let maint = k.ui.global::<kiosk_ui::MaintenanceAdapter>();
        let shell = k.ui.global::<kiosk_ui::ShellAdapter>();
        !maint.get_open() && shell.get_page() == kiosk_ui::Page::Attract
    });
    assert_eq!(state(&t).get_pin_length(), 0);
}

#[test]
fn each_diagnostic_runs_against_the_simulators() {
    let (t, _) = start("maint-tests");
    let dir = kiosk_tests::scratch("maint-voice");
    let speech = kiosk::config::SpeechSection {
        output: kiosk::config::SpeechOutput::Files,
        ..Default::default()
    };
    t.kiosk
        .attach_voice(kiosk::view::voice::Voice::paced(&speech, &dir, false));
    door(&t, true);
    type_pin(&t, PIN);
    t.until("the menu", |k| {
        k.ui.global::<kiosk_ui::MaintenanceAdapter>().get_unlocked()
    });
    assert_eq!(state(&t).get_who(), "王师傅");
    snapshot(&t.kiosk, "maintenance-devices");

    // A card: read, and shown masked.
    action(&t, "test:card");
    let card = sample_cards().remove(1).record;
    let name = card.name.expose().clone();
    t.sims.reader.as_ref().expect("reader").insert(card);
    until_test(&t, Test::Card, passed);
    match test_state(&t, Test::Card) {
        Some(TestState::Passed(what)) => {
            assert!(!what.contains(&name) && what.contains('*'), "{what}")
        }
        other => panic!("{other:?}"),
    }
    assert!(
        t.kiosk.terminal.borrow().resident().is_none(),
        "a card in the menu starts no session"
    );
    // A scan.
    action(&t, "test:scan");
    t.sims.scanner.as_ref().expect("scanner").show("TEST-1234");
    until_test(&t, Test::Scan, passed);
    // A test receipt, printed by the simulated printer; an A4 test page by the simulated IPP printer.
    let receipts = t.sims.printer.as_ref().expect("printer").printed().len();
    action(&t, "test:receipt");
    until_test(&t, Test::Receipt, passed);
    assert_eq!(
        t.sims.printer.as_ref().expect("printer").printed().len(),
        receipts + 1
    );
    action(&t, "test:a4");
    until_test(&t, Test::A4, passed);
    assert!(!t.sims.a4.as_ref().expect("A4").printed().is_empty());
    // Both cameras: the preview runs while the technician looks, and stops with the verdict.
    for (test, id) in [
        (Test::DocumentCamera, "document-camera"),
        (Test::FaceCamera, "face-camera"),
    ] {
        action(&t, &format!("test:{id}"));
        until_test(&t, test, judging);
        // The preview pump runs (its frames reach the window through the event loop's queue, which the
        // testing backend does not run; the capture page's tests look at frames).
        t.until("the preview runs", |k| k.preview_frames_shown().is_some());
        assert!(state(&t).get_camera());
        snapshot(&t.kiosk, &format!("maintenance-{id}"));
        action(&t, &format!("judge:{id}:ok"));
        until_test(&t, test, passed);
        t.until("the preview stops", |k| k.preview_frames_shown().is_none());
    }
    // The pad: a key, and its lights (judged).
    action(&t, "test:pad-keys");
    t.sims.pad.as_ref().expect("pad").press(4);
    until_test(&t, Test::PadKeys, passed);
    action(&t, "test:pad-lights");
    t.until("the pad lights up", |_| {
        t.sims
            .pad
            .as_ref()
            .and_then(|p| p.view())
            .is_some_and(|v| v.lit == 0x1F)
    });
    until_test(&t, Test::PadLights, judging);
    action(&t, "judge:pad-lights:ok");
    // Status lights and buzzer: their GPIO lines switch.
    let profile = profile("simulated");
    let line_of = |class: DeviceClass| {
        profile
            .devices
            .iter()
            .position(|d| d.class == class)
            .expect("in the profile") as u32
    };
    let gpio = &t.sims.gpio.as_ref().expect("gpio").gpio;
    action(&t, "test:lights");
    until_test(&t, Test::Lights, judging);
    assert!(gpio
        .output_history("sim", line_of(DeviceClass::Lights))
        .iter()
        .any(|(on, _)| *on));
    action(&t, "judge:lights:bad");
    until_test(&t, Test::Lights, |s| matches!(s, TestState::Failed(_)));
    action(&t, "test:buzzer");
    until_test(&t, Test::Buzzer, judging);
    t.until("the buzzer sounds", |_| {
        gpio.output_history("sim", line_of(DeviceClass::Buzzer))
            .iter()
            .any(|(on, _)| *on)
    });
    action(&t, "judge:buzzer:ok");
    // Keypad and help button: a press each.
    action(&t, "test:keypad");
    t.sims
        .gpio
        .as_ref()
        .expect("gpio")
        .press_key(kiosk_drivers::KeypadKey::Select);
    until_test(&t, Test::Keypad, passed);
    action(&t, "test:help-button");
    t.sims.gpio.as_ref().expect("gpio").press_help();
    until_test(&t, Test::HelpButton, passed);
    assert!(
        t.kiosk.terminal.borrow().call().is_none(),
        "the help button calls nobody during maintenance"
    );
    // Speech: a sentence is spoken (here into a WAV file), then judged.
    action(&t, "test:speech");
    until_test(&t, Test::Speech, judging);
    action(&t, "judge:speech:ok");
    until_test(&t, Test::Speech, passed);
    snapshot(&t.kiosk, "maintenance-devices-tested");

    // Consumables: the test prints counted; a refill resets.
    t.kiosk.intent(kiosk::session::Intent::Maintenance(
        kiosk::maintenance::MaintIntent::Section(kiosk::maintenance::Section::Consumables),
    ));
    assert_eq!(t.kiosk.counter(kiosk::maintenance::Consumable::Receipt), 1);
    assert_eq!(t.kiosk.counter(kiosk::maintenance::Consumable::A4), 1);
    action(&t, "reset:receipt");
    assert_eq!(t.kiosk.counter(kiosk::maintenance::Consumable::Receipt), 0);
    // The other sections show.
    for section in kiosk::maintenance::Section::ALL {
        t.kiosk
            .ui
            .global::<kiosk_ui::MaintenanceAdapter>()
            .invoke_choose_section(section.index());
        t.until("the section", |k| {
            k.ui.global::<kiosk_ui::MaintenanceAdapter>().get_section() == section.index()
        });
        assert!(
            slint::Model::row_count(&state(&t).get_rows()) > 0,
            "{section:?} is empty"
        );
        if section == kiosk::maintenance::Section::Logs {
            // The audit lines are logged too, without any PIN (the last one of this test: the other tests of
            // this binary log into the same process).
            let rows = state(&t).get_rows();
            let text: Vec<String> = slint::Model::iter(&rows)
                .map(|r| r.label.to_string())
                .collect();
            assert!(
                text.iter()
                    .any(|l| l.contains("receipt paper refilled: counter reset")),
                "{text:#?}"
            );
            assert!(!text.iter().any(|l| l.contains(PIN)));
        }
        snapshot(&t.kiosk, &format!("maintenance-{section:?}").to_lowercase());
    }
    action(&t, "check-network");
    t.until("the platform answers", |k| {
        k.ui.global::<kiosk_ui::MaintenanceAdapter>()
            .get_message()
            .contains("reachable")
    });

    // Every test reached the hub's audit trail, under the technician's name.
    let trail = audit_with(&t, "test speech: passed");
    for line in [
        "entered the maintenance menu (PIN)",
        "test card: passed",
        "test scan: passed",
        "test receipt: passed",
        "test a4: passed",
        "test document-camera: passed (judged)",
        "test face-camera: passed (judged)",
        "test pad-keys: passed",
        "test lights: failed (judged)",
        "test keypad: passed",
        "test help-button: passed",
        "receipt paper refilled: counter reset",
    ] {
        assert!(
            trail
                .iter()
                .any(|a| a.action == line && a.technician == "王师傅"),
            "{line:?} not in {trail:#?}"
        );
    }

    // The door closes: out of the menu, its tests and their results gone.
    door(&t, false);
    t.until("the idle screen", |k| {
        !k.ui.global::<kiosk_ui::MaintenanceAdapter>().get_open()
    });
    assert!(t.kiosk.terminal.borrow().maintenance().tests.is_empty());
    assert!(t.kiosk.terminal.borrow().maintenance().who().is_none());
    audit_with(&t, "left the maintenance menu (door closed)");
}

#[test]
fn settings_and_pushed_configurations_roll_back_when_they_fail() {
    let (t, path) = start("maint-settings");
    let original = std::fs::read_to_string(&path).expect("config");
    door(&t, true);
    type_pin(&t, PIN);
    t.until("the menu", |k| {
        k.ui.global::<kiosk_ui::MaintenanceAdapter>().get_unlocked()
    });
    t.kiosk
        .ui
        .global::<kiosk_ui::MaintenanceAdapter>()
        .invoke_choose_section(kiosk::maintenance::Section::Settings.index());
    t.until("the settings", |k| {
        k.ui.global::<kiosk_ui::MaintenanceAdapter>().get_section()
            == kiosk::maintenance::Section::Settings.index()
    });
    // The file is shown, its secrets are not.
    let shown: Vec<String> = slint::Model::iter(&state(&t).get_rows())
        .map(|r| r.label.to_string())
        .collect();
    assert!(
        shown.iter().any(|l| l == "pin_hash = ‹hidden›"),
        "{shown:#?}"
    );
    assert!(!shown.iter().any(|l| l.contains("$argon2id")), "{shown:#?}");
    // 120 s → 30 s with a 40 s warning: invalid, refused, nothing written.
    for _ in 0..3 {
        action(&t, "adjust:inactivity-timeout:down");
    }
    action(&t, "adjust:warning:up");
    action(&t, "apply");
    t.until("the refusal", |k| {
        k.ui.global::<kiosk_ui::MaintenanceAdapter>()
            .get_message()
            .contains("not applied")
    });
    assert!(
        state(&t).get_message().contains("warning"),
        "{}",
        state(&t).get_message()
    );
    assert_eq!(std::fs::read_to_string(&path).expect("config"), original);
    snapshot(&t.kiosk, "maintenance-settings-refused");
    // A 20 s warning makes it valid: written (comments kept) and in force at once.
    action(&t, "adjust:warning:down");
    action(&t, "adjust:warning:down");
    action(&t, "apply");
    t.until("applied", |k| {
        k.terminal.borrow().settings().inactivity_timeout == std::time::Duration::from_secs(30)
    });
    let written = std::fs::read_to_string(&path).expect("config");
    assert!(
        written.contains("inactivity_timeout_s = 30") && written.contains("warning_s = 20"),
        "{written}"
    );
    assert!(written.contains("# A test terminal"));
    assert_eq!(
        std::fs::read_to_string(kiosk::system::settings_change::previous_path(&path))
            .expect("previous"),
        original
    );
    door(&t, false);

    // Pushed by the platform: an invalid file, then one naming a platform that does not answer; both
    // refused, the file untouched, the terminal says why in its next heartbeat.
    let before = std::fs::read_to_string(&path).expect("config");
    let push = |toml: &str| -> String {
        let id =
            t.rt.block_on(t.hub.push_config("sim-0001", toml))
                .expect("push");
        t.kiosk.heartbeat_now();
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
        loop {
            let pushes =
                t.rt.block_on(t.hub.config_pushes("sim-0001"))
                    .expect("pushes");
            let p = pushes.into_iter().find(|p| p.id == id).expect("the push");
            if p.state == "applied" || p.state == "refused" {
                return format!("{}: {}", p.state, p.message.unwrap_or_default());
            }
            assert!(
                std::time::Instant::now() < deadline,
                "no answer to {id}: {}",
                p.state
            );
            kiosk_tests::run_until(&t.kiosk, std::time::Duration::from_millis(200), |_| false);
        }
    };
    let r = push("[terminal]\nid = \"sim-0001\"\n[session]\ninactivity_timeout_s = 5\n");
    assert!(
        r.starts_with("refused") && r.contains("inactivity_timeout_s"),
        "{r}"
    );
    assert_eq!(std::fs::read_to_string(&path).expect("config"), before);
    let r =
        push("[terminal]\nid = \"sim-0001\"\n[platform]\nurl = \"http://127.0.0.1:9/api/v1\"\n");
    assert!(
        r.starts_with("refused") && r.contains("does not answer"),
        "{r}"
    );
    assert_eq!(std::fs::read_to_string(&path).expect("config"), before);
    assert_eq!(
        t.kiosk.terminal.borrow().settings().inactivity_timeout,
        std::time::Duration::from_secs(30),
        "the running settings are the old ones"
    );
    // A good one: applied, written, in force; the technicians it names replace the old ones.
    let good = before.replace("inactivity_timeout_s = 30", "inactivity_timeout_s = 300");
    let r = push(&good);
    assert!(r.starts_with("applied"), "{r}");
    assert_eq!(std::fs::read_to_string(&path).expect("config"), good);
    assert_eq!(
        t.kiosk.terminal.borrow().settings().inactivity_timeout,
        std::time::Duration::from_secs(300)
    );
    // The heartbeat told the fleet view the site and the devices.
    let fleet =
        t.rt.block_on(t.hub.fleet(kiosk_hub::common::now_ms()))
            .expect("fleet");
    let row = fleet
        .iter()
        .find(|r| r.terminal_id == "sim-0001")
        .expect("in the fleet");
    assert_eq!(row.street, "殷行街道");
    assert!(!row.silent);
    let h = row.heartbeat.as_ref().expect("heartbeat");
    assert!(
        h.devices.len() >= 10 && h.free_disk_bytes.is_some(),
        "{h:?}"
    );
}

/// The System section's rows as "label | value | action" lines.
fn system_rows(t: &Terminal) -> Vec<String> {
    slint::Model::iter(&state(t).get_rows())
        .map(|r| format!("{} | {} | {}", r.label, r.value, r.action))
        .collect()
}

#[test]
fn the_slot_is_marked_good_after_the_self_test_and_a_technician_installs_an_update() {
    use kiosk::system::upkeep::{SlotCheck, UpdateRun};
    use kiosk_tests::rauc::{make_bundle, stranger_bundle, RaucService};
    let (t, config_path) = start("maint-rauc");
    let data_dir = config_path.parent().expect("dir").to_path_buf();
    let rauc = RaucService::start(&data_dir.join("rauc"));
    t.kiosk.set_rauc(
        Some(kiosk::system::rauc::Rauc::with("rauc", rauc.env())),
        std::time::Duration::from_secs(1),
    );
    t.until("RAUC reports the slots", |k| {
        matches!(k.slots(), Some(Ok(_)))
    });

    // The firmware is up: its first frame is shown; a second later the self-test marks slot A good.
    t.kiosk.first_frame_shown();
    t.until("the self-test's verdict", |k| {
        k.slot_check() != SlotCheck::Waiting
    });
    assert!(
        matches!(&t.kiosk.slot_check(), SlotCheck::Good(w) if w.contains("rootfs.0")),
        "{:?}\n{}",
        t.kiosk.slot_check(),
        rauc.service_log()
    );
    assert!(
        rauc.service_log().contains("marked slot rootfs.0 as good"),
        "{}",
        rauc.service_log()
    );

    // No bundle yet: the System section says where to put one.
    door(&t, true);
    type_pin(&t, PIN);
    t.kiosk
        .ui
        .global::<kiosk_ui::MaintenanceAdapter>()
        .invoke_choose_section(kiosk::maintenance::Section::System.index());
    t.until("the System section", |k| {
        k.ui.global::<kiosk_ui::MaintenanceAdapter>().get_section()
            == kiosk::maintenance::Section::System.index()
    });
    let rows = system_rows(&t);
    assert!(
        rows.iter()
            .any(|r| r.starts_with("运行槽 Running slot | booted A, boot status ")),
        "{rows:#?}"
    );
    assert!(
        rows.iter().any(|r| r.contains("Self-test | 通过")),
        "{rows:#?}"
    );
    assert!(
        rows.iter().any(|r| r.contains("none: insert a USB stick")),
        "{rows:#?}"
    );

    // A bundle made as the image build makes it, signed with the development key, in the data partition's
    // updates folder: the menu offers it, the technician installs it, RAUC writes it into slot B.
    let updates = data_dir.join("updates");
    std::fs::create_dir_all(&updates).expect("updates folder");
    let rootfs = data_dir.join("rootfs.ext4");
    let image: Vec<u8> = (0..(4u32 << 20))
        .map(|i| (i.wrapping_mul(2_654_435_761) >> 24) as u8)
        .collect();
    std::fs::write(&rootfs, &image).expect("rootfs stand-in");
    let bundle = updates.join("kiosk-rpi4-0.2.0.raucb");
    let made = make_bundle(&rootfs, "0.2.0", &bundle, &[("KIOSK_RAUC_FORMAT", "plain")]);
    assert!(
        made.status.success(),
        "{}",
        String::from_utf8_lossy(&made.stderr)
    );
    t.kiosk.render();
    let rows = system_rows(&t);
    assert!(
        rows.iter()
            .any(|r| r == "更新包 Update bundle | kiosk-rpi4-0.2.0.raucb | install-update"),
        "{rows:#?}"
    );
    action(&t, "install-update");
    assert!(
        matches!(t.kiosk.update_run(), UpdateRun::Running { .. }),
        "the menu shows the installation at once"
    );
    assert!(system_rows(&t)
        .iter()
        .any(|r| r.contains("安装中 installing kiosk-rpi4-0.2.0.raucb")));
    snapshot(&t.kiosk, "maintenance-update-installing");
    t.until("the installation ends", |k| {
        !matches!(k.update_run(), UpdateRun::Running { .. })
    });
    assert_eq!(
        t.kiosk.update_run(),
        UpdateRun::Installed("kiosk-rpi4-0.2.0.raucb".into()),
        "{}",
        rauc.service_log()
    );
    let slot_b = std::fs::read(&rauc.slots[1]).expect("slot B");
    assert_eq!(
        &slot_b[..image.len()],
        &image[..],
        "slot B holds the bundle's image"
    );
    let slot_a = std::fs::read(&rauc.slots[0]).expect("slot A");
    assert!(
        slot_a.iter().all(|b| *b == 0),
        "the running slot is untouched"
    );
    t.until(
        "RAUC reports the new bundle in slot B",
        |k| matches!(&k.slots(), Some(Ok(s)) if s.others_summary().contains("bundle 0.2.0")),
    );
    t.kiosk.render();
    let rows = system_rows(&t);
    assert!(
        rows.iter()
            .any(|r| r.contains("已安装 kiosk-rpi4-0.2.0.raucb，重启后运行")),
        "{rows:#?}"
    );
    assert!(
        rows.iter()
            .any(|r| r.starts_with("另一槽 Other slot | B: ") && r.contains("bundle 0.2.0")),
        "{rows:#?}"
    );
    snapshot(&t.kiosk, "maintenance-update-installed");

    // A bundle that is not one, and one signed by a key the terminal does not trust: RAUC refuses them and the
    // menu says why; slot B keeps what it had.
    std::fs::remove_file(&bundle).expect("remove");
    std::fs::write(updates.join("broken.raucb"), b"not a bundle at all").expect("write");
    action(&t, "install-update");
    t.until("the broken bundle is refused", |k| {
        matches!(k.update_run(), UpdateRun::Failed(_))
    });
    let failed = format!("{:?}", t.kiosk.update_run());
    assert!(failed.contains("文件不是完整的更新包"), "{failed}");
    t.kiosk.render();
    assert!(
        system_rows(&t)
            .iter()
            .any(|r| r.contains("安装失败 not installed") && r.ends_with("| install-update")),
        "{:#?}",
        system_rows(&t)
    );
    std::fs::remove_file(updates.join("broken.raucb")).expect("remove");
    let foreign = data_dir.join("foreign");
    std::fs::create_dir_all(&foreign).expect("dir");
    stranger_bundle(
        &rootfs,
        "6.6.6",
        &updates.join("evil.raucb"),
        &foreign,
        &[("KIOSK_RAUC_FORMAT", "plain")],
    );
    action(&t, "install-update");
    t.until("the installation ends", |k| {
        !matches!(k.update_run(), UpdateRun::Running { .. })
    });
    let refused = format!("{:?}", t.kiosk.update_run());
    assert!(
        matches!(t.kiosk.update_run(), UpdateRun::Failed(_)) && refused.contains("签名不受信任"),
        "{refused}"
    );
    let slot_b = std::fs::read(&rauc.slots[1]).expect("slot B");
    assert_eq!(
        &slot_b[..image.len()],
        &image[..],
        "slot B still holds the good bundle"
    );
    snapshot(&t.kiosk, "maintenance-update-refused");
    // The technician's actions are in the audit trail.
    audit_with(&t, "update: install");
}
