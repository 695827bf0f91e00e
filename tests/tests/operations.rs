//! The hub's operations side over HTTP on loopback: heartbeats and the fleet view (a terminal silent for
//! 2 minutes is flagged), configuration pushes and their results, the audit trail, and the district's
//! figures against a hand-checked data set (JSON, CSV and charts), case decisions and the follow-up of
//! bad ratings. On SQLite, and on PostgreSQL when one is configured.

use kiosk_api::{ConfigResult, DeviceHealth, Heartbeat, Outcome, SessionFigures};
use kiosk_tests::clerk::ConsoleClerk as Clerk;
use serde_json::Value;

#[path = "operations/sessions.rs"]
mod sessions;
use sessions::*;

const PASSWORD: &str = "a long enough password";

fn heartbeat(terminal: &str, street: &str, community: &str) -> Heartbeat {
    Heartbeat {
        terminal_id: terminal.into(),
        version: "0.1.0".into(),
        update: None,
        uptime_s: 3600,
        street: street.into(),
        community: community.into(),
        devices: vec![
            DeviceHealth {
                device: "idcard".into(),
                class: "idcard-reader".into(),
                state: "ok".into(),
                since_s: 3600,
                last_error: None,
            },
            DeviceHealth {
                device: "receipt".into(),
                class: "receipt-printer".into(),
                state: "degraded: out of paper".into(),
                since_s: 60,
                last_error: None,
            },
        ],
        outbox_depth: 2,
        outbox_oldest_s: Some(40),
        outbox_last_error: None,
        free_disk_bytes: Some(3_000_000_000),
        temperature_c: Some(48.5),
        config_result: None,
        sent_at: "2026-11-30T10:00:00+08:00".into(),
    }
}

async fn clerk(origin: &str, hub: &kiosk_hub::Platform) -> Clerk {
    Clerk::sign_in(origin, hub, "li.ping", PASSWORD).await
}

fn figures_and_fleet(database: Option<&str>) {
    let rt = tokio::runtime::Runtime::new().expect("runtime");
    let dir = kiosk_tests::scratch("operations");
    let (url, hub) = kiosk_tests::hub_with(&rt, &dir, database);
    let origin = url.trim_end_matches("/api/v1").to_string();
    let t1 = kiosk_tests::enrolled(&rt, &url, &hub, T1);
    let t2 = kiosk_tests::enrolled(&rt, &url, &hub, T2);
    // Enrolled but never heard from: silent from the start.
    let _t3 = kiosk_tests::enrolled(&rt, &url, &hub, "YP-KJ-0009");
    rt.block_on(async {
        // Sites come with the heartbeats.
        t1.heartbeat(&heartbeat(T1, "殷行街道", "开鲁新村社区"))
            .await
            .expect("heartbeat 1");
        t2.heartbeat(&heartbeat(T2, "五角场街道", "政通路社区"))
            .await
            .expect("heartbeat 2");
        // Another terminal's heartbeat is refused.
        assert!(t1.heartbeat(&heartbeat(T2, "x", "y")).await.is_err());

        for (i, s) in sessions().iter().enumerate() {
            let client = if s.terminal == T1 { &t1 } else { &t2 };
            let key = format!("fig-{i}");
            client.figures(&figures_of(s), &key).await.expect("figures");
            // A retry changes nothing.
            client
                .figures(&figures_of(s), &key)
                .await
                .expect("figures again");
        }
        // Cases: three from T1 (SB-001), one from T2 (YB-003); decisions on three of them.
        let mut numbers = vec![];
        for (i, (client, terminal, item)) in [
            (&t1, T1, "SB-001"),
            (&t1, T1, "SB-001"),
            (&t1, T1, "SB-001"),
            (&t2, T2, "YB-003"),
        ]
        .into_iter()
        .enumerate()
        {
            let mut c = kiosk_tests::sample_case(&format!("case-{i}"), terminal, &[]);
            c.item_code = item.into();
            c.fields = vec![kiosk_api::FieldValue {
                id: "phone".into(),
                label: "联系电话".into(),
                value: "13900001111".into(),
            }];
            numbers.push(client.deliver(&c, &[]).await.expect("case").case_number);
        }
        // Ratings: a 1 and a 5 on T1's first case.
        for (key, level) in [("rate-bad", 1u8), ("rate-good", 5)] {
            let e = kiosk_api::Evaluation {
                case_number: numbers[0].clone(),
                item_code: "SB-001".into(),
                terminal_id: T1.into(),
                level,
                reasons: if level == 1 {
                    vec!["等待时间长".into()]
                } else {
                    vec![]
                },
                comment: None,
                channel: kiosk_api::Channel::Pad,
                follow_up: level <= 2,
            };
            t1.evaluate(&e, key).await.expect("rating");
        }

        let c = clerk(&origin, &hub).await;
        // A return names what to correct: without a reason, or with one naming nothing of the case, refused.
        let returned = format!("/clerk/api/cases/{}/decision", numbers[1]);
        for reasons in [
            serde_json::json!([]),
            serde_json::json!([{ "target": "户口簿", "note": "缺" }]),
        ] {
            let body = serde_json::json!({ "decision": "correction", "reasons": reasons });
            assert_eq!(c.post_json(&returned, body).await, 422);
        }
        let why = serde_json::json!([{ "target": "联系电话", "note": "号码打不通" }]);
        for (n, d) in [(0, "accepted"), (1, "correction"), (3, "rejected")] {
            let path = format!("/clerk/api/cases/{}/decision", numbers[n]);
            assert_eq!(
                c.post_json(&path, serde_json::json!({ "decision": d, "reasons": why }))
                    .await,
                204
            );
        }
        assert_eq!(
            c.post_json(
                "/clerk/api/cases/NOPE/decision",
                serde_json::json!({"decision": "accepted"})
            )
            .await,
            404
        );
        assert_eq!(
            c.post_json(
                &format!("/clerk/api/cases/{}/decision", numbers[2]),
                serde_json::json!({"decision": "maybe"})
            )
            .await,
            422
        );

        let today = kiosk_hub::figures::day_of_ms(kiosk_hub::common::now_ms());
        let q = format!("from=2026-11-27&to={today}");
        // Without a login: refused.
        let anon = reqwest::get(format!("{origin}/clerk/api/figures?{q}"))
            .await
            .expect("anon");
        assert_eq!(anon.status().as_u16(), 401);
        let report: Value = c
            .get(&format!("/clerk/api/figures?{q}"))
            .await
            .json()
            .await
            .expect("figures JSON");
        let rows = report["rows"].as_array().cloned().unwrap_or_default();
        for e in expected() {
            check(&rows, &e);
        }
        // The session of the 26th is not in the period; the terminals and communities are there.
        assert!(!rows.iter().any(|r| r["key"] == "2026-11-26"));
        assert!(rows
            .iter()
            .any(|r| r["grouping"] == "community" && r["key"] == "殷行街道 / 开鲁新村社区"));
        assert!(rows
            .iter()
            .any(|r| r["grouping"] == "terminal" && r["key"] == T2));
        // The 26th alone has only session 7.
        let r26: Value = c
            .get("/clerk/api/figures?from=2026-11-26&to=2026-11-26")
            .await
            .json()
            .await
            .expect("26th");
        assert_eq!(r26["rows"][0]["figures"]["sessions"], 1, "{r26}");
        // A bad period is refused with a reason.
        assert_eq!(
            c.get("/clerk/api/figures?from=2026-13-01")
                .await
                .status()
                .as_u16(),
            400
        );
        assert_eq!(
            c.get("/clerk/api/figures?from=2026-11-30&to=2026-11-01")
                .await
                .status()
                .as_u16(),
            400
        );

        // CSV: the same figures, one row per group.
        let csv = c.get(&format!("/clerk/figures.csv?{q}")).await;
        assert!(csv.headers()["content-type"]
            .to_str()
            .unwrap_or("")
            .starts_with("text/csv"));
        let text = csv.text().await.expect("csv");
        let mut reader = csv::Reader::from_reader(text.as_bytes());
        let records: Vec<csv::StringRecord> =
            reader.records().map(|r| r.expect("csv row")).collect();
        let total = records
            .iter()
            .find(|r| &r[0] == "total")
            .expect("total row");
        assert_eq!(&total[2], "6");
        assert_eq!(&total[4], "0.7826", "prefill rate 36/46 in the CSV");
        assert_eq!(&total[6], "0.5000");
        let street = records
            .iter()
            .find(|r| &r[0] == "street" && &r[1] == "五角场街道")
            .expect("street row");
        assert_eq!(&street[10], "0.0000", "help within a minute of 五角场");

        // Charts: SVG with the streets and the target line.
        let svg = c
            .get(&format!("/clerk/charts/prefill-by-street.svg?{q}"))
            .await;
        assert_eq!(svg.headers()["content-type"], "image/svg+xml");
        let svg = svg.text().await.expect("svg");
        assert!(
            svg.starts_with("<svg") && svg.contains("殷行街道") && svg.contains("70%"),
            "{svg}"
        );
        assert_eq!(
            c.get("/clerk/charts/nothing.svg").await.status().as_u16(),
            404
        );

        // Bad ratings: the 1 waits for its follow-up, the 5 is not there; once followed up it says by whom.
        let bad: Value = c
            .get("/clerk/api/bad-ratings")
            .await
            .json()
            .await
            .expect("bad ratings");
        assert_eq!(bad.as_array().map(Vec::len), Some(1), "{bad}");
        assert!(bad[0]["follow_up"].is_null());
        // Not a bad rating: 404; an empty note: 422; a note: recorded.
        for (key, note, status) in [
            ("rate-good", "x", 404),
            ("rate-bad", " ", 422),
            ("rate-bad", "已电话回访，居民表示理解", 204),
        ] {
            let path = format!("/clerk/api/bad-ratings/{key}/follow-up");
            assert_eq!(
                c.post_json(&path, serde_json::json!({ "note": note }))
                    .await,
                status,
                "{key} {note:?}"
            );
        }
        let bad: Value = c
            .get("/clerk/api/bad-ratings")
            .await
            .json()
            .await
            .expect("bad ratings");
        assert_eq!(bad[0]["follow_up"][0], "li.ping");
        // Without the CSRF header a follow-up is refused.
        let forged = c
            .http
            .post(format!("{origin}/clerk/api/bad-ratings/rate-bad/follow-up"))
            .header("cookie", &c.cookie)
            .json(&serde_json::json!({"note": "x"}))
            .send()
            .await
            .expect("forged");
        assert_eq!(forged.status().as_u16(), 403);

        // The fleet: two heard from, one never; silence counts from the last heartbeat.
        let fleet = hub.fleet(kiosk_hub::common::now_ms()).await.expect("fleet");
        let row = |id: &str, rows: &[kiosk_hub::fleet::FleetRow]| {
            rows.iter()
                .find(|r| r.terminal_id == id)
                .cloned()
                .expect("fleet row")
        };
        assert!(row("YP-KJ-0009", &fleet).silent);
        let r1 = row(T1, &fleet);
        assert!(
            !r1.silent && r1.street == "殷行街道" && r1.devices_down == 1,
            "{r1:?}"
        );
        let seen = r1.last_seen_ms.expect("seen");
        let just_before = hub.fleet(seen + 119_999).await.expect("fleet");
        assert!(!row(T1, &just_before).silent, "flagged before 2 minutes");
        let after = hub.fleet(seen + 120_000).await.expect("fleet");
        assert!(
            row(T1, &after).silent,
            "not flagged after 2 minutes of silence"
        );
        // The same over HTTP for the page.
        let page_rows: Value = c
            .get("/clerk/api/fleet")
            .await
            .json()
            .await
            .expect("fleet JSON");
        assert_eq!(page_rows.as_array().map(Vec::len), Some(3));

        // A configuration push goes out once with the next heartbeat; the terminal's answer is kept.
        let status = c
            .http
            .post(format!("{origin}/clerk/api/fleet/{T1}/config"))
            .header("cookie", &c.cookie)
            .header("x-csrf-token", &c.csrf)
            .body("[session]\ninactivity_timeout_s = 5\n")
            .send()
            .await
            .expect("push")
            .status();
        assert!(status.is_success(), "{status}");
        let reply = t1
            .heartbeat(&heartbeat(T1, "殷行街道", "开鲁新村社区"))
            .await
            .expect("heartbeat");
        let push = reply.config.expect("the pushed configuration");
        assert!(push.toml.contains("inactivity_timeout_s = 5"));
        let again = t1
            .heartbeat(&heartbeat(T1, "殷行街道", "开鲁新村社区"))
            .await
            .expect("heartbeat");
        assert!(again.config.is_none(), "a push is sent once");
        let mut answer = heartbeat(T1, "殷行街道", "开鲁新村社区");
        answer.config_result = Some(ConfigResult {
            id: push.id.clone(),
            applied: false,
            message: "session.inactivity_timeout_s: 5 is below 30".into(),
        });
        t1.heartbeat(&answer)
            .await
            .expect("heartbeat with the result");
        let pushes = hub.config_pushes(T1).await.expect("pushes");
        assert_eq!(pushes.len(), 1);
        assert_eq!(pushes[0].state, "refused");
        // The fleet view shows each terminal's newest push and what became of it.
        let fleet = hub.fleet(kiosk_hub::common::now_ms()).await.expect("fleet");
        let config = |id: &str| {
            fleet
                .iter()
                .find(|r| r.terminal_id == id)
                .and_then(|r| r.config.clone())
        };
        assert_eq!(config(T1).map(|c| c.1), Some("refused".to_string()));
        assert_eq!(config(T2), None);
        assert!(pushes[0]
            .message
            .as_deref()
            .unwrap_or("")
            .contains("below 30"));
    });
}

#[test]
fn figures_fleet_and_follow_ups_on_sqlite() {
    figures_and_fleet(None);
}

#[test]
fn figures_fleet_and_follow_ups_on_postgres() {
    let rt = tokio::runtime::Runtime::new().expect("runtime");
    let Some(db) = kiosk_tests::postgres_database(&rt, "operations") else {
        return;
    };
    drop(rt);
    figures_and_fleet(Some(&db));
}

#[test]
fn the_audit_trail_arrives_once_per_entry() {
    let rt = tokio::runtime::Runtime::new().expect("runtime");
    let (url, hub) = kiosk_tests::hub_on_loopback(&rt);
    let t1 = kiosk_tests::enrolled(&rt, &url, &hub, T1);
    rt.block_on(async {
        let a = kiosk_api::AuditEntry {
            terminal_id: T1.into(),
            technician: "王师傅".into(),
            action: "entered the maintenance menu".into(),
            at: "2026-11-30T10:00:00+08:00".into(),
        };
        t1.audit(&a, "audit-1").await.expect("audit");
        t1.audit(&a, "audit-1").await.expect("audit retry");
        let mut other = a.clone();
        other.terminal_id = T2.into();
        assert!(
            t1.audit(&other, "audit-2").await.is_err(),
            "another terminal's entry"
        );
        let trail = hub.audit(Some(T1)).await.expect("trail");
        assert_eq!(trail, vec![a]);
    });
}

#[test]
fn the_operations_page_shows_the_fleet_the_figures_and_takes_a_follow_up() {
    let rt = tokio::runtime::Runtime::new().expect("runtime");
    let (url, hub) = kiosk_tests::hub_on_loopback(&rt);
    let origin = url.trim_end_matches("/api/v1").to_string();
    let t1 = kiosk_tests::enrolled(&rt, &url, &hub, T1);
    let t2 = kiosk_tests::enrolled(&rt, &url, &hub, T2);
    rt.block_on(async {
        t1.heartbeat(&heartbeat(T1, "殷行街道", "开鲁新村社区")).await.expect("heartbeat");
        t2.heartbeat(&heartbeat(T2, "五角场街道", "政通路社区")).await.expect("heartbeat");
        let today = kiosk_hub::figures::day_of_ms(kiosk_hub::common::now_ms());
        for (i, s) in sessions().iter_mut().enumerate() {
            // Today, so that the page's default period (the last 7 days) shows them.
            let mut f = figures_of(s);
            f.ended_at = Some(format!("{today}T10:00:00+08:00"));
            let client = if s.terminal == T1 { &t1 } else { &t2 };
            client.figures(&f, &format!("page-{i}")).await.expect("figures");
        }
        let e = kiosk_api::Evaluation {
            case_number: "YP20261130000001".into(),
            item_code: "SB-001".into(),
            terminal_id: T1.into(),
            level: 2,
            reasons: vec!["等待时间长".into()],
            comment: None,
            channel: kiosk_api::Channel::Screen,
            follow_up: true,
        };
        t1.evaluate(&e, "page-bad").await.expect("rating");
        let mark = kiosk_api::knowledge::UnhelpfulMark {
            terminal_id: T1.into(),
            answer_id: "sb-005".into(),
            answer_version: 1,
            question: "社保卡丢了".into(),
        };
        t1.unhelpful(&mark, "page-mark").await.expect("mark");
        hub.add_clerk("li.ping", PASSWORD).await.expect("clerk");

        let b = kiosk_tests::clerk::ClerkBrowser::start(&origin).await;
        b.client.goto(&format!("{origin}/clerk/login")).await.expect("login page");
        b.fill("#name", "li.ping").await;
        b.fill("#password", PASSWORD).await;
        b.click("form button[type=submit]").await;
        b.until("the console", "return location.pathname === '/clerk'").await;
        b.client.goto(&format!("{origin}/clerk/operations")).await.expect("operations");
        b.until(
            "the fleet, the figures and the charts",
            "const charts = [...document.querySelectorAll('#charts svg')];
             return document.querySelectorAll('#fleet tbody tr').length === 2
               && document.querySelectorAll('#figures tbody tr').length >= 3
               && charts.length === 4 && charts.every((c) => c.querySelectorAll('rect').length >= 2);",
        )
        .await;
        let text = b.eval("return document.body.innerText").await;
        let text = text.as_str().unwrap_or_default().to_string();
        assert!(text.contains("殷行街道") && text.contains("84.2 %"), "{text}");
        assert!(text.contains("1 条待回访"), "{text}");
        // 杨小通's answers: the marked one and the stale ones (past their review date) at the top.
        assert!(text.contains("第 1 版") && text.contains("1 条有无帮助反馈"), "{text}");
        assert!(text.contains("已过复核期") && text.contains("社保卡丢了"), "{text}");
        b.screenshot("operations").await;
        // A follow-up recorded on the page.
        b.fill("#bad li input", "已电话回访").await;
        b.click("#bad li button").await;
        b.until("the follow-up", "return document.body.innerText.includes('已回访（li.ping）')").await;
        b.finish().await;
        let bad = hub.bad_ratings().await.expect("bad ratings");
        assert_eq!(bad[0].follow_up.as_ref().map(|f| f.1.as_str()), Some("已电话回访"));
    });
}
