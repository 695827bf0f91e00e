//! The outbox: cases and ratings committed on the terminal are delivered to the platform at least once, in
//! order, with exponential backoff and jitter, across restarts (the store is a file). The platform takes each
//! once per idempotency key, so a repeat after a lost answer makes no second case.
//!
//! A rating given under a provisional number waits for its case and goes out under the platform's number.

use crate::platform::{Platform, PlatformError};
use kiosk_api::{CaseReply, CaseRequest, Evaluation};
use kiosk_store::{backoff_ms, Store, StoreError};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

pub const CASE: &str = "case";
/// How long a record stays in the store at most, delivered or not (30 days; configurable with the rest of
/// store and forward).
pub const RETENTION_MS: i64 = 30 * 24 * 3600 * 1000;
pub const EVALUATION: &str = "evaluation";

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

    /// Commits a case durably before the resident is told anything; returns its provisional number. The first
    /// attempt is the caller's own (right away); the delivery task takes it from `first_retry` on.
    pub fn commit_case(
        &self,
        request: &CaseRequest,
        first_retry: Duration,
    ) -> Result<String, StoreError> {
        let body = serde_json::to_vec(request).map_err(|e| StoreError::Key {
            path: "case".into(),
            why: e.to_string(),
        })?;
        let provisional = provisional_number(&request.idempotency_key);
        let mut s = self.store();
        let p = s.enqueue(
            &request.idempotency_key,
            CASE,
            &body,
            Some(&provisional),
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
            Ok(reply) => {
                let json = serde_json::to_string(reply).unwrap_or_default();
                s.delivered(key, &json, now_ms())
            }
            Err(e) if e.is_transient() => s.failed(key, &e.to_string(), next_attempt(0)),
            Err(_) => s.dropped(key),
        };
        if let Err(e) = r {
            tracing::error!(error = %e, "outbox not updated");
        }
    }

    /// Queues a rating (delivered after its case when the case is queued too).
    pub fn commit_evaluation(&self, e: &Evaluation) -> Result<(), StoreError> {
        let body = serde_json::to_vec(e).map_err(|err| StoreError::Key {
            path: "evaluation".into(),
            why: err.to_string(),
        })?;
        let key = format!("eval-{}-{}", e.case_number, now_ms());
        self.store()
            .enqueue(&key, EVALUATION, &body, None, now_ms())?;
        self.wake.notify_one();
        Ok(())
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

    pub fn status(&self) -> Result<kiosk_store::OutboxStatus, StoreError> {
        self.store().status()
    }

    /// One delivery round: every item due now, in order.
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
            match item.kind.as_str() {
                CASE => {
                    let Ok(request) = serde_json::from_slice::<CaseRequest>(&item.body) else {
                        tracing::error!("an outbox case cannot be read; dropped");
                        let _ = self.store().dropped(&item.key);
                        continue;
                    };
                    let result = platform.submit(&request).await;
                    match &result {
                        Ok(reply) => {
                            round.delivered.push((item.key.clone(), reply.clone()));
                            self.settle(&item.key, &result);
                        }
                        Err(e) if e.is_transient() => {
                            tracing::warn!(error = %e, attempts = item.attempts + 1, "case not delivered yet");
                            round.failed += 1;
                            let _ = self.store().failed(
                                &item.key,
                                &e.to_string(),
                                next_attempt(item.attempts + 1),
                            );
                            // Order is kept: what comes after waits for this one.
                            break;
                        }
                        Err(e) => {
                            // Refused for good: kept no longer (the resident was told when it was queued
                            // that it would be sent; a refusal is followed up by the platform's staff).
                            tracing::error!(error = %e, "queued case refused by the platform; dropped");
                            self.settle(&item.key, &result);
                        }
                    }
                }
                EVALUATION => {
                    let Ok(mut e) = serde_json::from_slice::<Evaluation>(&item.body) else {
                        let _ = self.store().dropped(&item.key);
                        continue;
                    };
                    // A rating under a provisional number goes out under the case's real one, after it.
                    let real = self.store().by_provisional(&e.case_number);
                    match real {
                        Ok(Some(None)) => {
                            let _ = self.store().postpone(&item.key, next_attempt(0));
                            continue;
                        }
                        Ok(Some(Some(reply))) => {
                            if let Ok(r) = serde_json::from_str::<CaseReply>(&reply) {
                                e.case_number = r.case_number;
                            }
                        }
                        _ => {}
                    }
                    match platform.evaluate(&e).await {
                        Ok(t) => {
                            let _ = self.store().delivered(&item.key, &t.ticket, now_ms());
                        }
                        Err(err) if err.is_transient() => {
                            round.failed += 1;
                            let _ = self.store().failed(
                                &item.key,
                                &err.to_string(),
                                next_attempt(item.attempts + 1),
                            );
                        }
                        Err(err) => {
                            tracing::warn!(error = %err, "rating refused by the platform; dropped");
                            let _ = self.store().dropped(&item.key);
                        }
                    }
                }
                other => {
                    tracing::error!(kind = other, "unknown outbox item; dropped");
                    let _ = self.store().dropped(&item.key);
                }
            }
        }
        round
    }
}
