//! Submitting a case and printing what it gives.

use super::*;

impl Kiosk {
    /// Sends a case with [`deliver`] on the runtime; its answer comes back to the core as an input. A
    /// document to print cannot wait for the network: a print item is sent only, never queued.
    pub(super) fn submit(&self, submit: Submit) {
        let key = submit.request.idempotency_key.clone();
        let terminal = self.terminal_title.clone();
        let services = self.services.borrow().clone();
        let Some((runtime, Some(platform))) = services.map(|s| (s.runtime, s.platform)) else {
            self.handle(Input::Submitted {
                key,
                reply: Err(PlatformError::Unreachable(
                    "no platform configured on this terminal".into(),
                )),
                wall: String::new(),
            });
            return;
        };
        let inbox = self.inbox.clone();
        let outbox = self
            .outbox()
            .filter(|_| submit.request.kind != kiosk_api::ItemKind::Print);
        runtime.spawn(async move {
            let answer = deliver(submit, platform, outbox, terminal).await;
            inbox.post(move |k| k.handle(answer));
        });
    }
}

/// A submission from start to answer, as an input for the core: the application PDF rendered (with the
/// signature drawn in) off the async workers, the case committed to the outbox before anything else (a power
/// cut after that loses nothing; `None` for a print item, which cannot wait for the network), then sent.
/// The answer is `Input::Submitted`, or `Input::Queued` with the provisional number when the platform cannot
/// take it now and the outbox keeps it.
pub async fn deliver(
    submit: Submit,
    platform: Platform,
    outbox: Option<crate::platform::outbox::Outbox>,
    terminal_title: String,
) -> Input {
    let key = submit.request.idempotency_key.clone();
    let wall = local_now();
    let shown = wall.format("%Y-%m-%d %H:%M").to_string();
    let mut request = submit.request;
    let mut uploads = submit.uploads;
    request.submitted_at = wall.to_rfc3339();
    let strokes = submit.strokes;
    let written = submit.written;
    let pdf_input = (request.clone(), shown.clone(), terminal_title);
    let rendered = tokio::task::spawn_blocking(move || {
        let (mut request, shown, terminal) = pdf_input;
        // Drawn once: the same signature goes on the application and on every text written for it.
        let signature = crate::view::paperwork::signature_image(&strokes);
        // The texts written for the resident first: each is a material of the case, listed on its application.
        let mut pdfs = Vec::new();
        for w in &written {
            match crate::view::paperwork::written_pdf(
                w,
                &request,
                signature.clone(),
                &shown,
                &terminal,
            ) {
                Ok(bytes) => pdfs.push(kiosk_api::Upload {
                    name: w.name.clone(),
                    media_type: "application/pdf".into(),
                    bytes,
                }),
                // Without it a clerk asks for it (补正); the case itself is not lost.
                Err(e) => {
                    tracing::error!(error = %e, material = %w.name, "written text not rendered")
                }
            }
        }
        request.materials.extend(pdfs.iter().map(|u| u.reference()));
        let application =
            crate::view::paperwork::application_pdf(&request, signature, &shown, &terminal);
        (request, pdfs, application)
    })
    .await;
    match rendered {
        Ok((rendered_request, pdfs, application)) => {
            request = rendered_request;
            uploads.extend(pdfs);
            match application {
                Ok(bytes) => {
                    let pdf = kiosk_api::Upload {
                        name: "申请表".into(),
                        media_type: "application/pdf".into(),
                        bytes,
                    };
                    request.application_pdf = Some(pdf.reference());
                    uploads.push(pdf);
                }
                // The case goes without its PDF rather than not at all; the platform has every field.
                Err(e) => tracing::error!(error = %e, "application PDF not rendered"),
            }
        }
        Err(e) => tracing::error!(error = %e, "application PDF task failed"),
    }
    let committed = match &outbox {
        Some(o) => {
            let (o, r, u) = (o.clone(), request.clone(), uploads.clone());
            match tokio::task::spawn_blocking(move || {
                o.commit_case(&r, &u, std::time::Duration::from_secs(30))
            })
            .await
            {
                Ok(Ok(provisional)) => Some(provisional),
                Ok(Err(e)) => {
                    tracing::error!(error = %e, "case not committed to the store");
                    None
                }
                Err(e) => {
                    tracing::error!(error = %e, "store task failed");
                    None
                }
            }
        }
        None => None,
    };
    let materials: Vec<(String, Vec<u8>)> = uploads
        .into_iter()
        .map(|u| (u.reference().sha256, u.bytes))
        .collect();
    let reply = platform.deliver(&request, &materials).await;
    if let (Some(o), Some(_)) = (&outbox, &committed) {
        o.settle(&key, &reply);
    }
    match (reply, committed) {
        (Err(e), Some(provisional)) if e.is_transient() => Input::Queued {
            key,
            provisional,
            wall: shown,
        },
        (reply, _) => Input::Submitted {
            key,
            reply,
            wall: shown,
        },
    }
}

impl Kiosk {
    /// Prints the receipt and the document of a case; each printer's answer goes back to the session.
    pub(super) fn print(&self, p: Printout) {
        let services = self.services.borrow().clone();
        let runtime = services.as_ref().map(|s| s.runtime.clone());
        let receipt_printer = services.as_ref().and_then(|s| s.receipt.clone());
        let a4 = services.as_ref().and_then(|s| s.a4.clone());
        let Some(runtime) = runtime else {
            for (printer, wanted) in [
                (Printer::Receipt, p.receipt.is_some()),
                (Printer::A4, p.document.is_some()),
            ] {
                if wanted {
                    self.handle(Input::Printed {
                        key: p.key.clone(),
                        printer,
                        result: Err("no printer runtime".into()),
                    });
                }
            }
            return;
        };
        if let Some(receipt) = p.receipt {
            let key = p.key.clone();
            let inbox = self.inbox.clone();
            runtime.spawn(async move {
                let result = match receipt_printer {
                    Some(h) => h
                        .print(receipt)
                        .await
                        .map(|_| ())
                        .map_err(|e| e.to_string()),
                    None => Err("no receipt printer".into()),
                };
                if let Err(e) = &result {
                    tracing::warn!(error = %e, "receipt not printed");
                }
                inbox.post(move |k| {
                    if result.is_ok() {
                        k.count_printed(crate::maintenance::Consumable::Receipt);
                    }
                    k.handle(Input::Printed {
                        key,
                        printer: Printer::Receipt,
                        result,
                    })
                });
            });
        }
        if let Some(document) = p.document {
            let key = p.key.clone();
            let inbox = self.inbox.clone();
            runtime.spawn(async move {
                let result = match a4 {
                    Some(h) => {
                        let pdf = tokio::task::spawn_blocking(move || {
                            crate::view::paperwork::issued_pdf(&document)
                        })
                        .await
                        .map_err(|e| e.to_string())
                        .and_then(|r| r.map_err(|e| e.to_string()));
                        match pdf {
                            Ok((name, pdf)) => h
                                .print(kiosk_drivers::a4::driver::Document::new(name, pdf))
                                .await
                                .map(|_| ())
                                .map_err(|e| e.to_string()),
                            Err(e) => Err(e),
                        }
                    }
                    None => Err("no A4 printer".into()),
                };
                if let Err(e) = &result {
                    tracing::warn!(error = %e, "document not printed");
                }
                inbox.post(move |k| {
                    if result.is_ok() {
                        k.count_printed(crate::maintenance::Consumable::A4);
                    }
                    k.handle(Input::Printed {
                        key,
                        printer: Printer::A4,
                        result,
                    })
                });
            });
        }
    }
}
