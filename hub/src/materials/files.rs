//! Materials on disk, without the handlers (`materials`): chunks written where they belong, checked by their
//! hash.

use crate::common::storage;
use crate::db::Db;
use crate::error;
use axum::http::StatusCode;
use axum::response::Response;
use kiosk_api::MaterialStatus;
use std::collections::HashMap;
use std::path::{Path as FsPath, PathBuf};
use std::sync::{Arc, Mutex};

pub struct MaterialFiles {
    pub(crate) dir: PathBuf,
    /// One writer per material at a time (a retried chunk can race the original on a cut connection).
    pub(crate) locks: Mutex<HashMap<String, Arc<tokio::sync::Mutex<()>>>>,
}

pub(crate) fn valid_sha(s: &str) -> bool {
    s.len() == 64 && s.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
}

pub(crate) fn bad_sha() -> Response {
    error(
        StatusCode::BAD_REQUEST,
        "bad-hash",
        "材料名应为64位小写十六进制SHA-256",
    )
}

impl MaterialFiles {
    pub fn open(dir: &FsPath) -> std::io::Result<MaterialFiles> {
        std::fs::create_dir_all(dir.join("partial"))?;
        Ok(MaterialFiles {
            dir: dir.to_path_buf(),
            locks: Mutex::new(HashMap::new()),
        })
    }

    /// Where a complete material is, if it is.
    pub fn complete_path(&self, sha: &str) -> Option<PathBuf> {
        if !valid_sha(sha) {
            return None;
        }
        let p = self.dir.join(sha);
        p.exists().then_some(p)
    }

    pub(crate) fn partial_path(&self, sha: &str) -> PathBuf {
        self.dir.join("partial").join(sha)
    }

    pub(crate) fn lock(&self, sha: &str) -> Arc<tokio::sync::Mutex<()>> {
        let mut locks = self.locks.lock().unwrap_or_else(|e| e.into_inner());
        // Forget locks nobody holds, so that the map does not grow with every material ever uploaded.
        if locks.len() > 256 {
            locks.retain(|_, l| Arc::strong_count(l) > 1);
        }
        locks.entry(sha.to_string()).or_default().clone()
    }

    /// How much of a material is here.
    pub async fn status(&self, db: &Db, sha: &str) -> Result<MaterialStatus, Response> {
        if !valid_sha(sha) {
            return Err(bad_sha());
        }
        // The files are the truth (the hub may have stopped between a file and its row).
        if let Some(done) = self.complete_path(sha) {
            let size = std::fs::metadata(done).map(|m| m.len()).unwrap_or(0);
            return Ok(MaterialStatus {
                sha256: sha.to_string(),
                received: size,
                size,
                complete: true,
            });
        }
        let row = db.material(sha).await.map_err(storage)?;
        let received = std::fs::metadata(self.partial_path(sha))
            .map(|m| m.len())
            .unwrap_or(0);
        Ok(MaterialStatus {
            sha256: sha.to_string(),
            received,
            size: row.map(|r| r.size as u64).unwrap_or(0),
            complete: false,
        })
    }
}

#[derive(serde::Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ChunkAt {
    /// Where this chunk starts: the `received` of the material's status.
    #[param(minimum = 0)]
    pub(crate) offset: u64,
    /// The material's whole size in bytes.
    #[param(minimum = 1, maximum = 33554432)]
    pub(crate) size: u64,
}
