//! Disabled accounts (issue 23): `sesame users disable|enable EMAIL` (the
//! real binary, beside the running server, on its database) ends every
//! session at once and refuses the right password with 403
//! `account_disabled`; a reset link sets a password but does not enable
//! the account; a refresh racing the disable never leaves a live session.

use std::process::Output;
use std::time::{Duration, Instant};

use diesel::QueryableByName;
use futures::future::join_all;
use reqwest::StatusCode;

use crate::helpers::*;
use crate::process::run;

/// `sesame users ARGS…` on the database at `url`, with a clean environment.
async fn users(app: &TestApp, url: &str, args: &[&str]) -> Output {
    let mut args: Vec<&str> = std::iter::once("users")
        .chain(args.iter().copied())
        .collect();
    args.extend(["--database-url", url]);
    run(app.folder.path(), &args, &[]).await
}

/// `sesame users disable|enable EMAIL`, which must succeed; its stdout.
async fn set_disabled(app: &TestApp, url: &str, email: &str, disabled: bool) -> String {
    let command = if disabled { "disable" } else { "enable" };
    let output = users(app, url, &[command, email]).await;
    let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(0), "{stdout}{stderr}");
    stdout
}

/// Until `/api/me` refuses the token; fails after `within`.
async fn until_me_refuses(app: &TestApp, access_token: &str, within: Duration) {
    let deadline = Instant::now() + within;
    while app.me(access_token).await.status() != StatusCode::UNAUTHORIZED {
        assert!(
            Instant::now() < deadline,
            "/api/me still answers after {within:?}"
        );
        sleep_ms(50).await;
    }
}

#[derive(QueryableByName)]
struct Count {
    #[diesel(sql_type = diesel::sql_types::BigInt)]
    count: i64,
}

fn live_sessions(app: &TestApp, user_id: &str) -> i64 {
    let sql = format!(
        "SELECT count(*) AS count FROM sessions WHERE user_id = '{user_id}' AND revoked_at IS NULL"
    );
    app.database().row::<Count>(&sql).count
}

#[actix_web::test]
async fn disabling_ends_every_session_and_the_right_password_then_gets_403_account_disabled() {
    let app = spawn_app().await;
    let user = app.new_user().await;
    let other = app.sign_in(&user.email).await;
    assert_eq!(app.me(&user.access_token).await.status(), StatusCode::OK);

    let printed = set_disabled(&app, app.database_url(), &user.email, true).await;
    assert!(printed.ends_with("disabled: yes\n"), "{printed}");

    for session in [&user, &other] {
        let refresh = app.refresh_with_body(&session.refresh_token).await;
        assert_error(refresh, StatusCode::UNAUTHORIZED, "invalid_refresh_token").await;
    }
    // The cache keeps what it read for 2 s at most.
    until_me_refuses(&app, &other.access_token, Duration::from_secs(3)).await;
    assert_eq!(live_sessions(&app, &user.id), 0);

    let right = app.login(&user.email, PASSWORD).await;
    let body = assert_error(right, StatusCode::FORBIDDEN, "account_disabled").await;
    assert!(
        body["message"].as_str().unwrap().contains("disabled"),
        "{body}"
    );
    let wrong = app.login(&user.email, "not the password at all").await;
    assert_error(wrong, StatusCode::UNAUTHORIZED, "invalid_credentials").await;
    assert_eq!(live_sessions(&app, &user.id), 0, "no session was opened");

    let printed = set_disabled(&app, app.database_url(), &user.email, false).await;
    assert!(!printed.contains("disabled"), "{printed}");
    assert_login(&app, &user.email, PASSWORD, StatusCode::OK).await;
}

#[actix_web::test]
async fn a_reset_link_sets_the_password_of_a_disabled_account_but_does_not_enable_it() {
    let smtp = SmtpServer::start().await;
    let app = spawn_app_with(|s| smtp.configure(s)).await;
    let user = app.new_user().await;
    set_disabled(&app, app.database_url(), &user.email, true).await;

    let asked = app.forgot_password(&user.email).await;
    assert_eq!(asked.status(), StatusCode::ACCEPTED);
    let mail = smtp
        .next_mail_to(&user.email, Duration::from_secs(15))
        .await;
    let new_password = "a brand new passphrase";
    let reset = app.reset_password(&mail.token(), new_password).await;
    assert!(reset.status().is_success(), "{}", reset.status());

    let right = app.login(&user.email, new_password).await;
    assert_error(right, StatusCode::FORBIDDEN, "account_disabled").await;
    set_disabled(&app, app.database_url(), &user.email, false).await;
    assert_login(&app, &user.email, new_password, StatusCode::OK).await;
}

#[actix_web::test]
async fn refreshes_racing_a_disable_never_leave_a_live_session() {
    let app = spawn_app().await;
    let user = app.new_user().await;
    let mut tokens = vec![user.refresh_token.clone()];
    for _ in 0..7 {
        tokens.push(app.sign_in(&user.email).await.refresh_token);
    }
    // Each session refreshes over and over while the disable runs.
    let refreshing = tokens.into_iter().map(|first| {
        let api = app.with_own_connections();
        async move {
            let mut token = first;
            let deadline = Instant::now() + Duration::from_secs(20);
            while Instant::now() < deadline {
                let response = api.refresh_with_body(&token).try_send().await.unwrap();
                if response.status() != StatusCode::OK {
                    assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
                    return token;
                }
                let body: SignInBody = response.json().await.unwrap();
                token = body.refresh_token().to_owned();
            }
            panic!("a refresh still worked 20 s after the disable began");
        }
    });
    let disabling = set_disabled(&app, app.database_url(), &user.email, true);
    let (last_tokens, _) = futures::join!(join_all(refreshing), disabling);

    for token in last_tokens {
        let again = app.refresh_with_body(&token).await;
        assert_eq!(again.status(), StatusCode::UNAUTHORIZED);
    }
    assert_eq!(live_sessions(&app, &user.id), 0);
}

/// PostgreSQL, in both passes (tests/run.sh).
#[actix_web::test]
async fn an_account_disabled_through_one_instance_is_refused_by_another_within_1_s() {
    let url = fresh_database();
    let a = spawn_app_at(&url, |_| {}).await;
    let b = spawn_app_at(&url, |_| {}).await;
    let user = a.new_user().await;
    // Both listeners are up (what B remembers is then trusted), and B
    // remembers the session.
    let listeners = "SELECT count(*) AS count FROM pg_stat_activity \
        WHERE datname = current_database() AND application_name = 'sesame-listener'";
    let deadline = Instant::now() + Duration::from_secs(10);
    while a.database().row::<Count>(listeners).count < 2 {
        assert!(Instant::now() < deadline, "the listeners did not connect");
        sleep_ms(20).await;
    }
    assert_eq!(b.me(&user.access_token).await.status(), StatusCode::OK);

    set_disabled(&a, &url, &user.email, true).await;
    until_me_refuses(&b, &user.access_token, Duration::from_secs(1)).await;
    let right = b.login(&user.email, PASSWORD).await;
    assert_error(right, StatusCode::FORBIDDEN, "account_disabled").await;
}
