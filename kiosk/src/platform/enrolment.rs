//! Enrolment: the terminal trades a one-time code (from the hub's technician command, or from the hub this
//! process starts in simulation) for its token, keeps the token sealed in the store and sends it on every
//! call. A code is spent once; a new code in the configuration (after a revocation) enrols again.

use crate::platform::outbox::Outbox;
use crate::platform::{Platform, PlatformError};
use std::time::Duration;

/// Names of the secrets in the store.
pub const TOKEN: &str = "platform.token";
/// The hash of the last code spent, so that a restart does not try to spend it again.
pub const SPENT_CODE: &str = "platform.spent_code";

#[derive(Debug, PartialEq, Eq)]
pub enum Enrolled {
    /// A token from an earlier enrolment, kept in the store.
    Kept,
    /// A new token for the code given.
    New,
    /// No token and no code: every call is refused until a technician enrols the terminal.
    NotEnrolled,
}

fn hash(code: &str) -> String {
    kiosk_api::sha256_hex(code.trim().as_bytes())
}

/// Gives `platform` the terminal's token: a new one for a code not spent yet, else the kept one.
pub async fn enrol(
    platform: &Platform,
    outbox: Option<&Outbox>,
    terminal_id: &str,
    code: Option<&str>,
) -> Result<Enrolled, PlatformError> {
    let kept = outbox.and_then(|o| o.secret(TOKEN).ok().flatten());
    let spent = outbox.and_then(|o| o.secret(SPENT_CODE).ok().flatten());
    let fresh = code.filter(|c| !c.trim().is_empty() && spent.as_deref() != Some(&hash(c)));
    if let Some(code) = fresh {
        let token = match platform.enrol(terminal_id, code.trim()).await {
            Ok(t) => t,
            Err(e) => {
                // The kept token serves meanwhile (if it still does): a code that cannot be spent now is
                // tried again by `enrol_until_done` when the platform was only unreachable.
                if let Some(kept) = kept {
                    platform.set_token(Some(kept));
                }
                return Err(e);
            }
        };
        platform.set_token(Some(token.clone()));
        if let Some(o) = outbox {
            if let Err(e) = o
                .set_secret(TOKEN, &token)
                .and_then(|_| o.set_secret(SPENT_CODE, &hash(code)))
            {
                tracing::error!(error = %e, "token not kept: the terminal must enrol again after a restart");
            }
            o.wake();
        }
        tracing::info!("terminal enrolled with the platform");
        return Ok(Enrolled::New);
    }
    match kept {
        Some(token) => {
            platform.set_token(Some(token));
            Ok(Enrolled::Kept)
        }
        None => {
            tracing::error!("terminal not enrolled: set platform.enrolment_code from `kiosk-hub enrolment-code`");
            Ok(Enrolled::NotEnrolled)
        }
    }
}

/// `enrol`, tried again with backoff while the platform cannot be reached (a terminal that starts before the
/// network does).
pub async fn enrol_until_done(
    platform: Platform,
    outbox: Option<Outbox>,
    terminal_id: String,
    code: Option<String>,
) {
    let mut wait = Duration::from_secs(1);
    loop {
        match enrol(&platform, outbox.as_ref(), &terminal_id, code.as_deref()).await {
            Ok(_) => return,
            Err(e)
                if e.is_transient() && !matches!(e, PlatformError::Refused { status: 401, .. }) =>
            {
                tracing::warn!(error = %e, "enrolment not done yet; trying again");
                tokio::time::sleep(wait).await;
                wait = (wait * 2).min(Duration::from_secs(300));
            }
            Err(e) => {
                tracing::error!(error = %e, "enrolment refused: ask for a new code (kiosk-hub enrolment-code)");
                return;
            }
        }
    }
}
