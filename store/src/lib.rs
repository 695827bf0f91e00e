//! The terminal's store: one SQLite database (WAL, foreign keys, migrations) and the outbox through which
//! writes to the platform go.
//!
//! What a resident is told about is committed with `synchronous=FULL` before they are told. Personal data (a
//! case's body: name, ID number, photos) is sealed with XChaCha20-Poly1305 under a key kept in a file only the
//! kiosk user can read; it is deleted as soon as the platform has acknowledged the case, and in any case after
//! `retention` (`purge`). Materials (photos, PDFs) are files beside the database named by the SHA-256 of their
//! bytes, sealed the same way, referenced from the items that carry them and deleted with the last of those.
//! No I/O outside the database, its materials and the key file; no clock (callers pass the time).

use chacha20poly1305::aead::{Aead, KeyInit};
use chacha20poly1305::{XChaCha20Poly1305, XNonce};
use rusqlite::{params, Connection, OptionalExtension};
use rusqlite_migration::{Migrations, M};
use std::path::Path;
use thiserror::Error;

#[derive(Debug, Error)]
pub enum StoreError {
    #[error("database: {0}")]
    Db(#[from] rusqlite::Error),
    #[error("database schema: {0}")]
    Migration(#[from] rusqlite_migration::Error),
    #[error("key file {path}: {why}")]
    Key { path: String, why: String },
    #[error("a sealed record cannot be opened (wrong key or damaged)")]
    Unseal,
    #[error("no randomness from the system: {0}")]
    Random(String),
    #[error("material file {path}: {why}")]
    File { path: String, why: String },
}

/// The schema, one migration per change; never edit a released one.
fn migrations() -> Migrations<'static> {
    Migrations::new(vec![
        M::up(
            "CREATE TABLE outbox (
            id INTEGER PRIMARY KEY,
            -- The idempotency key: the platform takes each once.
            key TEXT NOT NULL UNIQUE,
            kind TEXT NOT NULL,
            -- Sealed body; NULL once delivered (personal data deleted).
            body BLOB,
            -- The number the resident was given while the platform could not be reached.
            provisional TEXT,
            -- The platform's answer once delivered.
            reply TEXT,
            attempts INTEGER NOT NULL DEFAULT 0,
            next_attempt_ms INTEGER NOT NULL,
            last_error TEXT,
            created_ms INTEGER NOT NULL,
            delivered_ms INTEGER
        );
        CREATE INDEX outbox_due ON outbox (next_attempt_ms) WHERE delivered_ms IS NULL;",
        ),
        // Materials as sealed files named by their hash; an item refers to the ones it carries.
        M::up(
            "CREATE TABLE materials (
                sha256 TEXT PRIMARY KEY,
                size INTEGER NOT NULL
            );
            CREATE TABLE outbox_materials (
                outbox_id INTEGER NOT NULL REFERENCES outbox (id) ON DELETE CASCADE,
                sha256 TEXT NOT NULL REFERENCES materials (sha256),
                position INTEGER NOT NULL,
                PRIMARY KEY (outbox_id, sha256)
            );
            CREATE INDEX outbox_materials_sha ON outbox_materials (sha256);
            -- Secrets of the terminal (its platform token), sealed.
            CREATE TABLE secrets (
                name TEXT PRIMARY KEY,
                value BLOB NOT NULL
            );",
        ),
    ])
}

/// The key that seals personal data: 32 random bytes in a file created readable by its owner only.
pub fn load_or_create_key(path: &Path) -> Result<[u8; 32], StoreError> {
    let err = |why: String| StoreError::Key {
        path: path.display().to_string(),
        why,
    };
    match std::fs::read(path) {
        Ok(bytes) => bytes
            .try_into()
            .map_err(|b: Vec<u8>| err(format!("{} bytes, not 32", b.len()))),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            let mut key = [0u8; 32];
            getrandom::fill(&mut key).map_err(|e| StoreError::Random(e.to_string()))?;
            use std::io::Write;
            use std::os::unix::fs::OpenOptionsExt;
            let mut f = std::fs::OpenOptions::new()
                .write(true)
                .create_new(true)
                .mode(0o600)
                .open(path)
                .map_err(|e| err(e.to_string()))?;
            f.write_all(&key).map_err(|e| err(e.to_string()))?;
            f.sync_all().map_err(|e| err(e.to_string()))?;
            Ok(key)
        }
        Err(e) => Err(err(e.to_string())),
    }
}

/// One item waiting for delivery.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pending {
    pub key: String,
    pub kind: String,
    /// The unsealed body (personal data: the caller wipes it after use).
    pub body: Vec<u8>,
    pub attempts: u32,
}

/// The outbox as the maintenance menu shows it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct OutboxStatus {
    pub queued: u64,
    /// When the oldest undelivered item was queued (ms since the epoch).
    pub oldest_ms: Option<i64>,
    pub last_error: Option<String>,
}

pub struct Store {
    db: Connection,
    cipher: XChaCha20Poly1305,
    files: Files,
}

/// Where sealed materials are kept: a directory beside the database, or memory for a store in memory.
enum Files {
    Disk(std::path::PathBuf),
    Memory(std::collections::HashMap<String, Vec<u8>>),
}

/// Whether a name is a lower-case hex SHA-256 (the only file names the store makes or deletes).
fn is_sha(s: &str) -> bool {
    s.len() == 64 && s.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
}

const NONCE: usize = 24;

impl Store {
    /// Opens (creating if need be) the database at `path` with the sealing `key`.
    pub fn open(path: &Path, key: &[u8; 32]) -> Result<Store, StoreError> {
        let db = Connection::open(path)?;
        let dir = path.parent().unwrap_or(Path::new(".")).join("materials");
        std::fs::create_dir_all(&dir).map_err(|e| StoreError::File {
            path: dir.display().to_string(),
            why: e.to_string(),
        })?;
        Self::init(db, key, Files::Disk(dir))
    }

    /// A database in memory (tests, tools).
    pub fn in_memory(key: &[u8; 32]) -> Result<Store, StoreError> {
        Self::init(
            Connection::open_in_memory()?,
            key,
            Files::Memory(Default::default()),
        )
    }

    fn init(mut db: Connection, key: &[u8; 32], files: Files) -> Result<Store, StoreError> {
        // WAL: readers never block the writer; FULL: a commit is on disk when it returns, so what the resident
        // is told survives a power cut.
        db.pragma_update(None, "journal_mode", "WAL")?;
        db.pragma_update(None, "synchronous", "FULL")?;
        db.pragma_update(None, "foreign_keys", "ON")?;
        // Deleted records (personal data once acknowledged) are overwritten in the file, not left in free
        // pages (sealed, but the key is on the same card: docs/security.md).
        db.pragma_update(None, "secure_delete", "ON")?;
        db.busy_timeout(std::time::Duration::from_secs(5))?;
        migrations().to_latest(&mut db)?;
        Ok(Store {
            db,
            cipher: XChaCha20Poly1305::new(key.into()),
            files,
        })
    }

    fn seal(&self, plain: &[u8]) -> Result<Vec<u8>, StoreError> {
        let mut nonce = [0u8; NONCE];
        getrandom::fill(&mut nonce).map_err(|e| StoreError::Random(e.to_string()))?;
        let sealed = self
            .cipher
            .encrypt(XNonce::from_slice(&nonce), plain)
            .map_err(|_| StoreError::Unseal)?;
        let mut out = nonce.to_vec();
        out.extend_from_slice(&sealed);
        Ok(out)
    }

    fn unseal(&self, sealed: &[u8]) -> Result<Vec<u8>, StoreError> {
        if sealed.len() < NONCE {
            return Err(StoreError::Unseal);
        }
        let (nonce, data) = sealed.split_at(NONCE);
        self.cipher
            .decrypt(XNonce::from_slice(nonce), data)
            .map_err(|_| StoreError::Unseal)
    }

    /// Queues an item for the platform, durably; a key already queued is left as it is (the caller retried).
    /// Returns the provisional number the item has (the given one, or the one it got the first time).
    pub fn enqueue(
        &mut self,
        key: &str,
        kind: &str,
        body: &[u8],
        provisional: Option<&str>,
        now_ms: i64,
    ) -> Result<Option<String>, StoreError> {
        self.enqueue_with(key, kind, body, provisional, &[], now_ms)
    }

    /// `enqueue` with the materials the item carries, each named by the SHA-256 of its bytes: the sealed files
    /// are on disk before the item is committed (a cut in between leaves a file no item refers to, which
    /// `purge` removes).
    pub fn enqueue_with(
        &mut self,
        key: &str,
        kind: &str,
        body: &[u8],
        provisional: Option<&str>,
        materials: &[(&str, &[u8])],
        now_ms: i64,
    ) -> Result<Option<String>, StoreError> {
        for (sha, bytes) in materials {
            if !is_sha(sha) {
                return Err(StoreError::File {
                    path: (*sha).to_string(),
                    why: "not a SHA-256".into(),
                });
            }
            self.write_material(sha, bytes)?;
        }
        let sealed = self.seal(body)?;
        let tx = self.db.transaction()?;
        let inserted = tx.execute(
            "INSERT INTO outbox (key, kind, body, provisional, next_attempt_ms, created_ms)
             VALUES (?1, ?2, ?3, ?4, ?5, ?5) ON CONFLICT (key) DO NOTHING",
            params![key, kind, sealed, provisional, now_ms],
        )?;
        if inserted == 1 {
            let id = tx.last_insert_rowid();
            for (position, (sha, bytes)) in materials.iter().enumerate() {
                tx.execute(
                    "INSERT INTO materials (sha256, size) VALUES (?1, ?2) ON CONFLICT (sha256) DO NOTHING",
                    params![sha, bytes.len() as i64],
                )?;
                tx.execute(
                    "INSERT INTO outbox_materials (outbox_id, sha256, position) VALUES (?1, ?2, ?3)
                     ON CONFLICT DO NOTHING",
                    params![id, sha, position as i64],
                )?;
            }
        }
        let p: Option<String> = tx.query_row(
            "SELECT provisional FROM outbox WHERE key = ?1",
            params![key],
            |r| r.get(0),
        )?;
        tx.commit()?;
        Ok(p)
    }

    fn write_material(&mut self, sha: &str, bytes: &[u8]) -> Result<(), StoreError> {
        let sealed = self.seal(bytes)?;
        match &mut self.files {
            Files::Memory(m) => {
                m.insert(sha.to_string(), sealed);
                Ok(())
            }
            Files::Disk(dir) => {
                let path = dir.join(sha);
                if path.exists() {
                    return Ok(());
                }
                let err = |e: std::io::Error| StoreError::File {
                    path: path.display().to_string(),
                    why: e.to_string(),
                };
                // Written aside, on disk, then renamed: a cut never leaves half a file under the name.
                let tmp = dir.join(format!("{sha}.tmp"));
                {
                    use std::io::Write;
                    let mut f = std::fs::File::create(&tmp).map_err(err)?;
                    f.write_all(&sealed).map_err(err)?;
                    f.sync_all().map_err(err)?;
                }
                std::fs::rename(&tmp, &path).map_err(err)?;
                std::fs::File::open(dir.as_path())
                    .and_then(|d| d.sync_all())
                    .map_err(err)?;
                Ok(())
            }
        }
    }

    /// The materials an item carries, unsealed, in the order given: (sha256, bytes).
    pub fn materials_of(&self, key: &str) -> Result<Vec<(String, Vec<u8>)>, StoreError> {
        let mut stmt = self.db.prepare(
            "SELECT m.sha256 FROM outbox o JOIN outbox_materials m ON m.outbox_id = o.id
             WHERE o.key = ?1 ORDER BY m.position",
        )?;
        let shas = stmt
            .query_map(params![key], |r| r.get::<_, String>(0))?
            .collect::<Result<Vec<_>, _>>()?;
        let mut out = Vec::new();
        for sha in shas {
            let sealed = match &self.files {
                Files::Memory(m) => m.get(&sha).cloned().ok_or(StoreError::Unseal)?,
                Files::Disk(dir) => {
                    let path = dir.join(&sha);
                    std::fs::read(&path).map_err(|e| StoreError::File {
                        path: path.display().to_string(),
                        why: e.to_string(),
                    })?
                }
            };
            out.push((sha, self.unseal(&sealed)?));
        }
        Ok(out)
    }

    /// Deletes materials no item refers to any more (after a delivery, a drop or a purge), and files a cut
    /// left without a record.
    fn sweep_materials(&mut self) -> Result<usize, StoreError> {
        let unused: Vec<String> = {
            let mut stmt = self.db.prepare(
                "SELECT sha256 FROM materials
                 WHERE sha256 NOT IN (SELECT sha256 FROM outbox_materials)",
            )?;
            let rows = stmt.query_map([], |r| r.get::<_, String>(0))?;
            rows.collect::<Result<Vec<_>, _>>()?
        };
        for sha in &unused {
            self.db
                .execute("DELETE FROM materials WHERE sha256 = ?1", params![sha])?;
        }
        let mut removed = unused.len();
        match &mut self.files {
            Files::Memory(m) => {
                for sha in &unused {
                    m.remove(sha);
                }
            }
            Files::Disk(dir) => {
                let known: std::collections::HashSet<String> = {
                    let mut stmt = self.db.prepare("SELECT sha256 FROM materials")?;
                    let rows = stmt.query_map([], |r| r.get::<_, String>(0))?;
                    rows.collect::<Result<_, _>>()?
                };
                let entries = std::fs::read_dir(dir.as_path()).map_err(|e| StoreError::File {
                    path: dir.display().to_string(),
                    why: e.to_string(),
                })?;
                removed = 0;
                for entry in entries.flatten() {
                    let name = entry.file_name().to_string_lossy().to_string();
                    let ours = is_sha(&name) || name.strip_suffix(".tmp").is_some_and(is_sha);
                    if ours && !known.contains(&name) && std::fs::remove_file(entry.path()).is_ok()
                    {
                        removed += 1;
                    }
                }
            }
        }
        Ok(removed)
    }

    /// Keeps a secret (the platform token), sealed.
    pub fn set_secret(&mut self, name: &str, value: &[u8]) -> Result<(), StoreError> {
        let sealed = self.seal(value)?;
        self.db.execute(
            "INSERT INTO secrets (name, value) VALUES (?1, ?2)
             ON CONFLICT (name) DO UPDATE SET value = ?2",
            params![name, sealed],
        )?;
        Ok(())
    }

    pub fn secret(&self, name: &str) -> Result<Option<Vec<u8>>, StoreError> {
        let sealed: Option<Vec<u8>> = self
            .db
            .query_row(
                "SELECT value FROM secrets WHERE name = ?1",
                params![name],
                |r| r.get(0),
            )
            .optional()?;
        sealed.map(|s| self.unseal(&s)).transpose()
    }

    pub fn forget_secret(&mut self, name: &str) -> Result<(), StoreError> {
        self.db
            .execute("DELETE FROM secrets WHERE name = ?1", params![name])?;
        Ok(())
    }

    /// Items due for an attempt at `now_ms`, oldest first (order kept).
    pub fn due(&self, now_ms: i64, limit: usize) -> Result<Vec<Pending>, StoreError> {
        let mut stmt = self.db.prepare(
            "SELECT key, kind, body, attempts FROM outbox
             WHERE delivered_ms IS NULL AND body IS NOT NULL AND next_attempt_ms <= ?1
             ORDER BY id LIMIT ?2",
        )?;
        let rows = stmt.query_map(params![now_ms, limit as i64], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, Vec<u8>>(2)?,
                r.get::<_, u32>(3)?,
            ))
        })?;
        let mut out = Vec::new();
        for row in rows {
            let (key, kind, sealed, attempts) = row?;
            out.push(Pending {
                key,
                kind,
                body: self.unseal(&sealed)?,
                attempts,
            });
        }
        Ok(out)
    }

    /// The platform took it: its answer is kept, the personal data deleted.
    pub fn delivered(&mut self, key: &str, reply: &str, now_ms: i64) -> Result<(), StoreError> {
        self.db.execute(
            "UPDATE outbox SET body = NULL, reply = ?2, delivered_ms = ?3, last_error = NULL WHERE key = ?1",
            params![key, reply, now_ms],
        )?;
        self.db.execute(
            "DELETE FROM outbox_materials WHERE outbox_id = (SELECT id FROM outbox WHERE key = ?1)",
            params![key],
        )?;
        self.sweep_materials()?;
        Ok(())
    }

    /// An attempt failed; the next one is at `next_attempt_ms`.
    pub fn failed(
        &mut self,
        key: &str,
        error: &str,
        next_attempt_ms: i64,
    ) -> Result<(), StoreError> {
        self.db.execute(
            "UPDATE outbox SET attempts = attempts + 1, last_error = ?2, next_attempt_ms = ?3 WHERE key = ?1",
            params![key, error, next_attempt_ms],
        )?;
        Ok(())
    }

    /// The platform will never take it (refused): the item leaves the queue with its personal data.
    pub fn dropped(&mut self, key: &str) -> Result<(), StoreError> {
        self.db
            .execute("DELETE FROM outbox WHERE key = ?1", params![key])?;
        self.sweep_materials()?;
        Ok(())
    }

    /// Moves an item's next attempt without counting a failure (it waits for another item).
    pub fn postpone(&mut self, key: &str, next_attempt_ms: i64) -> Result<(), StoreError> {
        self.db.execute(
            "UPDATE outbox SET next_attempt_ms = ?2 WHERE key = ?1",
            params![key, next_attempt_ms],
        )?;
        Ok(())
    }

    /// Every waiting item is due at `now_ms` (a technician's "send now" once the network is back, instead of
    /// waiting out the backoff).
    pub fn retry_all(&mut self, now_ms: i64) -> Result<usize, StoreError> {
        Ok(self.db.execute(
            "UPDATE outbox SET next_attempt_ms = ?1 WHERE delivered_ms IS NULL",
            params![now_ms],
        )?)
    }

    /// For a provisional number: `None` if no item has it, `Some(None)` while that item waits, `Some(reply)`
    /// once the platform answered.
    pub fn by_provisional(&self, provisional: &str) -> Result<Option<Option<String>>, StoreError> {
        Ok(self
            .db
            .query_row(
                "SELECT reply FROM outbox WHERE provisional = ?1",
                params![provisional],
                |r| r.get::<_, Option<String>>(0),
            )
            .optional()?)
    }

    /// The platform's answer to a delivered item.
    pub fn reply(&self, key: &str) -> Result<Option<String>, StoreError> {
        Ok(self
            .db
            .query_row(
                "SELECT reply FROM outbox WHERE key = ?1",
                params![key],
                |r| r.get(0),
            )
            .optional()?
            .flatten())
    }

    pub fn status(&self) -> Result<OutboxStatus, StoreError> {
        Ok(self.db.query_row(
            "SELECT COUNT(*), MIN(created_ms),
                    (SELECT last_error FROM outbox WHERE delivered_ms IS NULL AND last_error IS NOT NULL
                     ORDER BY id DESC LIMIT 1)
             FROM outbox WHERE delivered_ms IS NULL",
            [],
            |r| {
                Ok(OutboxStatus {
                    queued: r.get::<_, i64>(0)? as u64,
                    oldest_ms: r.get(1)?,
                    last_error: r.get(2)?,
                })
            },
        )?)
    }

    /// Deletes personal data older than `before_ms` whatever its state (the retention limit), and delivered
    /// records older than that. Returns how many records went.
    pub fn purge(&mut self, before_ms: i64) -> Result<usize, StoreError> {
        let n = self.db.execute(
            "DELETE FROM outbox WHERE created_ms < ?1",
            params![before_ms],
        )?;
        self.sweep_materials()?;
        Ok(n)
    }
}

/// The wait before attempt `attempts + 1`: exponential from 1 s, capped at 5 minutes, with up to half of it as
/// jitter (`unit` in 0..1, the caller's randomness) so that terminals do not retry in step.
pub fn backoff_ms(attempts: u32, unit: f64) -> i64 {
    let base = 1000f64 * 2f64.powi(attempts.min(20) as i32);
    let capped = base.min(300_000.0);
    (capped * (0.5 + 0.5 * unit.clamp(0.0, 1.0))) as i64
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key() -> [u8; 32] {
        [7; 32]
    }

    #[test]
    fn an_item_survives_a_reopen_is_sealed_on_disk_and_leaves_its_data_when_delivered() {
        let dir = std::env::temp_dir().join(format!("kiosk-store-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("kiosk.db");
        {
            let mut s = Store::open(&path, &key()).unwrap();
            let p = s
                .enqueue(
                    "T-1",
                    "case",
                    "张建国 310110195203150310".as_bytes(),
                    Some("L0001"),
                    1_000,
                )
                .unwrap();
            assert_eq!(p.as_deref(), Some("L0001"));
            // The same key again: one item, the first number.
            let p = s
                .enqueue("T-1", "case", b"other", Some("L0002"), 2_000)
                .unwrap();
            assert_eq!(p.as_deref(), Some("L0001"));
        }
        let raw = std::fs::read(&path).unwrap();
        let wal = std::fs::read(dir.join("kiosk.db-wal")).unwrap_or_default();
        let needle = "310110195203150310".as_bytes();
        for bytes in [&raw, &wal] {
            assert!(
                !bytes.windows(needle.len()).any(|w| w == needle),
                "the ID number is readable on disk"
            );
        }
        let mut s = Store::open(&path, &key()).unwrap();
        let due = s.due(1_000, 10).unwrap();
        assert_eq!(due.len(), 1);
        assert_eq!(due[0].body, "张建国 310110195203150310".as_bytes());
        s.failed("T-1", "cannot connect", 5_000).unwrap();
        assert!(s.due(4_999, 10).unwrap().is_empty(), "not before its time");
        let st = s.status().unwrap();
        assert_eq!(
            (st.queued, st.last_error.as_deref()),
            (1, Some("cannot connect"))
        );
        s.delivered("T-1", "{\"case_number\":\"YP1\"}", 6_000)
            .unwrap();
        assert!(s.due(i64::MAX, 10).unwrap().is_empty());
        assert_eq!(s.status().unwrap().queued, 0);
        assert!(s.reply("T-1").unwrap().unwrap().contains("YP1"));
        assert!(s
            .by_provisional("L0001")
            .unwrap()
            .unwrap()
            .unwrap()
            .contains("YP1"));
        assert_eq!(s.by_provisional("YP1").unwrap(), None);
        // Another key cannot open it.
        drop(s);
        let mut other = Store::open(&path, &[9; 32]).unwrap();
        other.enqueue("T-2", "case", b"x", None, 1).unwrap();
        drop(other);
        let s = Store::open(&path, &key()).unwrap();
        assert!(matches!(s.due(i64::MAX, 10), Err(StoreError::Unseal)));
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn materials_are_sealed_files_kept_until_their_item_is_delivered() {
        let dir = std::env::temp_dir().join(format!("kiosk-store-m-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("kiosk.db");
        let photo = b"JPEG 310110195203150310 photo".to_vec();
        let sha = "a".repeat(64);
        let other = "b".repeat(64);
        {
            let mut s = Store::open(&path, &key()).unwrap();
            s.enqueue_with("C-1", "case", b"{}", None, &[(&sha, &photo)], 1)
                .unwrap();
            s.enqueue_with(
                "C-2",
                "case",
                b"{}",
                None,
                &[(&sha, &photo), (&other, b"pdf")],
                2,
            )
            .unwrap();
        }
        let file = dir.join("materials").join(&sha);
        let on_disk = std::fs::read(&file).unwrap();
        assert!(
            !on_disk.windows(18).any(|w| w == b"310110195203150310"),
            "a material is sealed on disk"
        );
        // A cut between the file and the commit leaves a file nobody refers to.
        std::fs::write(dir.join("materials").join("c".repeat(64)), b"orphan").unwrap();
        let mut s = Store::open(&path, &key()).unwrap();
        let m = s.materials_of("C-2").unwrap();
        assert_eq!(
            m,
            vec![
                (sha.clone(), photo.clone()),
                (other.clone(), b"pdf".to_vec())
            ]
        );
        s.delivered("C-1", "{}", 3).unwrap();
        assert!(file.exists(), "still carried by C-2");
        assert!(
            !dir.join("materials").join("c".repeat(64)).exists(),
            "orphan swept"
        );
        s.delivered("C-2", "{}", 4).unwrap();
        assert!(!file.exists(), "deleted with the last item carrying it");
        assert!(!dir.join("materials").join(&other).exists());
        s.set_secret("token", b"t0k3n").unwrap();
        assert_eq!(s.secret("token").unwrap().as_deref(), Some(&b"t0k3n"[..]));
        s.forget_secret("token").unwrap();
        assert_eq!(s.secret("token").unwrap(), None);
        assert!(matches!(
            s.enqueue_with("C-3", "case", b"{}", None, &[("../etc/passwd", b"x")], 5),
            Err(StoreError::File { .. })
        ));
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn order_is_kept_and_purge_deletes_by_age() {
        let mut s = Store::in_memory(&key()).unwrap();
        for (i, k) in ["a", "b", "c"].iter().enumerate() {
            s.enqueue(k, "case", k.as_bytes(), None, i as i64).unwrap();
        }
        let keys: Vec<String> = s.due(10, 10).unwrap().into_iter().map(|p| p.key).collect();
        assert_eq!(keys, ["a", "b", "c"]);
        assert_eq!(s.purge(2).unwrap(), 2);
        assert_eq!(s.status().unwrap().queued, 1);
    }

    #[test]
    fn backoff_grows_caps_and_jitters() {
        assert_eq!(backoff_ms(0, 1.0), 1000);
        assert_eq!(backoff_ms(0, 0.0), 500);
        assert_eq!(backoff_ms(3, 1.0), 8000);
        assert_eq!(backoff_ms(30, 1.0), 300_000);
    }

    #[test]
    fn the_key_file_is_created_private_and_read_back() {
        use std::os::unix::fs::PermissionsExt;
        let path = std::env::temp_dir().join(format!("kiosk-key-{}", std::process::id()));
        let _ = std::fs::remove_file(&path);
        let k1 = load_or_create_key(&path).unwrap();
        let mode = std::fs::metadata(&path).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600);
        assert_eq!(load_or_create_key(&path).unwrap(), k1);
        std::fs::write(&path, b"short").unwrap();
        assert!(matches!(
            load_or_create_key(&path),
            Err(StoreError::Key { .. })
        ));
        let _ = std::fs::remove_file(&path);
    }
}
