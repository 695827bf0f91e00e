//! The ID card driver against the simulated reader over a pseudo-terminal pair.

mod common;

use common::*;
use kiosk_drivers::idcard::driver::{Reader, ReaderService};
use kiosk_drivers::idcard::sim::ReaderSim;
use kiosk_drivers::sim::sample_cards;
use kiosk_drivers::simio::{Behaviour, Fault, LineControls};
use kiosk_drivers::{DeviceError, DeviceEvent, DeviceId};
use std::time::Duration;
use tokio::sync::mpsc::unbounded_channel;

fn service(
    path: &std::path::Path,
) -> (
    ReaderService,
    tokio::sync::mpsc::UnboundedReceiver<DeviceEvent>,
) {
    let (tx, rx) = unbounded_channel();
    (
        ReaderService {
            id: DeviceId("idcard".into()),
            reader: Reader::new(path.to_string_lossy(), 115_200),
            events: tx,
            photo: None,
        },
        rx,
    )
}

/// A simulated reader and the reader service on it, running.
fn running(
    name: &str,
) -> (
    ReaderSim,
    tokio::sync::mpsc::UnboundedReceiver<DeviceEvent>,
    tokio::task::JoinHandle<()>,
    std::path::PathBuf,
) {
    let path = link(name);
    let sim = ReaderSim::spawn(&path).unwrap();
    let (svc, rx) = service(&path);
    (sim, rx, tokio::spawn(svc.run()), path)
}

#[tokio::test]
async fn a_card_is_read_once_per_insertion_and_its_removal_is_published() {
    let (sim, mut rx, task, _) = running("normal");
    assert!(wait_for(&mut rx, Duration::from_secs(10), is_online)
        .await
        .is_some());

    sim.insert(sample_cards()[2].record.clone());
    let (ev, _) = wait_for(&mut rx, Duration::from_secs(10), |e| {
        matches!(e, DeviceEvent::CardInserted(_))
    })
    .await
    .expect("card read");
    let DeviceEvent::CardInserted(card) = ev else {
        unreachable!()
    };
    assert_eq!(
        card.id_number.expose(),
        sample_cards()[2].record.id_number.expose()
    );
    // Still on the reader: no second read.
    let later = drain(&mut rx, Duration::from_millis(1200)).await;
    assert!(
        !later
            .iter()
            .any(|e| matches!(e, DeviceEvent::CardInserted(_))),
        "{later:?}"
    );

    sim.remove();
    assert!(wait_for(&mut rx, Duration::from_secs(10), |e| matches!(
        e,
        DeviceEvent::CardRemoved
    ))
    .await
    .is_some());
    sim.insert(sample_cards()[0].record.clone());
    assert!(wait_for(&mut rx, Duration::from_secs(10), |e| matches!(
        e,
        DeviceEvent::CardInserted(_)
    ))
    .await
    .is_some());
    task.abort();
}

#[tokio::test]
async fn noise_and_a_bad_checksum_are_survived() {
    let path = link("noise");
    let sim = ReaderSim::spawn(&path).unwrap();
    let mut reader = Reader::new(path.to_string_lossy(), 115_200);
    sim.insert(sample_cards()[1].record.clone());
    sim.inject(Fault::NoiseBefore(vec![
        0x00, 0xAA, 0xAA, 0x13, 0x96, 0x69, 0xFF,
    ]));
    sim.inject(Fault::BadChecksum);
    sim.inject(Fault::NoiseBefore(vec![0xAA; 40]));
    let card = reader
        .read_card()
        .await
        .expect("read despite noise and one bad frame");
    assert_eq!(
        card.record.name.expose(),
        sample_cards()[1].record.name.expose()
    );
}

#[tokio::test]
async fn a_truncated_frame_times_out_and_the_next_command_works() {
    let path = link("truncated");
    let sim = ReaderSim::spawn(&path).unwrap();
    let mut reader = Reader::new(path.to_string_lossy(), 115_200);
    sim.insert(sample_cards()[0].record.clone());
    assert!(reader.find(Duration::from_secs(1)).await.unwrap());
    assert!(reader.select().await.unwrap());
    sim.inject(Fault::Truncate);
    let err = reader
        .read(false)
        .await
        .err()
        .expect("truncated read fails");
    assert!(matches!(err, DeviceError::Timeout(_)), "{err}");
    assert!(reader.select().await.unwrap());
    assert!(reader.read(false).await.is_ok());
}

#[tokio::test]
async fn a_slow_reader_still_reads() {
    let path = link("slow");
    let sim = ReaderSim::spawn(&path).unwrap();
    sim.set_behaviour(Behaviour::Slow(Duration::from_millis(400)));
    sim.insert(sample_cards()[3].record.clone());
    let mut reader = Reader::new(path.to_string_lossy(), 115_200);
    assert!(reader.read_card().await.is_ok());
}

#[tokio::test]
async fn the_line_speed_is_found_by_trying_the_rates() {
    let path = link("baud");
    let sim = ReaderSim::spawn(&path).unwrap();
    sim.set_line_speed(19_200);
    let mut reader = Reader::new(path.to_string_lossy(), 115_200);
    assert!(
        reader.sam_status(Duration::from_millis(300)).await.is_err(),
        "wrong speed gives no answer"
    );
    assert_eq!(reader.detect_baud().await.unwrap(), 19_200);
    assert!(reader.sam_id().await.unwrap().starts_with("05.01-"));
    reader.set_line_speed(115_200).await.unwrap();
    reader.sam_status(Duration::from_millis(300)).await.unwrap();
    drop(reader);

    // The service finds it too and says it is online.
    sim.set_line_speed(9_600);
    let (svc, mut rx) = service(&path);
    let task = tokio::spawn(svc.run());
    assert!(wait_for(&mut rx, Duration::from_secs(4), is_online)
        .await
        .is_some());
    task.abort();
}

#[tokio::test]
async fn a_silent_reader_is_down_and_recovers_by_itself() {
    let (sim, mut rx, task, _) = running("silent");
    survives_silence_and_unplugging(&sim, &mut rx).await;
    task.abort();
}

#[tokio::test]
async fn unplugged_in_the_middle_of_a_read_and_back_again() {
    let (sim, mut rx, task, path) = running("unplug");
    assert!(wait_for(&mut rx, Duration::from_secs(10), is_online)
        .await
        .is_some());
    sim.unplug_during_next_read();
    sim.insert(sample_cards()[0].record.clone());
    let mut events = drain(&mut rx, Duration::from_secs(2)).await;
    let down = events
        .iter()
        .find(|e| is_down(e))
        .expect("down after unplug")
        .clone();
    let DeviceEvent::Health {
        health: kiosk_drivers::Health::Down { reason },
        ..
    } = down
    else {
        unreachable!()
    };
    assert!(reason.contains(&*path.to_string_lossy()), "{reason}");
    assert!(
        !events
            .iter()
            .any(|e| matches!(e, DeviceEvent::CardInserted(_))),
        "half a read is no read"
    );
    sim.replug();
    events.extend(drain(&mut rx, Duration::from_secs(3)).await);
    assert!(
        is_online(events.last().unwrap()) || events.iter().rev().any(is_online),
        "{events:?}"
    );
    let reads = events
        .iter()
        .filter(|e| matches!(e, DeviceEvent::CardInserted(_)))
        .count();
    assert_eq!(
        reads, 1,
        "the card is read once, after the reader is back: {events:?}"
    );
    task.abort();
}

#[tokio::test]
async fn a_card_that_will_not_read_is_reported_once_and_read_when_it_can() {
    let (sim, mut rx, task, _) = running("fails");
    assert!(wait_for(&mut rx, Duration::from_secs(10), is_online)
        .await
        .is_some());
    sim.fail_reads(5);
    sim.insert(sample_cards()[1].record.clone());
    let events = drain(&mut rx, Duration::from_secs(4)).await;
    let problems = events
        .iter()
        .filter(|e| {
            matches!(
                e,
                DeviceEvent::CardUnreadable(kiosk_drivers::CardProblem::ReadFailed)
            )
        })
        .count();
    assert_eq!(problems, 1, "{events:?}");
    assert_eq!(
        events
            .iter()
            .filter(|e| matches!(e, DeviceEvent::CardInserted(_)))
            .count(),
        1,
        "{events:?}"
    );
    task.abort();
}

#[tokio::test]
async fn permits_and_foreigners_cards_read_over_the_line_with_their_own_fields() {
    let (sim, mut rx, task, _) = running("foreign");
    for sample in sample_cards().into_iter().skip(5) {
        let want = sample.record;
        sim.insert(want.clone());
        let (e, _) = wait_for(&mut rx, Duration::from_secs(4), |e| {
            matches!(
                e,
                DeviceEvent::CardInserted(_) | DeviceEvent::CardUnreadable(_)
            )
        })
        .await
        .expect("reported");
        let DeviceEvent::CardInserted(got) = e else {
            panic!("{:?} not read: {e:?}", want.card_type);
        };
        assert_eq!(got.card_type, want.card_type);
        assert_eq!(got.name.expose(), want.name.expose());
        assert_eq!(got.id_number.expose(), want.id_number.expose());
        assert_eq!(
            got.foreign.as_ref().map(|f| f.nationality.clone()),
            want.foreign.as_ref().map(|f| f.nationality.clone())
        );
        assert_eq!(
            got.permit.as_ref().map(|p| p.pass_number.expose().clone()),
            want.permit.as_ref().map(|p| p.pass_number.expose().clone())
        );
        sim.remove();
        wait_for(&mut rx, Duration::from_secs(4), |e| {
            matches!(e, DeviceEvent::CardRemoved)
        })
        .await
        .expect("removed");
    }
    task.abort();
}

#[tokio::test]
async fn reset_and_a_read_with_fingerprint_work_over_the_line() {
    let path = link("fingerprint");
    let sim = ReaderSim::spawn(&path).unwrap();
    let mut reader = Reader::new(path.to_string_lossy(), 115_200);
    reader.reset().await.unwrap();
    sim.insert(sample_cards()[2].record.clone());
    assert!(reader.find(Duration::from_secs(1)).await.unwrap());
    assert!(reader.select().await.unwrap());
    let read = reader.read(true).await.unwrap();
    assert_eq!(read.fingerprint.map(|f| f.len()), Some(1024));
    assert_eq!(read.record.photo_wlt.expose().len(), 1024);
}
