//! A4 printing over IPP: against a real IPP Everywhere printer (CUPS's ippeveprinter) and against the simulated
//! printer for the faults a real one cannot be made to show on demand.

mod common;

use common::{drain, wait_for};
use kiosk_drivers::a4::driver::{A4Printer, Document, JobLimits};
use kiosk_drivers::a4::ippeve::IppEvePrinter;
use kiosk_drivers::a4::service::A4Service;
use kiosk_drivers::a4::sim::A4Sim;
use kiosk_drivers::a4::{Condition, JobState};
use kiosk_drivers::{DeviceError, DeviceEvent, DeviceId, Health, PaperState};
use std::time::Duration;
use tokio::time::Instant;

/// A small valid one-page PDF with an id in it, so two documents differ.
fn pdf(id: &str) -> Vec<u8> {
    format!(
        "%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n3 0 obj<</Type/Page/MediaBox[0 0 595 842]/Parent 2 0 R>>endobj\n% {id}\ntrailer<</Root 1 0 R>>\n%%EOF\n"
    )
    .into_bytes()
}

fn quick() -> JobLimits {
    JobLimits {
        poll: Duration::from_millis(100),
        give_up: Duration::from_secs(20),
    }
}

#[tokio::test]
async fn a_pdf_sent_to_a_real_ipp_printer_arrives_as_sent() {
    let printer = IppEvePrinter::start("KioskTestA4").expect("ippeveprinter");
    let a4 = A4Printer::new(&printer.uri()).unwrap();
    let status = a4.status().await.expect("status");
    assert_eq!(status.refusal(), None, "{status:?}");
    assert_eq!(status.health(), Health::Online);

    let doc = pdf("first document");
    let mut states = Vec::new();
    let report = a4
        .print(&Document::new("receipt", doc.clone()), quick(), |_, s| {
            states.push(s.state)
        })
        .await
        .expect("printed");
    assert_eq!(states.last(), Some(&JobState::Completed), "{states:?}");
    assert!(report.job_id > 0);
    assert_eq!(
        printer.documents(),
        vec![doc],
        "the spooled file is the document sent"
    );
}

#[tokio::test]
async fn a_missing_printer_fails_at_once_with_its_address() {
    // A port nobody listens on.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let uri = format!("ipp://127.0.0.1:{port}/ipp/print");
    let a4 = A4Printer::new(&uri).unwrap();
    let start = Instant::now();
    let e = a4
        .print(&Document::new("x", pdf("x")), quick(), |_, _| {})
        .await
        .unwrap_err();
    // Generous: a refused connection fails at once; the bound only catches a hang.
    assert!(start.elapsed() < Duration::from_secs(15));
    assert!(matches!(e, DeviceError::NotConnected { .. }), "{e:?}");
    assert!(e.to_string().contains(&uri), "{e}");
}

#[tokio::test]
async fn a_stopped_printer_ends_the_job_with_an_error_and_nothing_hangs() {
    let printer = IppEvePrinter::start("KioskStoppedA4").expect("ippeveprinter");
    let a4 = A4Printer::new(&printer.uri())
        .unwrap()
        .with_timeout(Duration::from_secs(2));
    a4.status().await.expect("answers before it is stopped");
    // SIGSTOP: the kernel still accepts connections, the printer answers nothing.
    let pid = printer.pid().to_string();
    assert!(std::process::Command::new("kill")
        .args(["-STOP", &pid])
        .status()
        .unwrap()
        .success());
    let start = Instant::now();
    let e = a4
        .print(&Document::new("x", pdf("x")), quick(), |_, _| {})
        .await
        .unwrap_err();
    let _ = std::process::Command::new("kill")
        .args(["-CONT", &pid])
        .status();
    assert!(
        start.elapsed() < Duration::from_secs(15),
        "{:?}",
        start.elapsed()
    );
    assert!(matches!(e, DeviceError::Timeout(2000)), "{e:?}");
}

#[test]
fn unusable_uris_are_refused_with_the_reason() {
    for (uri, why) in [
        ("ipps://printer/ipp/print", "TLS"),
        ("lpd://printer/queue", "ipp://"),
        ("not a uri", "URI"),
    ] {
        let e = A4Printer::new(uri).err().unwrap();
        assert!(e.to_string().contains(why), "{uri}: {e}");
    }
}

#[tokio::test]
async fn the_simulated_printer_prints_and_refuses_for_its_conditions() {
    let sim = A4Sim::spawn().unwrap();
    sim.set_print_time(Duration::from_millis(200));
    let a4 = A4Printer::new(&sim.uri()).unwrap();
    a4.print(&Document::new("one", pdf("one")), quick(), |_, _| {})
        .await
        .expect("printed");
    assert_eq!(sim.printed().len(), 1);
    assert_eq!(sim.printed()[0].pdf.as_ref(), pdf("one").as_slice());
    assert_eq!(sim.printed()[0].name, "one");

    sim.set_condition(Condition::MediaEmpty, true);
    let e = a4
        .print(&Document::new("two", pdf("two")), quick(), |_, _| {})
        .await
        .unwrap_err();
    assert_eq!(e.to_string(), "out of paper");
    sim.set_condition(Condition::MediaEmpty, false);

    sim.set_reject_documents(true);
    let e = a4
        .print(&Document::new("bad", pdf("bad")), quick(), |_, _| {})
        .await
        .unwrap_err();
    assert!(matches!(e, DeviceError::Unsupported(_)), "{e:?}");
    assert!(e.to_string().contains("not a PDF"), "{e}");
    sim.set_reject_documents(false);

    let e = a4
        .print(
            &Document::new("text", b"hello".to_vec()),
            quick(),
            |_, _| {},
        )
        .await
        .unwrap_err();
    assert!(matches!(e, DeviceError::Unsupported(_)), "{e:?}");
    assert_eq!(sim.printed().len(), 1, "nothing else printed");
}

#[tokio::test]
async fn a_job_stopped_by_an_open_door_goes_on_when_it_is_shut_and_one_left_stopped_is_cancelled() {
    let sim = A4Sim::spawn().unwrap();
    sim.set_print_time(Duration::from_millis(600));
    let a4 = A4Printer::new(&sim.uri()).unwrap();
    let (tx, mut states) = tokio::sync::mpsc::unbounded_channel();
    let job = {
        let a4 = a4.clone();
        tokio::spawn(async move {
            a4.print(&Document::new("form", pdf("form")), quick(), |_, s| {
                let _ = tx.send(s.state);
            })
            .await
        })
    };
    // Open the door while it prints.
    loop {
        if states.recv().await == Some(JobState::Processing) {
            break;
        }
    }
    sim.set_condition(Condition::DoorOpen, true);
    loop {
        if states.recv().await == Some(JobState::Stopped) {
            break;
        }
    }
    sim.set_condition(Condition::DoorOpen, false);
    job.await
        .unwrap()
        .expect("completed once the door was shut");
    assert_eq!(sim.printed().len(), 1);

    sim.set_condition(Condition::Jam, true);
    // The check before submitting refuses; a jam that comes after submitting leaves the job stopped.
    let e = a4
        .print(&Document::new("x", pdf("x")), quick(), |_, _| {})
        .await
        .unwrap_err();
    assert_eq!(e.to_string(), "paper jam");
    sim.set_condition(Condition::Jam, false);
    let limits = JobLimits {
        poll: Duration::from_millis(100),
        give_up: Duration::from_millis(1500),
    };
    let stuck = {
        let a4 = a4.clone();
        tokio::spawn(async move {
            a4.print(&Document::new("y", pdf("y")), limits, |_, _| {})
                .await
        })
    };
    // Jammed once the printer is printing the job, not before.
    let taken = tokio::time::Instant::now() + Duration::from_secs(10);
    while sim.printing_jobs() == 0 && tokio::time::Instant::now() < taken {
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    assert_eq!(sim.printing_jobs(), 1, "the printer prints the job");
    sim.set_condition(Condition::Jam, true);
    let e = stuck.await.unwrap().unwrap_err();
    assert!(e.to_string().contains("cancelled"), "{e}");
    assert!(e.to_string().contains("paper jam"), "{e}");
    // Cancelled means finished at the printer: with no job left, nothing can print once the jam is cleared.
    assert_eq!(
        sim.unfinished_jobs(),
        0,
        "the job was cancelled at the printer"
    );
    sim.set_condition(Condition::Jam, false);
    assert_eq!(sim.printed().len(), 1, "the cancelled job never prints");
}

#[tokio::test]
async fn the_service_reports_conditions_and_health_once_each_and_recovers_after_unplugging() {
    let sim = A4Sim::spawn().unwrap();
    sim.set_print_time(Duration::from_millis(100));
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
    let id = DeviceId("a4".into());
    let (svc, handle) = A4Service::new(id, A4Printer::new(&sim.uri()).unwrap(), tx);
    tokio::spawn(svc.run());
    wait_for(&mut rx, Duration::from_secs(10), common::is_online)
        .await
        .expect("online");

    let report = handle
        .print(Document::new("receipt", pdf("r")))
        .await
        .expect("printed");
    assert!(report.job_id > 0);
    // Job states arrive as events.
    let events = drain(&mut rx, Duration::from_millis(300)).await;
    assert!(events.iter().any(|e| matches!(
        e,
        DeviceEvent::PrintJob {
            state: JobState::Completed,
            ..
        }
    )));

    sim.set_condition(Condition::MediaLow, true);
    sim.set_condition(Condition::TonerLow, true);
    let events = drain(&mut rx, Duration::from_millis(4500)).await;
    let low: Vec<_> = events
        .iter()
        .filter(|e| matches!(e, DeviceEvent::PrinterCondition { present: true, .. }))
        .collect();
    assert_eq!(low.len(), 2, "each condition once: {events:?}");
    assert_eq!(
        events
            .iter()
            .filter(|e| matches!(
                e,
                DeviceEvent::Paper {
                    state: PaperState::NearEnd,
                    ..
                }
            ))
            .count(),
        1
    );
    assert_eq!(
        events
            .iter()
            .filter(|e| matches!(
                e,
                DeviceEvent::Health {
                    health: Health::Degraded { .. },
                    ..
                }
            ))
            .count(),
        1,
        "{events:?}"
    );

    sim.unplug();
    let (down, _) = wait_for(&mut rx, Duration::from_secs(5), common::is_down)
        .await
        .expect("down when unplugged");
    assert!(
        format!("{down:?}").contains("cannot reach the printer"),
        "{down:?}"
    );
    let e = handle
        .print(Document::new("x", pdf("x")))
        .await
        .unwrap_err();
    assert!(matches!(e, DeviceError::NotConnected { .. }), "{e:?}");
    sim.replug().unwrap();
    // Back: still toner low (degraded), and the conditions are told afresh.
    wait_for(&mut rx, Duration::from_secs(5), |e| {
        matches!(
            e,
            DeviceEvent::Health {
                health: Health::Degraded { .. },
                ..
            }
        )
    })
    .await
    .expect("back after replugging");
}
