//! The remote virtual window's exchange: the queue of residents waiting for a clerk, and the relay of
//! signalling, form fields, captures and print jobs between a terminal and the clerk who took its call.
//! Media never passes through the hub: the terminal and the clerk's browser talk WebRTC directly.
//!
//! A terminal whose connection drops keeps its call (and its clerk) for [`RESUME_WINDOW`]; it re-joins with
//! `resume` and makes a new offer. Every ended call is written to the `calls` table for the figures.

use axum::body::Bytes;
use axum::extract::ws::{Message, WebSocket, WebSocketUpgrade};
use axum::extract::{Path, Query, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Extension;
use kiosk_api::call::{FromClerk, FromTerminal, Outcome, ToClerk, ToTerminal, MAX_MESSAGE};
use serde::Deserialize;
use std::collections::{HashMap, HashSet};
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::sync::mpsc;

use crate::clerks;
use crate::common::now_ms;
use crate::db::CallRecord;
use crate::platform::Platform;
use crate::TerminalId;

pub(crate) mod exchange;
pub use exchange::*;

async fn record(p: &Platform, r: Option<CallRecord>) {
    if let Some(r) = r {
        tracing::info!(call = %r.id, terminal = %r.terminal_id, outcome = %r.outcome, "call ended");
        if let Err(e) = p.db.record_call(&r).await {
            tracing::error!(error = %e, call = %r.id, "call record not written");
        }
    }
}

async fn send_json<T: serde::Serialize>(socket: &mut WebSocket, m: &T) -> bool {
    match serde_json::to_string(m) {
        Ok(s) => socket.send(Message::Text(s.into())).await.is_ok(),
        Err(_) => false,
    }
}

/// What came from a socket: a message, something to refuse, or the end.
enum Incoming<T> {
    Message(T),
    Bad(String),
    Closed,
    Skip,
}

fn parse<T: serde::de::DeserializeOwned>(m: Option<Result<Message, axum::Error>>) -> Incoming<T> {
    match m {
        None | Some(Err(_)) | Some(Ok(Message::Close(_))) => Incoming::Closed,
        Some(Ok(Message::Text(t))) => match serde_json::from_str::<T>(t.as_str()) {
            Ok(m) => Incoming::Message(m),
            Err(e) => Incoming::Bad(format!("消息格式错误：{e}")),
        },
        Some(Ok(Message::Binary(_))) => Incoming::Bad("只接受 JSON 文本消息".into()),
        Some(Ok(_)) => Incoming::Skip,
    }
}

// ---- The terminal's side.

pub(crate) async fn terminal_ws(
    State(p): State<Arc<Platform>>,
    Extension(TerminalId(terminal)): Extension<TerminalId>,
    ws: WebSocketUpgrade,
) -> Response {
    ws.max_message_size(MAX_MESSAGE)
        .on_upgrade(move |socket| terminal_session(p, terminal, socket))
}

async fn terminal_session(p: Arc<Platform>, terminal: String, mut socket: WebSocket) {
    // The first message joins (or resumes); anything else is refused and the socket closed.
    let join = tokio::time::timeout(Duration::from_secs(10), socket.recv()).await;
    let Ok(first) = join else { return };
    let (tx, mut rx) = mpsc::unbounded_channel::<ToTerminal>();
    let (call, conn) = match parse::<FromTerminal>(first) {
        Incoming::Message(FromTerminal::Join {
            resident,
            item_code,
            elder,
            resume,
            ..
        }) => {
            let Ok(fresh) = crate::common::random_hex(12) else {
                tracing::error!("no system randomness for a call id");
                let _ = send_json(
                    &mut socket,
                    &ToTerminal::Error {
                        code: "unavailable".into(),
                        message: "视频办暂时不可用，请到服务点窗口办理".into(),
                    },
                )
                .await;
                return;
            };
            let mut s = p.calls.lock();
            let conn = s.conn();
            let resumed = resume.filter(|id| {
                s.calls
                    .get(id)
                    .is_some_and(|c| c.terminal == terminal && c.terminal_conn.is_none())
            });
            let id = match resumed {
                Some(id) => {
                    if let Some(c) = s.calls.get_mut(&id) {
                        c.terminal_conn = Some((conn, tx.clone()));
                        c.dropped = None;
                    }
                    tracing::info!(call = %id, terminal = %terminal, "call resumed");
                    s.to_clerk(&id, ToClerk::Resumed);
                    if let Some(c) = s.calls.get(&id) {
                        if let Some((_, name)) = &c.clerk {
                            let _ = tx.send(ToTerminal::Taken {
                                clerk: name.clone(),
                            });
                        }
                    }
                    id
                }
                None => {
                    let id = fresh;
                    tracing::info!(call = %id, terminal = %terminal, "call joined the queue");
                    s.calls.insert(
                        id.clone(),
                        Call {
                            terminal: terminal.clone(),
                            resident,
                            item_code,
                            elder,
                            joined: Instant::now(),
                            joined_ms: now_ms(),
                            clerk: None,
                            answered_ms: None,
                            terminal_conn: Some((conn, tx.clone())),
                            dropped: None,
                            documents: HashMap::new(),
                            materials: HashSet::new(),
                        },
                    );
                    id
                }
            };
            s.publish();
            (id, conn)
        }
        Incoming::Message(_) | Incoming::Bad(_) => {
            let _ = send_json(
                &mut socket,
                &ToTerminal::Error {
                    code: "join-first".into(),
                    message: "先发送 join 加入排队".into(),
                },
            )
            .await;
            return;
        }
        Incoming::Closed | Incoming::Skip => return,
    };
    let mut ended = false;
    loop {
        tokio::select! {
            out = rx.recv() => {
                let Some(out) = out else { break };
                let last = matches!(out, ToTerminal::Ended { .. });
                if !send_json(&mut socket, &out).await { break }
                if last { ended = true; break }
            }
            m = socket.recv() => match parse::<FromTerminal>(m) {
                Incoming::Closed => break,
                Incoming::Skip => {}
                Incoming::Bad(message) => {
                    let _ = tx.send(ToTerminal::Error { code: "bad-message".into(), message });
                }
                Incoming::Message(m) => {
                    if terminal_message(&p, &call, m).await {
                        // Said what ended it (`ended`) before closing.
                        while let Ok(out) = rx.try_recv() {
                            let _ = send_json(&mut socket, &out).await;
                        }
                        ended = true;
                        break;
                    }
                }
            }
        }
    }
    let _ = socket.send(Message::Close(None)).await;
    if ended {
        return;
    }
    // Gone without hanging up: keep the call for a while so that it can come back.
    {
        let mut s = p.calls.lock();
        let Some(c) = s.calls.get_mut(&call) else {
            return;
        };
        if c.terminal_conn.as_ref().is_some_and(|(k, _)| *k == conn) {
            c.terminal_conn = None;
            c.dropped = Some(Instant::now());
            tracing::info!(call = %call, "terminal connection lost; waiting for it to resume");
            s.to_clerk(&call, ToClerk::Reconnecting);
        }
    }
    tokio::time::sleep(RESUME_WINDOW).await;
    let r = {
        let mut s = p.calls.lock();
        let gone = s
            .calls
            .get(&call)
            .is_some_and(|c| c.dropped.is_some_and(|d| d.elapsed() >= RESUME_WINDOW));
        if gone {
            s.end(&call, Outcome::Dropped, None)
        } else {
            None
        }
    };
    record(&p, r).await;
}

/// Handles one terminal message; true when it ended the call.
async fn terminal_message(p: &Platform, call: &str, m: FromTerminal) -> bool {
    let r = {
        let mut s = p.calls.lock();
        match m {
            FromTerminal::Join { .. } => {
                s.to_terminal(
                    call,
                    ToTerminal::Error {
                        code: "already-joined".into(),
                        message: "已在排队或通话中".into(),
                    },
                );
                return false;
            }
            FromTerminal::Offer { sdp } => {
                s.to_clerk(call, ToClerk::Offer { sdp });
                return false;
            }
            FromTerminal::Candidate { candidate } => {
                s.to_clerk(call, ToClerk::Candidate { candidate });
                return false;
            }
            FromTerminal::Field(u) => {
                s.to_clerk(call, ToClerk::Field(u));
                return false;
            }
            FromTerminal::Captured(m) => {
                if let Some(c) = s.calls.get_mut(call) {
                    c.materials.insert(m.sha256.clone());
                }
                s.to_clerk(call, ToClerk::Captured(m));
                return false;
            }
            FromTerminal::Printed(r) => {
                s.to_clerk(call, ToClerk::Printed(r));
                return false;
            }
            FromTerminal::CallBack { phone } => {
                let digits: String = phone.chars().filter(char::is_ascii_digit).collect();
                if !(7..=15).contains(&digits.len()) {
                    s.to_terminal(
                        call,
                        ToTerminal::Error {
                            code: "phone".into(),
                            message: "请输入正确的电话号码".into(),
                        },
                    );
                    return false;
                }
                s.end(call, Outcome::CallBack, Some(digits))
            }
            FromTerminal::Leave => s.end(call, Outcome::ResidentLeft, None),
        }
    };
    record(p, r).await;
    true
}

/// `GET /call/documents/{id}`: a PDF the clerk sent to this terminal's call.
#[utoipa::path(get, path = "/api/v1/call/documents/{id}", tag = "call",
    params(("id" = String, Path, description = "The document's id, from the call's print message")),
    security(("terminal" = [])),
    responses(
        (status = 200, description = "The PDF to print", content_type = "application/pdf", body = Vec<u8>),
        (status = 401, description = "No valid terminal token", body = kiosk_api::ApiError),
        (status = 404, description = "No such document in this terminal's calls", body = kiosk_api::ApiError),
        (status = 503, description = "Platform down", body = kiosk_api::ApiError)))]
pub(crate) async fn document(
    State(p): State<Arc<Platform>>,
    Extension(TerminalId(terminal)): Extension<TerminalId>,
    Path(id): Path<String>,
) -> Response {
    let s = p.calls.lock();
    let found = s
        .calls
        .values()
        .filter(|c| c.terminal == terminal)
        .find_map(|c| c.documents.get(&id));
    match found {
        Some((_, pdf)) => {
            ([(header::CONTENT_TYPE, "application/pdf")], pdf.clone()).into_response()
        }
        None => crate::error(StatusCode::NOT_FOUND, "not-found", "没有这份待打印文件"),
    }
}

// ---- The clerk's side.

pub(crate) async fn clerk_ws(
    State(p): State<Arc<Platform>>,
    headers: HeaderMap,
    ws: WebSocketUpgrade,
) -> Response {
    if !clerks::same_origin(&headers) {
        return clerks::refuse(StatusCode::FORBIDDEN, "来源不符，请求已拒绝");
    }
    let Some(session) = p.clerks.session(&headers) else {
        return clerks::refuse(StatusCode::UNAUTHORIZED, "请先以坐席身份登录");
    };
    ws.max_message_size(MAX_MESSAGE)
        .on_upgrade(move |socket| clerk_session(p, session.name, socket))
}

async fn clerk_session(p: Arc<Platform>, name: String, mut socket: WebSocket) {
    let (tx, mut rx) = mpsc::unbounded_channel::<ToClerk>();
    let conn = {
        let mut s = p.calls.lock();
        let conn = s.conn();
        s.clerks.insert(
            conn,
            ClerkConn {
                name: name.clone(),
                tx: tx.clone(),
                call: None,
            },
        );
        let _ = tx.send(ToClerk::Queue { calls: s.queue() });
        conn
    };
    loop {
        tokio::select! {
            out = rx.recv() => {
                let Some(out) = out else { break };
                if !send_json(&mut socket, &out).await { break }
            }
            m = socket.recv() => match parse::<FromClerk>(m) {
                Incoming::Closed => break,
                Incoming::Skip => {}
                Incoming::Bad(message) => {
                    let _ = tx.send(ToClerk::Error { code: "bad-message".into(), message });
                }
                Incoming::Message(m) => clerk_message(&p, conn, &name, m).await,
            }
        }
    }
    // A clerk who leaves mid-call: the call goes back to the head of the queue.
    let mut s = p.calls.lock();
    if let Some(k) = s.clerks.remove(&conn) {
        if let Some(call) = k.call {
            if let Some(c) = s.calls.get_mut(&call) {
                c.clerk = None;
                c.answered_ms = None;
            }
            tracing::info!(call = %call, "clerk left; the call waits again");
            s.to_terminal(
                &call,
                ToTerminal::Error {
                    code: "clerk-left".into(),
                    message: "坐席连接中断，正在为您重新排队".into(),
                },
            );
        }
    }
    s.publish();
}

async fn clerk_message(p: &Platform, conn: u64, name: &str, m: FromClerk) {
    let r = {
        let mut s = p.calls.lock();
        let mine = s.clerks.get(&conn).and_then(|k| k.call.clone());
        let refuse = |s: &State_, code: &str, message: String| {
            if let Some(k) = s.clerks.get(&conn) {
                let _ = k.tx.send(ToClerk::Error {
                    code: code.into(),
                    message,
                });
            }
        };
        match (m, mine) {
            (FromClerk::Take { call }, None) => {
                let ice_servers = p.calls.ice_servers();
                let Some(c) = s.calls.get_mut(&call) else {
                    refuse(&s, "no-call", "该呼叫已结束或不存在".into());
                    return;
                };
                if let Some((_, other)) = &c.clerk {
                    let message = format!("该呼叫已由 {other} 接听");
                    refuse(&s, "taken", message);
                    return;
                }
                c.clerk = Some((conn, name.to_string()));
                let wait = c.joined.elapsed().as_secs();
                if c.answered_ms.is_none() {
                    c.answered_ms = Some(now_ms());
                }
                let taken = ToClerk::Taken {
                    call: call.clone(),
                    terminal: c.terminal.clone(),
                    resident: c.resident.clone(),
                    ice_servers,
                };
                if let Some(k) = s.clerks.get_mut(&conn) {
                    k.call = Some(call.clone());
                    let _ = k.tx.send(taken);
                }
                s.recent_waits.push_back(wait);
                if s.recent_waits.len() > RECENT {
                    s.recent_waits.pop_front();
                }
                tracing::info!(call = %call, clerk = %name, wait_secs = wait, "call taken");
                s.to_terminal(
                    &call,
                    ToTerminal::Taken {
                        clerk: name.to_string(),
                    },
                );
                s.publish();
                return;
            }
            (FromClerk::Take { .. }, Some(_)) => {
                refuse(&s, "busy", "请先结束当前通话".into());
                return;
            }
            (_, None) => {
                refuse(&s, "no-call", "请先接听一个呼叫".into());
                return;
            }
            (FromClerk::Answer { sdp }, Some(call)) => {
                s.to_terminal(&call, ToTerminal::Answer { sdp });
                return;
            }
            (FromClerk::Candidate { candidate }, Some(call)) => {
                s.to_terminal(&call, ToTerminal::Candidate { candidate });
                return;
            }
            (FromClerk::PushForm { item_code }, Some(call)) => {
                s.to_terminal(&call, ToTerminal::PushForm { item_code });
                return;
            }
            (FromClerk::Capture { what }, Some(call)) => {
                s.to_terminal(&call, ToTerminal::Capture { what });
                return;
            }
            (FromClerk::End { outcome }, Some(call)) => s.end(&call, outcome, None),
        }
    };
    record(p, r).await;
}

#[derive(Deserialize)]
pub(crate) struct PrintQuery {
    title: Option<String>,
}

/// `POST /clerk/print`: the clerk's PDF goes to the terminal of their call.
pub(crate) async fn print(
    State(p): State<Arc<Platform>>,
    Query(q): Query<PrintQuery>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let session = match clerks::authorised(&p, &headers) {
        Ok(s) => s,
        Err((status, why)) => return clerks::refuse(status, why),
    };
    if !body.starts_with(b"%PDF-") {
        return crate::error(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "not-pdf",
            "只能打印 PDF 文件",
        );
    }
    let title = q
        .title
        .filter(|t| !t.trim().is_empty())
        .unwrap_or_else(|| "坐席发送的文件".into())
        .chars()
        .take(64)
        .collect::<String>();
    let mut s = p.calls.lock();
    let call = s
        .clerks
        .values()
        .find(|k| k.name == session.name && k.call.is_some())
        .and_then(|k| k.call.clone());
    let Some(call) = call else {
        return crate::error(StatusCode::CONFLICT, "no-call", "当前没有通话");
    };
    let id = match crate::common::random_hex(12) {
        Ok(id) => id,
        Err(e) => return crate::common::storage(e),
    };
    if let Some(c) = s.calls.get_mut(&call) {
        c.documents.insert(id.clone(), (title.clone(), body));
    }
    s.to_terminal(
        &call,
        ToTerminal::Print {
            document: id.clone(),
            title,
        },
    );
    axum::Json(serde_json::json!({ "document": id })).into_response()
}

/// `GET /clerk/materials/{sha256}`: a document captured during the clerk's own call.
pub(crate) async fn material(
    State(p): State<Arc<Platform>>,
    Path(sha): Path<String>,
    headers: HeaderMap,
) -> Response {
    let Some(session) = p.clerks.session(&headers) else {
        return clerks::refuse(StatusCode::UNAUTHORIZED, "请先登录");
    };
    let allowed = {
        let s = p.calls.lock();
        s.clerks
            .values()
            .filter(|k| k.name == session.name)
            .filter_map(|k| k.call.as_ref())
            .any(|c| s.calls.get(c).is_some_and(|c| c.materials.contains(&sha)))
    };
    if !allowed {
        return crate::error(StatusCode::NOT_FOUND, "not-found", "没有这份材料");
    }
    let Some(path) = p.material_path(&sha) else {
        return crate::error(StatusCode::NOT_FOUND, "not-found", "材料尚未上传完成");
    };
    match tokio::fs::read(&path).await {
        Ok(bytes) => {
            let kind = if bytes.starts_with(b"%PDF-") {
                "application/pdf"
            } else {
                "image/jpeg"
            };
            (
                [
                    (header::CONTENT_TYPE, kind),
                    (header::CACHE_CONTROL, "no-store"),
                ],
                bytes,
            )
                .into_response()
        }
        Err(e) => crate::common::storage(e),
    }
}
