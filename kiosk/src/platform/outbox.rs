//! The outbox: every write to the platform (cases with their materials, ratings, 办不成事 reports, session
//! figures, device reports) is committed on the terminal first and delivered at least once, in order, with exponential
//! backoff and jitter, across restarts and power cuts (the store is a file). The platform takes each once per
//! idempotency key, so a repeat after a lost answer makes no second case.
//!
//! A case's materials go before the case, in chunks that resume after a cut. A rating given under a
//! provisional number waits for its case and goes out under the platform's number.
//!
//! Help requests are not queued: they ask for a person now, and one delivered after the resident has gone
//! would send staff to an empty terminal; the resident is told at once when nobody can be reached.

use crate::platform::{Platform, PlatformError};
use kiosk_api::{CaseReply, CaseRequest, Evaluation, NotDoneReport, SessionFigures, Upload};
use kiosk_store::{backoff_ms, Pending, Store, StoreError};
use serde::Serialize;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

pub const CASE: &str = "case";
pub const EVALUATION: &str = "evaluation";
pub const NOT_DONE: &str = "not-done";
pub const FIGURES: &str = "figures";
pub const TELEMETRY: &str = "telemetry";
pub const AUDIT: &str = "audit";
pub const UNHELPFUL: &str = "unhelpful";

/// How long a record stays in the store at most, delivered or not, unless the configuration says otherwise
/// (`[store] retention_days`).
pub const RETENTION_DAYS: u32 = 30;
pub const DAY_MS: i64 = 24 * 3600 * 1000;

/// The store, shared by the UI thread's submissions and the delivery task.
#[derive(Clone)]
pub struct Outbox {
    store: Arc<Mutex<Store>>,
    /// Wakes the delivery task when something was queued.
    wake: Arc<tokio::sync::Notify>,
}

/// What a delivery round did, for the caller (and tests).
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Round {
    pub delivered: Vec<(String, CaseReply)>,
    pub failed: usize,
}

pub fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_millis() as i64)
        .unwrap_or(0)
}

/// A number a resident can read and quote: L and eight characters from the idempotency key.
pub fn provisional_number(key: &str) -> String {
    let h = key.bytes().fold(0xcbf2_9ce4_8422_2325u64, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x100_0000_01b3)
    });
    format!("L{:08X}", h as u32)
}

/// The next attempt's wait, with jitter from the clock's nanoseconds (no random crate needed for spreading).
fn next_attempt(attempts: u32) -> i64 {
    let jitter = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| f64::from(d.subsec_nanos() % 1000) / 1000.0)
        .unwrap_or(0.5);
    now_ms() + backoff_ms(attempts, jitter)
}

/// The answer to a delivered case as the store keeps it (in clear): number, state and follow-up URL, without the
/// document a print item comes with (which names the resident).
fn kept_reply(reply: &CaseReply) -> String {
    let kept = CaseReply {
        document: None,
        ..reply.clone()
    };
    serde_json::to_string(&kept).unwrap_or_default()
}

fn encode(what: &str, value: &impl Serialize) -> Result<Vec<u8>, StoreError> {
    serde_json::to_vec(value).map_err(|e| StoreError::Key {
        path: what.into(),
        why: e.to_string(),
    })
}

/// How one item's attempt ended.
enum Attempt {
    /// The platform took it; its answer (kept in the store), and the case's reply for a case.
    Done(String, Option<CaseReply>),
    /// Not yet its turn (a rating whose case is still queued).
    Wait,
    Failed(PlatformError),
}

impl Outbox {
    pub fn new(store: Store) -> Outbox {
        Outbox {
            store: Arc::new(Mutex::new(store)),
            wake: Arc::new(tokio::sync::Notify::new()),
        }
    }

    fn store(&self) -> MutexGuard<'_, Store> {
        // A task that panicked while holding the lock leaves a usable connection: SQLite rolled back.
        self.store.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Commits a case and its materials durably before the resident is told anything; returns its provisional
    /// number. The first attempt is the caller's own (right away); the delivery task takes it from
    /// `first_retry` on.
    pub fn commit_case(
        &self,
        request: &CaseRequest,
        uploads: &[Upload],
        first_retry: Duration,
    ) -> Result<String, StoreError> {
        let body = encode("case", request)?;
        let refs: Vec<(String, &[u8])> = uploads
            .iter()
            .map(|u| (u.reference().sha256, u.bytes.as_slice()))
            .collect();
        let materials: Vec<(&str, &[u8])> = refs.iter().map(|(s, b)| (s.as_str(), *b)).collect();
        let provisional = provisional_number(&request.idempotency_key);
        let mut s = self.store();
        let p = s.enqueue_with(
            &request.idempotency_key,
            CASE,
            &body,
            Some(&provisional),
            &materials,
            now_ms(),
        )?;
        s.postpone(
            &request.idempotency_key,
            now_ms() + first_retry.as_millis() as i64,
        )?;
        Ok(p.unwrap_or(provisional))
    }

    /// The caller's own attempt answered.
    pub fn settle(&self, key: &str, result: &Result<CaseReply, PlatformError>) {
        let mut s = self.store();
        let r = match result {
            Ok(reply) => s.delivered(key, &kept_reply(reply), now_ms()),
            Err(e) if e.is_transient() => s.failed(key, &e.to_string(), next_attempt(0)),
            Err(_) => s.dropped(key),
        };
        if let Err(e) = r {
            tracing::error!(error = %e, "outbox not updated");
        }
    }

    /// Queues a write that is not a case (a rating, a 办不成事 report, session figures) under a fresh key,
    /// and wakes the delivery task.
    pub fn commit(&self, kind: &str, value: &impl Serialize) -> Result<String, StoreError> {
        let body = encode(kind, value)?;
        let key = crate::platform::fresh_key(kind);
        self.store().enqueue(&key, kind, &body, None, now_ms())?;
        self.wake.notify_one();
        Ok(key)
    }

    /// Delivers for as long as the runtime runs: a round when something was queued, and at least every
    /// `every`; each delivered case is handed to `delivered` (the kiosk shows the platform's number).
    pub async fn run(
        self,
        platform: Platform,
        every: Duration,
        delivered: impl Fn(String, CaseReply) + Send + 'static,
    ) {
        loop {
            let round = self.round(&platform).await;
            for (key, reply) in round.delivered {
                delivered(key, reply);
            }
            let _ = tokio::time::timeout(every, self.wake.notified()).await;
        }
    }

    /// The queue as the maintenance menu shows it: items waiting, age of the oldest, last error.
    pub fn status(&self) -> Result<kiosk_store::OutboxStatus, StoreError> {
        self.store().status()
    }

    /// One delivery round: the items due now, oldest first, until a case fails.
    pub async fn round(&self, platform: &Platform) -> Round {
        let due = match self.store().due(now_ms(), 32) {
            Ok(d) => d,
            Err(e) => {
                tracing::error!(error = %e, "outbox unreadable");
                return Round::default();
            }
        };
        let mut round = Round::default();
        for item in due {
            let attempt = self.attempt(platform, &item).await;
            let mut s = self.store();
            let r = match attempt {
                Attempt::Done(reply, case) => {
                    if let Some(case) = case {
                        round.delivered.push((item.key.clone(), case));
                    }
                    s.delivered(&item.key, &reply, now_ms())
                }
                Attempt::Wait => s.postpone(&item.key, next_attempt(0)),
                Attempt::Failed(e) if e.is_transient() => {
                    tracing::warn!(kind = %item.kind, error = %e, attempts = item.attempts + 1, "not delivered yet");
                    round.failed += 1;
                    let r = s.failed(&item.key, &e.to_string(), next_attempt(item.attempts + 1));
                    if item.kind == CASE {
                        // A platform that cannot take a case now is not asked again for every other case in
                        // the same round; the others come in the next rounds (a case's own order, its
                        // materials then itself then its rating, is kept by `attempt`).
                        if let Err(e) = r {
                            tracing::error!(error = %e, "outbox not updated");
                        }
                        break;
                    }
                    r
                }
                Attempt::Failed(e) => {
                    // Refused for good (invalid, or not this terminal's): kept no longer. A refused case is
                    // followed up by the platform's staff from the terminal's log line.
                    tracing::error!(kind = %item.kind, error = %e, "refused by the platform; dropped");
                    s.dropped(&item.key)
                }
            };
            if let Err(e) = r {
                tracing::error!(error = %e, "outbox not updated");
            }
        }
        round
    }

    async fn attempt(&self, platform: &Platform, item: &Pending) -> Attempt {
        let unreadable = || {
            Attempt::Failed(PlatformError::Refused {
                status: 422,
                code: "unreadable".into(),
                message: format!("a queued {} cannot be read", item.kind),
            })
        };
        let json = |r: Result<kiosk_api::Ticket, PlatformError>| match r {
            Ok(t) => Attempt::Done(t.ticket, None),
            Err(e) => Attempt::Failed(e),
        };
        match item.kind.as_str() {
            CASE => {
                let Ok(request) = serde_json::from_slice::<CaseRequest>(&item.body) else {
                    return unreadable();
                };
                let materials = match self.store().materials_of(&item.key) {
                    Ok(m) => m,
                    Err(e) => {
                        tracing::error!(error = %e, "a queued case's materials cannot be read");
                        return unreadable();
                    }
                };
                match platform.deliver(&request, &materials).await {
                    Ok(reply) => Attempt::Done(kept_reply(&reply), Some(reply)),
                    Err(e) => Attempt::Failed(e),
                }
            }
            EVALUATION => {
                let Ok(mut e) = serde_json::from_slice::<Evaluation>(&item.body) else {
                    return unreadable();
                };
                // A rating under a provisional number goes out under the case's real one, after it.
                match self.store().by_provisional(&e.case_number) {
                    Ok(Some(None)) => return Attempt::Wait,
                    Ok(Some(Some(reply))) => {
                        if let Ok(r) = serde_json::from_str::<CaseReply>(&reply) {
                            e.case_number = r.case_number;
                        }
                    }
                    _ => {}
                }
                json(platform.evaluate(&e, &item.key).await)
            }
            NOT_DONE => match serde_json::from_slice::<NotDoneReport>(&item.body) {
                Ok(n) => json(platform.not_done(&n, &item.key).await),
                Err(_) => unreadable(),
            },
            FIGURES => match serde_json::from_slice::<SessionFigures>(&item.body) {
                Ok(f) => json(platform.figures(&f, &item.key).await),
                Err(_) => unreadable(),
            },
            TELEMETRY => match serde_json::from_slice::<kiosk_api::DeviceReport>(&item.body) {
                Ok(r) => json(platform.telemetry(&r, &item.key).await),
                Err(_) => unreadable(),
            },
            AUDIT => match serde_json::from_slice::<kiosk_api::AuditEntry>(&item.body) {
                Ok(a) => json(platform.audit(&a, &item.key).await),
                Err(_) => unreadable(),
            },
            UNHELPFUL => {
                match serde_json::from_slice::<kiosk_api::knowledge::UnhelpfulMark>(&item.body) {
                    Ok(m) => json(platform.unhelpful(&m, &item.key).await),
                    Err(_) => unreadable(),
                }
            }
            _ => unreadable(),
        }
    }
}

impl Outbox {
    /// A secret kept sealed in the store (the platform token).
    pub fn secret(&self, name: &str) -> Result<Option<String>, StoreError> {
        Ok(self
            .store()
            .secret(name)?
            .map(|v| String::from_utf8_lossy(&v).into_owned()))
    }

    pub fn set_secret(&self, name: &str, value: &str) -> Result<(), StoreError> {
        self.store().set_secret(name, value.as_bytes())
    }

    /// Wakes the delivery task (after enrolment).
    pub fn wake(&self) {
        self.wake.notify_one();
    }

    /// A technician's "send now": everything waiting is due at once, and the delivery task wakes.
    pub fn send_now(&self) -> Result<usize, StoreError> {
        let n = self.store().retry_all(now_ms())?;
        self.wake.notify_one();
        Ok(n)
    }

    /// Deletes what is older than the retention limit, delivered or not; returns how many records went.
    pub fn purge(&self, retention_days: u32) -> Result<usize, StoreError> {
        self.store()
            .purge(now_ms() - i64::from(retention_days) * DAY_MS)
    }
}

/// The outbox of the store in `data_dir` as a technician reads it (`kiosk outbox`), after making everything
/// due at once if `send_now`.
pub fn report(data_dir: &std::path::Path, send_now: bool) -> Result<String, StoreError> {
    let db = data_dir.join("kiosk.db");
    if !db.exists() {
        return Err(StoreError::Key {
            path: db.display().to_string(),
            why: "no store here (is this the terminal's data folder?)".into(),
        });
    }
    let key = kiosk_store::load_or_create_key(&data_dir.join("store.key"))?;
    let outbox = Outbox::new(Store::open(&db, &key)?);
    let mut lines = Vec::new();
    if send_now {
        let n = outbox.send_now()?;
        lines.push(format!(
            "{n} item(s) due now; the running terminal sends them within seconds"
        ));
    }
    let st = outbox.status()?;
    lines.push(match st.oldest_ms {
        None => "waiting: nothing; everything was delivered".to_string(),
        Some(t) => {
            let min = (now_ms() - t).max(0) / 60_000;
            format!(
                "waiting: {} item(s), the oldest queued {} h {} min ago",
                st.queued,
                min / 60,
                min % 60
            )
        }
    });
    if let Some(e) = st.last_error {
        lines.push(format!("last error: {e}"));
    }
    Ok(lines.join("\n"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_kept_answer_of_a_case_names_nobody() {
        let reply = CaseReply {
            parts: Vec::new(),
            case_number: "YP20261130000001".into(),
            state: kiosk_api::CaseState::Done,
            follow_url: "https://zwdt.sh.gov.cn/case/YP20261130000001".into(),
            document: Some(kiosk_api::IssuedDocument {
                title: "社保缴费记录".into(),
                issuer: "上海市杨浦区政务服务中心".into(),
                rows: vec![("姓名".into(), "张建国".into())],
                note: None,
            }),
        };
        let kept = kept_reply(&reply);
        assert!(!kept.contains("张建国"), "{kept}");
        let back: CaseReply = serde_json::from_str(&kept).unwrap();
        assert_eq!(back.case_number, reply.case_number);
    }
}
