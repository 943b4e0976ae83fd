//! The audit trail: one `sesame::audit` line per security event.

use reqwest::StatusCode;
use serde_json::{json, Value};

use crate::helpers::{claims_of, client, PASSWORD};
use crate::process::Running;

#[actix_web::test]
async fn every_security_event_leaves_one_audit_line() {
    let folder = tempfile::tempdir().unwrap();
    let db = folder.path().join("sesame.db");
    let args = [
        "--bind",
        "127.0.0.1:0",
        "--database-url",
        db.to_str().unwrap(),
        "--bcrypt-cost",
        "4",
        "--reuse-grace",
        "0s",
        "--login-max-failures",
        "1",
    ];
    let server = Running::start(folder.path(), &args, &[("RUST_LOG", "sesame::audit=info")]).await;
    let http = client();
    let post = |path: &str, body: Value| http.post(server.url(path)).json(&body).send();

    let sign_up: Value = post(
        "/auth/register",
        json!({"name": "Ada", "email": "ada@example.com", "password": PASSWORD}),
    )
    .await
    .unwrap()
    .json()
    .await
    .unwrap();
    let session = claims_of(sign_up["accessToken"].as_str().unwrap())["sid"]
        .as_str()
        .unwrap()
        .to_owned();
    let login: Value = post(
        "/auth/login",
        json!({"email": "ada@example.com", "password": PASSWORD}),
    )
    .await
    .unwrap()
    .json()
    .await
    .unwrap();
    let second_session = claims_of(login["accessToken"].as_str().unwrap())["sid"]
        .as_str()
        .unwrap()
        .to_owned();

    // Reuse: the first token, spent, presented again (grace 0 s).
    let first = sign_up["refreshToken"].as_str().unwrap();
    assert_eq!(
        post("/auth/refresh", json!({"refreshToken": first}))
            .await
            .unwrap()
            .status(),
        StatusCode::OK
    );
    assert_eq!(
        post("/auth/refresh", json!({"refreshToken": first}))
            .await
            .unwrap()
            .status(),
        StatusCode::UNAUTHORIZED
    );

    let access = login["accessToken"].as_str().unwrap();
    let third: Value = post(
        "/auth/login",
        json!({"email": "ada@example.com", "password": PASSWORD}),
    )
    .await
    .unwrap()
    .json()
    .await
    .unwrap();
    let third_session = claims_of(third["accessToken"].as_str().unwrap())["sid"]
        .as_str()
        .unwrap()
        .to_owned();
    let revoked = http
        .delete(server.url(&format!("/api/sessions/{third_session}")))
        .bearer_auth(access)
        .send()
        .await
        .unwrap();
    assert_eq!(revoked.status(), StatusCode::NO_CONTENT);
    let all = http
        .post(server.url("/auth/logout-all"))
        .bearer_auth(access)
        .send()
        .await
        .unwrap();
    assert_eq!(all.status(), StatusCode::NO_CONTENT);

    // Last, as it locks the account: a failure, then the limit.
    assert_eq!(
        post(
            "/auth/login",
            json!({"email": "ada@example.com", "password": "a wrong one"})
        )
        .await
        .unwrap()
        .status(),
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        post(
            "/auth/login",
            json!({"email": "ada@example.com", "password": "a wrong one"})
        )
        .await
        .unwrap()
        .status(),
        StatusCode::TOO_MANY_REQUESTS
    );

    let log = server.kill().await;
    let audit: Vec<&str> = log
        .lines()
        .filter(|l| l.contains("sesame::audit"))
        .collect();
    let count = |needle: &str| audit.iter().filter(|l| l.contains(needle)).count();
    assert_eq!(count("event=sign_up "), 1, "{audit:#?}");
    assert_eq!(count("event=sign_in "), 2, "{audit:#?}");
    assert_eq!(
        count(&format!(
            "event=sign_in user={} session={second_session}",
            sign_up["user"]["id"].as_str().unwrap()
        )),
        1
    );
    assert_eq!(count("event=sign_in_failed "), 1, "{audit:#?}");
    assert_eq!(count("event=rate_limited "), 1, "{audit:#?}");
    assert_eq!(count("event=refresh_reuse_detected user="), 1, "{audit:#?}");
    assert_eq!(
        count(&format!("session={session}")),
        3,
        "sign-up, reuse detected, revoked: {audit:#?}"
    );
    assert_eq!(
        count(&format!(
            "event=session_revoked user={}",
            sign_up["user"]["id"].as_str().unwrap()
        )),
        2,
        "{audit:#?}"
    );
    assert_eq!(
        count(&format!("session={third_session} reason=revoked")),
        1,
        "{audit:#?}"
    );
    assert_eq!(count("event=logout_all "), 1, "{audit:#?}");
    assert!(audit
        .iter()
        .all(|l| !l.contains(first) && !l.contains(access) && !l.contains(PASSWORD)));
}
