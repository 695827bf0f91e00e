//! Personal data never reaches a log record in clear, whatever the record formats.

use kiosk_drivers::sim::sample_cards;
use kiosk_drivers::{DeviceEvent, ScanPayload};
use std::io::Write;
use std::sync::{Arc, Mutex};

#[derive(Clone, Default)]
struct Buffer(Arc<Mutex<Vec<u8>>>);

impl Write for Buffer {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0
            .lock()
            .map_err(|_| std::io::Error::other("poisoned"))?
            .extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[test]
fn records_holding_a_resident_show_none_of_their_data() {
    let buffer = Buffer::default();
    let writer = buffer.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        // No timestamps: their digits could hold a four-digit secret by chance.
        .without_time()
        .with_writer(move || writer.clone())
        .finish();
    let card = sample_cards().remove(0);
    let id = card.record.id_number.expose().as_str().to_string();
    let name = card.record.name.expose().clone();
    let address = card.record.address.expose().clone();
    tracing::subscriber::with_default(subscriber, || {
        tracing::info!(record = ?card.record, "card read");
        tracing::info!(name = %card.record.name, address = %card.record.address, "fields");
        tracing::debug!(event = ?DeviceEvent::CardInserted(Box::new(card.record.clone())), "device event");
        let scan = ScanPayload::classify("https://ssm.example.invalid/c/SECRET-TOKEN");
        tracing::debug!(?scan, "scan");
        tracing::warn!("{:?} {}", card.record.id_number, card.record.id_number);
    });
    let out = String::from_utf8(buffer.0.lock().expect("lock").clone()).expect("utf8");
    assert!(
        out.contains("card read") && out.contains("device event"),
        "records were written:\n{out}"
    );
    // The masked number keeps the area code and the last four; the birth date and the sequence in between
    // (each part on its own too) are what must never show (the area code alone would also be in any Yangpu address).
    for secret in [
        id.as_str(),
        &id[6..14],
        &id[6..10],
        &id[10..14],
        name.as_str(),
        address.as_str(),
        "SECRET-TOKEN",
    ] {
        assert!(
            !out.contains(secret),
            "{secret:?} leaked into the log:\n{out}"
        );
    }
    assert!(out.contains("redacted"));
}
