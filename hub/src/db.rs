//! The hub's database: SQLite by default (a file in the data directory), PostgreSQL for a district-wide
//! deployment. One schema and one set of migrations (`hub/migrations`) serve both through sqlx's Any driver,
//! so the SQL here uses only what both understand: `$n` placeholders (SQLite numbers them by first
//! appearance, so every query names them in order), `ON CONFLICT`, `RETURNING`, TEXT and BIGINT.

use sqlx::any::AnyPoolOptions;
use sqlx::{AnyPool, Row};
use std::time::Duration;
use thiserror::Error;

#[derive(Debug, Error)]
pub enum DbError {
    #[error("database: {0}")]
    Sqlx(#[from] sqlx::Error),
    #[error("database schema: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    #[error("database URL `{0}`: give sqlite://PATH or postgres://USER@HOST/DB")]
    Url(String),
    #[error("a stored record cannot be read: {0}")]
    Corrupt(String),
    #[error("cannot open the database {place}: {why}")]
    Connect { place: String, why: String },
}

/// Where a database URL points, without its password (for messages).
fn place(url: &str) -> String {
    match url.split_once("://") {
        Some((scheme, rest)) => {
            let host = rest.rsplit_once('@').map(|(_, h)| h).unwrap_or(rest);
            format!("{scheme}://{}", host.split('?').next().unwrap_or(host))
        }
        None => url.to_string(),
    }
}

/// The columns `resident()` reads, in its order, of a `residents r` (a macro: the queries are literals).
macro_rules! resident_columns {
    () => {
        "r.id_number, r.name, r.sex, r.birth_date, r.address, r.phone, r.bank_account"
    };
}

static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("./migrations");

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

#[derive(Clone)]
pub struct Db {
    pool: AnyPool,
    backend: Backend,
}

/// A resident as the real-name record holds them.
#[derive(Clone, PartialEq, Eq)]
pub struct Resident {
    pub id_number: String,
    pub name: String,
    pub sex: String,
    pub birth_date: String,
    pub address: String,
    pub phone: String,
    pub bank_account: String,
}

impl std::fmt::Debug for Resident {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Resident(…)")
    }
}

/// An electronic certificate (电子证照).
#[derive(Clone, PartialEq, Eq)]
pub struct Certificate {
    pub number: String,
    pub id_number: String,
    /// `residence_permit`, `social_insurance`, `tax`, `business_licence`, `employment`, …
    pub kind: String,
    pub title: String,
    pub issuer: String,
    /// Field → value, in the order the certificate shows them.
    pub fields: Vec<(String, String)>,
    pub issued_on: String,
}

impl std::fmt::Debug for Certificate {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Certificate({}, {})", self.kind, self.number)
    }
}

impl Certificate {
    /// A field by name; `number` and `issuer` are the certificate's own (a material fetched as a certificate
    /// is named by its number).
    pub fn field(&self, name: &str) -> Option<&str> {
        match name {
            "number" => return Some(&self.number),
            "issuer" => return Some(&self.issuer),
            _ => {}
        }
        self.fields
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }
}

/// A write under an idempotency key, as it arrived.
pub struct Incoming<'a> {
    pub key: &'a str,
    pub terminal_id: &'a str,
    /// SHA-256 of `body`: tells a retry from another request under the same key.
    pub body_hash: &'a str,
    /// The request as JSON.
    pub body: &'a str,
    pub now_ms: i64,
}

/// What a write under an idempotency key came to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Taken {
    /// Recorded now; the reply as stored.
    New(String),
    /// The same request came before: its reply.
    Repeat(String),
    /// The key was used for another request.
    KeyReused,
}

/// A material's upload as the database has it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MaterialRow {
    pub size: i64,
    pub received: i64,
    pub complete: bool,
}

impl Db {
    /// Connects (creating an SQLite file if need be) and brings the schema up to date.
    pub async fn connect(url: &str) -> Result<Db, DbError> {
        sqlx::any::install_default_drivers();
        let backend = if url.starts_with("sqlite:") {
            Backend::Sqlite
        } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            Backend::Postgres
        } else {
            return Err(DbError::Url(url.to_string()));
        };
        let options = AnyPoolOptions::new().acquire_timeout(Duration::from_secs(15));
        let options = match backend {
            // One writer at a time in SQLite anyway; a few connections let readers go beside it. WAL keeps
            // readers off the writer's back; FULL makes an acknowledged case survive a power cut.
            Backend::Sqlite => options.max_connections(4).after_connect(|conn, _| {
                Box::pin(async move {
                    for pragma in [
                        "PRAGMA journal_mode = WAL",
                        "PRAGMA synchronous = FULL",
                        "PRAGMA foreign_keys = ON",
                        "PRAGMA busy_timeout = 15000",
                    ] {
                        sqlx::query(pragma).execute(&mut *conn).await?;
                    }
                    Ok(())
                })
            }),
            Backend::Postgres => options.max_connections(16),
        };
        // One connection first, so that a wrong host or password is said as such (the pool would only say
        // that it timed out).
        {
            use sqlx::Connection;
            let first = sqlx::AnyConnection::connect(url)
                .await
                .map_err(|e| DbError::Connect {
                    place: place(url),
                    why: e.to_string(),
                })?;
            let _ = first.close().await;
        }
        let pool = options.connect(url).await?;
        MIGRATOR.run(&pool).await?;
        Ok(Db { pool, backend })
    }

    /// The pool, for the operations' queries (fleet, figures), which live with their modules.
    pub(crate) fn pool(&self) -> &AnyPool {
        &self.pool
    }

    pub fn backend(&self) -> Backend {
        self.backend
    }

    pub async fn close(&self) {
        self.pool.close().await;
    }

    // ---- The development data set.

    pub async fn resident_count(&self) -> Result<i64, DbError> {
        Ok(sqlx::query("SELECT COUNT(*) FROM residents")
            .fetch_one(&self.pool)
            .await?
            .try_get(0)?)
    }

    /// Writes residents, their certificates and 随申码 tokens in one transaction.
    pub async fn insert_dataset(
        &self,
        residents: &[Resident],
        certificates: &[Certificate],
        tokens: &[(String, String, i64)],
    ) -> Result<(), DbError> {
        let mut tx = self.pool.begin().await?;
        for r in residents {
            sqlx::query(
                "INSERT INTO residents (id_number, name, sex, birth_date, address, phone, bank_account)
                 VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (id_number) DO NOTHING",
            )
            .bind(&r.id_number)
            .bind(&r.name)
            .bind(&r.sex)
            .bind(&r.birth_date)
            .bind(&r.address)
            .bind(&r.phone)
            .bind(&r.bank_account)
            .execute(&mut *tx)
            .await?;
        }
        for c in certificates {
            let fields =
                serde_json::to_string(&c.fields).map_err(|e| DbError::Corrupt(e.to_string()))?;
            sqlx::query(
                "INSERT INTO certificates (number, id_number, kind, title, issuer, fields, issued_on)
                 VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (number) DO NOTHING",
            )
            .bind(&c.number)
            .bind(&c.id_number)
            .bind(&c.kind)
            .bind(&c.title)
            .bind(&c.issuer)
            .bind(fields)
            .bind(&c.issued_on)
            .execute(&mut *tx)
            .await?;
        }
        for (token, id_number, expires_ms) in tokens {
            sqlx::query(
                "INSERT INTO code_tokens (token, id_number, expires_ms) VALUES ($1, $2, $3)
                 ON CONFLICT (token) DO NOTHING",
            )
            .bind(token)
            .bind(id_number)
            .bind(*expires_ms)
            .execute(&mut *tx)
            .await?;
        }
        tx.commit().await?;
        Ok(())
    }

    pub async fn resident(&self, id_number: &str) -> Result<Option<Resident>, DbError> {
        let row = sqlx::query(concat!(
            "SELECT ",
            resident_columns!(),
            " FROM residents r WHERE r.id_number = $1"
        ))
        .bind(id_number)
        .fetch_optional(&self.pool)
        .await?;
        row.map(|r| resident(&r)).transpose()
    }

    /// The resident a 随申码 token stands for, while it is valid.
    pub async fn resident_by_token(
        &self,
        token: &str,
        now_ms: i64,
    ) -> Result<Option<Resident>, DbError> {
        let row = sqlx::query(concat!(
            "SELECT ",
            resident_columns!(),
            " FROM code_tokens t JOIN residents r ON r.id_number = t.id_number
              WHERE t.token = $1 AND t.expires_ms > $2"
        ))
        .bind(token)
        .bind(now_ms)
        .fetch_optional(&self.pool)
        .await?;
        row.map(|r| resident(&r)).transpose()
    }

    pub async fn certificates(&self, id_number: &str) -> Result<Vec<Certificate>, DbError> {
        let rows = sqlx::query(
            "SELECT number, id_number, kind, title, issuer, fields, issued_on
             FROM certificates WHERE id_number = $1 ORDER BY number",
        )
        .bind(id_number)
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(certificate).collect()
    }

    pub async fn certificate(&self, number: &str) -> Result<Option<Certificate>, DbError> {
        let row = sqlx::query(
            "SELECT number, id_number, kind, title, issuer, fields, issued_on
             FROM certificates WHERE number = $1",
        )
        .bind(number)
        .fetch_optional(&self.pool)
        .await?;
        row.map(|r| certificate(&r)).transpose()
    }

    // ---- Terminals: enrolment codes and tokens, stored hashed.

    pub async fn add_enrolment_code(
        &self,
        code_hash: &str,
        terminal_id: &str,
        expires_ms: i64,
    ) -> Result<(), DbError> {
        sqlx::query(
            "INSERT INTO enrolment_codes (code_hash, terminal_id, expires_ms) VALUES ($1, $2, $3)",
        )
        .bind(code_hash)
        .bind(terminal_id)
        .bind(expires_ms)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// Spends a code for its terminal and records the terminal's new token; false if the code is unknown,
    /// spent, expired or another terminal's.
    pub async fn enrol(
        &self,
        code_hash: &str,
        terminal_id: &str,
        token_hash: &str,
        now_ms: i64,
    ) -> Result<bool, DbError> {
        let mut tx = self.pool.begin().await?;
        let spent = sqlx::query(
            "UPDATE enrolment_codes SET used_ms = $1
             WHERE code_hash = $2 AND terminal_id = $3 AND used_ms IS NULL AND expires_ms > $1",
        )
        .bind(now_ms)
        .bind(code_hash)
        .bind(terminal_id)
        .execute(&mut *tx)
        .await?
        .rows_affected();
        if spent != 1 {
            tx.rollback().await?;
            return Ok(false);
        }
        sqlx::query("INSERT INTO tokens (token_hash, terminal_id, issued_ms) VALUES ($1, $2, $3)")
            .bind(token_hash)
            .bind(terminal_id)
            .bind(now_ms)
            .execute(&mut *tx)
            .await?;
        sqlx::query(
            "INSERT INTO terminals (id, enrolled_ms) VALUES ($1, $2)
             ON CONFLICT (id) DO UPDATE SET enrolled_ms = $2",
        )
        .bind(terminal_id)
        .bind(now_ms)
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(true)
    }

    /// The terminal a token belongs to, unless revoked.
    pub async fn token_terminal(&self, token_hash: &str) -> Result<Option<String>, DbError> {
        Ok(sqlx::query(
            "SELECT terminal_id FROM tokens WHERE token_hash = $1 AND revoked_ms IS NULL",
        )
        .bind(token_hash)
        .fetch_optional(&self.pool)
        .await?
        .map(|r| r.try_get::<String, _>(0))
        .transpose()?)
    }

    /// Revokes every token of a terminal; returns how many.
    pub async fn revoke(&self, terminal_id: &str, now_ms: i64) -> Result<u64, DbError> {
        Ok(sqlx::query(
            "UPDATE tokens SET revoked_ms = $1 WHERE terminal_id = $2 AND revoked_ms IS NULL",
        )
        .bind(now_ms)
        .bind(terminal_id)
        .execute(&self.pool)
        .await?
        .rows_affected())
    }

    // ---- The remote virtual window.

    /// Adds a clerk or changes their password.
    pub async fn set_clerk(
        &self,
        name: &str,
        password_hash: &str,
        now_ms: i64,
    ) -> Result<(), DbError> {
        sqlx::query(
            "INSERT INTO clerks (name, password_hash, created_ms) VALUES ($1, $2, $3) \
             ON CONFLICT (name) DO UPDATE SET password_hash = excluded.password_hash",
        )
        .bind(name)
        .bind(password_hash)
        .bind(now_ms)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// A clerk's password hash.
    pub async fn clerk_hash(&self, name: &str) -> Result<Option<String>, DbError> {
        Ok(
            sqlx::query("SELECT password_hash FROM clerks WHERE name = $1")
                .bind(name)
                .fetch_optional(&self.pool)
                .await?
                .map(|r| r.try_get::<String, _>(0))
                .transpose()?,
        )
    }

    /// Records a finished call.
    pub async fn record_call(&self, c: &CallRecord) -> Result<(), DbError> {
        sqlx::query(
            "INSERT INTO calls (id, terminal_id, clerk, item_code, joined_ms, answered_ms, ended_ms, outcome, \
             callback_phone) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) ON CONFLICT (id) DO NOTHING",
        )
        .bind(&c.id)
        .bind(&c.terminal_id)
        .bind(c.clerk.as_deref())
        .bind(c.item_code.as_deref())
        .bind(c.joined_ms)
        .bind(c.answered_ms)
        .bind(c.ended_ms)
        .bind(&c.outcome)
        .bind(c.callback_phone.as_deref())
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// Every recorded call, oldest first.
    pub async fn calls(&self) -> Result<Vec<CallRecord>, DbError> {
        let rows = sqlx::query(
            "SELECT id, terminal_id, clerk, item_code, joined_ms, answered_ms, ended_ms, outcome, callback_phone \
             FROM calls ORDER BY ended_ms, id",
        )
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| {
                Ok(CallRecord {
                    id: r.try_get(0)?,
                    terminal_id: r.try_get(1)?,
                    clerk: r.try_get(2)?,
                    item_code: r.try_get(3)?,
                    joined_ms: r.try_get(4)?,
                    answered_ms: r.try_get(5)?,
                    ended_ms: r.try_get(6)?,
                    outcome: r.try_get(7)?,
                    callback_phone: r.try_get(8)?,
                })
            })
            .collect()
    }

    // ---- Writes under idempotency keys.

    /// Takes a case once per key. `reply` builds the stored answer from the case's sequence number (called
    /// only for a new case); `materials` (sha256, name) must all be complete, which the caller checked.
    pub async fn take_case(
        &self,
        w: &Incoming<'_>,
        item_code: &str,
        materials: &[(String, String)],
        reply: impl FnOnce(i64) -> (String, String),
    ) -> Result<Taken, DbError> {
        let (key, body_hash) = (w.key, w.body_hash);
        if let Some(t) = self.earlier("cases", None, key, body_hash).await? {
            return Ok(t);
        }
        // The first statement writes, so that SQLite takes its write lock at once (a read first could not be
        // upgraded under a concurrent writer) and PostgreSQL serialises on the counter's row.
        let mut tx = self.pool.begin().await?;
        let seq = next_number(&mut tx, "case").await?;
        let (case_number, reply) = reply(seq);
        let inserted = sqlx::query(
            "INSERT INTO cases (idempotency_key, case_number, terminal_id, item_code, body_hash, body, reply,
                                received_ms)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (idempotency_key) DO NOTHING",
        )
        .bind(key)
        .bind(&case_number)
        .bind(w.terminal_id)
        .bind(item_code)
        .bind(body_hash)
        .bind(w.body)
        .bind(&reply)
        .bind(w.now_ms)
        .execute(&mut *tx)
        .await?
        .rows_affected();
        if inserted == 0 {
            // Another request with this key won the race.
            tx.rollback().await?;
            return Ok(self
                .earlier("cases", None, key, body_hash)
                .await?
                .unwrap_or(Taken::KeyReused));
        }
        for (sha, name) in materials {
            sqlx::query(
                "INSERT INTO case_materials (idempotency_key, sha256, name) VALUES ($1, $2, $3)
                 ON CONFLICT (idempotency_key, sha256) DO NOTHING",
            )
            .bind(key)
            .bind(sha)
            .bind(name)
            .execute(&mut *tx)
            .await?;
        }
        tx.commit().await?;
        Ok(Taken::New(reply))
    }

    /// Takes a rating, help request, 办不成事 report or figures once per kind and key.
    pub async fn take_record(
        &self,
        kind: &str,
        w: &Incoming<'_>,
        reply: impl FnOnce(i64) -> String,
    ) -> Result<Taken, DbError> {
        let (key, body_hash) = (w.key, w.body_hash);
        if let Some(t) = self.earlier("records", Some(kind), key, body_hash).await? {
            return Ok(t);
        }
        let mut tx = self.pool.begin().await?;
        let seq = next_number(&mut tx, kind).await?;
        let reply = reply(seq);
        let inserted = sqlx::query(
            "INSERT INTO records (kind, idempotency_key, terminal_id, body_hash, body, reply, received_ms)
             VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (kind, idempotency_key) DO NOTHING",
        )
        .bind(kind)
        .bind(key)
        .bind(w.terminal_id)
        .bind(body_hash)
        .bind(w.body)
        .bind(&reply)
        .bind(w.now_ms)
        .execute(&mut *tx)
        .await?
        .rows_affected();
        if inserted == 0 {
            tx.rollback().await?;
            return Ok(self
                .earlier("records", Some(kind), key, body_hash)
                .await?
                .unwrap_or(Taken::KeyReused));
        }
        tx.commit().await?;
        Ok(Taken::New(reply))
    }

    /// What an earlier request under this key came to, if there was one.
    async fn earlier(
        &self,
        table: &'static str,
        kind: Option<&str>,
        key: &str,
        body_hash: &str,
    ) -> Result<Option<Taken>, DbError> {
        let row =
            match (table, kind) {
                ("cases", _) => {
                    sqlx::query("SELECT body_hash, reply FROM cases WHERE idempotency_key = $1")
                        .bind(key)
                        .fetch_optional(&self.pool)
                        .await?
                }
                (_, kind) => sqlx::query(
                    "SELECT body_hash, reply FROM records WHERE kind = $1 AND idempotency_key = $2",
                )
                .bind(kind.unwrap_or_default())
                .bind(key)
                .fetch_optional(&self.pool)
                .await?,
            };
        let Some(row) = row else { return Ok(None) };
        let (hash, reply): (String, String) = (row.try_get(0)?, row.try_get(1)?);
        Ok(Some(if hash == body_hash {
            Taken::Repeat(reply)
        } else {
            Taken::KeyReused
        }))
    }

    /// Every case: (idempotency key, request JSON, reply JSON), oldest first.
    pub async fn cases(&self) -> Result<Vec<(String, String, String)>, DbError> {
        let rows = sqlx::query(
            "SELECT idempotency_key, body, reply FROM cases ORDER BY received_ms, case_number",
        )
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| Ok((r.try_get(0)?, r.try_get(1)?, r.try_get(2)?)))
            .collect()
    }

    /// How many cases, and how many records of each kind: (kind, count), cases as kind "case".
    pub async fn counts(&self) -> Result<Vec<(String, i64)>, DbError> {
        let rows = sqlx::query(
            "SELECT 'case', COUNT(*) FROM cases
             UNION ALL SELECT kind, COUNT(*) FROM records GROUP BY kind",
        )
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| Ok((r.try_get(0)?, r.try_get(1)?)))
            .collect()
    }

    /// The materials of a case: (sha256, name).
    pub async fn case_materials(&self, key: &str) -> Result<Vec<(String, String)>, DbError> {
        let rows = sqlx::query(
            "SELECT sha256, name FROM case_materials WHERE idempotency_key = $1 ORDER BY sha256",
        )
        .bind(key)
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| Ok((r.try_get(0)?, r.try_get(1)?)))
            .collect()
    }

    /// Bodies of the records of a kind (JSON), oldest first.
    pub async fn records(&self, kind: &str) -> Result<Vec<String>, DbError> {
        let rows = sqlx::query(
            "SELECT body FROM records WHERE kind = $1 ORDER BY received_ms, idempotency_key",
        )
        .bind(kind)
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(|r| Ok(r.try_get(0)?)).collect()
    }

    // ---- Materials.

    pub async fn material(&self, sha256: &str) -> Result<Option<MaterialRow>, DbError> {
        let row =
            sqlx::query("SELECT size, received, complete_ms FROM materials WHERE sha256 = $1")
                .bind(sha256)
                .fetch_optional(&self.pool)
                .await?;
        row.map(|r| {
            Ok(MaterialRow {
                size: r.try_get(0)?,
                received: r.try_get(1)?,
                complete: r.try_get::<Option<i64>, _>(2)?.is_some(),
            })
        })
        .transpose()
    }

    /// Records that a material is whole (again, if the hub stopped before it recorded that the first time).
    pub async fn material_done(&self, sha256: &str, size: i64, now_ms: i64) -> Result<(), DbError> {
        sqlx::query(
            "INSERT INTO materials (sha256, size, received, complete_ms) VALUES ($1, $2, $2, $3)
             ON CONFLICT (sha256) DO UPDATE SET size = $2, received = $2,
                 complete_ms = COALESCE(materials.complete_ms, $3)",
        )
        .bind(sha256)
        .bind(size)
        .bind(now_ms)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// Records how much of a material is on disk (and, with `complete_ms`, that all of it is and matched).
    pub async fn material_progress(
        &self,
        sha256: &str,
        size: i64,
        received: i64,
        complete_ms: Option<i64>,
    ) -> Result<(), DbError> {
        sqlx::query(
            "INSERT INTO materials (sha256, size, received, complete_ms) VALUES ($1, $2, $3, $4)
             ON CONFLICT (sha256) DO UPDATE SET size = $2, received = $3, complete_ms = $4",
        )
        .bind(sha256)
        .bind(size)
        .bind(received)
        .bind(complete_ms)
        .execute(&self.pool)
        .await?;
        Ok(())
    }
}

/// The next number of a sequence (cases, tickets of each kind), inside the caller's transaction.
async fn next_number(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    name: &str,
) -> Result<i64, DbError> {
    Ok(sqlx::query(
        "INSERT INTO counters (name, value) VALUES ($1, 1)
         ON CONFLICT (name) DO UPDATE SET value = counters.value + 1 RETURNING value",
    )
    .bind(name)
    .fetch_one(&mut **tx)
    .await?
    .try_get(0)?)
}

fn resident(r: &sqlx::any::AnyRow) -> Result<Resident, DbError> {
    Ok(Resident {
        id_number: r.try_get(0)?,
        name: r.try_get(1)?,
        sex: r.try_get(2)?,
        birth_date: r.try_get(3)?,
        address: r.try_get(4)?,
        phone: r.try_get(5)?,
        bank_account: r.try_get(6)?,
    })
}

fn certificate(r: &sqlx::any::AnyRow) -> Result<Certificate, DbError> {
    let fields: String = r.try_get(5)?;
    Ok(Certificate {
        number: r.try_get(0)?,
        id_number: r.try_get(1)?,
        kind: r.try_get(2)?,
        title: r.try_get(3)?,
        issuer: r.try_get(4)?,
        fields: serde_json::from_str(&fields).map_err(|e| DbError::Corrupt(e.to_string()))?,
        issued_on: r.try_get(6)?,
    })
}

/// One finished call of the remote virtual window.
#[derive(Clone, PartialEq, Eq)]
pub struct CallRecord {
    pub id: String,
    pub terminal_id: String,
    pub clerk: Option<String>,
    pub item_code: Option<String>,
    pub joined_ms: i64,
    pub answered_ms: Option<i64>,
    pub ended_ms: i64,
    pub outcome: String,
    pub callback_phone: Option<String>,
}

impl std::fmt::Debug for CallRecord {
    // The call-back number is personal data: never in a log.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CallRecord")
            .field("id", &self.id)
            .field("terminal_id", &self.terminal_id)
            .field("clerk", &self.clerk)
            .field("outcome", &self.outcome)
            .field("callback_phone", &self.callback_phone.as_ref().map(|_| "…"))
            .finish()
    }
}
