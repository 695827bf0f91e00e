//! Clerks of the remote virtual window: accounts with argon2id passwords, login with a rate limit, sessions in
//! an HttpOnly, Secure, SameSite=Strict cookie, and a CSRF token that every state-changing request carries in
//! a header. The console is served over HTTPS by the district's proxy, or on loopback (a secure context that
//! browsers give Secure cookies to).

use axum::extract::{FromRequest, Request, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::Form;
use serde::Deserialize;
use std::net::SocketAddr;
use std::sync::Arc;

use crate::common::now_ms;
use crate::platform::Platform;

pub(crate) mod sessions;
pub use sessions::*;

impl Platform {
    /// Adds a clerk (or sets a new password).
    pub async fn add_clerk(&self, name: &str, password: &str) -> Result<(), ClerkError> {
        if !valid_name(name) {
            return Err(ClerkError::Name);
        }
        if password.chars().count() < 10 {
            return Err(ClerkError::Weak);
        }
        let hash = hash_password(password)?;
        self.db.set_clerk(name, &hash, now_ms()).await?;
        Ok(())
    }
}

/// A request from another site is refused: a browser always sends `Origin` on a cross-site POST and on a
/// WebSocket handshake, so a mismatch with `Host` is a forgery.
pub fn same_origin(headers: &HeaderMap) -> bool {
    let Some(origin) = headers.get(header::ORIGIN).and_then(|v| v.to_str().ok()) else {
        return true;
    };
    let host = headers
        .get(header::HOST)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    origin
        .split_once("://")
        .is_some_and(|(_, h)| !host.is_empty() && h == host)
}

/// The session of a state-changing request: cookie, same origin and the CSRF header. A refusal is its
/// status and words (`refuse` makes the response).
pub fn authorised(
    p: &Platform,
    headers: &HeaderMap,
) -> Result<ClerkSession, (StatusCode, &'static str)> {
    if !same_origin(headers) {
        return Err((StatusCode::FORBIDDEN, "来源不符，请求已拒绝"));
    }
    let Some(s) = p.clerks.session(headers) else {
        return Err((StatusCode::UNAUTHORIZED, "请先登录"));
    };
    let csrf = headers.get(CSRF_HEADER).and_then(|v| v.to_str().ok());
    if csrf != Some(s.csrf.as_str()) {
        return Err((StatusCode::FORBIDDEN, "缺少或错误的 CSRF 令牌"));
    }
    Ok(s)
}

pub fn refuse(status: StatusCode, message: &str) -> Response {
    crate::error(status, "refused", message)
}

const LOGIN_PAGE: &str = include_str!("../../console/login.html");
const CONSOLE_PAGE: &str = include_str!("../../console/console.html");
const CONSOLE_JS: &str = include_str!("../../console/console.js");
const CONSOLE_CSS: &str = include_str!("../../console/console.css");

fn login_page(message: &str, status: StatusCode) -> Response {
    let escaped = message
        .replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;");
    (status, Html(LOGIN_PAGE.replace("{{message}}", &escaped))).into_response()
}

pub(crate) fn security_headers(mut r: Response) -> Response {
    let h = r.headers_mut();
    h.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(
            "default-src 'self'; img-src 'self' data: blob:; media-src 'self' blob:; connect-src 'self'; \
             frame-ancestors 'none'; form-action 'self'",
        ),
    );
    h.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    h.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("same-origin"),
    );
    r
}

pub(crate) async fn console(State(p): State<Arc<Platform>>, headers: HeaderMap) -> Response {
    security_headers(match p.clerks.session(&headers) {
        Some(_) => Html(CONSOLE_PAGE).into_response(),
        None => Redirect::to("/clerk/login").into_response(),
    })
}

pub(crate) async fn login_form() -> Response {
    security_headers(login_page("", StatusCode::OK))
}

/// The console's font: the terminal's own CJK subset, so that every clerk's browser draws the same letters
/// whatever fonts its machine has.
pub(crate) async fn font() -> Response {
    let regular = match kiosk_documents::bundled_fonts() {
        Ok(fonts) => fonts.regular,
        Err(e) => {
            // The console falls back to the browser's own CJK font; the operator finds why in the log.
            tracing::error!(error = %e, "the console's font is missing");
            return StatusCode::NOT_FOUND.into_response();
        }
    };
    let mut r = ([(header::CONTENT_TYPE, "font/otf")], regular).into_response();
    r.headers_mut().insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("public, max-age=86400"),
    );
    r
}

pub(crate) async fn asset(req: Request) -> Response {
    let (body, kind) = if req.uri().path().ends_with(".js") {
        (CONSOLE_JS, "text/javascript; charset=utf-8")
    } else {
        (CONSOLE_CSS, "text/css; charset=utf-8")
    };
    security_headers(([(header::CONTENT_TYPE, kind)], body).into_response())
}

#[derive(Deserialize)]
pub(crate) struct Login {
    name: String,
    password: String,
}

pub(crate) async fn login(State(p): State<Arc<Platform>>, req: Request) -> Response {
    let headers = req.headers().clone();
    let address = req
        .extensions()
        .get::<axum::extract::ConnectInfo<SocketAddr>>()
        .map(|c| c.0.ip().to_string())
        .unwrap_or_default();
    if !same_origin(&headers) {
        return security_headers(login_page("来源不符，请求已拒绝", StatusCode::FORBIDDEN));
    }
    let Ok(Form(form)) = Form::<Login>::from_request(req, &()).await else {
        return security_headers(login_page("请填写用户名和密码", StatusCode::BAD_REQUEST));
    };
    let keys = [
        (format!("name:{}", form.name), FAILURES_PER_NAME),
        (format!("addr:{address}"), FAILURES_PER_ADDRESS),
    ];
    if p.clerks.limited(&keys) {
        let mut r = login_page(
            "登录失败次数过多，请15分钟后再试",
            StatusCode::TOO_MANY_REQUESTS,
        );
        r.headers_mut()
            .insert(header::RETRY_AFTER, HeaderValue::from_static("900"));
        return security_headers(r);
    }
    let hash = match p.db.clerk_hash(&form.name).await {
        Ok(h) => h,
        Err(e) => {
            tracing::error!(error = %e, "clerk login: database");
            return security_headers(login_page(
                "服务暂时不可用",
                StatusCode::SERVICE_UNAVAILABLE,
            ));
        }
    };
    // Verify against a fixed hash when the name is unknown, so that timing does not tell names apart.
    let known = hash.is_some();
    let hash = hash.unwrap_or_else(|| DUMMY_HASH.to_string());
    let password = form.password.clone();
    let ok = tokio::task::spawn_blocking(move || verify(&password, &hash))
        .await
        .unwrap_or(false)
        && known;
    if !ok {
        p.clerks.failed(&keys);
        tracing::info!(address = %address, "clerk login refused");
        return security_headers(login_page("用户名或密码错误", StatusCode::UNAUTHORIZED));
    }
    let Ok(token) = p.clerks.open(&form.name) else {
        return security_headers(login_page(
            "服务暂时不可用",
            StatusCode::SERVICE_UNAVAILABLE,
        ));
    };
    tracing::info!(clerk = %form.name, "clerk logged in");
    let cookie = cookie::Cookie::build((COOKIE, token))
        .path("/clerk")
        .http_only(true)
        .secure(true)
        .same_site(cookie::SameSite::Strict)
        .build();
    let mut r = Redirect::to("/clerk").into_response();
    if let Ok(v) = HeaderValue::from_str(&cookie.to_string()) {
        r.headers_mut().insert(header::SET_COOKIE, v);
    }
    security_headers(r)
}

/// An argon2id hash of a random password nobody knows, for unknown names.
const DUMMY_HASH: &str =
    "$argon2id$v=19$m=19456,t=2,p=1$c29tZXNhbHRzb21lc2FsdA$0wH0K8fQ0XwJvlbmkpNq3b1oJ6C1m8mV9HnJtJkq1Ag";

pub(crate) async fn logout(State(p): State<Arc<Platform>>, headers: HeaderMap) -> Response {
    if let Err((status, why)) = authorised(&p, &headers) {
        return refuse(status, why);
    }
    p.clerks.close(&headers);
    let mut r = Redirect::to("/clerk/login").into_response();
    r.headers_mut().insert(
        header::SET_COOKIE,
        HeaderValue::from_static(
            "kiosk_clerk=; Path=/clerk; Max-Age=0; HttpOnly; Secure; SameSite=Strict",
        ),
    );
    r
}

/// Who is logged in, their CSRF token and the ICE servers for the browser.
pub(crate) async fn me(State(p): State<Arc<Platform>>, headers: HeaderMap) -> Response {
    match p.clerks.session(&headers) {
        Some(s) => security_headers(
            axum::Json(serde_json::json!({
                "name": s.name,
                "csrf": s.csrf,
                "ice_servers": p.calls.ice_servers(),
            }))
            .into_response(),
        ),
        None => refuse(StatusCode::UNAUTHORIZED, "请先登录"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_verify_only_themselves() {
        let h = hash_password("correct horse battery").unwrap();
        assert!(h.starts_with("$argon2id$"));
        assert!(verify("correct horse battery", &h));
        assert!(!verify("correct horse batterY", &h));
        assert!(!verify("x", "not a hash"));
        assert!(kiosk_api::secret::well_formed(DUMMY_HASH));
    }

    #[test]
    fn origin_must_match_host() {
        let mut h = HeaderMap::new();
        h.insert(header::HOST, HeaderValue::from_static("127.0.0.1:8080"));
        assert!(same_origin(&h));
        h.insert(
            header::ORIGIN,
            HeaderValue::from_static("http://127.0.0.1:8080"),
        );
        assert!(same_origin(&h));
        h.insert(
            header::ORIGIN,
            HeaderValue::from_static("http://evil.example"),
        );
        assert!(!same_origin(&h));
    }

    #[test]
    fn failures_lock_a_name_out() {
        let c = Clerks::default();
        let keys = [("name:a".to_string(), 2), ("addr:x".to_string(), 10)];
        assert!(!c.limited(&keys));
        c.failed(&keys);
        c.failed(&keys);
        assert!(c.limited(&keys));
        assert!(!c.limited(&[("name:b".to_string(), 2)]));
    }
}
