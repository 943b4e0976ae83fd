//! Getting sesame ready to be measured: starting it with a user, and the
//! sign-ins whose tokens the load clients then use.

use std::ffi::OsStr;
use std::net::SocketAddr;

use http_body_util::BodyExt;
use hyper_util::rt::TokioIo;
use serde_json::{json, Value};

use crate::load::request;
use crate::server::Sesame;
use crate::PASSWORD;

/// sesame on `database` (a path or a PostgreSQL URL) with `flags`, and
/// `email` registered in it: how every server in the benchmark begins. Also
/// the registration's answer.
pub async fn start_with_user(
    database: impl AsRef<OsStr>,
    flags: &[&str],
    email: &str,
) -> (Sesame, Value) {
    let sesame = Sesame::start(database, flags);
    let registered = register(sesame.address, email).await;
    (sesame, registered)
}

/// One request on a fresh connection, for setting things up.
async fn call(address: SocketAddr, path: &str, body: Value) -> Value {
    let stream = tokio::net::TcpStream::connect(address)
        .await
        .expect("connects");
    let (mut sender, connection) = hyper::client::conn::http1::handshake(TokioIo::new(stream))
        .await
        .expect("handshake");
    tokio::spawn(connection);
    let response = sender
        .send_request(request(
            "POST",
            &address.to_string(),
            path,
            None,
            Some(body.to_string()),
        ))
        .await
        .expect("an answer");
    let bytes = response
        .into_body()
        .collect()
        .await
        .expect("a body")
        .to_bytes();
    serde_json::from_slice(&bytes).expect("JSON")
}

pub async fn register(address: SocketAddr, email: &str) -> Value {
    call(
        address,
        "/auth/register",
        json!({"name": "Bench User", "email": email, "password": PASSWORD}),
    )
    .await
}

/// The `field` token ("accessToken" or "refreshToken") of `count` new
/// sessions of `email`, made by signing in that many times.
pub async fn sessions(address: SocketAddr, email: &str, count: usize, field: &str) -> Vec<String> {
    let mut tokens = Vec::new();
    for body in sign_ins(address, email, count).await {
        tokens.push(body[field].as_str().expect("a token").to_owned());
    }
    tokens
}

/// The answers to `count` sign-ins of `email` (both tokens of each session).
pub async fn sign_ins(address: SocketAddr, email: &str, count: usize) -> Vec<Value> {
    let mut answers = Vec::new();
    for _ in 0..count {
        let body = json!({"email": email, "password": PASSWORD});
        answers.push(call(address, "/auth/login", body).await);
    }
    answers
}
