//! Hostile input against the real binary: oversized and malformed requests
//! get a 4xx (or a closed connection), never a panic, and the server keeps
//! serving.

use reqwest::{Method, StatusCode};

use crate::helpers::Headers;
use crate::process::Running;

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
    let address = server.address.clone();

    // Headers at and over sensible sizes.
    for size in [8 * 1024, 64 * 1024, 1024 * 1024] {
        let big = "x".repeat(size);
        let request =
            format!("GET /api/me HTTP/1.1\r\nHost: {address}\r\nCookie: accessToken={big}\r\n\r\n");
        let answer = server.send_raw_bytes(request.as_bytes()).await;
        if let Some(status) = status_of(&answer) {
            assert!(
                (400..500).contains(&status),
                "{size} B of header: {answer:?}"
            );
        }
    }
    let many: String = (0..500).map(|n| format!("X-Header-{n}: {n}\r\n")).collect();
    let answer = server
        .send_raw_bytes(
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
        let answer = server.send_raw_bytes(&request).await;
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
            (Method::GET, "/api/me"),
            (Method::POST, "/auth/refresh"),
            (Method::POST, "/auth/logout"),
            (Method::GET, "/profile"),
        ] {
            let headers = Headers::new().bytes(name, value);
            let response = server.send_raw(method, path, headers, None).await;
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
            let headers = Headers::new().header("Content-Type", content_type);
            let response = server
                .send_raw(Method::POST, path, headers, Some(body.clone().into()))
                .await;
            assert!(
                response.status().is_client_error() || response.status().is_success(),
                "{path}: {}",
                response.status()
            );
        }
    }
    let chunks = futures::stream::iter((0..100).map(|_| Ok::<_, std::io::Error>(vec![b'a'; 1024])));
    let response = server
        .send_raw(
            Method::POST,
            "/auth/login",
            Headers::new().header("Content-Type", "application/json"),
            Some(reqwest::Body::wrap_stream(chunks)),
        )
        .await;
    assert_eq!(response.status(), StatusCode::PAYLOAD_TOO_LARGE);

    // Still serving, and nothing panicked.
    let health = server.healthz().await;
    assert_eq!(health.status(), StatusCode::OK);
    let log = server.kill().await;
    assert!(!log.contains("panicked"), "{log}");
}
