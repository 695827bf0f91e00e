//! Camera fan-out with the synthetic camera: a slow preview never holds the camera up, a still is never lost,
//! stills decode as JPEG of the right size. Time is paused, so rates are exact.

use kiosk_drivers::camera::service::{start, start_reporting, Plug, Scene, Source};
use kiosk_drivers::camera::to_jpeg;
use std::time::Duration;

#[tokio::test(start_paused = true)]
async fn a_slow_preview_skips_frames_and_stills_arrive_whole() {
    let cam = start(Source::synthetic(320, 180, 30, Scene::Pattern));
    let mut preview = cam.preview();
    // A preview that takes 200 ms per frame (a very slow screen).
    let mut seen = Vec::new();
    for _ in 0..5 {
        preview.changed().await.unwrap();
        let seq = preview.borrow_and_update().as_ref().map(|f| f.seq).unwrap();
        seen.push(seq);
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    // The camera kept its 30 fps meanwhile: the preview skipped about 5 frames each time.
    let gaps: Vec<u64> = seen.windows(2).map(|w| w[1] - w[0]).collect();
    assert!(gaps.iter().all(|&g| (5..=7).contains(&g)), "{seen:?}");
    // Stills asked for while the preview lags get the next frame each, in full.
    let before = preview.borrow().as_ref().map(|f| f.seq).unwrap();
    let a = cam.still().await.unwrap();
    let b = cam.still().await.unwrap();
    assert!(
        a.seq > before && b.seq == a.seq + 1,
        "{before} {} {}",
        a.seq,
        b.seq
    );
    assert_eq!(a.rgb.len(), 320 * 180 * 3);
    // Frames differ: the pattern moves.
    assert_ne!(a.rgb, b.rgb);
}

#[tokio::test]
async fn stills_decode_as_jpeg_of_the_right_size() {
    let cam = start(Source::synthetic(1280, 720, 30, Scene::Pattern));
    let frame = cam.still().await.unwrap();
    let jpeg = to_jpeg(&frame, 85).unwrap();
    assert_eq!(&jpeg[..2], &[0xFF, 0xD8]);
    let mut dec = zune_jpeg::JpegDecoder::new(&jpeg);
    let pixels = dec.decode().expect("decodes");
    assert_eq!(dec.dimensions(), Some((1280, 720)));
    assert_eq!(pixels.len(), 1280 * 720 * 3);
    // The picture is the frame: the top-left counter box is white, the bars are coloured.
    let px = |x: usize, y: usize| &pixels[(y * 1280 + x) * 3..(y * 1280 + x) * 3 + 3];
    assert!(px(20, 17).iter().all(|&c| c > 200) || px(18, 18).iter().all(|&c| c > 200));
    let bar = px(640, 700);
    assert!(
        bar.iter().max().unwrap() - bar.iter().min().unwrap() > 100,
        "{bar:?}"
    );
}

#[test]
fn a_tilted_page_is_found_straightened_and_cropped() {
    use kiosk_drivers::camera::document::{find_page, straighten};
    use kiosk_drivers::camera::synthetic::document;
    for angle in [7.0f32, -12.0, 0.5] {
        let shot = document(1280, 960, angle);
        let page = find_page(&shot).expect("page found");
        assert!(
            (page.angle_deg - angle).abs() < 1.0,
            "found {} for {angle}",
            page.angle_deg
        );
        let flat = straighten(&shot).expect("straightened");
        // The page is 0.7 × 960 tall and 1/√2 of that wide.
        let (ph, pw) = (960.0 * 0.7, 960.0 * 0.7 / 1.414);
        assert!(
            (flat.height as f32 - ph).abs() < 8.0 && (flat.width as f32 - pw).abs() < 8.0,
            "{}×{}",
            flat.width,
            flat.height
        );
        // Upright within 1°: put it back on a dark pad and measure again.
        let (w, h) = (flat.width + 200, flat.height + 200);
        let mut pad = vec![48u8; w * h * 3];
        for y in 0..flat.height {
            let src = &flat.rgb[y * flat.width * 3..(y + 1) * flat.width * 3];
            pad[((y + 100) * w + 100) * 3..((y + 100) * w + 100 + flat.width) * 3]
                .copy_from_slice(src);
        }
        let again = kiosk_drivers::camera::Frame {
            width: w,
            height: h,
            seq: 0,
            at: Duration::ZERO,
            rgb: pad.into(),
        };
        let upright = find_page(&again).expect("page again");
        assert!(
            upright.angle_deg.abs() < 1.0,
            "still tilted {}° after straightening {angle}°",
            upright.angle_deg
        );
        // Text lines survive: a good share of dark pixels inside the page.
        let dark = flat.rgb.chunks_exact(3).filter(|p| p[0] < 100).count() as f32
            / (flat.width * flat.height) as f32;
        assert!((0.2..0.6).contains(&dark), "{dark}");
    }
    // Nothing page-like: no page.
    let empty = kiosk_drivers::camera::Frame {
        width: 64,
        height: 48,
        seq: 0,
        at: Duration::ZERO,
        rgb: vec![40u8; 64 * 48 * 3].into(),
    };
    assert!(find_page(&empty).is_none());
}

#[tokio::test(start_paused = true)]
async fn a_camera_that_vanishes_is_down_with_the_reason_and_comes_back_by_itself() {
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
    let plug = Plug::default();
    let cam = start_reporting(
        kiosk_drivers::DeviceId("document-camera".into()),
        Source::Synthetic {
            width: 320,
            height: 240,
            fps: 15,
            scene: Scene::Document,
            plug: plug.clone(),
        },
        tx,
    );
    let first = cam.still().await.unwrap();
    assert_eq!((first.width, first.height), (320, 240));
    assert!(matches!(
        rx.recv().await,
        Some(kiosk_drivers::DeviceEvent::Health {
            health: kiosk_drivers::Health::Online,
            ..
        })
    ));

    plug.set_connected(false);
    let e = cam.still().await.unwrap_err();
    assert!(e.to_string().contains("vanished"), "{e}");
    match rx.recv().await {
        Some(kiosk_drivers::DeviceEvent::Health {
            health: kiosk_drivers::Health::Down { reason },
            ..
        }) => assert!(reason.contains("vanished"), "{reason}"),
        other => panic!("{other:?}"),
    }
    let mut preview = cam.preview();
    tokio::time::sleep(Duration::from_secs(2)).await;
    assert!(
        preview.borrow_and_update().is_none(),
        "no stale picture while down"
    );
    // Reported once, not at every retry.
    tokio::time::sleep(Duration::from_secs(10)).await;
    assert!(rx.try_recv().is_err());

    plug.set_connected(true);
    let back = cam.still().await.unwrap();
    assert!(back.seq > first.seq);
    assert!(matches!(
        rx.recv().await,
        Some(kiosk_drivers::DeviceEvent::Health {
            health: kiosk_drivers::Health::Online,
            ..
        })
    ));
}

#[tokio::test]
async fn the_synthetic_document_camera_films_a_page_that_can_be_straightened() {
    use kiosk_drivers::camera::document::{find_page, straighten};
    let cam = start(Source::synthetic(640, 480, 15, Scene::Document));
    let a = cam.still().await.unwrap();
    let b = cam.still().await.unwrap();
    assert_ne!(a.rgb, b.rgb, "the counter moves");
    let page = find_page(&a).expect("a page on the pad");
    assert!((page.angle_deg - 4.0).abs() < 1.0, "{}", page.angle_deg);
    let flat = straighten(&a).expect("straightened");
    assert!(flat.height > flat.width, "portrait page");
}

/// What a clerk would return a photo for is seen on the page itself: paper in poor light, a page partly off
/// the pad. A page lying well in good light has neither, at any tilt.
#[test]
fn a_dark_page_and_a_page_off_the_pad_are_told_apart_from_a_good_one() {
    use kiosk_drivers::camera::document::capture;
    use kiosk_drivers::camera::service::PageOnPad;
    use kiosk_drivers::camera::synthetic::document_as;
    for angle in [0.0f32, 4.0, -9.0] {
        let (_, good) = capture(&document_as(1280, 960, angle, PageOnPad::Placed)).expect("a page");
        assert!(good.good(), "{angle}°: {good:?}");
        let (_, dim) = capture(&document_as(1280, 960, angle, PageOnPad::Dim)).expect("a page");
        assert!(dim.dark && !dim.cut_off, "{angle}°: {dim:?}");
        let (flat, off) =
            capture(&document_as(1280, 960, angle, PageOnPad::OffEdge)).expect("what is in view");
        assert!(off.cut_off && !off.dark, "{angle}°: {off:?}");
        assert!(flat.width < 400, "only part of the page is in the photo");
    }
}

/// The simulator's hand changes what the document camera films, frame by frame.
#[tokio::test]
async fn the_simulated_pad_films_the_page_as_it_is_laid() {
    use kiosk_drivers::camera::document::capture;
    use kiosk_drivers::camera::service::PageOnPad;
    let plug = Plug::default();
    let cam = start(Source::Synthetic {
        width: 640,
        height: 480,
        fps: 15,
        scene: Scene::Document,
        plug: plug.clone(),
    });
    let quality = |f| capture(&f).map(|(_, q)| q).expect("a page");
    assert!(quality(cam.still().await.unwrap()).good());
    plug.set_page(PageOnPad::Dim);
    assert!(quality(cam.still().await.unwrap()).dark);
    plug.set_page(PageOnPad::OffEdge);
    assert!(quality(cam.still().await.unwrap()).cut_off);
    plug.set_page(PageOnPad::Placed);
    assert!(quality(cam.still().await.unwrap()).good());
}

#[tokio::test(start_paused = true)]
async fn a_camera_streams_only_while_wanted_and_an_idle_one_is_still_watched() {
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
    let plug = Plug::default();
    let cam = start_reporting(
        kiosk_drivers::DeviceId("face-camera".into()),
        Source::Synthetic {
            width: 64,
            height: 48,
            fps: 30,
            scene: Scene::Pattern,
            plug: plug.clone(),
        },
        tx,
    );
    // One frame at start tells its health.
    assert!(matches!(
        rx.recv().await,
        Some(kiosk_drivers::DeviceEvent::Health {
            health: kiosk_drivers::Health::Online,
            ..
        })
    ));
    let a = cam.still().await.unwrap();
    // Nobody watches for 10 s: no frames are made.
    tokio::time::sleep(Duration::from_secs(10)).await;
    let b = cam.still().await.unwrap();
    assert!(
        b.seq <= a.seq + 2,
        "idle camera made frames: {} → {}",
        a.seq,
        b.seq
    );
    // While a preview is open it streams at its rate.
    {
        let mut p = cam.preview();
        tokio::time::sleep(Duration::from_secs(1)).await;
        let seq = p.borrow_and_update().as_ref().map(|f| f.seq).unwrap();
        assert!(seq >= b.seq + 25, "{} → {seq}", b.seq);
    }
    let c = cam.still().await.unwrap();
    tokio::time::sleep(Duration::from_secs(5)).await;
    let d = cam.still().await.unwrap();
    assert!(
        d.seq <= c.seq + 2,
        "streaming went on after the preview closed"
    );
    // Unplugged while idle: down within about a second; back: online again, without anyone asking.
    plug.set_connected(false);
    let down = tokio::time::timeout(Duration::from_secs(3), rx.recv()).await;
    assert!(
        matches!(
            down,
            Ok(Some(kiosk_drivers::DeviceEvent::Health {
                health: kiosk_drivers::Health::Down { .. },
                ..
            }))
        ),
        "{down:?}"
    );
    plug.set_connected(true);
    let up = tokio::time::timeout(Duration::from_secs(3), rx.recv()).await;
    assert!(
        matches!(
            up,
            Ok(Some(kiosk_drivers::DeviceEvent::Health {
                health: kiosk_drivers::Health::Online,
                ..
            }))
        ),
        "{up:?}"
    );
}
