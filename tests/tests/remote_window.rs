//! The remote virtual window end to end: the hub on loopback, a terminal's call (str0m, openh264, Opus, the
//! synthetic camera) and a clerk in a real headless Chromium at the hub's console. Video must decode on both
//! sides; form fields, captures and print jobs must make the round trip; the hub must refuse what is not
//! its protocol without falling over.

use futures_util::{SinkExt, StreamExt};
use kiosk_api::call::Outcome;
use kiosk_api::call::{CapturedMaterial, FieldUpdate, PrintResult};
use kiosk_call::{Call, CallCommand, CallEvent};
use kiosk_tests::clerk::{CallHub, ClerkBrowser};
use serde_json::Value;
use std::time::{Duration, Instant};
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::tungstenite::Message;

const CLERK: &str = "wang.li";
const PASSWORD: &str = "correct-horse-staple";

async fn hub() -> CallHub {
    CallHub::start(&[CLERK, "zhao.min"], PASSWORD).await
}

fn start_call(
    h: &CallHub,
    no_answer_after: Duration,
) -> (Call, kiosk_drivers::camera::service::CameraHandle) {
    h.call(|setup| {
        setup.resident = Some(kiosk_api::call::CallResident {
            name: "张三".into(),
            id_masked: "310***********1234".into(),
            photo_jpeg_base64: None,
        });
        setup.item_code = Some("SB-002".into());
        setup.elder = true;
        setup.no_answer_after = no_answer_after;
    })
}

/// The hub's call records once there are `n` (the hub writes one just after telling both sides the call ended).
async fn recorded_calls(hub: &kiosk_hub::Platform, n: usize) -> Vec<kiosk_hub::db::CallRecord> {
    let started = Instant::now();
    loop {
        let calls = hub.db().calls().await.expect("calls");
        if calls.len() >= n || started.elapsed() > Duration::from_secs(10) {
            return calls;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

async fn next_event(call: &mut Call, what: &str, f: impl Fn(&CallEvent) -> bool) -> CallEvent {
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        let left = deadline.saturating_duration_since(Instant::now());
        match tokio::time::timeout(left, call.events.recv()).await {
            Ok(Some(e)) if f(&e) => return e,
            Ok(Some(_)) => {}
            Ok(None) => panic!("the call ended before {what}"),
            Err(_) => panic!("waited 60 s for {what}"),
        }
    }
}

fn num(v: &Value, k: &str) -> f64 {
    v.get(k).and_then(Value::as_f64).unwrap_or(0.0)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_clerk_in_chromium_sees_and_serves_the_resident() {
    let h = hub().await;
    let browser = ClerkBrowser::start(&h.origin).await;
    browser.login(CLERK, PASSWORD).await;

    let (mut call, _cam) = start_call(&h, Duration::from_secs(60));
    let e = next_event(&mut call, "a place in the queue", |e| {
        matches!(e, CallEvent::Queued { .. })
    })
    .await;
    assert!(
        matches!(
            e,
            CallEvent::Queued {
                position: 1,
                expected_wait_secs: 30,
                ..
            }
        ),
        "{e:?}"
    );

    // The clerk sees the resident waiting (masked ID only) and takes the call.
    browser
        .until(
            "the waiting resident",
            "return document.querySelectorAll('#queue button').length === 1",
        )
        .await;
    let queue = browser
        .eval("return document.getElementById('queue').textContent")
        .await;
    let queue = queue.as_str().unwrap_or_default().to_string();
    assert!(
        queue.contains("张三") && queue.contains("310***********1234") && queue.contains("长辈"),
        "{queue}"
    );
    let accepted = Instant::now();
    browser.click("#queue button").await;
    next_event(
        &mut call,
        "the clerk taking the call",
        |e| matches!(e, CallEvent::Taken { clerk } if clerk == CLERK),
    )
    .await;
    next_event(&mut call, "media connected", |e| *e == CallEvent::Connected).await;

    // Video both ways: the browser decodes the terminal's H.264, the terminal decodes the browser's.
    let mut first = None;
    let mut browser_first_frame = None;
    let started = Instant::now();
    loop {
        let s = browser.stats().await;
        let decoded = num(&s, "framesDecoded");
        if decoded > 0.0 && browser_first_frame.is_none() {
            browser_first_frame = Some(accepted.elapsed());
        }
        let terminal = call
            .media_stats()
            .map(|m| m.frames_decoded.load(std::sync::atomic::Ordering::Relaxed))
            .unwrap_or(0);
        if decoded >= 1.0 && first.is_none() {
            first = Some((decoded, terminal, Instant::now()));
        }
        if let Some((d0, t0, at)) = first {
            if at.elapsed() >= Duration::from_secs(3) {
                assert!(
                    decoded > d0 + 30.0,
                    "the browser's framesDecoded keeps rising: {d0} → {decoded}"
                );
                let errors = call
                    .media_stats()
                    .map(|m| m.decode_errors.load(std::sync::atomic::Ordering::Relaxed));
                assert!(terminal > t0 + 30, "the terminal keeps decoding the clerk's video: {t0} → {terminal} (errors {errors:?}, browser {s})");
                assert_eq!(
                    (num(&s, "frameWidth"), num(&s, "frameHeight")),
                    (640.0, 480.0),
                    "{s}"
                );
                break;
            }
        }
        assert!(
            started.elapsed() < Duration::from_secs(60),
            "no video after 60 s: {s}"
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    let remote = call
        .remote
        .borrow()
        .clone()
        .expect("the clerk's picture on the terminal");
    assert!(
        remote.width >= 320 && remote.height >= 240,
        "{}×{}",
        remote.width,
        remote.height
    );
    let stats = call.media_stats().expect("media stats");
    let delays = stats.capture_to_send();
    assert!(!delays.is_empty());
    eprintln!(
        "set-up: clerk accepts → first frame decoded in the browser {:?}, on the terminal {:?}",
        browser_first_frame,
        stats.first_decoded_at().map(|t| t.duration_since(accepted))
    );
    // Sound both ways too.
    let s = browser.stats().await;
    assert!(
        num(&s, "audioSamples") > 0.0,
        "the browser hears the terminal: {s}"
    );
    assert!(
        stats
            .audio_samples_played
            .load(std::sync::atomic::Ordering::Relaxed)
            > 0,
        "the terminal hears the clerk"
    );

    // The clerk pushes a form; the resident's typing shows at the console as it happens.
    browser.fill("#item", "SB-002").await;
    browser.click("#push button").await;
    let e = next_event(&mut call, "the pushed form", |e| {
        matches!(e, CallEvent::PushForm { .. })
    })
    .await;
    assert_eq!(
        e,
        CallEvent::PushForm {
            item_code: "SB-002".into()
        }
    );
    for value in ["139", "1391234"] {
        call.send(CallCommand::Field(FieldUpdate {
            item_code: "SB-002".into(),
            field: "phone".into(),
            label: "联系电话".into(),
            value: value.into(),
        }));
    }
    browser
        .until(
            "the field at the console",
            "return window.kiosk.fields['SB-002/phone'] === '1391234'",
        )
        .await;

    // A capture asked for and sent; the clerk's page shows it.
    browser.fill("#what", "户口簿首页").await;
    browser.click("#capture button").await;
    let e = next_event(&mut call, "the capture request", |e| {
        matches!(e, CallEvent::Capture { .. })
    })
    .await;
    assert_eq!(
        e,
        CallEvent::Capture {
            what: "户口簿首页".into()
        }
    );
    call.send(CallCommand::Captured(CapturedMaterial {
        sha256: "ab".repeat(32),
        name: "户口簿首页".into(),
        bytes: 120_000,
    }));
    browser
        .until(
            "the capture at the console",
            "return window.kiosk.materials.length === 1",
        )
        .await;

    // A PDF to print: it reaches the terminal, which fetches it with its token and says it printed.
    let status = browser
        .eval_async(&format!(
            "window.printPdf(new Uint8Array({:?}).buffer, '缴费证明')",
            kiosk_tests::clerk::sample_pdf()
        ))
        .await;
    assert_eq!(status, Value::from(200));
    let e = next_event(&mut call, "the print job", |e| {
        matches!(e, CallEvent::Print { .. })
    })
    .await;
    let CallEvent::Print { document, title } = e else {
        unreachable!()
    };
    assert_eq!(title, "缴费证明");
    let client = kiosk::platform::Platform::new(&h.url).expect("client");
    client.set_token(Some(h.token.clone()));
    let pdf = client.call_document(&document).await.expect("the PDF");
    assert_eq!(pdf.as_ref(), kiosk_tests::clerk::sample_pdf().as_slice());
    call.send(CallCommand::Printed(PrintResult {
        document,
        ok: true,
        message: "A4 打印机".into(),
    }));
    browser
        .until(
            "the print confirmation",
            "return window.kiosk.printed.length === 1 && window.kiosk.printed[0].ok",
        )
        .await;

    // The clerk ends the call; the terminal hears the outcome; the hub keeps the figures.
    browser
        .eval("document.getElementById('outcome').value = 'done'; return true")
        .await;
    browser.click("#end button").await;
    let e = next_event(&mut call, "the end", |e| {
        matches!(e, CallEvent::Ended { .. })
    })
    .await;
    let CallEvent::Ended {
        outcome,
        waited,
        answered,
    } = e
    else {
        unreachable!()
    };
    assert_eq!(outcome, Outcome::Done);
    assert!(waited < Duration::from_secs(60) && answered.is_some());
    let calls = recorded_calls(&h.hub, 1).await;
    assert_eq!(calls.len(), 1);
    assert_eq!(calls[0].outcome, "done");
    assert_eq!(calls[0].clerk.as_deref(), Some(CLERK));
    assert!(calls[0].answered_ms.is_some());
    browser.finish().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn nobody_answers_the_resident_asks_for_a_call_back() {
    let h = hub().await;
    let (mut call, _cam) = start_call(&h, Duration::from_millis(800));
    next_event(&mut call, "queued", |e| {
        matches!(e, CallEvent::Queued { .. })
    })
    .await;
    next_event(&mut call, "no answer", |e| *e == CallEvent::NoAnswer).await;
    assert_eq!(h.hub.calls.waiting(), 1);
    // A number that is not one is refused and the call goes on.
    call.send(CallCommand::CallBack { phone: "12".into() });
    next_event(&mut call, "the refusal", |e| {
        matches!(e, CallEvent::Notice { .. })
    })
    .await;
    call.send(CallCommand::CallBack {
        phone: "139 1234 5678".into(),
    });
    let e = next_event(&mut call, "the end", |e| {
        matches!(e, CallEvent::Ended { .. })
    })
    .await;
    assert!(
        matches!(
            e,
            CallEvent::Ended {
                outcome: Outcome::CallBack,
                answered: None,
                ..
            }
        ),
        "{e:?}"
    );
    let calls = recorded_calls(&h.hub, 1).await;
    assert_eq!(calls.len(), 1);
    assert_eq!(calls[0].callback_phone.as_deref(), Some("13912345678"));
    assert!(
        !format!("{:?}", calls[0]).contains("1391234"),
        "the number never in a Debug"
    );
    assert_eq!(h.hub.calls.waiting(), 0);
}

type Ws =
    tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>;

async fn ws(url: &str, headers: &[(&str, &str)]) -> Result<Ws, u16> {
    let mut req = url.into_client_request().expect("request");
    for (k, v) in headers {
        let name: tokio_tungstenite::tungstenite::http::HeaderName =
            k.parse().expect("header name");
        req.headers_mut().insert(name, v.parse().expect("header"));
    }
    match tokio_tungstenite::connect_async(req).await {
        Ok((s, _)) => Ok(s),
        Err(tokio_tungstenite::tungstenite::Error::Http(r)) => Err(r.status().as_u16()),
        Err(e) => panic!("{e}"),
    }
}

async fn recv(s: &mut Ws) -> Value {
    loop {
        match tokio::time::timeout(Duration::from_secs(10), s.next()).await {
            Ok(Some(Ok(Message::Text(t)))) => {
                return serde_json::from_str(t.as_str()).expect("JSON")
            }
            Ok(Some(Ok(_))) => {}
            other => panic!("no message: {other:?}"),
        }
    }
}

async fn recv_type(s: &mut Ws, t: &str) -> Value {
    loop {
        let m = recv(s).await;
        if m["type"] == t {
            return m;
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_signalling_is_refused_and_nothing_falls_over() {
    let h = hub().await;
    let term_url = kiosk_call::client::CallSetup::signalling_url(&h.url);
    let clerk_url = format!("{}/clerk/ws", h.origin.replace("http://", "ws://"));
    let bearer = format!("Bearer {}", h.token);

    // No token, a wrong token, a clerk's cookie on the terminals' socket: refused at the handshake.
    assert_eq!(ws(&term_url, &[]).await.err(), Some(401));
    assert_eq!(
        ws(&term_url, &[("authorization", "Bearer nope")])
            .await
            .err(),
        Some(401)
    );
    let cookie = kiosk_tests::clerk::clerk_cookie(&h.origin, CLERK, PASSWORD)
        .await
        .expect("login");
    assert_eq!(ws(&term_url, &[("cookie", &cookie)]).await.err(), Some(401));
    // A terminal's token on the clerks' socket, and a clerk's socket opened from another site.
    assert_eq!(
        ws(&clerk_url, &[("authorization", &bearer)]).await.err(),
        Some(401)
    );
    assert_eq!(
        ws(
            &clerk_url,
            &[("cookie", &cookie), ("origin", "http://evil.example")]
        )
        .await
        .err(),
        Some(403)
    );

    // Wrong passwords: refused, then locked out for a while even with the right one.
    for _ in 0..5 {
        assert_eq!(
            kiosk_tests::clerk::clerk_cookie(&h.origin, "zhao.min", "wrong-password")
                .await
                .err(),
            Some(401)
        );
    }
    assert_eq!(
        kiosk_tests::clerk::clerk_cookie(&h.origin, "zhao.min", PASSWORD)
            .await
            .err(),
        Some(429)
    );

    // A terminal that does not join first is told so.
    let mut t = ws(&term_url, &[("authorization", &bearer)])
        .await
        .expect("terminal");
    t.send(Message::Text(r#"{"type":"offer","sdp":"x"}"#.into()))
        .await
        .expect("send");
    assert_eq!(recv(&mut t).await["code"], "join-first");

    // Malformed messages get an error; the socket stays and the call goes on.
    let mut t = ws(&term_url, &[("authorization", &bearer)])
        .await
        .expect("terminal");
    t.send(Message::Text(
        r#"{"type":"join","language":"zh","elder":false,"resident":null,"item_code":null}"#.into(),
    ))
    .await
    .expect("join");
    let q = recv_type(&mut t, "queued").await;
    let call_id = q["call"].as_str().expect("call id").to_string();
    for bad in [
        "not json",
        r#"{"type":"teleport"}"#,
        r#"{"type":"field","item_code":1}"#,
        &"x".repeat(1000),
    ] {
        t.send(Message::Text(bad.into())).await.expect("send");
        assert_eq!(
            recv_type(&mut t, "error").await["code"],
            "bad-message",
            "{bad}"
        );
    }
    t.send(Message::Binary(vec![0, 1, 2].into()))
        .await
        .expect("send");
    assert_eq!(recv_type(&mut t, "error").await["code"], "bad-message");
    // Too large for the protocol: the hub closes that socket, the call waits for the terminal to resume.
    let _ = t.send(Message::Text("y".repeat(200_000).into())).await;

    // Two clerks race for one call: one gets it, the other is told who has it.
    let mut a = ws(&clerk_url, &[("cookie", &cookie)])
        .await
        .expect("clerk a");
    recv_type(&mut a, "queue").await;
    let mut t = ws(&term_url, &[("authorization", &bearer)])
        .await
        .expect("terminal");
    t.send(Message::Text(
        format!(r#"{{"type":"join","language":"zh","elder":false,"resident":null,"item_code":null,"resume":"{call_id}"}}"#).into(),
    ))
    .await
    .expect("resume");
    recv_type(&mut t, "queued").await;
    let cookie_b = {
        // zhao.min is locked out; a third clerk joins.
        h.hub.add_clerk("li.na", PASSWORD).await.expect("clerk 3");
        kiosk_tests::clerk::clerk_cookie(&h.origin, "li.na", PASSWORD)
            .await
            .expect("login b")
    };
    let mut b = ws(&clerk_url, &[("cookie", &cookie_b)])
        .await
        .expect("clerk b");
    recv_type(&mut b, "queue").await;
    let take = format!(r#"{{"type":"take","call":"{call_id}"}}"#);
    a.send(Message::Text(take.clone().into()))
        .await
        .expect("take a");
    assert_eq!(recv_type(&mut a, "taken").await["call"], call_id.as_str());
    b.send(Message::Text(take.into())).await.expect("take b");
    let refused = recv_type(&mut b, "error").await;
    assert_eq!(refused["code"], "taken");
    assert!(refused["message"].as_str().unwrap_or("").contains(CLERK));
    // Clerk b cannot act on a call that is not theirs.
    b.send(Message::Text(
        r#"{"type":"push-form","item_code":"SB-002"}"#.into(),
    ))
    .await
    .expect("push");
    assert_eq!(recv_type(&mut b, "error").await["code"], "no-call");
    // Print without the CSRF header, and with something that is not a PDF.
    let http = reqwest::Client::new();
    let r = http
        .post(format!("{}/clerk/print", h.origin))
        .header("cookie", &cookie)
        .body("%PDF-1.4")
        .send()
        .await
        .expect("print");
    assert_eq!(r.status().as_u16(), 403);
    // The terminal asks for a document that is not its own.
    let client = kiosk::platform::Platform::new(&h.url).expect("client");
    client.set_token(Some(h.token.clone()));
    assert!(client.call_document("0000").await.is_err());
    assert!(client.call_document("../../etc/passwd").await.is_err());

    // After all that, the hub still serves: clerk a ends the call and the terminal hears it.
    a.send(Message::Text(
        r#"{"type":"end","outcome":"referred"}"#.into(),
    ))
    .await
    .expect("end");
    assert_eq!(recv_type(&mut t, "ended").await["outcome"], "referred");
    let health = reqwest::get(format!("{}/health", h.url))
        .await
        .expect("health");
    assert!(health.status().is_success());
}

/// The whole of it on the simulated terminal: one touch on 视频办, the clerk in Chromium takes the call and is
/// seen on the terminal's screen, pushes a form the resident fills, sends a PDF that the A4 printer prints,
/// ends the call, and the resident rates it with one more touch.
#[test]
fn on_the_terminal_one_touch_reaches_a_clerk() {
    use kiosk::session::CallPhase;
    use kiosk_tests::{profile, snapshot, Terminal};
    use slint::ComponentHandle;
    kiosk_tests::init_backend();
    let t = Terminal::start(&profile("simulated"), "video-call");
    t.rt.block_on(t.hub.add_clerk(CLERK, PASSWORD))
        .expect("clerk");
    let origin = t.url.trim_end_matches("/api/v1").to_string();
    let browser = t.rt.block_on(async {
        let b = ClerkBrowser::start(&origin).await;
        b.login(CLERK, PASSWORD).await;
        b
    });
    t.insert_card(kiosk_drivers::sim::sample_cards().remove(0).record);
    t.until("the resident identified", |k| {
        k.terminal.borrow().resident().is_some()
    });

    t.touch("视频办");
    t.until("a place in the queue", |k| {
        matches!(
            k.terminal.borrow().call().as_ref().map(|c| &c.phase),
            Some(CallPhase::Waiting { .. })
        )
    });
    snapshot(&t.kiosk, "call-waiting");
    let text = kiosk_tests::ui_text(&t.kiosk.ui);
    assert!(text.contains("下一位就是您"), "{text}");

    t.rt.block_on(async {
        browser
            .until(
                "the caller",
                "return document.querySelectorAll('#queue button').length === 1",
            )
            .await;
        browser.click("#queue button").await;
    });
    t.until("talking", |k| {
        matches!(
            k.terminal.borrow().call().as_ref().map(|c| &c.phase),
            Some(CallPhase::Talking { connected: true })
        )
    });
    t.until("the clerk's picture on the terminal", |k| {
        k.ui.global::<kiosk_ui::CallAdapter>().get_video_live()
    });
    let shot = snapshot(&t.kiosk, "call-talking");
    assert!(kiosk_tests::ui_text(&t.kiosk.ui).contains(CLERK));
    // The clerk's fake camera is mostly green: the picture is drawn, not a black box.
    let green = shot
        .as_slice()
        .iter()
        .filter(|p| p.g > 120 && p.r < 100 && p.b < 100)
        .count();
    assert!(
        green > 20_000,
        "the clerk's video is on screen ({green} green pixels)"
    );

    // The clerk pushes a form; it opens under the call strip; the resident's typing reaches the console.
    t.rt.block_on(async {
        browser.fill("#item", "MZ-001").await;
        browser.click("#push button").await;
    });
    t.until("the pushed form", |k| {
        k.terminal
            .borrow()
            .application()
            .as_ref()
            .is_some_and(|a| a.item.code == "MZ-001")
    });
    t.until("the call strip", |k| {
        k.terminal
            .borrow()
            .call()
            .as_ref()
            .is_some_and(|c| !c.expanded)
    });
    let phone = t
        .kiosk
        .terminal
        .borrow()
        .application()
        .as_ref()
        .and_then(|a| a.fields.iter().position(|f| f.field.id == "phone"));
    if let Some(i) = phone {
        t.kiosk.intent(kiosk::session::Intent::FocusField(i));
        for d in ["1", "3", "9"] {
            t.kiosk.intent(kiosk::session::Intent::FieldKey {
                key: d.into(),
                first: None,
            });
        }
    }
    snapshot(&t.kiosk, "call-strip-form");
    t.rt.block_on(browser.until(
        "the resident's typing at the console",
        "return Object.keys(window.kiosk.fields).some(k => k.startsWith('MZ-001/')) && (window.kiosk.fields['MZ-001/phone'] || '').endsWith('139')",
    ));

    // A PDF from the clerk is printed on the terminal's A4 printer.
    let status = t.rt.block_on(browser.eval_async(&format!(
        "window.printPdf(new Uint8Array({:?}).buffer, '缴费证明')",
        kiosk_tests::clerk::sample_pdf()
    )));
    assert_eq!(status, Value::from(200));
    t.until("the printed notice", |k| {
        k.terminal.borrow().notice().map(|n| n.0) == Some(kiosk::session::Notice::CallPrinted)
    });
    t.rt.block_on(browser.until(
        "the print at the console",
        "return window.kiosk.printed.length === 1 && window.kiosk.printed[0].ok",
    ));

    // The clerk ends the call; one touch rates it.
    t.rt.block_on(async {
        browser
            .eval("document.getElementById('outcome').value = 'done'; return true")
            .await;
        browser.click("#end button").await;
    });
    t.until("the end of the call", |k| {
        matches!(
            k.terminal.borrow().call().as_ref().map(|c| &c.phase),
            Some(CallPhase::Ended { .. })
        )
    });
    snapshot(&t.kiosk, "call-ended");
    t.touch("非常满意");
    t.until("the call rated and gone", |k| {
        k.terminal.borrow().call().is_none()
    });
    assert_eq!(
        t.kiosk.terminal.borrow().screen(),
        kiosk::session::Screen::Apply,
        "the form is still there"
    );
    let calls = t.rt.block_on(recorded_calls(&t.hub, 1));
    assert_eq!(calls.len(), 1);
    assert_eq!(
        (calls[0].outcome.as_str(), calls[0].terminal_id.as_str()),
        ("done", t.kiosk.terminal.borrow().terminal_id())
    );
    t.rt.block_on(browser.finish());
}

/// The terminal's connection to the hub drops mid-call: it comes back by itself to the same call and clerk,
/// offers its media anew, and the clerk is told both things as they happen.
#[test]
fn a_dropped_connection_comes_back_to_the_same_clerk() {
    use kiosk_tests::faults::{Fault, FaultProxy};
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("runtime");
    let h = rt.block_on(hub());
    let upstream: std::net::SocketAddr = h
        .origin
        .trim_start_matches("http://")
        .parse()
        .expect("hub address");
    let proxy = FaultProxy::start(&rt, upstream);
    let via = CallHub {
        url: proxy.url.clone(),
        origin: h.origin.clone(),
        hub: h.hub.clone(),
        token: h.token.clone(),
    };
    rt.block_on(async {
        let (mut call, _cam) = via.call(|_| {});
        next_event(&mut call, "queued", |e| {
            matches!(e, CallEvent::Queued { .. })
        })
        .await;
        let cookie = kiosk_tests::clerk::clerk_cookie(&h.origin, CLERK, PASSWORD)
            .await
            .expect("login");
        let clerk_url = format!("{}/clerk/ws", h.origin.replace("http://", "ws://"));
        let mut clerk = ws(&clerk_url, &[("cookie", &cookie)]).await.expect("clerk");
        let q = recv_type(&mut clerk, "queue").await;
        let id = q["calls"][0]["call"].as_str().expect("a call").to_string();
        clerk
            .send(Message::Text(
                format!(r#"{{"type":"take","call":"{id}"}}"#).into(),
            ))
            .await
            .expect("take");
        recv_type(&mut clerk, "taken").await;
        next_event(&mut call, "taken", |e| matches!(e, CallEvent::Taken { .. })).await;
        recv_type(&mut clerk, "offer").await;

        // The network drops the terminal's connection, and refuses it for a moment.
        let refused = proxy.refused();
        proxy.set(Fault::Refuse);
        recv_type(&mut clerk, "reconnecting").await;
        next_event(&mut call, "reconnecting", |e| *e == CallEvent::Reconnecting).await;
        // Held down until the terminal has tried again and been refused, not for a fixed time.
        assert!(
            proxy.refused_after(refused, Duration::from_secs(30)).await,
            "the terminal never tried to reconnect"
        );
        proxy.set(Fault::Pass);

        // Back: the same call, the same clerk, a new offer.
        recv_type(&mut clerk, "resumed").await;
        let offer = recv_type(&mut clerk, "offer").await;
        assert!(offer["sdp"].as_str().unwrap_or("").contains("H264"));
        next_event(
            &mut call,
            "taken again",
            |e| matches!(e, CallEvent::Taken { clerk } if clerk == CLERK),
        )
        .await;
        assert_eq!(h.hub.calls.waiting(), 0, "not back in the queue");
        clerk
            .send(Message::Text(r#"{"type":"end","outcome":"done"}"#.into()))
            .await
            .expect("end");
        let e = next_event(&mut call, "the end", |e| {
            matches!(e, CallEvent::Ended { .. })
        })
        .await;
        assert!(
            matches!(
                e,
                CallEvent::Ended {
                    outcome: Outcome::Done,
                    ..
                }
            ),
            "{e:?}"
        );
        let calls = recorded_calls(&h.hub, 1).await;
        assert_eq!(
            (calls.len(), calls[0].id.as_str()),
            (1, id.as_str()),
            "one call, resumed"
        );
    });
}
