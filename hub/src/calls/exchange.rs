//! The exchange's state, without the HTTP and WebSocket handlers (`calls`): the queue, the live calls and
//! the clerks connected, and what each event does to them.

use crate::common::now_ms;
use crate::db::CallRecord;
use axum::body::Bytes;
use kiosk_api::call::{CallResident, Outcome, QueueEntry, ToClerk, ToTerminal};
use std::collections::{BTreeMap, HashMap, HashSet, VecDeque};
use std::sync::{Mutex, MutexGuard};
use std::time::{Duration, Instant};
use tokio::sync::mpsc;

/// How long a dropped terminal may take to come back before its call ends as dropped.
pub const RESUME_WINDOW: Duration = Duration::from_secs(60);
/// The largest PDF a clerk may send to print.
pub const MAX_PRINT: usize = 10 * 1024 * 1024;
/// How many recent answered calls the expected wait is taken from, and its value before there are any.
pub(crate) const RECENT: usize = 20;
pub(crate) const DEFAULT_WAIT_SECS: u64 = 30;

pub(crate) type ToTerminalTx = mpsc::UnboundedSender<ToTerminal>;
pub(crate) type ToClerkTx = mpsc::UnboundedSender<ToClerk>;

pub(crate) struct Call {
    pub(crate) terminal: String,
    pub(crate) resident: Option<CallResident>,
    pub(crate) item_code: Option<String>,
    pub(crate) elder: bool,
    pub(crate) joined: Instant,
    pub(crate) joined_ms: i64,
    /// The clerk's connection and name, once taken.
    pub(crate) clerk: Option<(u64, String)>,
    pub(crate) answered_ms: Option<i64>,
    /// The terminal's connection; `None` while it is away.
    pub(crate) terminal_conn: Option<(u64, ToTerminalTx)>,
    pub(crate) dropped: Option<Instant>,
    pub(crate) documents: HashMap<String, (String, Bytes)>,
    pub(crate) materials: HashSet<String>,
}

pub(crate) struct ClerkConn {
    pub(crate) name: String,
    pub(crate) tx: ToClerkTx,
    pub(crate) call: Option<String>,
}

#[derive(Default)]
pub(crate) struct State_ {
    pub(crate) calls: BTreeMap<String, Call>,
    pub(crate) clerks: HashMap<u64, ClerkConn>,
    pub(crate) next_conn: u64,
    pub(crate) recent_waits: VecDeque<u64>,
}

/// The queue and the live calls.
#[derive(Default)]
pub struct Exchange {
    pub(crate) state: Mutex<State_>,
    pub(crate) ice_servers: Mutex<Option<serde_json::Value>>,
}

impl Exchange {
    pub(crate) fn lock(&self) -> MutexGuard<'_, State_> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// The browser's `iceServers`: a TURN server for clerks behind NAT, set with `kiosk-hub --turn`.
    pub fn ice_servers(&self) -> serde_json::Value {
        self.ice_servers
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
            .unwrap_or_else(|| serde_json::json!([]))
    }

    pub fn set_ice_servers(&self, servers: serde_json::Value) {
        *self.ice_servers.lock().unwrap_or_else(|e| e.into_inner()) = Some(servers);
    }

    /// How many calls wait for a clerk now.
    pub fn waiting(&self) -> usize {
        self.lock()
            .calls
            .values()
            .filter(|c| c.clerk.is_none())
            .count()
    }
}

impl State_ {
    pub(crate) fn conn(&mut self) -> u64 {
        self.next_conn += 1;
        self.next_conn
    }

    pub(crate) fn expected_wait(&self) -> u64 {
        if self.recent_waits.is_empty() {
            DEFAULT_WAIT_SECS
        } else {
            self.recent_waits.iter().sum::<u64>() / self.recent_waits.len() as u64
        }
    }

    pub(crate) fn queue(&self) -> Vec<QueueEntry> {
        let mut v: Vec<(&String, &Call)> = self.calls.iter().collect();
        v.sort_by_key(|(_, c)| c.joined);
        v.into_iter()
            .map(|(id, c)| QueueEntry {
                call: id.clone(),
                terminal: c.terminal.clone(),
                resident: c.resident.clone(),
                item_code: c.item_code.clone(),
                elder: c.elder,
                waiting_secs: c.joined.elapsed().as_secs(),
                clerk: c.clerk.as_ref().map(|(_, n)| n.clone()),
            })
            .collect()
    }

    /// Tells every clerk the queue, and every waiting terminal its place.
    pub(crate) fn publish(&self) {
        let calls = self.queue();
        for c in self.clerks.values() {
            let _ = c.tx.send(ToClerk::Queue {
                calls: calls.clone(),
            });
        }
        let mut waiting: Vec<(&String, &Call)> = self
            .calls
            .iter()
            .filter(|(_, c)| c.clerk.is_none())
            .collect();
        waiting.sort_by_key(|(_, c)| c.joined);
        let per = self.expected_wait();
        for (i, (id, c)) in waiting.into_iter().enumerate() {
            if let Some((_, tx)) = &c.terminal_conn {
                let _ = tx.send(ToTerminal::Queued {
                    call: id.clone(),
                    position: i as u32 + 1,
                    expected_wait_secs: (per * (i as u64 + 1)).min(u32::MAX as u64) as u32,
                });
            }
        }
    }

    pub(crate) fn to_clerk(&self, call: &str, m: ToClerk) {
        if let Some((conn, _)) = self.calls.get(call).and_then(|c| c.clerk.as_ref()) {
            if let Some(c) = self.clerks.get(conn) {
                let _ = c.tx.send(m);
            }
        }
    }

    pub(crate) fn to_terminal(&self, call: &str, m: ToTerminal) {
        if let Some((_, tx)) = self.calls.get(call).and_then(|c| c.terminal_conn.as_ref()) {
            let _ = tx.send(m);
        }
    }

    /// Ends a call: both sides are told, the clerk is free, the record is returned for the database.
    pub(crate) fn end(
        &mut self,
        call: &str,
        outcome: Outcome,
        phone: Option<String>,
    ) -> Option<CallRecord> {
        self.to_terminal(call, ToTerminal::Ended { outcome });
        self.to_clerk(call, ToClerk::Ended { outcome });
        let c = self.calls.remove(call)?;
        if let Some((conn, _)) = &c.clerk {
            if let Some(k) = self.clerks.get_mut(conn) {
                k.call = None;
            }
        }
        self.publish();
        Some(CallRecord {
            id: call.to_string(),
            terminal_id: c.terminal,
            clerk: c.clerk.map(|(_, n)| n),
            item_code: c.item_code,
            joined_ms: c.joined_ms,
            answered_ms: c.answered_ms,
            ended_ms: now_ms(),
            outcome: outcome.as_str().to_string(),
            callback_phone: phone,
        })
    }
}
