//! GPIO services against simulated lines (this machine has no GPIO chip), and the character-device backend's
//! answer when the chip is missing. Time is paused: tokio advances it exactly, so timings are checked to the
//! millisecond without waiting.

mod common;

use common::*;
use kiosk_drivers::gpio::backend::{Backend, SimGpio};
use kiosk_drivers::gpio::protocol::Flash;
use kiosk_drivers::gpio::service::{run_buzzer, run_input, run_light, Beep, InputRole, LineSpec};
use kiosk_drivers::{DeviceEvent, DeviceId, Health};
use std::time::Duration;
use tokio::sync::{mpsc::unbounded_channel, watch};

fn line(n: u32) -> LineSpec {
    LineSpec {
        chip: "sim".into(),
        line: n,
        active_low: true,
    }
}

fn count(events: &[DeviceEvent], f: impl Fn(&DeviceEvent) -> bool) -> usize {
    events.iter().filter(|e| f(e)).count()
}

#[tokio::test(start_paused = true)]
async fn a_bouncing_help_button_is_one_press() {
    let sim = SimGpio::new();
    let (tx, mut rx) = unbounded_channel();
    let task = tokio::spawn(run_input(
        DeviceId("help".into()),
        InputRole::HelpButton,
        Backend::Sim(sim.clone()),
        line(17),
        tx,
    ));
    tokio::time::sleep(Duration::from_millis(10)).await;
    sim.bounce_to("sim", 17, true).await;
    tokio::time::sleep(Duration::from_millis(200)).await;
    sim.bounce_to("sim", 17, false).await;
    let events = drain(&mut rx, Duration::from_millis(500)).await;
    assert_eq!(
        count(&events, |e| matches!(e, DeviceEvent::HelpPressed)),
        1,
        "{events:?}"
    );
    assert_eq!(count(&events, is_online), 1);
    task.abort();
}

#[tokio::test(start_paused = true)]
async fn the_door_reports_open_and_closed_once_each_and_an_open_door_at_start() {
    let sim = SimGpio::new();
    let (tx, mut rx) = unbounded_channel();
    // Door shut (switch closed) before the terminal starts: no event at start.
    sim.set_input("sim", 22, true);
    let task = tokio::spawn(run_input(
        DeviceId("door".into()),
        InputRole::Door,
        Backend::Sim(sim.clone()),
        line(22),
        tx,
    ));
    tokio::time::sleep(Duration::from_millis(10)).await;
    sim.bounce_to("sim", 22, false).await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    sim.bounce_to("sim", 22, true).await;
    let events = drain(&mut rx, Duration::from_millis(500)).await;
    let doors: Vec<_> = events
        .iter()
        .filter(|e| matches!(e, DeviceEvent::DoorOpened | DeviceEvent::DoorClosed))
        .collect();
    assert!(
        matches!(
            doors[..],
            [DeviceEvent::DoorOpened, DeviceEvent::DoorClosed]
        ),
        "{events:?}"
    );
    task.abort();

    // A door open when the terminal starts (or a cut wire) is reported at once.
    let sim = SimGpio::new();
    let (tx, mut rx) = unbounded_channel();
    let task = tokio::spawn(run_input(
        DeviceId("door".into()),
        InputRole::Door,
        Backend::Sim(sim),
        line(22),
        tx,
    ));
    let events = drain(&mut rx, Duration::from_millis(100)).await;
    assert_eq!(
        count(&events, |e| matches!(e, DeviceEvent::DoorOpened)),
        1,
        "{events:?}"
    );
    task.abort();
}

#[tokio::test(start_paused = true)]
async fn presence_chatter_is_filtered() {
    let sim = SimGpio::new();
    let (tx, mut rx) = unbounded_channel();
    let task = tokio::spawn(run_input(
        DeviceId("presence".into()),
        InputRole::Presence,
        Backend::Sim(sim.clone()),
        line(27),
        tx,
    ));
    tokio::time::sleep(Duration::from_millis(10)).await;
    // A 300 ms blip: someone passing by, not walking up.
    sim.set_input("sim", 27, true);
    tokio::time::sleep(Duration::from_millis(300)).await;
    sim.set_input("sim", 27, false);
    tokio::time::sleep(Duration::from_millis(1000)).await;
    // Chatter for a second, then someone stays.
    for i in 0..10 {
        sim.set_input("sim", 27, i % 2 == 0);
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    sim.set_input("sim", 27, true);
    let events = drain(&mut rx, Duration::from_millis(2000)).await;
    assert_eq!(
        count(&events, |e| matches!(e, DeviceEvent::PresenceDetected)),
        1,
        "{events:?}"
    );
    assert_eq!(
        count(&events, |e| matches!(e, DeviceEvent::PresenceLost)),
        0,
        "{events:?}"
    );
    task.abort();
}

#[tokio::test(start_paused = true)]
async fn lights_flash_at_their_rates() {
    let sim = SimGpio::new();
    let (tx, _rx) = unbounded_channel();
    let (mode, mode_rx) = watch::channel(Flash::Off);
    let task = tokio::spawn(run_light(
        DeviceId("lights".into()),
        Backend::Sim(sim.clone()),
        line(23),
        mode_rx,
        tx,
    ));
    tokio::time::sleep(Duration::from_millis(100)).await;
    mode.send(Flash::Slow).unwrap();
    tokio::time::sleep(Duration::from_millis(2050)).await;
    mode.send(Flash::Medium).unwrap();
    tokio::time::sleep(Duration::from_millis(1050)).await;
    mode.send(Flash::Steady).unwrap();
    tokio::time::sleep(Duration::from_millis(100)).await;
    let h = sim.output_history("sim", 23);
    let levels: Vec<bool> = h.iter().map(|(l, _)| *l).collect();
    // Released, off; then slow: on/off every 500 ms for 2 s; medium: every 250 ms for 1 s; then steady on.
    let gaps: Vec<u128> = h
        .windows(2)
        .map(|w| (w[1].1 - w[0].1).as_millis())
        .collect();
    assert_eq!(&levels[..2], &[false, false], "{h:?}");
    assert_eq!(&levels[2..7], &[true, false, true, false, true], "{h:?}");
    assert_eq!(&gaps[2..6], &[500, 500, 500, 500], "{gaps:?}");
    assert_eq!(&levels[7..12], &[true, false, true, false, true], "{h:?}");
    assert_eq!(&gaps[7..11], &[250, 250, 250, 250], "{gaps:?}");
    assert_eq!(levels.len(), 13);
    assert_eq!(levels.last(), Some(&true));
    task.abort();
}

#[tokio::test(start_paused = true)]
async fn the_buzzer_beeps_the_pattern() {
    let sim = SimGpio::new();
    let (tx, _rx) = unbounded_channel();
    let (beeps, beeps_rx) = unbounded_channel();
    let task = tokio::spawn(run_buzzer(
        DeviceId("buzzer".into()),
        Backend::Sim(sim.clone()),
        line(18),
        beeps_rx,
        tx,
    ));
    beeps
        .send(Beep {
            count: 3,
            on: Duration::from_millis(100),
            off: Duration::from_millis(50),
        })
        .unwrap();
    tokio::time::sleep(Duration::from_secs(1)).await;
    let on = sim
        .output_history("sim", 18)
        .iter()
        .filter(|(l, _)| *l)
        .count();
    assert_eq!(on, 3);
    task.abort();
}

#[tokio::test]
async fn a_missing_chip_is_down_with_the_reason() {
    let (tx, mut rx) = unbounded_channel();
    let spec = LineSpec {
        chip: "/dev/gpiochip-none".into(),
        line: 17,
        active_low: true,
    };
    let task = tokio::spawn(run_input(
        DeviceId("help".into()),
        InputRole::HelpButton,
        Backend::Cdev,
        spec,
        tx,
    ));
    let (e, _) = wait_for(&mut rx, Duration::from_secs(10), is_down)
        .await
        .expect("down");
    let DeviceEvent::Health {
        health: Health::Down { reason },
        ..
    } = e
    else {
        unreachable!()
    };
    assert!(reason.contains("/dev/gpiochip-none line 17"), "{reason}");
    task.abort();
}

#[tokio::test(start_paused = true)]
async fn a_gpio_keypad_publishes_each_press_once() {
    use kiosk_drivers::gpio::service::run_keypad;
    use kiosk_drivers::KeypadKey;
    let sim = SimGpio::new();
    let (tx, mut rx) = unbounded_channel();
    let keys = vec![
        (KeypadKey::Up, 5),
        (KeypadKey::Select, 13),
        (KeypadKey::Help, 19),
    ];
    let task = tokio::spawn(run_keypad(
        DeviceId("keypad".into()),
        Backend::Sim(sim.clone()),
        "sim".into(),
        keys,
        true,
        tx,
    ));
    tokio::time::sleep(Duration::from_millis(10)).await;
    for line in [13, 5, 13] {
        sim.bounce_to("sim", line, true).await;
        tokio::time::sleep(Duration::from_millis(100)).await;
        sim.bounce_to("sim", line, false).await;
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let events = drain(&mut rx, Duration::from_millis(300)).await;
    let keys: Vec<KeypadKey> = events
        .iter()
        .filter_map(|e| match e {
            DeviceEvent::KeypadKey(k) => Some(*k),
            _ => None,
        })
        .collect();
    assert_eq!(
        keys,
        vec![KeypadKey::Select, KeypadKey::Up, KeypadKey::Select]
    );
    assert_eq!(
        count(&events, is_online),
        1,
        "one health for the whole keypad"
    );
    task.abort();
}

#[tokio::test(start_paused = true)]
async fn a_line_that_becomes_busy_is_down_once_the_rest_goes_on_and_it_comes_back() {
    let sim = SimGpio::new();
    let (tx, mut rx) = unbounded_channel();
    let help = tokio::spawn(run_input(
        DeviceId("help".into()),
        InputRole::HelpButton,
        Backend::Sim(sim.clone()),
        line(17),
        tx.clone(),
    ));
    let (_flash, flash_rx) = watch::channel(Flash::Steady);
    let light = tokio::spawn(run_light(
        DeviceId("lights".into()),
        Backend::Sim(sim.clone()),
        line(23),
        flash_rx,
        tx,
    ));
    assert_eq!(
        count(&drain(&mut rx, Duration::from_millis(100)).await, is_online),
        2
    );
    sim.set_fault(
        "sim",
        17,
        Some("the line is busy: another program holds it"),
    );
    let events = drain(&mut rx, Duration::from_secs(10)).await;
    let downs: Vec<_> = events.iter().filter(|e| is_down(e)).collect();
    assert_eq!(downs.len(), 1, "once, not at every retry: {events:?}");
    assert!(format!("{downs:?}").contains("help"), "{downs:?}");
    // The light on another line is untouched.
    let lit = sim.output_history("sim", 23);
    assert_eq!(lit.last().map(|(on, _)| *on), Some(true));
    sim.set_fault("sim", 17, None);
    let events = drain(&mut rx, Duration::from_secs(5)).await;
    assert_eq!(count(&events, is_online), 1, "{events:?}");
    sim.bounce_to("sim", 17, true).await;
    tokio::time::sleep(Duration::from_millis(200)).await;
    sim.bounce_to("sim", 17, false).await;
    let events = drain(&mut rx, Duration::from_millis(500)).await;
    assert_eq!(count(&events, |e| matches!(e, DeviceEvent::HelpPressed)), 1);
    help.abort();
    light.abort();
}

#[tokio::test(start_paused = true)]
async fn an_output_line_that_fails_is_down_with_the_reason() {
    let sim = SimGpio::new();
    sim.set_fault("sim", 18, Some("no such line on this chip"));
    let (tx, mut rx) = unbounded_channel();
    let (_beeps, beep_rx) = unbounded_channel::<Beep>();
    let task = tokio::spawn(run_buzzer(
        DeviceId("buzzer".into()),
        Backend::Sim(sim.clone()),
        line(18),
        beep_rx,
        tx,
    ));
    let (e, _) = wait_for(&mut rx, Duration::from_secs(10), is_down)
        .await
        .expect("down");
    assert!(format!("{e:?}").contains("no such line"), "{e:?}");
    sim.set_fault("sim", 18, None);
    wait_for(&mut rx, Duration::from_secs(10), is_online)
        .await
        .expect("back");
    task.abort();
}
