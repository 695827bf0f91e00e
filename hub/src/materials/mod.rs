//! Materials (photos of documents, application PDFs) uploaded in chunks that resume after a cut.
//!
//! A material is named by the SHA-256 of its bytes. Chunks are appended to `partial/<sha256>` in order (a
//! chunk at another offset than the file's length is refused with the length, so a terminal that lost an
//! answer resumes where the hub really is); each chunk is on disk before it is acknowledged. When the last
//! byte arrives the hash is checked and the file moves to `<sha256>`; a mismatch discards it. The database
//! mirrors the progress for the fleet view; the file is the truth.

use crate::common::{now_ms, storage};
use crate::error;
use crate::platform::Platform;
use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use kiosk_api::{ApiError, MaterialStatus, MAX_CHUNK};
use std::io::Write;
use std::path::Path as FsPath;
use std::sync::Arc;

pub(crate) mod files;
pub use files::*;

/// The largest material taken (a phone photo of a document is a few MB; a PDF less).
pub const MAX_MATERIAL: u64 = 32 * 1024 * 1024;

/// How much of a material the hub holds (an upload resumes at `received`).
#[utoipa::path(get, path = "/api/v1/materials/{sha256}", tag = "platform",
    params(("sha256" = String, Path, pattern = "^[0-9a-f]{64}$", description = "Lower-case hex SHA-256 of the material")),
    security(("terminal" = [])),
    responses(
        (status = 200, description = "Progress of the upload", body = MaterialStatus),
        (status = 400, description = "Not a SHA-256", body = ApiError),
        (status = 401, description = "No valid terminal token", body = ApiError)))]
pub(crate) async fn status(State(p): State<Arc<Platform>>, Path(sha): Path<String>) -> Response {
    match p.materials.status(&p.db, &sha).await {
        Ok(s) => Json(s).into_response(),
        Err(r) => r,
    }
}

/// One chunk of a material, at the offset the hub holds. An empty chunk at the end asks the hub to finish a
/// material whose bytes are all there (it stopped before it checked them).
#[utoipa::path(put, path = "/api/v1/materials/{sha256}", tag = "platform",
    params(("sha256" = String, Path, pattern = "^[0-9a-f]{64}$", description = "Lower-case hex SHA-256 of the material"), ChunkAt),
    request_body(content = Vec<u8>, content_type = "application/octet-stream",
        description = "At most 256 KiB"),
    security(("terminal" = [])),
    responses(
        (status = 200, description = "Taken; the progress", body = MaterialStatus),
        (status = 400, description = "Not a SHA-256", body = ApiError),
        (status = 401, description = "No valid terminal token", body = ApiError),
        (status = 409, description = "The hub holds another length (resume at its status), or the chunk goes beyond the size", body = ApiError),
        (status = 413, description = "Chunk larger than 256 KiB", body = ApiError),
        (status = 415, description = "Not sent as application/octet-stream", body = ApiError),
        (status = 422, description = "A size over 32 MiB, or the bytes do not match the hash", body = ApiError)))]
pub(crate) async fn upload(
    State(p): State<Arc<Platform>>,
    Path(sha): Path<String>,
    Query(at): Query<ChunkAt>,
    headers: axum::http::HeaderMap,
    chunk: Bytes,
) -> Response {
    if !valid_sha(&sha) {
        return bad_sha();
    }
    let octets = headers
        .get(axum::http::header::CONTENT_TYPE)
        .is_some_and(|v| v.as_bytes().starts_with(b"application/octet-stream"));
    if !octets {
        return error(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "unsupported-media-type",
            "分块应以 Content-Type: application/octet-stream 发送",
        );
    }
    if at.size == 0 || at.size > MAX_MATERIAL {
        return error(
            StatusCode::UNPROCESSABLE_ENTITY,
            "bad-size",
            &format!("材料大小应为1至{MAX_MATERIAL}字节"),
        );
    }
    if chunk.len() > MAX_CHUNK {
        return error(StatusCode::PAYLOAD_TOO_LARGE, "chunk-too-large", "分块过大");
    }
    if at.offset.saturating_add(chunk.len() as u64) > at.size {
        return error(StatusCode::CONFLICT, "beyond-size", "分块超出材料大小");
    }
    let m = &p.materials;
    let lock = m.lock(&sha);
    let _held = lock.lock().await;
    let here = match m.status(&p.db, &sha).await {
        Ok(s) => s,
        Err(r) => return r,
    };
    if here.complete {
        return Json(here).into_response();
    }
    if at.offset != here.received {
        return error(
            StatusCode::CONFLICT,
            "offset-mismatch",
            &format!("平台已收到{}字节，请从该处续传", here.received),
        );
    }
    let partial = m.partial_path(&sha);
    let written = tokio::task::spawn_blocking({
        let partial = partial.clone();
        move || -> std::io::Result<u64> {
            let mut f = std::fs::OpenOptions::new()
                .create(true)
                .append(true)
                .open(&partial)?;
            if !chunk.is_empty() {
                f.write_all(&chunk)?;
                // On disk before it is acknowledged.
                f.sync_data()?;
            }
            Ok(f.metadata()?.len())
        }
    })
    .await;
    let received = match written {
        Ok(Ok(n)) => n,
        Ok(Err(e)) => return storage(e),
        Err(e) => return storage(e),
    };
    if received < at.size {
        if let Err(e) =
            p.db.material_progress(&sha, at.size as i64, received as i64, None)
                .await
        {
            return storage(e);
        }
        return Json(MaterialStatus {
            sha256: sha,
            received,
            size: at.size,
            complete: false,
        })
        .into_response();
    }
    // The last byte: the hash decides.
    let finished = tokio::task::spawn_blocking({
        let (partial, done) = (partial.clone(), m.dir.join(&sha));
        let sha = sha.clone();
        move || -> std::io::Result<bool> {
            let bytes = std::fs::read(&partial)?;
            let ok = kiosk_api::sha256_hex(&bytes) == sha;
            if ok {
                std::fs::rename(&partial, &done)?;
                if let Some(dir) = done.parent() {
                    std::fs::File::open(dir)?.sync_all()?;
                }
            } else {
                std::fs::remove_file(&partial)?;
            }
            Ok(ok)
        }
    })
    .await;
    match finished {
        Ok(Ok(true)) => {
            if let Err(e) =
                p.db.material_progress(&sha, at.size as i64, at.size as i64, Some(now_ms()))
                    .await
            {
                return storage(e);
            }
            Json(MaterialStatus {
                sha256: sha,
                received: at.size,
                size: at.size,
                complete: true,
            })
            .into_response()
        }
        Ok(Ok(false)) => {
            let _ = p.db.material_progress(&sha, at.size as i64, 0, None).await;
            error(
                StatusCode::UNPROCESSABLE_ENTITY,
                "hash-mismatch",
                "材料内容与其SHA-256不符，已丢弃，请重新上传",
            )
        }
        Ok(Err(e)) => storage(e),
        Err(e) => storage(e),
    }
}

/// SHA-256 of a file, for checks (tests, a technician's tool).
pub fn file_sha256(path: &FsPath) -> std::io::Result<String> {
    Ok(kiosk_api::sha256_hex(&std::fs::read(path)?))
}
