//! Clean-up: ended sessions and long-spent refresh tokens are deleted, in
//! the background and by `sesame purge`, and nothing still valid is.

use std::time::Duration;

use reqwest::StatusCode;

use crate::helpers::*;
use crate::process::run;

/// Runs `sesame purge` on the app's database (on either backend); (sessions,
/// refresh tokens) purged.
async fn purge(app: &TestApp) -> (u64, u64) {
    let grace = format!("{}ms", app.settings.reuse_grace.as_millis());
    let args = [
        "purge",
        "--database-url",
        app.database_url(),
        "--reuse-grace",
        grace.as_str(),
    ];
    let output = run(app.folder.path(), &args, &[("RUST_LOG", "warn")]).await;
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert_eq!(
        output.status.code(),
        Some(0),
        "{stdout} {}",
        String::from_utf8_lossy(&output.stderr)
    );
    // "purged N ended sessions and M spent refresh tokens"
    let numbers: Vec<u64> = stdout
        .split_whitespace()
        .filter_map(|w| w.parse().ok())
        .collect();
    assert_eq!(numbers.len(), 2, "{stdout}");
    (numbers[0], numbers[1])
}

#[actix_web::test]
async fn purge_deletes_what_has_ended_and_keeps_what_is_valid() {
    let app = spawn_app_with(|s| s.reuse_grace = Duration::from_secs(2)).await;
    let user = app.new_user().await;
    let first = user.refresh_token.clone();
    let second = app.rotate(&first).await;
    let third = app.rotate(&second).await;
    let ended = app.sign_in(&user.email).await;
    let response = app
        .logout_with_body(Headers::new(), &ended.refresh_token)
        .await;
    assert_eq!(response.status(), StatusCode::NO_CONTENT);
    sleep_ms(2200).await; // `first` and `second` are now spent for longer than the grace

    let fourth = app.rotate(&third).await; // `third` spent just now: still in its grace
    let (sessions, tokens) = purge(&app).await;
    assert_eq!(sessions, 1, "the logged-out session");
    assert_eq!(
        tokens, 1,
        "its one token; `first` and `second` went at rotation"
    );
    assert_eq!(purge(&app).await, (0, 0), "nothing more to purge");

    // What is valid still works: the current token, and the one just spent
    // (within its grace it gets the current one back).
    let again: SignInBody = app.refresh_with_body(&third).await.json().await.unwrap();
    assert_eq!(again.refresh_token(), fourth);
    assert_eq!(app.me(&user.access_token).await.status(), StatusCode::OK);
    let fifth = app.rotate(&fourth).await;

    // And a spent token whose row is gone is still caught as reuse: the
    // session ends.
    assert_eq!(
        app.refresh_with_body(&first).await.status(),
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        app.refresh_with_body(&fifth).await.status(),
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        app.me(&user.access_token).await.status(),
        StatusCode::UNAUTHORIZED
    );
}

#[actix_web::test]
async fn purge_deletes_idle_and_too_old_sessions_only() {
    let app = spawn_app_with(|s| {
        s.refresh_ttl = Duration::from_secs(6);
        s.reuse_grace = Duration::ZERO;
    })
    .await;
    let idle = app.new_user().await;
    sleep_ms(3000).await;
    let active = app.new_user().await;
    sleep_ms(3200).await; // `idle` is 6.2 s unused (ended), `active` 3.2 s
    assert_eq!(purge(&app).await, (1, 1), "the idle session and its token");
    assert_eq!(app.me(&active.access_token).await.status(), StatusCode::OK);
    assert_eq!(
        app.refresh_with_body(&active.refresh_token).await.status(),
        StatusCode::OK
    );
    assert_eq!(
        app.me(&idle.access_token).await.status(),
        StatusCode::UNAUTHORIZED
    );
}

#[actix_web::test]
async fn the_server_purges_in_the_background_at_its_interval() {
    let app = spawn_app_with(|s| s.purge_interval = Duration::from_secs(1)).await;
    let user = app.new_user().await;
    let response = app
        .logout_with_body(Headers::new(), &user.refresh_token)
        .await;
    assert_eq!(response.status(), StatusCode::NO_CONTENT);
    sleep_ms(2500).await;
    assert_eq!(purge(&app).await, (0, 0), "already purged by the server");
}
