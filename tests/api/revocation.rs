//! A session's access tokens stop at the very next request once it ends,
//! however it ends, although the server answers known sessions from memory.
//! Each test uses the token first, so the server has it in memory.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use reqwest::StatusCode;

use crate::helpers::*;

async fn assert_me(app: &TestApp, user: &TestUser, status: StatusCode) {
    assert_eq!(app.me(&user.access_token).await.status(), status);
}

/// Signs in and uses the token twice: it is known from then on.
async fn known_session(app: &TestApp, email: &str) -> TestUser {
    let user = app.sign_in(email).await;
    assert_me(app, &user, StatusCode::OK).await;
    assert_me(app, &user, StatusCode::OK).await;
    user
}

#[actix_web::test]
async fn every_way_a_session_ends_stops_its_access_token_at_once() {
    let app = spawn_app_with(|s| s.reuse_grace = Duration::ZERO).await;
    let owner = app.new_user().await;
    let email = owner.email.clone();

    let logged_out = known_session(&app, &email).await;
    let response = app
        .logout_with_body(Headers::new(), &logged_out.refresh_token)
        .await;
    assert_eq!(response.status(), StatusCode::NO_CONTENT);
    assert_me(&app, &logged_out, StatusCode::UNAUTHORIZED).await;

    let deleted = known_session(&app, &email).await;
    let response = app
        .delete_session(&owner.access_token, &session_of(&deleted.access_token))
        .await;
    assert_eq!(response.status(), StatusCode::NO_CONTENT);
    assert_me(&app, &deleted, StatusCode::UNAUTHORIZED).await;

    let replayed = known_session(&app, &email).await;
    let rotated = app.refresh_with_body(&replayed.refresh_token).await;
    assert_eq!(rotated.status(), StatusCode::OK);
    let rotated: SignInBody = rotated.json().await.unwrap();
    let new_access = rotated.access_token;
    assert_eq!(app.me(&new_access).await.status(), StatusCode::OK);
    let replay = app.refresh_with_body(&replayed.refresh_token).await;
    assert_eq!(replay.status(), StatusCode::UNAUTHORIZED, "reuse");
    assert_me(&app, &replayed, StatusCode::UNAUTHORIZED).await;
    assert_eq!(app.me(&new_access).await.status(), StatusCode::UNAUTHORIZED);

    let everywhere = [
        known_session(&app, &email).await,
        known_session(&app, &email).await,
    ];
    assert_me(&app, &owner, StatusCode::OK).await;
    let response = app
        .logout_all(Headers::new().bearer(&everywhere[0].access_token))
        .await;
    assert_eq!(response.status(), StatusCode::NO_CONTENT);
    for session in everywhere.iter().chain([&owner]) {
        assert_me(&app, session, StatusCode::UNAUTHORIZED).await;
    }
}

#[actix_web::test]
async fn a_revoked_session_is_refused_to_every_request_sent_after_the_answer() {
    let app = Arc::new(spawn_app().await);
    let owner = app.new_user().await;
    for _ in 0..10 {
        revoke_while_in_use(&app, &owner).await;
    }
}

/// Eight clients use a session while it is refreshed over and over (so the
/// server keeps reading it anew); then it is revoked. Every request sent
/// after the revocation's answer must be refused.
async fn revoke_while_in_use(app: &Arc<TestApp>, owner: &TestUser) {
    let target = known_session(app, &owner.email).await;
    let revoked = Arc::new(AtomicBool::new(false));
    let askers: Vec<_> = (0..8)
        .map(|_| {
            let (app, token) = (Arc::clone(app), target.access_token.clone());
            let revoked = Arc::clone(&revoked);
            actix_web::rt::spawn(async move {
                let mut seen = Vec::new();
                let mut after = 0;
                while after < 20 {
                    let sent = Instant::now();
                    after += usize::from(revoked.load(Ordering::SeqCst));
                    seen.push((sent, app.me(&token).await.status()));
                }
                seen
            })
        })
        .collect();
    let refresher = {
        let (app, mut token) = (Arc::clone(app), target.refresh_token.clone());
        actix_web::rt::spawn(async move {
            loop {
                let response = app.refresh_with_body(&token).await;
                if response.status() != StatusCode::OK {
                    break;
                }
                let body: SignInBody = response.json().await.unwrap();
                token = body.refresh_token().to_owned();
            }
        })
    };
    sleep_ms(300).await;
    let response = app
        .delete_session(&owner.access_token, &session_of(&target.access_token))
        .await;
    let answered = Instant::now();
    revoked.store(true, Ordering::SeqCst);
    assert_eq!(response.status(), StatusCode::NO_CONTENT);

    let (mut before, mut after) = (0, 0);
    for asker in askers {
        for (sent, status) in asker.await.unwrap() {
            if sent > answered {
                after += 1;
                assert_eq!(status, StatusCode::UNAUTHORIZED, "sent after the 204");
            } else if status == StatusCode::OK {
                before += 1;
            }
        }
    }
    refresher.await.unwrap();
    assert!(before > 0 && after > 0, "{before} before, {after} after");
}

#[actix_web::test]
async fn a_refresh_moves_the_end_of_a_known_session() {
    // The session ends 4 s after its last use; the access tokens would last
    // longer, so they are cut at the session's end.
    let app = spawn_app_with(|s| s.refresh_ttl = Duration::from_secs(4)).await;
    let user = app.new_user().await;
    assert_me(&app, &user, StatusCode::OK).await;
    sleep_ms(2500).await;
    let refreshed = app.refresh_with_body(&user.refresh_token).await;
    assert_eq!(refreshed.status(), StatusCode::OK);
    let refreshed: SignInBody = refreshed.json().await.unwrap();
    let access = refreshed.access_token.as_str();

    // Past the first end (before the second whole second after the first
    // token's `exp`), before the new token's `exp`: 0.5 s at least apart.
    let first_ended = (exp_of(&user.access_token) + 1) * 1000;
    let new_exp = exp_of(access) * 1000;
    assert!(new_exp > first_ended, "{new_exp} > {first_ended}");
    actix_web::rt::time::sleep(Duration::from_millis(first_ended.saturating_sub(now_ms()))).await;
    assert!(now_ms() < new_exp, "a slow machine");
    assert_eq!(app.me(access).await.status(), StatusCode::OK);
}

fn exp_of(token: &str) -> u64 {
    claims_of(token)["exp"].as_u64().expect("an exp claim")
}

fn now_ms() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_millis() as u64
}
