//! Crash safety: SIGKILL mid-load loses no acknowledged write and leaves no
//! session half-rotated; SIGTERM drains what is in flight and exits 0.

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use diesel::{Connection, QueryableByName, RunQueryDsl};
use reqwest::StatusCode;
use serde_json::Value;

use crate::helpers::{Api, SignInBody, PASSWORD};
use crate::process::Running;

const CLIENTS: usize = 8;

#[derive(QueryableByName)]
struct Check {
    #[diesel(sql_type = diesel::sql_types::Text)]
    integrity_check: String,
}

/// Registers users until `deadline`, recording every acknowledged one.
async fn keep_registering(api: Api, deadline: Instant, acknowledged: Arc<Mutex<Vec<String>>>) {
    let mut n = 0;
    while Instant::now() < deadline {
        n += 1;
        let email = format!("user-{}@example.com", uuid::Uuid::new_v4().simple());
        let sent = api.register(&format!("User {n}"), &email, PASSWORD);
        let Ok(response) = sent.try_send().await else {
            break; // the server is gone
        };
        if response.status() == StatusCode::CREATED {
            acknowledged.lock().unwrap().push(email);
        }
    }
}

/// Rotates one session's refresh token until `deadline` (or the server
/// dies), always with the newest token it got; the last one it got.
async fn keep_refreshing(api: Api, first_token: String, deadline: Instant) -> String {
    let mut newest = first_token;
    while Instant::now() < deadline {
        let sent = api.refresh_with_body(&newest).try_send().await;
        let Ok(response) = sent else { break };
        // Read as it comes: a body cut short by the kill ends the loop, any
        // answer without a refresh token (an error) fails the test.
        let Ok(body) = response.json::<Value>().await else {
            break;
        };
        match body["refreshToken"].as_str() {
            Some(token) => newest = token.to_owned(),
            None => panic!("a refresh failed before the crash: {body}"),
        }
    }
    newest
}

#[actix_web::test]
async fn sigkill_mid_load_loses_no_acknowledged_write_and_half_rotates_nothing() {
    let folder = tempfile::tempdir().unwrap();
    let db = folder.path().join("sesame.db");
    let args = [
        "--bind",
        "127.0.0.1:0",
        "--database-url",
        db.to_str().unwrap(),
        "--bcrypt-cost",
        "4",
        // Longer than the restart takes: a client that lost a refresh
        // response may present its last token again (the contract's retry).
        "--reuse-grace",
        "60s",
        "--login-max-failures-per-ip",
        "100000",
    ];
    let server = Running::start(folder.path(), &args, &[("RUST_LOG", "warn")]).await;

    // One session per refreshing client.
    let mut sessions = Vec::new();
    for n in 0..CLIENTS {
        let email = format!("refresher-{n}@example.com");
        let response = server.register("R", &email, PASSWORD).await;
        let body: SignInBody = response.json().await.unwrap();
        sessions.push(body.refresh_token().to_owned());
    }

    // Load that outlives the server: it is killed half way.
    let deadline = Instant::now() + Duration::from_secs(30);
    let acknowledged = Arc::new(Mutex::new(Vec::new()));
    let registering: Vec<_> = (0..4)
        .map(|_| {
            tokio::spawn(keep_registering(
                server.with_own_connections(),
                deadline,
                acknowledged.clone(),
            ))
        })
        .collect();
    let refreshing: Vec<_> = sessions
        .into_iter()
        .map(|token| {
            tokio::spawn(keep_refreshing(
                server.with_own_connections(),
                token,
                deadline,
            ))
        })
        .collect();
    tokio::time::sleep(Duration::from_millis(1500)).await;
    server.kill().await;

    for task in registering {
        task.await.unwrap();
    }
    let mut last_tokens = Vec::new();
    for task in refreshing {
        last_tokens.push(task.await.unwrap());
    }
    let acknowledged = acknowledged.lock().unwrap().clone();
    assert!(
        acknowledged.len() >= 10,
        "load ran: {} registrations",
        acknowledged.len()
    );

    // The file is sound.
    let mut conn = diesel::sqlite::SqliteConnection::establish(db.to_str().unwrap()).unwrap();
    let check: Vec<Check> = diesel::sql_query("PRAGMA integrity_check")
        .load(&mut conn)
        .unwrap();
    assert_eq!(check.len(), 1);
    assert_eq!(check[0].integrity_check, "ok");
    drop(conn);

    // Restarted on the same database, everything acknowledged is there.
    let server = Running::start(folder.path(), &args, &[("RUST_LOG", "warn")]).await;
    for email in &acknowledged {
        let response = server.login(email, PASSWORD).await;
        assert_eq!(
            response.status(),
            StatusCode::OK,
            "acknowledged {email} cannot log in"
        );
    }
    // Each client's last token works: it is current, or the rotation that
    // spent it was never acknowledged and the grace window resends the
    // current one. Either way the session is whole.
    for token in last_tokens {
        let response = server.refresh_with_body(&token).await;
        assert_eq!(
            response.status(),
            StatusCode::OK,
            "a session was left half-rotated"
        );
    }
    server.kill().await;
}

#[actix_web::test]
async fn sigterm_drains_requests_in_flight_and_exits_0() {
    let folder = tempfile::tempdir().unwrap();
    let db = folder.path().join("sesame.db");
    // Cost 14: a login takes a good fraction of a second, long enough to be
    // in flight when the signal comes.
    let args = [
        "--bind",
        "127.0.0.1:0",
        "--database-url",
        db.to_str().unwrap(),
        "--bcrypt-cost",
        "14",
    ];
    let server = Running::start(folder.path(), &args, &[("RUST_LOG", "info")]).await;
    let response = server.register("Ada", "ada@example.com", PASSWORD).await;
    assert_eq!(response.status(), StatusCode::CREATED);

    let login = server.login("ada@example.com", PASSWORD).try_send();
    let login = tokio::spawn(login);
    // Long enough for the login to be accepted and hashing, far shorter
    // than the hash itself (about a second at cost 14).
    tokio::time::sleep(Duration::from_millis(400)).await;
    let (status, log) = server.terminate().await;

    let response = login
        .await
        .unwrap()
        .expect("the login in flight was answered");
    assert_eq!(response.status(), StatusCode::OK);
    assert!(log.contains("SIGTERM"), "{log}");
    assert_eq!(status.code(), Some(0), "{log}");
}
