//! Logging through `tracing`: readable lines on a terminal, the journal under systemd, `RUST_LOG` respected.
//! Personal data never reaches a record in clear: it travels in `kiosk_drivers::Sensitive`.

use tracing_subscriber::filter::{LevelFilter, Targets};
use tracing_subscriber::{layer::SubscriberExt, util::SubscriberInitExt, Layer};

/// What is recorded: `RUST_LOG` as targets and levels (`warn`, `kiosk=debug,info`), else everything from info up.
/// Targets, not `EnvFilter`: its span and field filters need a regex engine in the board's binary (0.3 MB of its
/// size budget) and nobody filters a terminal's log by span.
fn filter() -> Targets {
    std::env::var("RUST_LOG")
        .ok()
        .and_then(|directives| directives.parse().ok())
        .unwrap_or_else(|| Targets::new().with_default(LevelFilter::INFO))
}

/// Installs the global subscriber. Under systemd (which sets `JOURNAL_STREAM`) records go to the journal with
/// their fields; elsewhere to standard error.
pub fn init() {
    let filter = filter();
    let journald = std::env::var_os("JOURNAL_STREAM").and_then(|_| tracing_journald::layer().ok());
    let registry = tracing_subscriber::registry().with(filter).with(Recent);
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

/// Only the lines the maintenance menu shows, nothing printed: for headless runs (the end-to-end tests)
/// that look at the menu's log section. A subscriber already set wins.
pub fn keep_recent() {
    let _ = tracing_subscriber::registry()
        .with(Targets::new().with_default(LevelFilter::INFO))
        .with(Recent)
        .try_init();
}

/// How many log lines the maintenance menu can show.
pub const RECENT_LINES: usize = 200;

fn recent_lines() -> &'static std::sync::Mutex<std::collections::VecDeque<String>> {
    static LINES: std::sync::OnceLock<std::sync::Mutex<std::collections::VecDeque<String>>> =
        std::sync::OnceLock::new();
    LINES.get_or_init(Default::default)
}

/// The last log lines, newest last (what the journal has too; for the technician at the screen). They hold no
/// personal data in clear, as every log line.
pub fn recent() -> Vec<String> {
    recent_lines()
        .lock()
        .map(|l| l.iter().cloned().collect())
        .unwrap_or_default()
}

/// Keeps the last [`RECENT_LINES`] records as text.
struct Recent;

struct Line(String);

impl tracing::field::Visit for Line {
    fn record_debug(&mut self, field: &tracing::field::Field, value: &dyn std::fmt::Debug) {
        if field.name() == "message" {
            self.0.push_str(&format!(" {value:?}"));
        } else {
            self.0.push_str(&format!(" {}={value:?}", field.name()));
        }
    }

    fn record_str(&mut self, field: &tracing::field::Field, value: &str) {
        if field.name() == "message" {
            self.0.push(' ');
            self.0.push_str(value);
        } else {
            self.0.push_str(&format!(" {}={value}", field.name()));
        }
    }
}

impl<S: tracing::Subscriber> Layer<S> for Recent {
    fn on_event(
        &self,
        event: &tracing::Event<'_>,
        _ctx: tracing_subscriber::layer::Context<'_, S>,
    ) {
        let time = crate::system::clock::local_now().format("%m-%d %H:%M:%S");
        let mut line = Line(format!("{time} {}", event.metadata().level()));
        event.record(&mut line);
        if let Ok(mut lines) = recent_lines().lock() {
            if lines.len() >= RECENT_LINES {
                lines.pop_front();
            }
            lines.push_back(line.0);
        }
    }
}
