//! Hostile input against the real binary: oversized and malformed requests
//! get a 4xx (or a closed connection), never a panic, and the server keeps
//! serving.

use std::time::Duration;

use reqwest::header::{HeaderName, HeaderValue};
use reqwest::StatusCode;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

use crate::helpers::client;
use crate::process::Running;

/// Sends raw bytes; the status line answered, or `None` when the server
/// closed the connection instead. A server that hangs fails the test.
async fn raw(address: &str, request: &[u8]) -> Option<String> {
    let mut stream = TcpStream::connect(address)
        .await
        .expect("the server accepts connections");
    // The server may close before reading everything (an oversized header).
    let _ = stream.write_all(request).await;
    let mut answer = vec![0u8; 4096];
    let read = tokio::time::timeout(Duration::from_secs(10), stream.read(&mut answer))
        .await
        .expect("the server answers or closes within 10 s")
        .unwrap_or(0);
    let text = String::from_utf8_lossy(&answer[..read]).to_string();
    text.lines().next().map(str::to_owned)
}

fn status_of(line: &Option<String>) -> Option<u16> {
    line.as_deref()?.split_whitespace().nth(1)?.parse().ok()
}

#[actix_web::test]
async fn no_request_makes_the_server_panic() {
    let folder = tempfile::tempdir().unwrap();
    let db = folder.path().join("sesame.db");
    let args = [
        "--bind",
        "127.0.0.1:0",
        "--database-url",
        db.to_str().unwrap(),
        "--bcrypt-cost",
        "4",
    ];
    let server = Running::start(
        folder.path(),
        &args,
        &[("RUST_LOG", "warn"), ("RUST_BACKTRACE", "0")],
    )
    .await;
    let http = client();
    let address = server.address.clone();

    // Headers at and over sensible sizes.
    for size in [8 * 1024, 64 * 1024, 1024 * 1024] {
        let big = "x".repeat(size);
        let request =
            format!("GET /api/me HTTP/1.1\r\nHost: {address}\r\nCookie: accessToken={big}\r\n\r\n");
        let answer = raw(&address, request.as_bytes()).await;
        if let Some(status) = status_of(&answer) {
            assert!(
                (400..500).contains(&status),
                "{size} B of header: {answer:?}"
            );
        }
    }
    let many: String = (0..500).map(|n| format!("X-Header-{n}: {n}\r\n")).collect();
    let answer = raw(
        &address,
        format!("GET /healthz HTTP/1.1\r\nHost: {address}\r\n{many}\r\n").as_bytes(),
    )
    .await;
    if let Some(status) = status_of(&answer) {
        assert!((200..500).contains(&status), "{answer:?}");
    }

    // Invalid UTF-8 and nonsense where text is expected.
    for request in [
        b"GET /\xff\xfe/profile HTTP/1.1\r\nHost: x\r\n\r\n".to_vec(),
        b"POST /auth/login HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 4\r\n\r\n\xff\xfe\xfd\xfc".to_vec(),
        b"BREW /coffee HTCPCP/1.0\r\n\r\n".to_vec(),
        b"\x00\x01\x02\x03\r\n\r\n".to_vec(),
        b"POST /auth/refresh HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n".to_vec(),
    ] {
        let answer = raw(&address, &request).await;
        if let Some(status) = status_of(&answer) {
            assert!((400..500).contains(&status), "{:?}: {answer:?}", String::from_utf8_lossy(&request));
        }
    }

    // Bad tokens and cookies in every place a token is read.
    let junk_headers: [(&str, &[u8]); 5] = [
        ("authorization", b"Bearer \xff\xfe"),
        ("authorization", b"Bearer a.b.c.d.e"),
        ("cookie", b"accessToken=\xff; refreshToken=\xfe"),
        (
            "cookie",
            b"refreshToken=a.1.AAAA; refreshToken=b.2.BBBB; =; ;;",
        ),
        ("authorization", b"Basic Og=="),
    ];
    for (name, value) in junk_headers {
        for (method, path) in [
            ("GET", "/api/me"),
            ("POST", "/auth/refresh"),
            ("POST", "/auth/logout"),
            ("GET", "/profile"),
        ] {
            let response = http
                .request(method.parse().unwrap(), server.url(path))
                .header(
                    HeaderName::from_static(name),
                    HeaderValue::from_bytes(value).unwrap(),
                )
                .send()
                .await
                .unwrap();
            assert!(
                response.status().is_client_error() || response.status().is_success(),
                "{path}: {}",
                response.status()
            );
        }
    }

    // Bodies: deep nesting, huge numbers of fields, over the limit, chunked over the limit.
    let nested = format!(
        "{{\"email\":{}1{}}}",
        "[".repeat(100_000),
        "]".repeat(100_000)
    );
    let fields: String = (0..20_000).map(|n| format!("f{n}=x&")).collect();
    let bodies: [(&str, Vec<u8>); 4] = [
        ("application/json", nested.into_bytes()),
        ("application/x-www-form-urlencoded", fields.into_bytes()),
        ("application/json", vec![b' '; 64 * 1024 + 1]),
        ("application/json", vec![0xff; 1000]),
    ];
    for (content_type, body) in bodies {
        for path in [
            "/auth/register",
            "/auth/login",
            "/auth/refresh",
            "/auth/logout",
        ] {
            let response = http
                .post(server.url(path))
                .header("Content-Type", content_type)
                .body(body.clone())
                .send()
                .await
                .unwrap();
            assert!(
                response.status().is_client_error() || response.status().is_success(),
                "{path}: {}",
                response.status()
            );
        }
    }
    let chunks = futures::stream::iter((0..100).map(|_| Ok::<_, std::io::Error>(vec![b'a'; 1024])));
    let response = http
        .post(server.url("/auth/login"))
        .header("Content-Type", "application/json")
        .body(reqwest::Body::wrap_stream(chunks))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::PAYLOAD_TOO_LARGE);

    // Still serving, and nothing panicked.
    let health = http.get(server.url("/healthz")).send().await.unwrap();
    assert_eq!(health.status(), StatusCode::OK);
    let log = server.kill().await;
    assert!(!log.contains("panicked"), "{log}");
}
