//! Helpers for the end-to-end tests: a headless kiosk on Slint's testing backend with the software renderer,
//! screenshots, and the geometry and ink checks the screen tests share.

pub mod a11y;
pub mod clerk;
pub mod faults;
pub mod rauc;
pub mod resident;
pub mod session;

pub use session::{assert_wiped, draw_signature, view_models};

use i_slint_backend_testing::{ElementHandle, ElementRoot, TestingBackend, TestingBackendOptions};
use kiosk::app::Kiosk;
use kiosk::config::{Config, Profile};
use slint::{ComponentHandle, Rgba8Pixel, SharedPixelBuffer};
use std::path::{Path, PathBuf};
use std::rc::Rc;

/// Installs the testing backend with the software renderer on this thread (each test runs on its own).
pub fn init_backend() {
    let backend = TestingBackend::new(TestingBackendOptions {
        mock_time: true,
        threading: false,
        renderer_name: Some("software".into()),
    });
    // A second call on the same thread keeps the first backend, which is the same kind.
    let _ = slint::platform::set_platform(Box::new(backend));
}

pub fn profile(name: &str) -> Profile {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../hardware/profiles")
        .join(format!("{name}.toml"));
    match Profile::load(&path) {
        Ok(p) => p.into_simulated(),
        Err(problems) => panic!("profile {name}: {problems:?}"),
    }
}

/// A kiosk window at the profile's panel size, shown, with every device simulated.
pub fn kiosk(profile: &Profile) -> Rc<Kiosk> {
    kiosk_with(profile, &Config::default())
}

/// A kiosk window with a configuration of the test's own.
pub fn kiosk_with(profile: &Profile, config: &Config) -> Rc<Kiosk> {
    init_backend();
    let kiosk = Kiosk::new(config, profile).expect("kiosk window");
    kiosk.ui.window().set_size(slint::PhysicalSize::new(
        profile.panel.width_px,
        profile.panel.height_px,
    ));
    kiosk.ui.show().expect("show");
    kiosk
}

pub fn screenshot_dir() -> PathBuf {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../target/screenshots");
    std::fs::create_dir_all(&dir).expect("screenshot folder");
    dir
}

pub fn snapshot(kiosk: &Kiosk, name: &str) -> SharedPixelBuffer<Rgba8Pixel> {
    snapshot_window(kiosk.ui.window(), name)
}

/// Renders any window and saves it as target/screenshots/NAME.png.
pub fn snapshot_window(window: &slint::Window, name: &str) -> SharedPixelBuffer<Rgba8Pixel> {
    let shot = window.take_snapshot().expect("snapshot");
    let path = screenshot_dir().join(format!("{name}.png"));
    let file = std::fs::File::create(&path).expect("png file");
    let mut enc = png::Encoder::new(std::io::BufWriter::new(file), shot.width(), shot.height());
    enc.set_color(png::ColorType::Rgba);
    enc.set_depth(png::BitDepth::Eight);
    let mut w = enc.write_header().expect("png header");
    w.write_image_data(shot.as_bytes()).expect("png data");
    shot
}

/// Element boxes: the screen reader's, so the tests measure what the keypad walks.
pub use kiosk_ui::present::screen_reader::Rect;

pub fn find(root: &impl ElementRoot, label: &str) -> Vec<ElementHandle> {
    ElementHandle::find_by_accessible_label(root, label)
        .filter(|e| e.is_valid() && e.size().width > 0.0)
        .collect()
}

/// Share of pixels in `r` that differ clearly from the area's most common colour: 0 means nothing drawn.
pub fn ink(shot: &SharedPixelBuffer<Rgba8Pixel>, r: &Rect) -> f32 {
    let (w, h) = (shot.width() as i64, shot.height() as i64);
    let px = shot.as_slice();
    let x0 = (r.x as i64).clamp(0, w);
    let y0 = (r.y as i64).clamp(0, h);
    let x1 = ((r.x + r.w) as i64).clamp(0, w);
    let y1 = ((r.y + r.h) as i64).clamp(0, h);
    let mut counts = std::collections::HashMap::new();
    let mut all = Vec::new();
    for y in y0..y1 {
        for x in x0..x1 {
            let p = px[(y * w + x) as usize];
            *counts.entry((p.r, p.g, p.b)).or_insert(0usize) += 1;
            all.push(p);
        }
    }
    let Some((bg, _)) = counts.into_iter().max_by_key(|(_, n)| *n) else {
        return 0.0;
    };
    let differs = all
        .iter()
        .filter(|p| {
            let d = (p.r as i32 - bg.0 as i32).abs()
                + (p.g as i32 - bg.1 as i32).abs()
                + (p.b as i32 - bg.2 as i32).abs();
            d > 96
        })
        .count();
    differs as f32 / all.len().max(1) as f32
}

/// Share of the pixels inside `r` for which `pred(r, g, b)` holds.
pub fn ink_where(
    shot: &SharedPixelBuffer<Rgba8Pixel>,
    r: &Rect,
    pred: impl Fn(u8, u8, u8) -> bool,
) -> f32 {
    let (w, h) = (shot.width() as i64, shot.height() as i64);
    let px = shot.as_slice();
    let (x0, y0) = ((r.x as i64).clamp(0, w), (r.y as i64).clamp(0, h));
    let (x1, y1) = (
        ((r.x + r.w) as i64).clamp(0, w),
        ((r.y + r.h) as i64).clamp(0, h),
    );
    let total = ((x1 - x0) * (y1 - y0)).max(1) as f32;
    let hits = (y0..y1)
        .flat_map(|y| (x0..x1).map(move |x| (x, y)))
        .filter(|(x, y)| {
            let p = px[(y * w + x) as usize];
            pred(p.r, p.g, p.b)
        })
        .count();
    hits as f32 / total
}

/// Runs what other threads posted to the kiosk (device events, answers of the platform, printers and camera)
/// until `cond` holds or `within` passes; returns whether it holds. The testing backend has no event loop, so
/// this is the kiosk's event loop in tests.
pub fn run_until(
    kiosk: &Kiosk,
    within: std::time::Duration,
    cond: impl Fn(&Kiosk) -> bool,
) -> bool {
    let end = std::time::Instant::now() + within;
    loop {
        kiosk.drain();
        if cond(kiosk) {
            return true;
        }
        if std::time::Instant::now() >= end {
            return false;
        }
        std::thread::sleep(std::time::Duration::from_millis(5));
    }
}

/// The simulated terminal with its service centre: the kiosk, the device drivers on simulated devices, and
/// the reference hub on loopback, wired as `kiosk run --simulate` wires them (device events reach the kiosk
/// through the event loop, platform calls go over HTTP).
pub struct Terminal {
    pub kiosk: Rc<Kiosk>,
    pub hub: std::sync::Arc<kiosk_hub::Platform>,
    /// The hub's API base URL (`http://127.0.0.1:PORT/api/v1`).
    pub url: String,
    pub devices: kiosk_drivers::manager::Devices,
    pub sims: kiosk_drivers::manager::SimulatedDevices,
    pub rt: tokio::runtime::Runtime,
}

impl Terminal {
    pub fn start(profile: &Profile, name: &str) -> Terminal {
        Terminal::start_with(profile, name, &Config::default())
    }

    /// The simulated terminal with a configuration of the test's own.
    pub fn start_with(profile: &Profile, name: &str, config: &Config) -> Terminal {
        let kiosk = kiosk_with(profile, config);
        kiosk::app::install(kiosk.clone());
        let rt = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .expect("runtime");
        let (url, hub) = hub_on_loopback(&rt);
        let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
        let dir = std::env::temp_dir().join(format!("kiosk-t-{}-{name}", std::process::id()));
        let mut devices = {
            let _g = rt.enter();
            kiosk_drivers::manager::start(&profile.devices, &dir, tx)
        };
        let inbox = kiosk.inbox();
        rt.spawn(async move {
            while let Some(e) = rx.recv().await {
                inbox.device(e);
            }
        });
        if let Some((_, _, cam)) = devices
            .cameras
            .iter()
            .find(|(_, c, _)| *c == kiosk_drivers::DeviceClass::DocumentCamera)
        {
            kiosk.attach_document_camera(rt.handle().clone(), cam.clone());
        }
        if let Some((_, _, cam)) = devices
            .cameras
            .iter()
            .find(|(_, c, _)| *c == kiosk_drivers::DeviceClass::FaceCamera)
        {
            kiosk.attach_face_camera(rt.handle().clone(), cam.clone());
        }
        // The terminal's files (the synced knowledge base) in the test's folder, not the machine's.
        kiosk.set_files(None, dir.clone(), true);
        let _ = std::fs::remove_dir_all(dir.join("store"));
        std::fs::create_dir_all(dir.join("store")).expect("store folder");
        let key = kiosk_store::load_or_create_key(&dir.join("store/key")).expect("store key");
        let outbox = kiosk::platform::outbox::Outbox::new(
            kiosk_store::Store::open(&dir.join("store/kiosk.db"), &key).expect("store"),
        );
        let platform = enrolled(&rt, &url, &hub, kiosk.terminal.borrow().terminal_id());
        kiosk.attach_services(kiosk::app::Services {
            runtime: rt.handle().clone(),
            platform: Some(platform),
            receipt: devices.printer.clone(),
            a4: devices.a4.clone(),
            outbox: Some(outbox),
            pad: devices.pad.clone(),
            lights: devices.lights.clone(),
            buzzer: devices.buzzer.clone(),
        });
        let sims = std::mem::take(&mut devices.sims);
        assert!(
            kiosk.items(std::time::Duration::from_secs(30)).is_some(),
            "catalogue loads"
        );
        let t = Terminal {
            kiosk,
            hub,
            url,
            devices,
            sims,
            rt,
        };
        // The serial devices and the printers come online through their drivers.
        let online = run_until(&t.kiosk, std::time::Duration::from_secs(60), |k| {
            let term = k.terminal.borrow();
            term.printer_ready(kiosk_catalog::Kind::Print)
                && term.printer_ready(kiosk_catalog::Kind::Apply)
        });
        if !online {
            let view: Vec<String> = t
                .kiosk
                .terminal
                .borrow()
                .health_view(std::time::Instant::now())
                .iter()
                .map(|l| format!("{} {:?}: {}", l.id, l.class, l.state))
                .collect();
            panic!("printers not online after 60 s:\n{}", view.join("\n"));
        }
        t
    }

    /// Runs the event loop until `cond` holds of the kiosk (at most 60 s: tests run many terminals at once on
    /// two cores).
    pub fn until(&self, what: &str, cond: impl Fn(&Kiosk) -> bool) {
        assert!(
            run_until(&self.kiosk, std::time::Duration::from_secs(60), cond),
            "waited 60 s for: {what}"
        );
    }

    /// Puts a card on the simulated reader and waits until the terminal has read it.
    pub fn insert_card(&self, record: kiosk_drivers::IdCardRecord) {
        self.sims
            .reader
            .as_ref()
            .expect("simulated reader")
            .insert(record);
        self.until("the card is read", |k| {
            k.terminal.borrow().resident().is_some()
        });
    }

    /// What the hub received, read from its database.
    pub fn received(&self) -> kiosk_hub::Received {
        received(&self.rt, &self.hub)
    }

    /// Touches the element with this accessible label: the first one a person can act on (a key "1", not the
    /// step indicator's digit 1), else the first one.
    pub fn touch(&self, label: &str) {
        let found = find(&self.kiosk.ui, label);
        assert!(!found.is_empty(), "nothing labelled {label:?} on screen");
        let target = found
            .iter()
            .find(|e| {
                e.accessible_role()
                    .is_some_and(kiosk_ui::present::screen_reader::is_actionable)
            })
            .unwrap_or(&found[0]);
        target.invoke_accessible_default_action();
    }
}

impl Drop for Terminal {
    fn drop(&mut self) {
        kiosk::app::uninstall();
    }
}

/// What the screen says aloud through the loudspeaker (the parts not kept for headphones).
pub fn said_aloud(k: &Kiosk) -> Vec<String> {
    kiosk_ui::present::narration::narrate(&k.terminal.borrow(), &k.ui)
        .parts
        .into_iter()
        .filter(|p| !p.private)
        .map(|p| p.text)
        .collect()
}

/// Every label, value and description in a window's UI tree (to look for traces of a resident).
pub fn ui_text(root: &impl ElementRoot) -> String {
    let mut s = String::new();
    for e in i_slint_backend_testing::ElementQuery::from_root(root)
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

/// The step of the application under way.
pub fn step(k: &Kiosk) -> Option<kiosk::application::Step> {
    k.terminal.borrow().application().as_ref().map(|a| a.step)
}

/// Where the A4 document (`a4`) or the receipt of the case under way stands.
pub fn printout(k: &Kiosk, a4: bool) -> Option<kiosk::application::PrintState> {
    k.terminal.borrow().application().as_ref().map(|a| {
        if a4 {
            a.document.clone()
        } else {
            a.receipt.clone()
        }
    })
}

/// A fresh folder under the system's temporary one, unique in this test process.
pub fn scratch(name: &str) -> std::path::PathBuf {
    static N: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
    let n = N.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
    let dir = std::env::temp_dir().join(format!("kiosk-{name}-{}-{n}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("scratch folder");
    dir
}

/// The reference hub on a free loopback port of `rt`, with SQLite in a fresh folder: its API base URL, and its
/// state (to look at what arrived, or take it down).
pub fn hub_on_loopback(
    rt: &tokio::runtime::Runtime,
) -> (String, std::sync::Arc<kiosk_hub::Platform>) {
    hub_with(rt, &scratch("hub"), None)
}

/// The hub on loopback with its data in `dir` and the database at `database` (default SQLite in `dir`).
pub fn hub_with(
    rt: &tokio::runtime::Runtime,
    dir: &std::path::Path,
    database: Option<&str>,
) -> (String, std::sync::Arc<kiosk_hub::Platform>) {
    rt.block_on(async {
        let hub = kiosk_hub::Platform::open(dir, database)
            .await
            .expect("open the hub");
        let (listener, addr) = kiosk_hub::bind(std::net::SocketAddr::from(([127, 0, 0, 1], 0)))
            .await
            .expect("bind the hub");
        tokio::spawn(kiosk_hub::serve_with(listener, hub.clone()));
        (format!("http://{addr}/api/v1"), hub)
    })
}

/// A platform client enrolled as `terminal_id` with a one-time code from `hub`.
pub fn enrolled(
    rt: &tokio::runtime::Runtime,
    url: &str,
    hub: &kiosk_hub::Platform,
    terminal_id: &str,
) -> kiosk::platform::Platform {
    let client = kiosk::platform::Platform::new(url).expect("client");
    rt.block_on(async {
        let code = hub
            .enrolment_code(terminal_id, std::time::Duration::from_secs(60))
            .await
            .expect("enrolment code");
        let token = client.enrol(terminal_id, &code).await.expect("enrol");
        client.set_token(Some(token));
    });
    client
}

/// What the hub received, read from its database.
/// The text of a PDF, read back with poppler's pdftotext (poppler-utils, installed by scripts/system-packages),
/// without spaces (pdftotext puts them between narrow glyphs).
pub fn pdf_text(path: &std::path::Path) -> String {
    let out = std::process::Command::new("pdftotext")
        .arg(path)
        .arg("-")
        .output()
        .unwrap_or_else(|e| panic!("pdftotext (Debian package poppler-utils): {e}"));
    assert!(
        out.status.success(),
        "pdftotext: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).replace([' ', '\n'], "")
}

pub fn received(rt: &tokio::runtime::Runtime, hub: &kiosk_hub::Platform) -> kiosk_hub::Received {
    rt.block_on(hub.received()).expect("the hub's records")
}

/// A PostgreSQL database for one test: a new database on the server `KIOSK_TEST_POSTGRES` names (an admin
/// URL such as postgres://kiosk:kiosk@127.0.0.1/postgres; `scripts/services` starts one and sets it). None
/// when the variable is not set; with `KIOSK_REQUIRE_POSTGRES=1` (CI) its absence is a failure.
pub fn postgres_database(rt: &tokio::runtime::Runtime, name: &str) -> Option<String> {
    // An empty value (scripts/services found no PostgreSQL) counts as not set.
    let Some(admin) = std::env::var("KIOSK_TEST_POSTGRES")
        .ok()
        .filter(|v| !v.trim().is_empty())
    else {
        assert!(
            std::env::var("KIOSK_REQUIRE_POSTGRES").is_err(),
            "KIOSK_TEST_POSTGRES is not set but KIOSK_REQUIRE_POSTGRES is: start PostgreSQL (scripts/services)"
        );
        eprintln!(
            "KIOSK_TEST_POSTGRES not set: the PostgreSQL variant of this test does not run here"
        );
        return None;
    };
    assert!(
        admin.starts_with("postgres://") || admin.starts_with("postgresql://"),
        "KIOSK_TEST_POSTGRES is not a postgres:// URL (its first line: {:?})",
        admin.lines().next().unwrap_or_default()
    );
    let db = format!("kiosk_{name}_{}", std::process::id());
    rt.block_on(async {
        use sqlx::Connection;
        let mut c = sqlx::PgConnection::connect(&admin)
            .await
            .expect("connect to the PostgreSQL of KIOSK_TEST_POSTGRES");
        sqlx::query(sqlx::AssertSqlSafe(format!("DROP DATABASE IF EXISTS {db}")))
            .execute(&mut c)
            .await
            .expect("drop the test database");
        sqlx::query(sqlx::AssertSqlSafe(format!("CREATE DATABASE {db}")))
            .execute(&mut c)
            .await
            .expect("create the test database");
    });
    let base = admin.rsplit_once('/').map(|(b, _)| b).unwrap_or(&admin);
    Some(format!("{base}/{db}"))
}

/// Department cases of each bundle of the crash drill.
pub const DRILL_PARTS: usize = 3;

/// The department parts of a drill's bundle: each takes the case's field `n` and its photo (户口簿).
pub fn drill_parts() -> Vec<kiosk_api::CasePart> {
    (0..DRILL_PARTS)
        .map(|p| kiosk_api::CasePart {
            item_code: format!("PART-{p}"),
            item_name: format!("分项{p}"),
            department: format!("部门{p}"),
            time_limit: "即办".into(),
            fields: vec!["n".into()],
            materials: vec!["户口簿".into()],
        })
        .collect()
}

/// Case `i` of the crash drill is a bundle (一件事): every fifth.
pub fn drill_bundle(i: usize) -> bool {
    i % 5 == 4
}

/// The photo of case `i` of the crash drill: 20 to 300 KB (one or two chunks), different for every case.
pub fn drill_photo(i: usize) -> kiosk_api::Upload {
    let len = 20_000 + (i * 7_919) % 280_000;
    kiosk_api::Upload {
        name: "户口簿".into(),
        media_type: "image/jpeg".into(),
        bytes: (0..len)
            .map(|j| ((j as u64).wrapping_mul(2_654_435_761) ^ i as u64) as u8)
            .collect(),
    }
}

/// An application for the tests and benchmarks of store and forward: 医保卡挂失补办 by 李娜 from `terminal`,
/// carrying `materials` (callers change what their test needs).
pub fn sample_case(
    key: &str,
    terminal: &str,
    materials: &[&kiosk_api::Upload],
) -> kiosk_api::CaseRequest {
    kiosk_api::CaseRequest {
        parts: Vec::new(),
        certificates: Vec::new(),
        corrects: None,
        idempotency_key: key.into(),
        terminal_id: terminal.into(),
        item_code: "YB-003".into(),
        item_name: "医保卡挂失补办".into(),
        kind: kiosk_api::ItemKind::Apply,
        applicant: Some(kiosk_api::Applicant {
            name: "李娜".into(),
            id_number: "31011019880621046X".into(),
        }),
        fields: vec![],
        materials: materials.iter().map(|m| m.reference()).collect(),
        commitment: None,
        application_pdf: None,
        submitted_at: "2026-11-30T10:00:00+08:00".into(),
    }
}
