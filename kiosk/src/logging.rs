//! Logging through `tracing`: readable lines on a terminal, the journal under systemd, `RUST_LOG` respected.
//! Personal data never reaches a record in clear: it travels in `kiosk_drivers::Sensitive`.

use tracing_subscriber::{layer::SubscriberExt, util::SubscriberInitExt, EnvFilter, Layer};

/// Installs the global subscriber. Under systemd (which sets `JOURNAL_STREAM`) records go to the journal with
/// their fields; elsewhere to standard error.
pub fn init() {
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info"));
    let journald = std::env::var_os("JOURNAL_STREAM").and_then(|_| tracing_journald::layer().ok());
    let registry = tracing_subscriber::registry().with(filter);
    let result = match journald {
        Some(layer) => registry
            .with(layer.with_syslog_identifier("kiosk".into()).boxed())
            .try_init(),
        None => registry
            .with(
                tracing_subscriber::fmt::layer()
                    .with_writer(std::io::stderr)
                    .boxed(),
            )
            .try_init(),
    };
    // A subscriber already set (tests) is fine: logging goes there.
    let _ = result;
}
