//! The hub over HTTP on loopback: it answers the terminals' health check and serves its OpenAPI document.

use std::io::{Read, Write};
use std::net::TcpStream;

fn get(addr: std::net::SocketAddr, path: &str) -> (String, String) {
    let mut s = TcpStream::connect(addr).expect("connect");
    write!(
        s,
        "GET {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n"
    )
    .expect("send");
    let mut reply = String::new();
    s.read_to_string(&mut reply).expect("read");
    let (head, body) = reply.split_once("\r\n\r\n").expect("http reply");
    (head.to_string(), body.to_string())
}

#[test]
fn health_and_openapi_over_loopback() {
    let rt = tokio::runtime::Runtime::new().expect("runtime");
    let addr = rt.block_on(async {
        let (listener, addr) = kiosk_hub::bind("127.0.0.1:0".parse().expect("addr"))
            .await
            .expect("bind");
        tokio::spawn(kiosk_hub::serve(listener));
        addr
    });
    let (head, body) = get(addr, "/api/v1/health");
    assert!(head.starts_with("HTTP/1.1 200"), "{head}");
    let health: kiosk_hub::Health = serde_json::from_str(&body).expect("json");
    assert_eq!(health.status, "ok");
    let (head, body) = get(addr, "/api/v1/openapi.json");
    assert!(head.starts_with("HTTP/1.1 200"), "{head}");
    let doc: serde_json::Value = serde_json::from_str(&body).expect("json");
    assert!(doc["paths"]["/api/v1/health"].is_object());
    let (head, _) = get(addr, "/api/v1/nothing");
    assert!(head.starts_with("HTTP/1.1 404"), "{head}");
}

#[test]
fn the_platform_api_takes_a_case_once_per_key_and_says_no_plainly() {
    let rt = tokio::runtime::Runtime::new().expect("runtime");
    let (base, hub) = kiosk_tests::hub_on_loopback(&rt);
    let platform = kiosk::platform::Platform::new(&base).expect("client");
    let case = kiosk_api::CaseRequest {
        idempotency_key: "T1-abc-1".into(),
        terminal_id: "T1".into(),
        item_code: "SB-001".into(),
        item_name: "社保缴费记录打印".into(),
        kind: kiosk_api::ItemKind::Print,
        applicant: Some(kiosk_api::Applicant {
            name: "李娜".into(),
            id_number: "31011019880621046X".into(),
        }),
        fields: vec![kiosk_api::FieldValue {
            id: "period".into(),
            label: "打印期间".into(),
            value: "近24个月".into(),
        }],
        materials: vec![],
        commitment: None,
        application_pdf: None,
        submitted_at: "2026-11-29T10:00:00+08:00".into(),
    };
    rt.block_on(async {
        let a = platform.submit(&case).await.expect("first");
        let b = platform.submit(&case).await.expect("retry");
        assert_eq!(a, b, "a retried request is the same case");
        let doc = a.document.expect("a print item gets its document");
        // Two header rows, then one per month of the chosen period.
        assert_eq!(doc.rows.len(), 2 + 24);
        let bad = kiosk_api::Evaluation {
            case_number: a.case_number.clone(),
            item_code: "SB-001".into(),
            terminal_id: "T1".into(),
            level: 0,
            reasons: vec![],
            comment: None,
            channel: kiosk_api::Channel::Screen,
            follow_up: false,
        };
        assert!(matches!(
            platform.evaluate(&bad).await,
            Err(kiosk::platform::PlatformError::Refused { status: 422, .. })
        ));
        let code = |c: &str| kiosk_api::IdentityRequest {
            terminal_id: "T1".into(),
            code: c.into(),
        };
        let who = platform
            .identity(&code(&format!(
                "{}X1",
                kiosk_hub::platform::DEMO_CODE_PREFIX
            )))
            .await
            .expect("a demo code");
        assert!(
            kiosk_drivers::IdNumber::parse(&who.applicant.id_number).is_ok(),
            "a valid ID number"
        );
        assert!(matches!(
            platform
                .identity(&code("https://elsewhere.invalid/x"))
                .await,
            Err(kiosk::platform::PlatformError::Refused { status: 404, .. })
        ));
        hub.set_available(false);
        let down = platform.submit(&case).await.expect_err("down");
        assert!(down.is_transient(), "{down:?}");
    });
    assert_eq!(hub.received().cases.len(), 1);
    // A closed port is unreachable, not a crash.
    let nobody = kiosk::platform::Platform::new("http://127.0.0.1:9/api/v1").expect("client");
    let e = rt
        .block_on(nobody.submit(&case))
        .expect_err("nobody listens");
    assert!(matches!(e, kiosk::platform::PlatformError::Unreachable(_)));
}
