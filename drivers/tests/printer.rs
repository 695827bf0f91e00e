//! The receipt printer driver against the simulated printer over a pseudo-terminal pair.

mod common;

use common::*;
use kiosk_drivers::printer::driver::{PrinterService, ReceiptPrinter};
use kiosk_drivers::printer::protocol::{Completion, Layout, Receipt};
use kiosk_drivers::printer::sim::PrinterSim;
use kiosk_drivers::{DeviceError, DeviceEvent, DeviceId, Health, PaperState};
use std::time::Duration;
use tokio::sync::mpsc::unbounded_channel;

fn receipt() -> Receipt {
    Receipt::new()
        .title("杨浦区政务服务")
        .row("事项", "社保缴费记录打印")
        .row("办件编号", "YP2026112800017")
        .qr("https://zwfw.example.invalid/q/YP2026112800017")
}

/// A simulated device and its service on it, running.
fn running(
    name: &str,
) -> (
    PrinterSim,
    tokio::sync::mpsc::UnboundedReceiver<DeviceEvent>,
    kiosk_drivers::printer::driver::PrinterHandle,
    tokio::task::JoinHandle<()>,
) {
    let path = link(name);
    let sim = PrinterSim::spawn(&path, 115_200).unwrap();
    let (tx, rx) = unbounded_channel();
    let (svc, handle) = PrinterService::new(
        DeviceId("receipt".into()),
        ReceiptPrinter::new(path.to_string_lossy(), 115_200, Layout::default()),
        tx,
    );
    (sim, rx, handle, tokio::spawn(svc.run()))
}

#[tokio::test]
async fn a_receipt_is_printed_cut_and_confirmed() {
    let path = link("printer-ok");
    let sim = PrinterSim::spawn(&path, 115_200).unwrap();
    let mut p = ReceiptPrinter::new(path.to_string_lossy(), 115_200, Layout::default());
    let report = p.print(&receipt()).await.expect("printed");
    assert_eq!(report.status_after.map(|s| s.paper), Some(PaperState::Ok));
    let printed = sim.printed();
    assert_eq!(printed.len(), 1);
    assert!(printed[0].cut);
    assert_eq!(printed[0].lines[0], "杨浦区政务服务");
    assert!(printed[0]
        .lines
        .iter()
        .any(|l| l.starts_with("办件编号") && l.ends_with("YP2026112800017")));
    assert_eq!(
        printed[0].qr_codes,
        vec!["https://zwfw.example.invalid/q/YP2026112800017".to_string()]
    );
}

/// A printer that answers DLE EOT but not GS ( H (many sold in China): the job's end is found by probing once,
/// the receipt prints once and is reported printed, and the next job does not probe again.
#[tokio::test]
async fn a_printer_without_job_replies_prints_with_success_by_status() {
    let path = link("printer-status-only");
    let sim = PrinterSim::spawn(&path, 115_200).unwrap();
    sim.set_job_replies(false);
    let mut p = ReceiptPrinter::new(path.to_string_lossy(), 115_200, Layout::default());
    let report = p.print(&receipt()).await.expect("printed, not failed");
    assert_eq!(report.completion, Completion::StatusPolling);
    assert_eq!(p.completion(), Some(Completion::StatusPolling));
    assert_eq!(sim.printed().len(), 1, "printed once");
    assert!(sim.printed()[0].cut);
    p.print(&receipt()).await.expect("the second prints too");
    assert_eq!(sim.printed().len(), 2);

    // An Epson-like printer is found to answer, and its replies are used.
    let path = link("printer-job-reply");
    let _epson = PrinterSim::spawn(&path, 115_200).unwrap();
    let mut p = ReceiptPrinter::new(path.to_string_lossy(), 115_200, Layout::default());
    assert_eq!(
        p.print(&receipt()).await.expect("printed").completion,
        Completion::JobReply
    );

    // The profile can say so and nothing is probed: a status-only printer told "job-reply" is not
    // believed to have printed (it never answers), one told "status-polling" prints.
    let path = link("printer-told");
    let told = PrinterSim::spawn(&path, 115_200).unwrap();
    told.set_job_replies(false);
    let mut p = ReceiptPrinter::new(path.to_string_lossy(), 115_200, Layout::default())
        .with_completion(Some(Completion::StatusPolling));
    assert_eq!(
        p.print(&receipt()).await.expect("printed").completion,
        Completion::StatusPolling
    );
}

#[tokio::test]
async fn no_job_starts_without_paper_and_the_reason_is_given() {
    let path = link("printer-out");
    let sim = PrinterSim::spawn(&path, 115_200).unwrap();
    sim.set_paper(PaperState::Out);
    let mut p = ReceiptPrinter::new(path.to_string_lossy(), 115_200, Layout::default());
    match p.print(&receipt()).await {
        Err(DeviceError::NotReady(why)) => assert!(why.contains("out of paper"), "{why}"),
        other => panic!("expected a refusal, got {other:?}"),
    }
    sim.set_paper(PaperState::Ok);
    sim.set_cover_open(true);
    match p.print(&receipt()).await {
        Err(DeviceError::NotReady(why)) => assert!(why.contains("cover"), "{why}"),
        other => panic!("expected a refusal, got {other:?}"),
    }
    assert!(sim.printed().is_empty());
}

#[tokio::test]
async fn status_changes_become_events_and_jobs_go_through_the_service() {
    let (sim, mut rx, handle, task) = running("printer-svc");
    assert!(wait_for(&mut rx, Duration::from_secs(10), is_online)
        .await
        .is_some());
    sim.set_paper(PaperState::NearEnd);
    assert!(wait_for(&mut rx, Duration::from_secs(10), |e| matches!(
        e,
        DeviceEvent::Paper {
            state: PaperState::NearEnd,
            ..
        }
    ))
    .await
    .is_some());
    handle
        .print(receipt())
        .await
        .expect("printed through the service");
    sim.set_paper(PaperState::Out);
    assert!(wait_for(&mut rx, Duration::from_secs(10), |e| matches!(
        e,
        DeviceEvent::Paper {
            state: PaperState::Out,
            ..
        }
    ))
    .await
    .is_some());
    assert!(matches!(
        handle.print(receipt()).await,
        Err(DeviceError::NotReady(_))
    ));
    sim.set_paper(PaperState::Ok);
    sim.set_cover_open(true);
    let (e, _) = wait_for(&mut rx, Duration::from_secs(10), is_down)
        .await
        .expect("cover open is down");
    assert!(
        matches!(e, DeviceEvent::Health { health: Health::Down { reason }, .. } if reason.contains("cover"))
    );
    sim.set_cover_open(false);
    assert!(wait_for(&mut rx, Duration::from_secs(10), is_online)
        .await
        .is_some());
    task.abort();
}

#[tokio::test]
async fn a_silent_or_unplugged_printer_is_down_and_comes_back() {
    let (sim, mut rx, handle, task) = running("printer-gone");
    survives_silence_and_unplugging(&sim, &mut rx).await;
    handle
        .print(receipt())
        .await
        .expect("prints after coming back");
    task.abort();
}
