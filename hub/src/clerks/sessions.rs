//! Clerks' accounts and sessions without the handlers (`clerks`): password hashes, the login limiter and the
//! sessions in memory.

use axum::http::{header, HeaderMap};
use std::collections::{HashMap, VecDeque};
use std::sync::Mutex;
use std::time::{Duration, Instant};

pub const COOKIE: &str = "kiosk_clerk";
pub const CSRF_HEADER: &str = "x-csrf-token";
/// A shift; after that the clerk logs in again.
pub(crate) const SESSION_LIFE: Duration = Duration::from_secs(10 * 3600);
/// Failed logins allowed per name, and per client address, within [`FAILURE_WINDOW`].
pub(crate) const FAILURES_PER_NAME: usize = 5;
pub(crate) const FAILURES_PER_ADDRESS: usize = 20;
pub(crate) const FAILURE_WINDOW: Duration = Duration::from_secs(15 * 60);

#[derive(Debug, thiserror::Error)]
pub enum ClerkError {
    #[error("a clerk's name is 1 to 64 characters without spaces")]
    Name,
    #[error("a password has at least 10 characters")]
    Weak,
    #[error("password hashing failed: {0}")]
    Hash(String),
    #[error(transparent)]
    Db(#[from] crate::db::DbError),
}

/// Someone logged in.
#[derive(Debug, Clone)]
pub struct ClerkSession {
    pub name: String,
    pub csrf: String,
    pub(crate) expires: Instant,
}

/// Sessions and the login limiter, in memory: a hub restart logs every clerk out, which is acceptable for a
/// service centre (calls in progress end anyway).
#[derive(Default)]
pub struct Clerks {
    pub(crate) sessions: Mutex<HashMap<String, ClerkSession>>,
    pub(crate) failures: Mutex<HashMap<String, VecDeque<Instant>>>,
}

pub fn hash_password(password: &str) -> Result<String, ClerkError> {
    kiosk_api::secret::hash(password).map_err(ClerkError::Hash)
}

pub(crate) fn verify(password: &str, hash: &str) -> bool {
    kiosk_api::secret::verify(password, hash)
}

/// The session token in a request's cookies.
pub(crate) fn cookie_token(headers: &HeaderMap) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(cookie::Cookie::split_parse)
        .filter_map(Result::ok)
        .find(|c| c.name() == COOKIE)
        .map(|c| c.value().to_string())
}

pub(crate) fn valid_name(name: &str) -> bool {
    !name.is_empty() && name.chars().count() <= 64 && !name.chars().any(char::is_whitespace)
}

impl Clerks {
    pub(crate) fn limited(&self, keys: &[(String, usize)]) -> bool {
        let mut f = self.failures.lock().unwrap_or_else(|e| e.into_inner());
        let now = Instant::now();
        keys.iter().any(|(k, limit)| {
            f.get_mut(k).is_some_and(|q| {
                while q
                    .front()
                    .is_some_and(|t| now.duration_since(*t) > FAILURE_WINDOW)
                {
                    q.pop_front();
                }
                q.len() >= *limit
            })
        })
    }

    pub(crate) fn failed(&self, keys: &[(String, usize)]) {
        let mut f = self.failures.lock().unwrap_or_else(|e| e.into_inner());
        for (k, _) in keys {
            f.entry(k.clone()).or_default().push_back(Instant::now());
        }
    }

    pub(crate) fn open(&self, name: &str) -> Result<String, getrandom::Error> {
        let token = crate::common::random_hex(32)?;
        let csrf = crate::common::random_hex(32)?;
        let mut s = self.sessions.lock().unwrap_or_else(|e| e.into_inner());
        let now = Instant::now();
        s.retain(|_, v| v.expires > now);
        s.insert(
            kiosk_api::sha256_hex(token.as_bytes()),
            ClerkSession {
                name: name.to_string(),
                csrf,
                expires: now + SESSION_LIFE,
            },
        );
        Ok(token)
    }

    /// The session of a request's cookie, if it is alive.
    pub fn session(&self, headers: &HeaderMap) -> Option<ClerkSession> {
        let token = cookie_token(headers)?;
        let s = self.sessions.lock().unwrap_or_else(|e| e.into_inner());
        s.get(&kiosk_api::sha256_hex(token.as_bytes()))
            .filter(|v| v.expires > Instant::now())
            .cloned()
    }

    pub(crate) fn close(&self, headers: &HeaderMap) {
        if let Some(token) = cookie_token(headers) {
            let mut s = self.sessions.lock().unwrap_or_else(|e| e.into_inner());
            s.remove(&kiosk_api::sha256_hex(token.as_bytes()));
        }
    }
}
