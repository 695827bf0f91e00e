//! The hub over HTTP on loopback: it answers the terminals' health check and serves its OpenAPI document.

use std::io::{Read, Write};
use std::net::TcpStream;

fn get(addr: std::net::SocketAddr, path: &str) -> (String, String) {
    let mut s = TcpStream::connect(addr).expect("connect");
    write!(
        s,
        "GET {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n"
    )
    .expect("send");
    let mut reply = String::new();
    s.read_to_string(&mut reply).expect("read");
    let (head, body) = reply.split_once("\r\n\r\n").expect("http reply");
    (head.to_string(), body.to_string())
}

#[test]
fn health_and_openapi_over_loopback() {
    let rt = tokio::runtime::Runtime::new().expect("runtime");
    let addr = rt.block_on(async {
        let (listener, addr) = kiosk_hub::bind("127.0.0.1:0".parse().expect("addr"))
            .await
            .expect("bind");
        tokio::spawn(kiosk_hub::serve(listener));
        addr
    });
    let (head, body) = get(addr, "/api/v1/health");
    assert!(head.starts_with("HTTP/1.1 200"), "{head}");
    let health: kiosk_hub::Health = serde_json::from_str(&body).expect("json");
    assert_eq!(health.status, "ok");
    let (head, body) = get(addr, "/api/v1/openapi.json");
    assert!(head.starts_with("HTTP/1.1 200"), "{head}");
    let doc: serde_json::Value = serde_json::from_str(&body).expect("json");
    assert!(doc["paths"]["/api/v1/health"].is_object());
    let (head, _) = get(addr, "/api/v1/nothing");
    assert!(head.starts_with("HTTP/1.1 404"), "{head}");
}
