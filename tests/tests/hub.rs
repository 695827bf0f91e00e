//! The hub over HTTP on loopback, on SQLite and on a real PostgreSQL: enrolment and tokens, the platform API's
//! answers, idempotent intake, chunked materials that resume, and bad input answered with a 4xx and a reason,
//! never a 500.

use kiosk::platform::{Platform, PlatformError};
use kiosk_api::{ApiError, Upload};
use std::time::Duration;

/// A print item (社保缴费记录打印, the last 24 months).
fn case(key: &str, terminal: &str, materials: &[&Upload]) -> kiosk_api::CaseRequest {
    kiosk_api::CaseRequest {
        item_code: "SB-001".into(),
        item_name: "社保缴费记录打印".into(),
        kind: kiosk_api::ItemKind::Print,
        fields: vec![kiosk_api::FieldValue {
            id: "period".into(),
            label: "打印期间".into(),
            value: "近24个月".into(),
        }],
        ..kiosk_tests::sample_case(key, terminal, materials)
    }
}

fn refused(r: Result<impl std::fmt::Debug, PlatformError>) -> (u16, String) {
    match r {
        Err(PlatformError::Refused { status, code, .. }) => (status, code),
        other => panic!("expected a refusal, got {other:?}"),
    }
}

#[test]
fn health_and_the_generated_openapi_document() {
    let rt = tokio::runtime::Runtime::new().expect("runtime");
    let (base, _hub) = kiosk_tests::hub_on_loopback(&rt);
    let http = reqwest::blocking::Client::new();
    let health: kiosk_hub::Health = http
        .get(format!("{base}/health"))
        .send()
        .and_then(|r| r.json())
        .expect("health");
    assert_eq!(health.status, "ok");
    let doc: serde_json::Value = http
        .get(format!("{base}/openapi.json"))
        .send()
        .and_then(|r| r.json())
        .expect("openapi");
    for p in [
        "/api/v1/health",
        "/api/v1/enrol",
        "/api/v1/identity",
        "/api/v1/prefill",
        "/api/v1/cases",
        "/api/v1/evaluations",
        "/api/v1/help",
        "/api/v1/not-done",
        "/api/v1/figures",
        "/api/v1/telemetry",
        "/api/v1/heartbeat",
        "/api/v1/audit",
        "/api/v1/certificates/{number}",
        "/api/v1/materials/{sha256}",
    ] {
        assert!(doc["paths"][p].is_object(), "{p} in the document");
    }
    // Generated from the types: the case's fields are there, with the material references.
    let case = &doc["components"]["schemas"]["CaseRequest"];
    assert!(case["properties"]["idempotency_key"].is_object(), "{case}");
    assert!(doc["components"]["schemas"]["MaterialRef"].is_object());
    assert_eq!(
        doc["components"]["securitySchemes"]["terminal"]["scheme"],
        "bearer"
    );
}

/// Everything a terminal does with the platform, against the hub on `database` (None: SQLite).
fn the_platform_contract(database: Option<String>) {
    let rt = tokio::runtime::Runtime::new().expect("runtime");
    let dir = kiosk_tests::scratch("hub-contract");
    let (base, hub) = kiosk_tests::hub_with(&rt, &dir, database.as_deref());

    // Enrolment: a code is one terminal's, once; a token is needed for every call and can be revoked.
    let anonymous = Platform::new(&base).expect("client");
    let ask = kiosk_api::IdentityRequest {
        terminal_id: "T1".into(),
        code: format!(
            "{}{}",
            kiosk_hub::DEMO_CODE_PREFIX,
            kiosk_hub::devdata::SIMULATOR_TOKEN
        ),
    };
    assert_eq!(refused(rt.block_on(anonymous.identity(&ask))).0, 401);
    let code = rt
        .block_on(hub.enrolment_code("T1", Duration::from_secs(60)))
        .expect("code");
    assert_eq!(
        refused(rt.block_on(anonymous.enrol("T2", &code))).0,
        401,
        "another terminal's code"
    );
    assert_eq!(
        refused(rt.block_on(anonymous.enrol("T1", "WRONG-CODE0"))).0,
        401
    );
    let token = rt
        .block_on(anonymous.enrol("T1", &code.to_lowercase()))
        .expect("enrol (a code typed in lower case)");
    assert_eq!(
        refused(rt.block_on(anonymous.enrol("T1", &code))).0,
        401,
        "a code is spent once"
    );
    let platform = Platform::new(&base).expect("client");
    platform.set_token(Some(token.clone()));

    // Identity by 随申码 from the data set; unknown codes are 404.
    let who = rt
        .block_on(platform.identity(&ask))
        .expect("the simulator's code");
    assert_eq!(who.applicant.name, "张建国");
    let unknown = kiosk_api::IdentityRequest {
        code: format!("{}NOPE", kiosk_hub::DEMO_CODE_PREFIX),
        ..ask.clone()
    };
    assert_eq!(refused(rt.block_on(platform.identity(&unknown))).0, 404);

    // Prefill from the real-name record and certificates, only for the person named.
    let mut pre = kiosk_api::PrefillRequest {
        item_code: "SB-001".into(),
        applicant: kiosk_api::Applicant {
            name: "李娜".into(),
            id_number: "31011019880621046X".into(),
        },
        sources: vec![
            "platform.phone".into(),
            "cert.employment.last_employer".into(),
            "cert.disability.number".into(),
        ],
        materials: Vec::new(),
    };
    let values = rt.block_on(platform.prefill(&pre)).expect("prefill").values;
    assert!(values["platform.phone"].starts_with("139"));
    assert!(values.contains_key("cert.employment.last_employer"));
    assert!(!values.contains_key("cert.disability.number"), "not held");
    pre.applicant.name = "别人".into();
    assert!(rt
        .block_on(platform.prefill(&pre))
        .expect("prefill")
        .values
        .is_empty());

    // A case with a photo: the photo first (three chunks), then the case, once per key.
    let photo = Upload {
        name: "户口簿".into(),
        media_type: "image/jpeg".into(),
        bytes: (0..700_000u32).map(|i| (i * 13 % 253) as u8).collect(),
    };
    let sha = photo.reference().sha256;
    let c = case("T1-k1", "T1", &[&photo]);
    assert!(
        matches!(
            rt.block_on(platform.deliver(&c, &[])),
            Err(PlatformError::BadReply(_))
        ),
        "without its photo's bytes a case is not sent"
    );
    // Sent without its photo, the case is refused until the photo is there.
    let http = reqwest::blocking::Client::new();
    let raw = http
        .post(format!("{base}/cases"))
        .bearer_auth(&token)
        .json(&c)
        .send()
        .expect("post");
    assert_eq!(raw.status().as_u16(), 409);
    let e: ApiError = raw.json().expect("an ApiError");
    assert_eq!(e.code, "material-missing");
    // A cut upload: the first chunk only, then the terminal resumes where the hub is.
    let first = http
        .put(format!(
            "{base}/materials/{sha}?offset=0&size={}",
            photo.bytes.len()
        ))
        .bearer_auth(&token)
        .header("content-type", "application/octet-stream")
        .body(photo.bytes[..kiosk_api::MAX_CHUNK].to_vec())
        .send()
        .expect("chunk");
    assert_eq!(first.status().as_u16(), 200);
    let status = rt.block_on(platform.material_status(&sha)).expect("status");
    assert_eq!(
        (status.received as usize, status.complete),
        (kiosk_api::MAX_CHUNK, false)
    );
    // A chunk at the wrong place is refused with where the hub is.
    let wrong = http
        .put(format!(
            "{base}/materials/{sha}?offset=0&size={}",
            photo.bytes.len()
        ))
        .bearer_auth(&token)
        .header("content-type", "application/octet-stream")
        .body(photo.bytes[..10].to_vec())
        .send()
        .expect("chunk");
    assert_eq!(wrong.status().as_u16(), 409);
    let materials = vec![(sha.clone(), photo.bytes.clone())];
    let a = rt
        .block_on(platform.deliver(&c, &materials))
        .expect("first");
    let b = rt
        .block_on(platform.deliver(&c, &materials))
        .expect("retry");
    assert_eq!(a, b, "a retried request is the same case");
    // 电子材料链: the photo is offered again with the next prefill that asks for a material of its name,
    // only to the person who handed it in (tests/tests/bundles.rs files a case with one).
    pre.applicant.name = "李娜".into();
    pre.materials = vec!["户口簿".into(), "别的材料".into()];
    let earlier = rt
        .block_on(platform.prefill(&pre))
        .expect("prefill")
        .earlier;
    assert_eq!(earlier.len(), 1, "{earlier:?}");
    assert_eq!(earlier[0].material, photo.reference());
    assert_eq!(earlier[0].case_number, a.case_number);
    pre.applicant.name = "别人".into();
    assert!(rt
        .block_on(platform.prefill(&pre))
        .expect("prefill")
        .earlier
        .is_empty());
    // Opened on the terminal: the material with the case it came with, and an e-certificate's record; only
    // the applicant's own (someone else's material is as unknown as none).
    let lina = kiosk_api::Applicant {
        name: "李娜".into(),
        id_number: "31011019880621046X".into(),
    };
    let open =
        |applicant: &kiosk_api::Applicant, certificate: Option<&str>, material: Option<&str>| {
            rt.block_on(platform.held(&kiosk_api::HeldRequest {
                terminal_id: "T1".into(),
                applicant: applicant.clone(),
                certificate: certificate.map(str::to_string),
                material: material.map(str::to_string),
            }))
        };
    let seen = open(&lina, None, Some(&sha)).expect("the earlier material");
    assert_eq!(seen.title, "户口簿");
    assert!(seen.rows.iter().any(|r| r.value.contains(&a.case_number)));
    assert!(seen.picture_jpeg_base64.is_some());
    let someone = kiosk_api::Applicant {
        name: "王秀英".into(),
        id_number: "310110194503120024".into(),
    };
    assert_eq!(refused(open(&someone, None, Some(&sha))).0, 404);
    let number = rt
        .block_on(platform.prefill(&kiosk_api::PrefillRequest {
            applicant: lina.clone(),
            sources: vec!["cert.employment.number".into()],
            ..pre.clone()
        }))
        .expect("prefill")
        .values["cert.employment.number"]
        .clone();
    let cert = open(&lina, Some(&number), None).expect("the certificate");
    assert!(cert
        .rows
        .iter()
        .any(|r| r.label == "证照编号" && r.value == number));
    assert_eq!(refused(open(&someone, Some(&number), None)).0, 403);
    assert_eq!(refused(open(&lina, Some("NONE"), None)).0, 404);
    assert_eq!(refused(open(&lina, Some(&number), Some(&sha))).0, 422);
    let doc = a.document.clone().expect("a print item gets its document");
    assert_eq!(
        doc.rows.len(),
        3 + 24,
        "name, ID, employer, then a row per month"
    );
    let at_hub = hub.material_path(&sha).expect("complete at the hub");
    assert_eq!(
        kiosk_hub::materials::file_sha256(&at_hub).expect("read"),
        sha
    );
    // The same key with another body is refused, and makes no case.
    let mut other = c.clone();
    other.fields[0].value = "近12个月".into();
    let (status, code) = refused(rt.block_on(platform.deliver(&other, &materials)));
    assert_eq!((status, code.as_str()), (422, "idempotency-key-reused"));
    // A terminal writes only as itself.
    let (status, code) = refused(rt.block_on(platform.deliver(&case("T1-k2", "T9", &[]), &[])));
    assert_eq!((status, code.as_str()), (403, "terminal-mismatch"));
    // Bytes that do not match their name are discarded.
    let liar = Upload {
        name: "x".into(),
        media_type: "image/jpeg".into(),
        bytes: b"not what the hash says".to_vec(),
    };
    let mut lie = liar.reference();
    lie.sha256 = "0".repeat(64);
    let (status, code) = refused(rt.block_on(platform.upload(&lie, &liar.bytes)));
    assert_eq!((status, code.as_str()), (422, "hash-mismatch"));

    // A hub that stopped after the last chunk but before checking it finishes when asked.
    let whole = Upload {
        name: "身份证复印件".into(),
        media_type: "image/jpeg".into(),
        bytes: vec![42u8; 1000],
    };
    let w = whole.reference();
    std::fs::write(dir.join("materials/partial").join(&w.sha256), &whole.bytes)
        .expect("a partial left behind");
    rt.block_on(platform.upload(&w, &whole.bytes))
        .expect("finished");
    assert!(hub.material_path(&w.sha256).is_some());

    // Ratings and other records: once per key; level out of range refused.
    let rating = kiosk_api::Evaluation {
        case_number: a.case_number.clone(),
        item_code: "SB-001".into(),
        terminal_id: "T1".into(),
        level: 5,
        reasons: vec![],
        comment: None,
        channel: kiosk_api::Channel::Screen,
        follow_up: false,
    };
    let t1 = rt
        .block_on(platform.evaluate(&rating, "e-1"))
        .expect("rating");
    let t2 = rt
        .block_on(platform.evaluate(&rating, "e-1"))
        .expect("repeat");
    assert_eq!(t1, t2);
    let bad = kiosk_api::Evaluation {
        level: 0,
        ..rating.clone()
    };
    assert_eq!(refused(rt.block_on(platform.evaluate(&bad, "e-2"))).0, 422);
    let worse = kiosk_api::Evaluation {
        level: 1,
        ..rating.clone()
    };
    assert_eq!(
        refused(rt.block_on(platform.evaluate(&worse, "e-1"))).1,
        "idempotency-key-reused"
    );

    // Device reports for the fleet view, once per key.
    let report = kiosk_api::DeviceReport {
        terminal_id: "T1".into(),
        device: "receipt".into(),
        class: "receipt-printer".into(),
        state: "degraded".into(),
        reason: Some("paper near end".into()),
        at: "2026-11-30T10:00:00+08:00".into(),
    };
    let a = rt
        .block_on(platform.telemetry(&report, "t-1"))
        .expect("report");
    assert_eq!(
        rt.block_on(platform.telemetry(&report, "t-1"))
            .expect("again"),
        a
    );

    // Certificates as PDFs.
    let r = http
        .get(format!("{base}/certificates/NONE"))
        .bearer_auth(&token)
        .send()
        .expect("get");
    assert_eq!(r.status().as_u16(), 404);
    let number = rt
        .block_on(hub.db().certificates("31011019880621046X"))
        .expect("certificates")[0]
        .number
        .clone();
    let pdf = http
        .get(format!("{base}/certificates/{number}"))
        .bearer_auth(&token)
        .send()
        .expect("get");
    assert_eq!(pdf.status().as_u16(), 200);
    assert!(pdf.bytes().expect("pdf").starts_with(b"%PDF"));

    // Down for maintenance: a 503 the outbox retries.
    hub.set_available(false);
    let down = rt
        .block_on(platform.deliver(&case("T1-k3", "T1", &[]), &[]))
        .expect_err("down");
    assert!(down.is_transient(), "{down:?}");
    hub.set_available(true);

    // Revoked: every call refused, kept for a retry after the terminal enrols again.
    assert_eq!(rt.block_on(hub.revoke("T1")).expect("revoke"), 1);
    let e = rt.block_on(platform.identity(&ask)).expect_err("revoked");
    assert!(matches!(e, PlatformError::Refused { status: 401, .. }) && e.is_transient());

    let r = kiosk_tests::received(&rt, &hub);
    assert_eq!(
        r.cases.len(),
        1,
        "one case for one key, whatever was retried"
    );
    assert_eq!(r.evaluations.len(), 1);
    assert_eq!(r.telemetry, vec![report]);
    assert_eq!(
        rt.block_on(hub.db().case_materials("T1-k1"))
            .expect("materials"),
        vec![(sha, "户口簿".to_string())]
    );

    // A closed port is unreachable, not a crash.
    let nobody = Platform::new("http://127.0.0.1:9/api/v1").expect("client");
    let e = rt
        .block_on(nobody.deliver(&c, &materials))
        .expect_err("nobody listens");
    assert!(matches!(e, PlatformError::Unreachable(_)));
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn the_platform_contract_on_sqlite() {
    the_platform_contract(None);
}

#[test]
fn the_platform_contract_on_postgresql() {
    let rt = tokio::runtime::Runtime::new().expect("runtime");
    if let Some(url) = kiosk_tests::postgres_database(&rt, "contract") {
        drop(rt);
        the_platform_contract(Some(url));
    }
}

#[test]
fn bad_input_gets_a_4xx_with_a_reason_never_a_500() {
    let rt = tokio::runtime::Runtime::new().expect("runtime");
    let (base, hub) = kiosk_tests::hub_on_loopback(&rt);
    let platform = kiosk_tests::enrolled(&rt, &base, &hub, "T1");
    let token = {
        // The enrolled client keeps its token to itself; a second enrolment gives one for raw requests.
        let code = rt
            .block_on(hub.enrolment_code("T1", Duration::from_secs(60)))
            .expect("code");
        rt.block_on(platform.enrol("T1", &code)).expect("enrol")
    };
    let http = reqwest::blocking::Client::new();
    let sha = "a".repeat(64);
    type Req = Box<dyn Fn() -> reqwest::blocking::RequestBuilder>;
    let cases: Vec<(&str, u16, Req)> = vec![
        ("malformed JSON", 400, {
            let (h, b, w) = (http.clone(), base.clone(), token.clone());
            Box::new(move || {
                h.post(format!("{b}/cases"))
                    .bearer_auth(&w)
                    .header("content-type", "application/json")
                    .body("{\"idempotency_key\": ")
            })
        }),
        ("wrong types", 422, {
            let (h, b, w) = (http.clone(), base.clone(), token.clone());
            Box::new(move || {
                h.post(format!("{b}/cases"))
                    .bearer_auth(&w)
                    .json(&serde_json::json!({"idempotency_key": 7, "fields": "none"}))
            })
        }),
        ("no content type", 415, {
            let (h, b, w) = (http.clone(), base.clone(), token.clone());
            Box::new(move || h.post(format!("{b}/prefill")).bearer_auth(&w).body("{}"))
        }),
        ("a path for a hash", 400, {
            let (h, b, w) = (http.clone(), base.clone(), token.clone());
            Box::new(move || {
                h.get(format!("{b}/materials/..%2F..%2Fetc%2Fpasswd"))
                    .bearer_auth(&w)
            })
        }),
        ("a chunk beyond the size", 409, {
            let (h, b, w, s) = (http.clone(), base.clone(), token.clone(), sha.clone());
            Box::new(move || {
                h.put(format!(
                    "{b}/materials/{s}?offset=18446744073709551615&size=10"
                ))
                .bearer_auth(&w)
                .header("content-type", "application/octet-stream")
                .body(vec![1u8; 4])
            })
        }),
        ("a chunk not sent as octets", 415, {
            let (h, b, w, s) = (http.clone(), base.clone(), token.clone(), sha.clone());
            Box::new(move || {
                h.put(format!("{b}/materials/{s}?offset=0&size=10"))
                    .bearer_auth(&w)
                    .body(vec![1u8; 4])
            })
        }),
        ("a material over 32 MiB", 422, {
            let (h, b, w, s) = (http.clone(), base.clone(), token.clone(), sha.clone());
            Box::new(move || {
                h.put(format!("{b}/materials/{s}?offset=0&size=999999999999"))
                    .bearer_auth(&w)
                    .header("content-type", "application/octet-stream")
                    .body(vec![1u8; 4])
            })
        }),
        ("no offset", 400, {
            let (h, b, w, s) = (http.clone(), base.clone(), token.clone(), sha.clone());
            Box::new(move || {
                h.put(format!("{b}/materials/{s}"))
                    .bearer_auth(&w)
                    .body(vec![1u8; 4])
            })
        }),
        ("no token", 401, {
            let (h, b) = (http.clone(), base.clone());
            Box::new(move || h.post(format!("{b}/cases")).json(&serde_json::json!({})))
        }),
        ("a made-up token", 401, {
            let (h, b) = (http.clone(), base.clone());
            Box::new(move || {
                h.post(format!("{b}/help"))
                    .bearer_auth("0123456789abcdef")
                    .json(&serde_json::json!({}))
            })
        }),
        ("no Idempotency-Key", 400, {
            let (h, b, w) = (http.clone(), base.clone(), token.clone());
            Box::new(move || {
                h.post(format!("{b}/not-done")).bearer_auth(&w).json(&serde_json::json!({
                    "terminal_id": "T1", "item_code": null, "step": "form", "reason": "x", "comment": null
                }))
            })
        }),
        ("an enrolment with a huge code", 422, {
            let (h, b) = (http.clone(), base.clone());
            Box::new(move || {
                h.post(format!("{b}/enrol"))
                    .json(&serde_json::json!({"terminal_id": "T1", "code": "X".repeat(10_000)}))
            })
        }),
        ("an unknown path", 404, {
            let (h, b, w) = (http.clone(), base.clone(), token.clone());
            Box::new(move || h.get(format!("{b}/nothing")).bearer_auth(&w))
        }),
        ("a wrong method", 405, {
            let (h, b, w) = (http.clone(), base.clone(), token.clone());
            Box::new(move || h.get(format!("{b}/cases")).bearer_auth(&w))
        }),
    ];
    for (what, want, request) in cases {
        let r = request().send().expect(what);
        let status = r.status().as_u16();
        let body = r.text().unwrap_or_default();
        assert_eq!(status, want, "{what}: {body}");
        let e: ApiError = serde_json::from_str(&body)
            .unwrap_or_else(|_| panic!("{what}: the reply is an ApiError: {body}"));
        assert!(!e.message.is_empty() && !e.code.is_empty(), "{what}: {e:?}");
    }
    // Bodies over the limit are refused before they are read: the reply comes while the terminal is still
    // sending, so it is read on its own thread (a client that waits to finish sending may see the connection
    // close instead).
    let addr = base
        .trim_start_matches("http://")
        .trim_end_matches("/api/v1")
        .to_string();
    for (what, head, len) in [
        (
            "oversized body",
            "POST /api/v1/cases HTTP/1.1\r\nContent-Type: application/json\r\n".to_string(),
            2 * 1024 * 1024,
        ),
        (
            "oversized chunk",
            format!("PUT /api/v1/materials/{sha}?offset=0&size=9999999 HTTP/1.1\r\nContent-Type: application/octet-stream\r\n"),
            kiosk_api::MAX_CHUNK + 1,
        ),
    ] {
        let (status, e) = send_raw(&addr, &head, &token, len);
        assert_eq!(status, 413, "{what}: {e:?}");
        assert!(!e.message.is_empty(), "{what}: {e:?}");
    }
    // After all that, the hub still answers.
    assert!(http
        .get(format!("{base}/health"))
        .send()
        .is_ok_and(|r| r.status().is_success()));
}

/// Sends a request with a body of `len` bytes over a plain socket, reading the reply beside the sending.
fn send_raw(addr: &str, head: &str, token: &str, len: usize) -> (u16, ApiError) {
    use std::io::{Read, Write};
    let mut out = std::net::TcpStream::connect(addr).expect("connect");
    let mut input = out.try_clone().expect("clone");
    let reader = std::thread::spawn(move || {
        let mut reply = Vec::new();
        let mut buf = [0u8; 4096];
        while let Ok(n) = input.read(&mut buf) {
            if n == 0 {
                break;
            }
            reply.extend_from_slice(&buf[..n]);
            if let Some(end) = reply.windows(4).position(|w| w == b"\r\n\r\n") {
                let text = String::from_utf8_lossy(&reply).to_string();
                let length: usize = text
                    .lines()
                    .find_map(|l| {
                        l.to_ascii_lowercase()
                            .strip_prefix("content-length:")
                            .map(|v| v.trim().parse().unwrap_or(0))
                    })
                    .unwrap_or(0);
                if reply.len() >= end + 4 + length {
                    break;
                }
            }
        }
        reply
    });
    let _ = write!(
        out,
        "{head}Host: {addr}\r\nAuthorization: Bearer {token}\r\nContent-Length: {len}\r\n\r\n"
    );
    let chunk = vec![b'x'; 16 * 1024];
    let mut sent = 0;
    while sent < len {
        let n = chunk.len().min(len - sent);
        if out.write_all(&chunk[..n]).is_err() {
            break;
        }
        sent += n;
    }
    let reply = reader.join().expect("reader");
    let text = String::from_utf8_lossy(&reply).to_string();
    let (head, body) = text.split_once("\r\n\r\n").expect("an HTTP reply");
    let status = head
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .expect("a status");
    (
        status,
        serde_json::from_str(body).unwrap_or_else(|_| panic!("an ApiError: {body}")),
    )
}
