//! A TCP proxy between a terminal and the hub that makes the network misbehave on demand: refuse
//! connections, answer 500, go slow, cut a connection after some bytes (in the middle of an upload), or let
//! a request through and lose its answer. Changing the fault closes the connections open under the old one
//! (a client's pooled connection does not escape it).

use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::watch;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fault {
    Pass,
    /// Connections are accepted and closed at once.
    Refuse,
    /// Every request is answered `500 Internal Server Error` without reaching the hub.
    Answer500,
    /// Answers reach the terminal this late, per piece.
    Slow(Duration),
    /// The connection is cut after this many bytes from the terminal (counted per connection).
    CutAfter(usize),
    /// Requests reach the hub; the answer to the first whose line starts with this (e.g. "POST /api/v1/cases")
    /// is thrown away and the connection closed.
    DropReplyTo(&'static str),
}

pub struct FaultProxy {
    pub url: String,
    fault: watch::Sender<Fault>,
    /// The request lines seen (method and path), with when: what the terminal tried and how often.
    pub requests: Arc<Mutex<Vec<(Instant, String)>>>,
    /// Connections closed at once under [`Fault::Refuse`].
    refused: Arc<std::sync::atomic::AtomicUsize>,
    /// Where new connections go: a hub restarted on a port of its own is followed here, so the terminal's
    /// address stays the same without picking a port for the hub ahead of time.
    upstream: Arc<Mutex<SocketAddr>>,
}

impl FaultProxy {
    /// A proxy on a free loopback port in front of `upstream` (host:port), run on `rt`.
    pub fn start(rt: &tokio::runtime::Runtime, upstream: SocketAddr) -> FaultProxy {
        let (fault, watch) = watch::channel(Fault::Pass);
        let requests: Arc<Mutex<Vec<(Instant, String)>>> = Arc::default();
        let log = requests.clone();
        let refused: Arc<std::sync::atomic::AtomicUsize> = Arc::default();
        let count = refused.clone();
        let upstream = Arc::new(Mutex::new(upstream));
        let target = upstream.clone();
        let addr = rt.block_on(async move {
            let listener = TcpListener::bind("127.0.0.1:0")
                .await
                .expect("bind the proxy");
            let addr = listener.local_addr().expect("proxy address");
            tokio::spawn(async move {
                while let Ok((client, _)) = listener.accept().await {
                    let (watch, log, count) = (watch.clone(), log.clone(), count.clone());
                    let upstream = *target.lock().unwrap_or_else(|e| e.into_inner());
                    tokio::spawn(connection(client, upstream, watch, log, count));
                }
            });
            addr
        });
        FaultProxy {
            url: format!("http://{addr}/api/v1"),
            fault,
            requests,
            refused,
            upstream,
        }
    }

    /// New connections go to `upstream` from now on (open ones stay where they are).
    pub fn retarget(&self, upstream: SocketAddr) {
        *self.upstream.lock().unwrap_or_else(|e| e.into_inner()) = upstream;
    }

    /// How many connections were refused so far.
    pub fn refused(&self) -> usize {
        self.refused.load(std::sync::atomic::Ordering::SeqCst)
    }

    /// Waits (up to `timeout`) until more than `before` connections were refused: the terminal tried while the
    /// network would not have it. False when it never did.
    pub async fn refused_after(&self, before: usize, timeout: Duration) -> bool {
        let deadline = Instant::now() + timeout;
        while self.refused() <= before {
            if Instant::now() > deadline {
                return false;
            }
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
        true
    }

    pub fn set(&self, f: Fault) {
        self.fault.send_replace(f);
    }

    /// When each request whose line starts with `prefix` (e.g. "GET /api/v1/materials") was seen.
    pub fn seen(&self, prefix: &str) -> Vec<Instant> {
        self.requests
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .iter()
            .filter(|(_, l)| l.starts_with(prefix))
            .map(|(t, _)| *t)
            .collect()
    }

    pub fn lines(&self, prefix: &str) -> Vec<String> {
        self.requests
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .iter()
            .filter(|(_, l)| l.starts_with(prefix))
            .map(|(_, l)| l.clone())
            .collect()
    }
}

/// Request lines at the start of pieces of the terminal's stream (hyper writes each request's head at once).
fn note_requests(buf: &[u8], log: &Mutex<Vec<(Instant, String)>>) -> Vec<String> {
    let mut seen = Vec::new();
    for method in [&b"GET /"[..], b"PUT /", b"POST /"] {
        let mut at = 0;
        while let Some(i) = buf[at..].windows(method.len()).position(|w| w == method) {
            let start = at + i;
            let end = buf[start..]
                .windows(2)
                .position(|w| w == b"\r\n")
                .map(|e| start + e)
                .unwrap_or(buf.len());
            let line = String::from_utf8_lossy(&buf[start..end]).to_string();
            log.lock()
                .unwrap_or_else(|e| e.into_inner())
                .push((Instant::now(), line.clone()));
            seen.push(line);
            at = end;
        }
    }
    seen
}

async fn connection(
    mut client: TcpStream,
    upstream: SocketAddr,
    mut watch: watch::Receiver<Fault>,
    log: Arc<Mutex<Vec<(Instant, String)>>>,
    refused: Arc<std::sync::atomic::AtomicUsize>,
) {
    let fault = *watch.borrow_and_update();
    match fault {
        Fault::Refuse => {
            refused.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
            drop(client)
        }
        Fault::Answer500 => {
            // Read the whole request (head and body) first, so that the answer is not lost to a reset.
            let mut buf = Vec::new();
            let mut piece = [0u8; 16 * 1024];
            loop {
                let Ok(n) = client.read(&mut piece).await else {
                    return;
                };
                if n == 0 {
                    return;
                }
                buf.extend_from_slice(&piece[..n]);
                if let Some(end) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
                    let head = String::from_utf8_lossy(&buf[..end]).to_ascii_lowercase();
                    let length: usize = head
                        .lines()
                        .find_map(|l| l.strip_prefix("content-length:"))
                        .and_then(|v| v.trim().parse().ok())
                        .unwrap_or(0);
                    if buf.len() >= end + 4 + length {
                        note_requests(&buf[..end], &log);
                        break;
                    }
                }
            }
            let body = r#"{"code":"internal","message":"injected fault"}"#;
            let reply = format!(
                "HTTP/1.1 500 Internal Server Error\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
                body.len()
            );
            let _ = client.write_all(reply.as_bytes()).await;
            let _ = client.shutdown().await;
        }
        Fault::Pass | Fault::Slow(_) | Fault::CutAfter(_) | Fault::DropReplyTo(_) => {
            let Ok(server) = TcpStream::connect(upstream).await else {
                return;
            };
            let doomed = std::sync::atomic::AtomicBool::new(false);
            let (mut cr, mut cw) = client.into_split();
            let (mut sr, mut sw) = server.into_split();
            let up = async {
                let mut sent = 0usize;
                let mut piece = [0u8; 16 * 1024];
                loop {
                    let n = match cr.read(&mut piece).await {
                        Ok(0) | Err(_) => return,
                        Ok(n) => n,
                    };
                    let n = match fault {
                        Fault::CutAfter(limit) if sent + n >= limit => {
                            let _ = sw.write_all(&piece[..limit - sent]).await;
                            return;
                        }
                        _ => n,
                    };
                    let lines = note_requests(&piece[..n], &log);
                    if let Fault::DropReplyTo(prefix) = fault {
                        if lines.iter().any(|l| l.starts_with(prefix)) {
                            doomed.store(true, std::sync::atomic::Ordering::SeqCst);
                        }
                    }
                    if sw.write_all(&piece[..n]).await.is_err() {
                        return;
                    }
                    sent += n;
                }
            };
            let down = async {
                let mut piece = [0u8; 16 * 1024];
                loop {
                    let n = match sr.read(&mut piece).await {
                        Ok(0) | Err(_) => return,
                        Ok(n) => n,
                    };
                    // The hub answered the doomed request: the answer is lost and so is the connection.
                    if doomed.load(std::sync::atomic::Ordering::SeqCst) {
                        return;
                    }
                    if let Fault::Slow(d) = fault {
                        tokio::time::sleep(d).await;
                    }
                    if cw.write_all(&piece[..n]).await.is_err() {
                        return;
                    }
                }
            };
            // Either direction ending, or the fault changing, ends the connection.
            tokio::select! {
                _ = up => {}
                _ = down => {}
                _ = watch.changed() => {}
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn request_lines_are_noted_where_a_piece_starts_them() {
        let log = Mutex::new(Vec::new());
        let seen = note_requests(
            b"PUT /api/v1/materials/ab?offset=0&size=3 HTTP/1.1\r\nHost: x\r\n\r\nabcGET /api/v1/health HTTP/1.1\r\n\r\n",
            &log,
        );
        assert_eq!(
            seen,
            [
                "GET /api/v1/health HTTP/1.1",
                "PUT /api/v1/materials/ab?offset=0&size=3 HTTP/1.1"
            ]
        );
        assert_eq!(log.lock().unwrap().len(), 2);
        assert!(note_requests(b"\x00\x01 body bytes", &log).is_empty());
    }
}
