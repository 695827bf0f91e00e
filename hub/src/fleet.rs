//! The fleet: every terminal's last heartbeat (version, uptime, devices, outbox, disk, temperature), those
//! silent for 2 minutes flagged, configurations pushed to a terminal and what became of them, and the
//! technicians' audit trail.

use crate::common::{now_ms, other_terminal, storage};
use crate::db::DbError;
use crate::platform::Platform;
use crate::records::{take, Record};
use crate::{error, TerminalId};
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::{Extension, Json};
use kiosk_api::{AuditEntry, ConfigPush, Heartbeat, HeartbeatReply};
use serde::Serialize;
use sqlx::Row;
use std::sync::Arc;

/// A terminal that has not sent a heartbeat for this long is flagged (four heartbeats missed).
pub const SILENT_AFTER_MS: i64 = 120_000;

/// The largest configuration pushed (a kiosk.toml is a few kilobytes).
pub const MAX_CONFIG: usize = 64 * 1024;

pub const AUDIT: &str = "audit";

impl Record for AuditEntry {
    const KIND: &'static str = AUDIT;
    fn terminal_id(&self) -> &str {
        &self.terminal_id
    }
    fn reply(n: i64) -> String {
        serde_json::to_string(&kiosk_api::Ticket {
            ticket: format!("A{n:06}"),
        })
        .unwrap_or_default()
    }
}

/// One terminal in the fleet view.
#[derive(Debug, Clone, Serialize)]
pub struct FleetRow {
    pub terminal_id: String,
    pub street: String,
    pub community: String,
    /// When its last heartbeat came (ms since the epoch); `None`: enrolled but never heard from.
    pub last_seen_ms: Option<i64>,
    /// No heartbeat for 2 minutes (or never).
    pub silent: bool,
    pub heartbeat: Option<Heartbeat>,
    /// Devices not `ok` or `simulated`.
    pub devices_down: usize,
    /// The newest pushed configuration: (id, state, the terminal's message).
    pub config: Option<(String, String, Option<String>)>,
}

/// A pushed configuration and its state (`pending`, `sent`, `applied`, `refused`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PushRow {
    pub id: String,
    pub terminal_id: String,
    pub state: String,
    pub message: Option<String>,
}

impl Platform {
    /// Takes a heartbeat: keeps it as the terminal's last, settles the configuration it reports on, and
    /// hands out the oldest configuration not yet sent to it.
    pub async fn heartbeat(
        &self,
        terminal: &str,
        h: &Heartbeat,
        now_ms: i64,
    ) -> Result<HeartbeatReply, DbError> {
        let body = serde_json::to_string(h).unwrap_or_default();
        let pool = self.db.pool();
        sqlx::query(
            "INSERT INTO heartbeats (terminal_id, street, community, body, received_ms) VALUES ($1, $2, $3, $4, $5) \
             ON CONFLICT (terminal_id) DO UPDATE SET street = excluded.street, community = excluded.community, \
             body = excluded.body, received_ms = excluded.received_ms",
        )
        .bind(terminal)
        .bind(&h.street)
        .bind(&h.community)
        .bind(&body)
        .bind(now_ms)
        .execute(pool)
        .await?;
        if let Some(r) = &h.config_result {
            sqlx::query(
                "UPDATE config_pushes SET state = $1, message = $2, updated_ms = $3 \
                 WHERE id = $4 AND terminal_id = $5",
            )
            .bind(if r.applied { "applied" } else { "refused" })
            .bind(&r.message)
            .bind(now_ms)
            .bind(&r.id)
            .bind(terminal)
            .execute(pool)
            .await?;
        }
        let next = sqlx::query(
            "SELECT id, toml FROM config_pushes WHERE terminal_id = $1 AND state = 'pending' \
             ORDER BY created_ms, id LIMIT 1",
        )
        .bind(terminal)
        .fetch_optional(pool)
        .await?;
        let config = match next {
            Some(row) => {
                let push = ConfigPush {
                    id: row.try_get(0)?,
                    toml: row.try_get(1)?,
                };
                sqlx::query(
                    "UPDATE config_pushes SET state = 'sent', updated_ms = $1 WHERE id = $2",
                )
                .bind(now_ms)
                .bind(&push.id)
                .execute(pool)
                .await?;
                Some(push)
            }
            None => None,
        };
        Ok(HeartbeatReply { config })
    }

    /// Every terminal the hub knows (enrolled or heard from), with its last heartbeat; `now_ms` decides who
    /// is silent (a parameter, so that the flag can be checked without waiting two minutes).
    pub async fn fleet(&self, now_ms: i64) -> Result<Vec<FleetRow>, DbError> {
        let rows = sqlx::query(
            "SELECT t.id, h.street, h.community, h.body, h.received_ms FROM \
             (SELECT id FROM terminals UNION SELECT terminal_id FROM heartbeats) t \
             LEFT JOIN heartbeats h ON h.terminal_id = t.id ORDER BY t.id",
        )
        .fetch_all(self.db.pool())
        .await?;
        // The newest push of every terminal, in one query (oldest first, so the last one kept wins).
        let mut newest: std::collections::HashMap<String, (String, String, Option<String>)> =
            std::collections::HashMap::new();
        for p in sqlx::query(
            "SELECT terminal_id, id, state, message FROM config_pushes ORDER BY created_ms, id",
        )
        .fetch_all(self.db.pool())
        .await?
        {
            newest.insert(p.try_get(0)?, (p.try_get(1)?, p.try_get(2)?, p.try_get(3)?));
        }
        let mut out = Vec::with_capacity(rows.len());
        for r in rows {
            let id: String = r.try_get(0)?;
            let last_seen_ms: Option<i64> = r.try_get(4)?;
            let heartbeat = r
                .try_get::<Option<String>, _>(3)?
                .and_then(|b| serde_json::from_str::<Heartbeat>(&b).ok());
            let devices_down = heartbeat.as_ref().map_or(0, |h| {
                h.devices
                    .iter()
                    .filter(|d| d.state != "ok" && d.state != "simulated")
                    .count()
            });
            let config = newest.remove(&id);
            out.push(FleetRow {
                silent: last_seen_ms.is_none_or(|t| now_ms - t >= SILENT_AFTER_MS),
                street: r.try_get::<Option<String>, _>(1)?.unwrap_or_default(),
                community: r.try_get::<Option<String>, _>(2)?.unwrap_or_default(),
                terminal_id: id,
                last_seen_ms,
                heartbeat,
                devices_down,
                config,
            });
        }
        Ok(out)
    }

    /// Queues a whole kiosk.toml for a terminal; it goes out with the reply to its next heartbeat.
    pub async fn push_config(&self, terminal: &str, toml: &str) -> Result<String, crate::HubError> {
        let id = format!(
            "cfg-{}",
            crate::common::random_hex(8).map_err(|e| crate::HubError::Random(e.to_string()))?
        );
        let now = now_ms();
        sqlx::query(
            "INSERT INTO config_pushes (id, terminal_id, toml, state, created_ms, updated_ms) \
             VALUES ($1, $2, $3, 'pending', $4, $5)",
        )
        .bind(&id)
        .bind(terminal)
        .bind(toml)
        .bind(now)
        .bind(now)
        .execute(self.db.pool())
        .await
        .map_err(DbError::from)?;
        Ok(id)
    }

    /// The configurations pushed to a terminal, oldest first.
    pub async fn config_pushes(&self, terminal: &str) -> Result<Vec<PushRow>, DbError> {
        let rows = sqlx::query(
            "SELECT id, terminal_id, state, message FROM config_pushes WHERE terminal_id = $1 \
             ORDER BY created_ms, id",
        )
        .bind(terminal)
        .fetch_all(self.db.pool())
        .await?;
        rows.iter()
            .map(|r| {
                Ok(PushRow {
                    id: r.try_get(0)?,
                    terminal_id: r.try_get(1)?,
                    state: r.try_get(2)?,
                    message: r.try_get(3)?,
                })
            })
            .collect()
    }

    /// The technicians' audit trail of a terminal (every terminal with `None`), oldest first.
    pub async fn audit(&self, terminal: Option<&str>) -> Result<Vec<AuditEntry>, DbError> {
        let bodies: Vec<String> = match terminal {
            // One terminal's trail: only its rows are read (the records carry the terminal).
            Some(t) => sqlx::query(
                "SELECT body FROM records WHERE kind = $1 AND terminal_id = $2 \
                 ORDER BY received_ms, idempotency_key",
            )
            .bind(AUDIT)
            .bind(t)
            .fetch_all(self.db.pool())
            .await?
            .iter()
            .map(|r| r.try_get(0))
            .collect::<Result<_, _>>()?,
            None => self.db.records(AUDIT).await?,
        };
        Ok(bodies
            .iter()
            .filter_map(|b| serde_json::from_str::<AuditEntry>(b).ok())
            .collect())
    }
}

/// The terminal's heartbeat, every 30 s; the reply carries a configuration to apply when one is pushed.
#[utoipa::path(post, path = "/api/v1/heartbeat", tag = "platform", request_body = Heartbeat,
    security(("terminal" = [])),
    responses(
        (status = 200, description = "Recorded; maybe a configuration to apply", body = HeartbeatReply),
        (status = 403, description = "The heartbeat names another terminal", body = kiosk_api::ApiError),
        (status = 422, description = "A street or community name longer than 64 characters", body = kiosk_api::ApiError)))]
pub(crate) async fn heartbeat(
    State(p): State<Arc<Platform>>,
    Extension(who): Extension<TerminalId>,
    Json(h): Json<Heartbeat>,
) -> Response {
    if let Some(r) = other_terminal(&who, &h.terminal_id) {
        return r;
    }
    if h.street.chars().count() > 64 || h.community.chars().count() > 64 {
        return error(
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid",
            "街道或社区名称过长",
        );
    }
    match p.heartbeat(&who.0, &h, now_ms()).await {
        Ok(reply) => Json(reply).into_response(),
        Err(e) => storage(e),
    }
}

/// What a technician did in the maintenance menu.
#[utoipa::path(post, path = "/api/v1/audit", tag = "platform", request_body = AuditEntry,
    params(("Idempotency-Key" = String, Header, min_length = 1, max_length = 128, description = "Once per entry")),
    security(("terminal" = [])),
    responses(
        (status = 200, description = "Recorded", body = kiosk_api::Ticket),
        (status = 400, description = "No Idempotency-Key", body = kiosk_api::ApiError),
        (status = 403, description = "The entry names another terminal", body = kiosk_api::ApiError),
        (status = 422, description = "The key was used for another entry", body = kiosk_api::ApiError)))]
pub(crate) async fn audit(
    State(p): State<Arc<Platform>>,
    Extension(who): Extension<TerminalId>,
    headers: HeaderMap,
    Json(a): Json<AuditEntry>,
) -> Response {
    take(&p, &who, &headers, &a).await
}
