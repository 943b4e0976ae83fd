//! Back-channel logout: how long after a session of an app is revoked
//! (`DELETE /api/sessions/{id}` answered) the app's endpoint has its
//! `logout_token`, one logout at a time; the contract's bound is 1 s.

use std::net::SocketAddr;
use std::path::Path;
use std::time::{Duration, Instant};

use base64::Engine;
use bytes::Bytes;
use http_body_util::Full;
use hyper::Request;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;
use tokio::sync::mpsc;

use super::oidc_tokens::{authorize, exchange, register};
use super::{ms, Row};
use crate::load::KeepAlive;
use crate::setup::sessions;

const LOGOUTS: usize = 100;

pub async fn measure(sesame: SocketAddr, database: &Path, email: &str) -> Option<Row> {
    let (uri, mut received) = receiver().await;
    let app = register(database, &["--backchannel-logout-uri", &uri])?;
    let access = sessions(sesame, email, 1, "accessToken").await.remove(0);
    let mut connection = KeepAlive::open(sesame).await;
    let mut sids = Vec::new();
    for _ in 0..LOGOUTS {
        let code = authorize(&mut connection, &access, &app).await;
        let body = exchange(&mut connection, &app, &code).await;
        sids.push(sid_of(body["access_token"].as_str()?)?);
    }
    let mut delays = Vec::new();
    for sid in sids {
        let request = Request::builder()
            .method("DELETE")
            .uri(format!("/api/sessions/{sid}"))
            .header("host", connection.host.clone())
            .header("authorization", format!("Bearer {access}"))
            .body(Full::new(Bytes::new()))
            .expect("a request");
        let started = Instant::now();
        let (status, _) = connection.send(request).await;
        assert!(status.is_success(), "revoke: {status}");
        loop {
            let (got, at) = tokio::time::timeout(Duration::from_secs(10), received.recv())
                .await
                .expect("a logout within 10 s")
                .expect("the receiver runs");
            if got == sid {
                delays.push(at - started);
                break;
            }
        }
    }
    delays.sort();
    let at =
        |p: f64| delays[((delays.len() as f64 * p).ceil() as usize).clamp(1, delays.len()) - 1];
    let (p50, p99) = (at(0.5), at(0.99));
    println!("back-channel logout: p50 {}, p99 {}", ms(p50), ms(p99));
    Some(Row {
        name: "back-channel logout delivered after a revoke (100, one at a time)",
        measured: format!("p50 {}, p99 {}", ms(p50), ms(p99)),
        baseline: "the contract's bound: 1 s".to_owned(),
        ratio: format!("{:.0} %", p99.as_secs_f64() * 100.0),
        goal: "p99 ≤ 1 s",
        met: p99 <= Duration::from_secs(1),
    })
}

/// The `sid` claim of a JWT (the access token names the app's session).
fn sid_of(token: &str) -> Option<String> {
    let payload = token.split('.').nth(1)?;
    let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(payload)
        .ok()?;
    let claims: serde_json::Value = serde_json::from_slice(&bytes).ok()?;
    Some(claims["sid"].as_str()?.to_owned())
}

/// An app's back-channel endpoint: answers 200 to each POST and hands on
/// the `sid` of its `logout_token` with the time it came.
async fn receiver() -> (String, mpsc::UnboundedReceiver<(String, Instant)>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("a port");
    let uri = format!(
        "http://{}/logout",
        listener.local_addr().expect("an address")
    );
    let (tx, rx) = mpsc::unbounded_channel();
    tokio::spawn(async move {
        while let Ok((mut stream, _)) = listener.accept().await {
            let tx = tx.clone();
            tokio::spawn(async move {
                let mut buffer = Vec::new();
                let mut chunk = [0u8; 4096];
                // Until the whole body (Content-Length) is in.
                loop {
                    let Ok(n) = stream.read(&mut chunk).await else {
                        return;
                    };
                    if n == 0 {
                        return;
                    }
                    buffer.extend_from_slice(&chunk[..n]);
                    let text = String::from_utf8_lossy(&buffer).into_owned();
                    let Some((head, body)) = text.split_once("\r\n\r\n") else {
                        continue;
                    };
                    let length = head
                        .lines()
                        .find_map(|l| {
                            let (name, value) = l.split_once(':')?;
                            name.eq_ignore_ascii_case("content-length")
                                .then(|| value.trim().parse::<usize>().ok())?
                        })
                        .unwrap_or(0);
                    if body.len() < length {
                        continue;
                    }
                    let at = Instant::now();
                    let token = form_urlencoded::parse(body.as_bytes())
                        .find(|(n, _)| n == "logout_token")
                        .map(|(_, v)| v.into_owned());
                    let _ = stream
                        .write_all(
                            b"HTTP/1.1 200 OK\r\ncontent-length: 0\r\nconnection: close\r\n\r\n",
                        )
                        .await;
                    if let Some(sid) = token.as_deref().and_then(sid_of) {
                        let _ = tx.send((sid, at));
                    }
                    return;
                }
            });
        }
    });
    (uri, rx)
}
