//! The outbox against the hub over loopback: a case kept while the platform is down survives a restart of the
//! terminal (the store is a file) and is delivered once with its photo intact; a case whose answer was lost is
//! not taken twice.

use kiosk::platform::outbox::Outbox;
use kiosk::platform::Platform;
use kiosk_store::Store;
use std::time::Duration;

/// A photo of some 600 KB: three chunks.
fn photo() -> kiosk_api::Upload {
    kiosk_api::Upload {
        name: "户口簿".into(),
        media_type: "image/jpeg".into(),
        bytes: (0..600_000u32).map(|i| (i * 7 % 251) as u8).collect(),
    }
}

fn case(key: &str) -> kiosk_api::CaseRequest {
    kiosk_tests::sample_case(key, "T1", &[&photo()])
}

#[test]
fn a_kept_case_survives_a_restart_and_is_delivered_once() {
    let rt = tokio::runtime::Runtime::new().expect("runtime");
    let (base, hub) = kiosk_tests::hub_on_loopback(&rt);
    let platform: Platform = kiosk_tests::enrolled(&rt, &base, &hub, "T1");
    let dir = kiosk_tests::scratch("outbox");
    let photo = photo();
    let materials = vec![(photo.reference().sha256, photo.bytes.clone())];
    let key = kiosk_store::load_or_create_key(&dir.join("key")).expect("key");
    let open = || Outbox::new(Store::open(&dir.join("kiosk.db"), &key).expect("store"));

    // Down: the case is committed, the first attempt fails, the terminal goes away.
    hub.set_available(false);
    {
        let outbox = open();
        let provisional = outbox
            .commit_case(&case("T1-a"), std::slice::from_ref(&photo), Duration::ZERO)
            .expect("commit");
        assert!(provisional.starts_with('L'));
        let first = rt.block_on(platform.deliver(&case("T1-a"), &materials));
        assert!(first.as_ref().is_err_and(|e| e.is_transient()));
        outbox.settle("T1-a", &first);
        assert_eq!(outbox.status().expect("status").queued, 1);
    }
    // A case the platform took but whose answer the terminal never recorded.
    hub.set_available(true);
    let taken = rt
        .block_on(platform.deliver(&case("T1-b"), &materials))
        .expect("taken");
    {
        let outbox = open();
        outbox
            .commit_case(&case("T1-b"), std::slice::from_ref(&photo), Duration::ZERO)
            .expect("commit");
    }

    // Restarted: a new store on the same file delivers both, each once. The kept case waits for its backoff.
    let outbox = open();
    let mut delivered = Vec::new();
    for _ in 0..40 {
        delivered.extend(rt.block_on(outbox.round(&platform)).delivered);
        if delivered.len() == 2 {
            break;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    assert_eq!(delivered.len(), 2, "{delivered:?}");
    let b = delivered.iter().find(|(k, _)| k == "T1-b").expect("b");
    assert_eq!(
        b.1.case_number, taken.case_number,
        "the same case, not a second one"
    );
    assert_eq!(kiosk_tests::received(&rt, &hub).cases.len(), 2);
    assert_eq!(outbox.status().expect("status").queued, 0);
    // The photo arrived whole; the terminal no longer keeps it.
    let at_hub = hub
        .material_path(&photo.reference().sha256)
        .expect("the photo at the hub");
    assert_eq!(
        kiosk_hub::materials::file_sha256(&at_hub).expect("read"),
        photo.reference().sha256
    );
    let left = std::fs::read_dir(dir.join("materials"))
        .expect("materials")
        .count();
    assert_eq!(left, 0, "delivered photos are deleted from the terminal");
    assert!(rt.block_on(outbox.round(&platform)).delivered.is_empty());
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn enrolment_spends_a_code_once_keeps_the_token_and_enrols_again_after_a_revocation() {
    use kiosk::platform::enrolment::{enrol, Enrolled};
    let rt = tokio::runtime::Runtime::new().expect("runtime");
    let (base, hub) = kiosk_tests::hub_on_loopback(&rt);
    let dir = kiosk_tests::scratch("enrol");
    let key = kiosk_store::load_or_create_key(&dir.join("key")).expect("key");
    let outbox = Outbox::new(Store::open(&dir.join("kiosk.db"), &key).expect("store"));
    let code = |t: &str| {
        rt.block_on(hub.enrolment_code(t, Duration::from_secs(60)))
            .expect("code")
    };
    let ask = kiosk_api::IdentityRequest {
        terminal_id: "T7".into(),
        code: format!("{}DEMO01", kiosk_hub::DEMO_CODE_PREFIX),
    };
    let first = code("T7");
    let p = Platform::new(&base).expect("client");
    assert_eq!(
        rt.block_on(enrol(&p, Some(&outbox), "T7", Some(&first))),
        Ok(Enrolled::New)
    );
    assert!(rt.block_on(p.identity(&ask)).is_ok());
    // Restarted with the same configuration: the spent code is not offered again; the kept token serves.
    let p = Platform::new(&base).expect("client");
    assert_eq!(
        rt.block_on(enrol(&p, Some(&outbox), "T7", Some(&first))),
        Ok(Enrolled::Kept)
    );
    assert!(rt.block_on(p.identity(&ask)).is_ok());
    // A code the hub does not know is refused, and the kept token still serves.
    let p = Platform::new(&base).expect("client");
    assert!(rt
        .block_on(enrol(&p, Some(&outbox), "T7", Some("AAAAA-BBBBB")))
        .is_err());
    assert!(rt.block_on(p.identity(&ask)).is_ok());
    // Revoked: refused until a technician gives a new code.
    rt.block_on(hub.revoke("T7")).expect("revoke");
    assert!(rt.block_on(p.identity(&ask)).is_err());
    let second = code("T7");
    assert_eq!(
        rt.block_on(enrol(&p, Some(&outbox), "T7", Some(&second))),
        Ok(Enrolled::New)
    );
    assert!(rt.block_on(p.identity(&ask)).is_ok());
    // No token and no code: not enrolled, said as such.
    let bare = Outbox::new(Store::in_memory(&[1; 32]).expect("store"));
    assert_eq!(
        rt.block_on(enrol(&p, Some(&bare), "T8", None)),
        Ok(Enrolled::NotEnrolled)
    );
    let _ = std::fs::remove_dir_all(&dir);
}

/// The submission use case on its own (`app::deliver`, what the kiosk runs when the core asks to submit),
/// against the hub: taken with its application PDF; kept with a provisional number while the hub is down and
/// delivered once later; refused outright without a store to keep it in.
#[test]
fn a_submission_answers_the_core_with_the_platforms_case_or_a_provisional_number() {
    use kiosk::session::{Input, Submit};
    let rt = tokio::runtime::Runtime::new().expect("runtime");
    let (base, hub) = kiosk_tests::hub_on_loopback(&rt);
    let platform: Platform = kiosk_tests::enrolled(&rt, &base, &hub, "T3");
    let dir = kiosk_tests::scratch("deliver");
    let key = kiosk_store::load_or_create_key(&dir.join("key")).expect("key");
    let outbox = Outbox::new(Store::open(&dir.join("kiosk.db"), &key).expect("store"));
    let photo = photo();
    let submit = |key: &str| Submit {
        request: kiosk_tests::sample_case(key, "T3", &[&photo]),
        uploads: vec![photo.clone()],
        strokes: vec![vec![(0.1, 0.5), (0.4, 0.2), (0.8, 0.6)]],
        written: Vec::new(),
    };
    let deliver = |key: &str, outbox: Option<Outbox>| {
        rt.block_on(kiosk::app::deliver(
            submit(key),
            platform.clone(),
            outbox,
            "测试终端".into(),
        ))
    };

    match deliver("T3-up", Some(outbox.clone())) {
        Input::Submitted {
            key,
            reply: Ok(reply),
            wall,
        } => {
            assert_eq!(key, "T3-up");
            assert!(!reply.case_number.is_empty());
            assert!(!wall.is_empty(), "the receipt's time");
        }
        other => panic!("{other:?}"),
    }
    let got = kiosk_tests::received(&rt, &hub);
    let body = got
        .bodies
        .iter()
        .find(|b| b.idempotency_key == "T3-up")
        .expect("the case at the hub");
    assert!(
        body.application_pdf.is_some(),
        "the signed PDF went with it"
    );
    assert_eq!(outbox.status().expect("status").queued, 0);

    hub.set_available(false);
    let provisional = match deliver("T3-down", Some(outbox.clone())) {
        Input::Queued {
            key, provisional, ..
        } => {
            assert_eq!(key, "T3-down");
            provisional
        }
        other => panic!("{other:?}"),
    };
    assert!(provisional.starts_with('L'), "{provisional}");
    assert_eq!(outbox.status().expect("status").queued, 1);
    // Without a store nothing can be kept: the resident is told it was not submitted.
    assert!(matches!(
        deliver("T3-nostore", None),
        Input::Submitted { reply: Err(ref e), .. } if e.is_transient()
    ));

    hub.set_available(true);
    let mut delivered = Vec::new();
    for _ in 0..40 {
        delivered.extend(rt.block_on(outbox.round(&platform)).delivered);
        if !delivered.is_empty() {
            break;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    assert_eq!(
        delivered
            .iter()
            .map(|(k, _)| k.as_str())
            .collect::<Vec<_>>(),
        ["T3-down"]
    );
    assert!(!kiosk_tests::received(&rt, &hub)
        .cases
        .contains_key("T3-nostore"));
}
