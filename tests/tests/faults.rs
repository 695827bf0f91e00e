//! Network faults between the terminal's outbox and the hub: unreachable, answering 500, the connection cut in
//! the middle of an upload, an answer lost after the hub took the case, and a slow hub. Nothing is lost,
//! nothing is duplicated (a bundle's department cases included), the backoff grows, and a cut upload resumes
//! where the hub is.

use kiosk::platform::outbox::Outbox;
use kiosk_tests::faults::{Fault, FaultProxy};
use std::time::{Duration, Instant};

fn photo(i: u32) -> kiosk_api::Upload {
    kiosk_api::Upload {
        name: "户口簿".into(),
        media_type: "image/jpeg".into(),
        // 600 KB: three chunks.
        bytes: (0..600_000u32)
            .map(|j| (j.wrapping_mul(31) ^ i) as u8)
            .collect(),
    }
}

/// Case 0 is a bundle (一件事): the answer lost after the hub took it must not file its department cases twice.
fn case(i: u32) -> kiosk_api::CaseRequest {
    let mut c = kiosk_tests::sample_case(&format!("F-{i}"), "T1", &[&photo(i)]);
    if i == 0 {
        c.fields = vec![kiosk_api::FieldValue {
            id: "n".into(),
            label: "序号".into(),
            value: "0".into(),
        }];
        c.parts = kiosk_tests::drill_parts();
    }
    c
}

/// Delivery rounds every 20 ms for `how_long`.
fn rounds(
    rt: &tokio::runtime::Runtime,
    outbox: &Outbox,
    platform: &kiosk::platform::Platform,
    how_long: Duration,
) {
    let end = Instant::now() + how_long;
    while Instant::now() < end {
        rt.block_on(outbox.round(platform));
        std::thread::sleep(Duration::from_millis(20));
    }
}

#[test]
fn faults_lose_nothing_duplicate_nothing_and_back_off() {
    let rt = tokio::runtime::Runtime::new().expect("runtime");
    let (base, hub) = kiosk_tests::hub_on_loopback(&rt);
    let upstream: std::net::SocketAddr = base
        .trim_start_matches("http://")
        .trim_end_matches("/api/v1")
        .parse()
        .expect("hub address");
    let proxy = FaultProxy::start(&rt, upstream);
    let platform = kiosk_tests::enrolled(&rt, &proxy.url, &hub, "T1");
    let dir = kiosk_tests::scratch("faults");
    let key = kiosk_store::load_or_create_key(&dir.join("key")).expect("key");
    let outbox = Outbox::new(kiosk_store::Store::open(&dir.join("kiosk.db"), &key).expect("store"));
    for i in 0..3 {
        outbox
            .commit_case(&case(i), &[photo(i)], Duration::ZERO)
            .expect("commit");
    }
    let count = || kiosk_tests::received(&rt, &hub).cases.len();

    // The hub answers 500: attempts of a case (each starts by asking for its photo's status) come further
    // and further apart.
    proxy.set(Fault::Answer500);
    rounds(&rt, &outbox, &platform, Duration::from_millis(8_000));
    let sha0 = photo(0).reference().sha256;
    let tries = proxy.seen(&format!("GET /api/v1/materials/{sha0}"));
    assert!(tries.len() >= 3, "{} attempts in 8 s", tries.len());
    let gaps: Vec<f64> = tries
        .windows(2)
        .map(|w| (w[1] - w[0]).as_secs_f64())
        .collect();
    eprintln!("backoff gaps under 500s: {gaps:?}");
    // backoff_ms: 1–2 s after the first failure, 2–4 s after the second (jitter halves at most).
    assert!((0.9..3.0).contains(&gaps[0]), "{gaps:?}");
    assert!((1.9..5.0).contains(&gaps[1]), "{gaps:?}");
    assert!(gaps[1] > gaps[0] * 0.95, "the wait grows: {gaps:?}");
    let st = outbox.status().expect("status");
    assert_eq!(st.queued, 3);
    assert!(
        st.last_error.as_deref().unwrap_or("").contains("500"),
        "{st:?}"
    );
    assert_eq!(count(), 0);

    // Unreachable: refused connections are failures like any other.
    proxy.set(Fault::Refuse);
    outbox.send_now().expect("send now");
    rounds(&rt, &outbox, &platform, Duration::from_millis(300));
    assert_eq!(outbox.status().expect("status").queued, 3);
    assert_eq!(count(), 0);

    // Cut in the middle of the first photo's second chunk: the hub keeps the first chunk.
    proxy.set(Fault::CutAfter(300_000));
    outbox.send_now().expect("send now");
    rounds(&rt, &outbox, &platform, Duration::from_millis(300));
    let direct = kiosk_tests::enrolled(&rt, &base, &hub, "T1");
    let held = rt.block_on(direct.material_status(&sha0)).expect("status");
    assert_eq!(
        (held.received as usize, held.complete),
        (kiosk_api::MAX_CHUNK, false),
        "the first chunk is at the hub, the cut one is not"
    );
    assert_eq!(count(), 0, "no case without its photo");

    // The answer is lost after the hub took the first case.
    proxy.set(Fault::DropReplyTo("POST /api/v1/cases"));
    outbox.send_now().expect("send now");
    rounds(&rt, &outbox, &platform, Duration::from_millis(1_500));
    assert!(count() >= 1, "the hub took a case whose answer was lost");
    assert_eq!(
        outbox.status().expect("status").queued,
        3,
        "the terminal does not know"
    );

    // Slow but working: everything goes, once.
    proxy.set(Fault::Slow(Duration::from_millis(100)));
    outbox.send_now().expect("send now");
    let end = Instant::now() + Duration::from_secs(60);
    while outbox.status().expect("status").queued > 0 && Instant::now() < end {
        rt.block_on(outbox.round(&platform));
        std::thread::sleep(Duration::from_millis(20));
    }
    assert_eq!(outbox.status().expect("status").queued, 0, "all delivered");
    let r = kiosk_tests::received(&rt, &hub);
    assert_eq!(
        r.cases.len(),
        3 + kiosk_tests::DRILL_PARTS,
        "three cases and the bundle's department cases, none twice"
    );
    assert_eq!(r.cases["F-0"].parts.len(), kiosk_tests::DRILL_PARTS);
    for i in 0..3 {
        let sha = photo(i).reference().sha256;
        let path = hub.material_path(&sha).expect("the photo at the hub");
        assert_eq!(kiosk_hub::materials::file_sha256(&path).expect("read"), sha);
    }
    // The cut photo resumed: after the cut, its upload went on from the first chunk's end, not from 0.
    let puts = proxy.lines(&format!("PUT /api/v1/materials/{sha0}"));
    let offsets: Vec<&str> = puts
        .iter()
        .filter_map(|l| l.split("offset=").nth(1))
        .filter_map(|o| o.split('&').next())
        .collect();
    assert_eq!(
        offsets.iter().filter(|o| **o == "0").count(),
        1,
        "the first chunk was sent once: {offsets:?}"
    );
    let _ = std::fs::remove_dir_all(&dir);
}
