//! The evaluation pad driver against the simulated pad over a pseudo-terminal pair.

mod common;

use common::*;
use kiosk_drivers::pad::driver::{Pad, PadCommand, PadService};
use kiosk_drivers::pad::protocol::LightMode;
use kiosk_drivers::pad::sim::PadSim;
use kiosk_drivers::simio::LineControls;
use kiosk_drivers::{DeviceEvent, DeviceId};
use std::time::Duration;
use tokio::sync::mpsc::unbounded_channel;

/// A simulated device and its service on it, running.
fn running(
    name: &str,
) -> (
    PadSim,
    tokio::sync::mpsc::UnboundedReceiver<DeviceEvent>,
    tokio::sync::mpsc::UnboundedSender<kiosk_drivers::pad::driver::PadCommand>,
    tokio::task::JoinHandle<()>,
) {
    let path = link(name);
    let sim = PadSim::spawn(&path, 9600).unwrap();
    let (tx, rx) = unbounded_channel();
    let (svc, commands) = PadService::new(
        DeviceId("pad".into()),
        Pad::new(path.to_string_lossy(), 9600),
        tx,
    );
    (sim, rx, commands, tokio::spawn(svc.run()))
}

#[tokio::test]
async fn prompts_lights_and_a_key_press() {
    let path = link("pad-basic");
    let sim = PadSim::spawn(&path, 9600).unwrap();
    let mut pad = Pad::new(path.to_string_lossy(), 9600);
    assert_eq!(pad.version().await.unwrap(), "PAD5-SIM/1.0.0");
    pad.prompt("请对本次服务进行评价").await.unwrap();
    pad.lights(0b11111, LightMode::Slow).await.unwrap();
    let v = sim.view().unwrap();
    assert_eq!(
        (v.prompt.as_str(), v.lit, v.mode),
        ("请对本次服务进行评价", 0x1F, LightMode::Slow)
    );
    assert_eq!(
        pad.wait_key(Duration::from_millis(200)).await.unwrap(),
        None
    );
    sim.press(5);
    assert_eq!(
        pad.wait_key(Duration::from_secs(2))
            .await
            .unwrap()
            .map(|r| r.stars()),
        Some(5)
    );
}

#[tokio::test]
async fn each_rating_is_published_once_even_when_its_frame_repeats() {
    let (sim, mut rx, commands, task) = running("pad-svc");
    assert!(wait_for(&mut rx, Duration::from_secs(10), is_online)
        .await
        .is_some());
    commands.send(PadCommand::Prompt("请评价".into())).unwrap();
    // Lost acknowledgements make the pad send each key frame again.
    sim.ignore_acks(3);
    sim.press(1);
    sim.press(4);
    let events = drain(&mut rx, Duration::from_secs(3)).await;
    let keys: Vec<u8> = events
        .iter()
        .filter_map(|e| match e {
            DeviceEvent::PadKey(r) => Some(r.stars()),
            _ => None,
        })
        .collect();
    assert_eq!(keys, vec![1, 4], "{events:?}");
    assert!(
        sim.key_frames_sent() >= 5,
        "the pad repeated frames: {}",
        sim.key_frames_sent()
    );
    assert_eq!(sim.view().unwrap().prompt, "请评价");
    task.abort();
}

#[tokio::test]
async fn a_silent_pad_is_down_and_an_unplugged_one_comes_back() {
    let (sim, mut rx, commands, task) = running("pad-gone");
    survives_silence_and_unplugging(&sim, &mut rx).await;
    commands.send(PadCommand::Prompt("欢迎".into())).unwrap();
    sim.unplug();
    assert!(wait_for(&mut rx, Duration::from_secs(10), is_down)
        .await
        .is_some());
    sim.replug();
    assert!(wait_for(&mut rx, Duration::from_secs(4), is_online)
        .await
        .is_some());
    // The new pad is told what to show again (waited for, not slept on).
    let shown = tokio::time::timeout(Duration::from_secs(5), async {
        while sim.view().is_none_or(|v| v.prompt != "欢迎") {
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
    })
    .await;
    assert!(shown.is_ok(), "the replugged pad shows {:?}", sim.view());
    sim.press(3);
    assert!(wait_for(
        &mut rx,
        Duration::from_secs(2),
        |e| matches!(e, DeviceEvent::PadKey(r) if r.stars() == 3)
    )
    .await
    .is_some());
    task.abort();
}
