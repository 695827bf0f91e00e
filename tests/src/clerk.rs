//! A clerk at the console: Debian's chromium, headless, driven through chromedriver, with Chromium's fake
//! camera and microphone (a moving test picture and a beep) and no background networking.

use fantoccini::wd::Capabilities;
use fantoccini::{Client, ClientBuilder, Locator};
use serde_json::{json, Value};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

pub struct ClerkBrowser {
    pub client: Client,
    driver: Child,
    /// The hub's origin, `http://127.0.0.1:PORT`.
    pub origin: String,
    /// This browser's own profile folder: it names its processes.
    profile: std::path::PathBuf,
}

impl Drop for ClerkBrowser {
    // A test that fails never closes its session: chromium's processes outlive chromedriver unless killed, and
    // they are found by their profile folder.
    fn drop(&mut self) {
        let _ = self.driver.kill();
        let _ = self.driver.wait();
        // The whole argument, with the NUL that ends it in cmdline: folder -1 is not a prefix of folder -10.
        let marker = format!("--user-data-dir={}\0", self.profile.display());
        if let Ok(dir) = std::fs::read_dir("/proc") {
            for pid in dir
                .flatten()
                .filter_map(|e| e.file_name().to_str()?.parse::<u32>().ok())
            {
                let cmdline = std::fs::read(format!("/proc/{pid}/cmdline")).unwrap_or_default();
                if cmdline
                    .windows(marker.len())
                    .any(|w| w == marker.as_bytes())
                {
                    let _ = Command::new("kill").arg("-9").arg(pid.to_string()).status();
                }
            }
        }
        let _ = std::fs::remove_dir_all(&self.profile);
    }
}

/// Starts chromedriver on a port it binds itself (`--port=0`) and returns the port it says it took, so no
/// other process can take the port between a pick and the bind. Its stdout is read on a thread for as long as
/// it runs: the line with the port, then whatever it logs, so a full pipe never stalls it.
fn start_chromedriver() -> (Child, u16) {
    use std::io::BufRead;
    let mut driver = Command::new("chromedriver")
        .arg("--port=0")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("chromedriver (Debian's chromium-driver; scripts/system-packages installs it)");
    let stdout = driver
        .stdout
        .take()
        .expect("chromedriver's stdout is piped");
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let mut said = Vec::new();
        let mut lines = std::io::BufReader::new(stdout).lines();
        for line in lines.by_ref() {
            let Ok(line) = line else { break };
            if let Some(port) = line
                .strip_prefix("ChromeDriver was started successfully on port ")
                .and_then(|rest| rest.trim_end_matches('.').parse::<u16>().ok())
            {
                let _ = tx.send(Ok(port));
                // From here on only drained, not kept: what it logs later is nobody's question.
                lines.for_each(drop);
                return;
            }
            said.push(line);
        }
        let _ = tx.send(Err(said.join("\n")));
    });
    match rx.recv_timeout(Duration::from_secs(30)) {
        Ok(Ok(port)) => (driver, port),
        Ok(Err(said)) => panic!("chromedriver stopped without saying its port; it said:\n{said}"),
        Err(_) => {
            let _ = driver.kill();
            panic!("chromedriver did not say its port within 30 s")
        }
    }
}

/// The flags that make Chromium a quiet, test-only clerk: fake media devices granted without a prompt,
/// loopback ICE candidates allowed (and not hidden behind mDNS names), nothing fetched from outside.
pub const CHROMIUM_FLAGS: &[&str] = &[
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--use-fake-device-for-media-stream",
    "--use-fake-ui-for-media-stream",
    "--allow-loopback-in-peer-connection",
    "--disable-features=WebRtcHideLocalIpsWithMdns,Translate,OptimizationHints,MediaRouter",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-default-apps",
    "--disable-extensions",
    "--disable-sync",
    "--disable-domain-reliability",
    "--disable-client-side-phishing-detection",
    "--no-first-run",
    "--no-default-browser-check",
    "--metrics-recording-only",
    "--mute-audio",
    "--window-size=1400,1000",
];

impl ClerkBrowser {
    pub async fn start(origin: &str) -> ClerkBrowser {
        let (driver, port) = start_chromedriver();
        let profile = crate::scratch("chromium-profile");
        let mut args: Vec<String> = CHROMIUM_FLAGS.iter().map(|a| a.to_string()).collect();
        args.push(format!("--user-data-dir={}", profile.display()));
        let mut caps = Capabilities::new();
        caps.insert(
            "goog:chromeOptions".into(),
            json!({ "binary": "/usr/bin/chromium", "args": args }),
        );
        let url = format!("http://127.0.0.1:{port}");
        let connector = hyper_util::client::legacy::connect::HttpConnector::new();
        let started = Instant::now();
        let client = loop {
            match ClientBuilder::new(connector.clone())
                .capabilities(caps.clone())
                .connect(&url)
                .await
            {
                Ok(c) => break c,
                Err(e) if started.elapsed() < Duration::from_secs(30) => {
                    let _ = e;
                    tokio::time::sleep(Duration::from_millis(200)).await;
                }
                Err(e) => panic!("chromium through chromedriver: {e}"),
            }
        };
        ClerkBrowser {
            client,
            driver,
            origin: origin.to_string(),
            profile,
        }
    }

    /// Logs in at the console's login page; the console opens.
    pub async fn login(&self, name: &str, password: &str) {
        self.client
            .goto(&format!("{}/clerk/login", self.origin))
            .await
            .expect("login page");
        self.fill("#name", name).await;
        self.fill("#password", password).await;
        self.client
            .find(Locator::Css("form button[type=submit]"))
            .await
            .expect("login button")
            .click()
            .await
            .expect("click login");
        self.until("the console after login", "return !!(window.kiosk && window.kiosk.me && window.kiosk.ws && window.kiosk.ws.readyState === 1)")
            .await;
    }

    pub async fn fill(&self, css: &str, text: &str) {
        let e = self
            .client
            .find(Locator::Css(css))
            .await
            .unwrap_or_else(|e| panic!("{css}: {e}"));
        e.clear().await.expect("clear");
        e.send_keys(text).await.expect("type");
    }

    pub async fn click(&self, css: &str) {
        self.client
            .find(Locator::Css(css))
            .await
            .unwrap_or_else(|e| panic!("{css}: {e}"))
            .click()
            .await
            .unwrap_or_else(|e| panic!("click {css}: {e}"));
    }

    /// Runs `js` (a function body that may `return`).
    pub async fn eval(&self, js: &str) -> Value {
        self.client
            .execute(js, vec![])
            .await
            .unwrap_or_else(|e| panic!("{js}: {e}"))
    }

    /// Runs `js`, a promise-returning expression, and gives its value.
    pub async fn eval_async(&self, js: &str) -> Value {
        let body = format!("const done = arguments[arguments.length - 1]; Promise.resolve({js}).then(done, (e) => done({{ error: String(e) }}));");
        self.client
            .execute_async(&body, vec![])
            .await
            .unwrap_or_else(|e| panic!("{js}: {e}"))
    }

    /// Polls `js` (a function body returning a boolean) until it is true, 60 s at most.
    pub async fn until(&self, what: &str, js: &str) {
        let started = Instant::now();
        loop {
            if self.client.execute(js, vec![]).await.ok() == Some(Value::Bool(true)) {
                return;
            }
            if started.elapsed() > Duration::from_secs(60) {
                let url = self.client.current_url().await.map(|u| u.to_string());
                let text = self
                    .client
                    .execute(
                        "return document.body ? document.body.innerText : ''",
                        vec![],
                    )
                    .await;
                let errors = self
                    .client
                    .execute("return window.kiosk ? window.kiosk.errors : null", vec![])
                    .await;
                panic!("waited 60 s in the browser for {what}; at {url:?}: {text:?}; errors {errors:?}");
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// The console's view of the received video (`window.callStats()`).
    pub async fn stats(&self) -> Value {
        self.eval_async("window.callStats()").await
    }

    /// A PNG of the page into target/screenshots/NAME.png, to look at.
    pub async fn screenshot(&self, name: &str) {
        let png = self.client.screenshot().await.expect("screenshot");
        std::fs::write(crate::screenshot_dir().join(format!("{name}.png")), png)
            .expect("write PNG");
    }

    pub async fn finish(self) {
        let _ = self.client.clone().close().await;
    }
}

/// A real one-page PDF (the kiosk's own A4 document renderer), for the print round trips.
pub fn sample_pdf() -> Vec<u8> {
    let d = kiosk_api::IssuedDocument {
        title: "社会保险缴费证明".into(),
        issuer: "杨浦区社区事务受理服务中心".into(),
        rows: vec![("缴费月数".into(), "12".into())],
        note: None,
    };
    kiosk::view::paperwork::issued_pdf(&d).expect("a PDF").1
}

/// The hub on a free loopback port (SQLite in a fresh folder) with clerks, and a terminal enrolled on it.
pub struct CallHub {
    /// The API base, `http://127.0.0.1:PORT/api/v1`.
    pub url: String,
    /// `http://127.0.0.1:PORT`, where the console is.
    pub origin: String,
    pub hub: std::sync::Arc<kiosk_hub::Platform>,
    /// The enrolled terminal's token.
    pub token: String,
}

impl CallHub {
    pub async fn start(clerks: &[&str], password: &str) -> CallHub {
        let dir = crate::scratch("call-hub");
        let hub = kiosk_hub::Platform::open(&dir, None).await.expect("hub");
        let (listener, addr) = kiosk_hub::bind(std::net::SocketAddr::from(([127, 0, 0, 1], 0)))
            .await
            .expect("bind");
        tokio::spawn(kiosk_hub::serve_with(listener, hub.clone()));
        for c in clerks {
            hub.add_clerk(c, password).await.expect("clerk");
        }
        let url = format!("http://{addr}/api/v1");
        let client = kiosk::platform::Platform::new(&url).expect("client");
        let code = hub
            .enrolment_code("YP-KJ-0001", Duration::from_secs(60))
            .await
            .expect("code");
        let token = client.enrol("YP-KJ-0001", &code).await.expect("enrol");
        CallHub {
            url,
            origin: format!("http://{addr}"),
            hub,
            token,
        }
    }

    /// A terminal's call to this hub with the synthetic 640×480 camera at 25 fps, a tone for a microphone and
    /// a meter for a speaker; `setup` adjusts who calls.
    pub fn call(
        &self,
        setup: impl FnOnce(&mut kiosk_call::CallSetup),
    ) -> (
        kiosk_call::Call,
        kiosk_drivers::camera::service::CameraHandle,
    ) {
        use kiosk_call::audio::{MeterSink, ToneSource};
        use kiosk_drivers::camera::service::{self as camera, Scene, Source};
        let cam = camera::start(Source::synthetic(640, 480, 25, Scene::Pattern));
        let mut s = kiosk_call::CallSetup::new(&self.url, &self.token);
        setup(&mut s);
        let c = cam.clone();
        let call = kiosk_call::Call::start(
            s,
            Box::new(move || {
                let preview = c.preview();
                Some(kiosk_call::VideoIn {
                    frames: (*preview).clone(),
                    keep: Box::new(preview),
                })
            }),
            Box::new(|| {
                (
                    Box::new(ToneSource::default()),
                    Box::new(MeterSink::default()),
                )
            }),
        );
        (call, cam)
    }
}

/// Logs in over HTTP as a browser would; the session cookie.
pub async fn clerk_cookie(origin: &str, name: &str, password: &str) -> Result<String, u16> {
    let client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("client");
    let r = client
        .post(format!("{origin}/clerk/login"))
        .form(&[("name", name), ("password", password)])
        .send()
        .await
        .expect("login");
    if r.status().as_u16() != 303 {
        return Err(r.status().as_u16());
    }
    let c = r.headers()["set-cookie"]
        .to_str()
        .expect("cookie")
        .to_string();
    assert!(
        c.contains("HttpOnly") && c.contains("Secure") && c.contains("SameSite=Strict"),
        "{c}"
    );
    Ok(c.split(';').next().unwrap_or_default().to_string())
}

/// A clerk signed in to the hub's console over HTTP as a browser is (session cookie and CSRF token).
pub struct ConsoleClerk {
    pub http: reqwest::Client,
    pub origin: String,
    pub cookie: String,
    pub csrf: String,
}

impl ConsoleClerk {
    /// Adds the clerk to `hub` and signs in.
    pub async fn sign_in(
        origin: &str,
        hub: &kiosk_hub::Platform,
        name: &str,
        password: &str,
    ) -> ConsoleClerk {
        hub.add_clerk(name, password).await.expect("clerk");
        let cookie = clerk_cookie(origin, name, password).await.expect("login");
        let http = reqwest::Client::new();
        let me: Value = http
            .get(format!("{origin}/clerk/me"))
            .header("cookie", &cookie)
            .send()
            .await
            .and_then(|r| r.error_for_status())
            .expect("me")
            .json()
            .await
            .expect("me JSON");
        ConsoleClerk {
            http,
            origin: origin.into(),
            cookie,
            csrf: me["csrf"].as_str().unwrap_or_default().into(),
        }
    }

    pub async fn get(&self, path: &str) -> reqwest::Response {
        self.http
            .get(format!("{}{path}", self.origin))
            .header("cookie", &self.cookie)
            .send()
            .await
            .expect("GET")
    }

    /// A state-changing request with the CSRF token; its status.
    pub async fn post_json(&self, path: &str, body: Value) -> u16 {
        self.http
            .post(format!("{}{path}", self.origin))
            .header("cookie", &self.cookie)
            .header("x-csrf-token", &self.csrf)
            .json(&body)
            .send()
            .await
            .expect("POST")
            .status()
            .as_u16()
    }
}
