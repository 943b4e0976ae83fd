//! Brute-force protection on sign-in.

use reqwest::StatusCode;

use crate::helpers::*;

#[actix_web::test]
async fn an_account_is_refused_with_429_after_its_failures_even_with_the_right_password() {
    let app = spawn_app_with(|s| s.login_max_failures = 3).await;
    let user = app.new_user().await;
    for _ in 0..3 {
        let response = app.login(&user.email, "a wrong password").await;
        assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
    }
    let response = app.login(&user.email, PASSWORD).await;
    let wait = retry_after(&response);
    // 3 failures in a 15-minute window: one more try every 5 minutes.
    assert!((1..=300).contains(&wait), "Retry-After: {wait}");
    assert_error(response, StatusCode::TOO_MANY_REQUESTS, "too_many_attempts").await;

    // Another account is not affected.
    let other = app.new_user().await;
    assert_eq!(
        app.login(&other.email, PASSWORD).await.status(),
        StatusCode::OK
    );
}

#[actix_web::test]
async fn an_unknown_email_is_limited_the_same_way() {
    let app = spawn_app_with(|s| s.login_max_failures = 2).await;
    for _ in 0..2 {
        assert_eq!(
            app.login("nobody@example.com", PASSWORD).await.status(),
            StatusCode::UNAUTHORIZED
        );
    }
    assert_eq!(
        app.login("nobody@example.com", PASSWORD).await.status(),
        StatusCode::TOO_MANY_REQUESTS
    );
}

#[actix_web::test]
async fn a_successful_login_resets_the_accounts_count() {
    let app = spawn_app_with(|s| s.login_max_failures = 3).await;
    let user = app.new_user().await;
    for _ in 0..2 {
        app.login(&user.email, "a wrong password").await;
    }
    assert_eq!(
        app.login(&user.email, PASSWORD).await.status(),
        StatusCode::OK
    );
    for _ in 0..3 {
        let response = app.login(&user.email, "a wrong password").await;
        assert_eq!(
            response.status(),
            StatusCode::UNAUTHORIZED,
            "the count started again"
        );
    }
    assert_eq!(
        app.login(&user.email, PASSWORD).await.status(),
        StatusCode::TOO_MANY_REQUESTS
    );
}

#[actix_web::test]
async fn one_address_is_refused_after_its_failures_across_accounts() {
    let app = spawn_app_with(|s| {
        s.login_max_failures = 100;
        s.login_max_failures_per_ip = 4;
    })
    .await;
    let user = app.new_user().await;
    for n in 0..4 {
        let response = app.login(&format!("guess{n}@example.com"), PASSWORD).await;
        assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
    }
    let response = app.login(&user.email, PASSWORD).await;
    assert!(retry_after(&response) >= 1);
    assert_error(response, StatusCode::TOO_MANY_REQUESTS, "too_many_attempts").await;
}

#[actix_web::test]
async fn the_limit_lifts_when_the_window_has_passed() {
    let app = spawn_app_with(|s| {
        s.login_max_failures = 2;
        s.login_window = std::time::Duration::from_secs(2);
    })
    .await;
    let user = app.new_user().await;
    for _ in 0..2 {
        app.login(&user.email, "a wrong password").await;
    }
    assert_eq!(
        app.login(&user.email, PASSWORD).await.status(),
        StatusCode::TOO_MANY_REQUESTS
    );
    sleep_ms(1300).await; // one try comes back every window / limit = 1 s
    assert_eq!(
        app.login(&user.email, PASSWORD).await.status(),
        StatusCode::OK
    );
}

#[actix_web::test]
async fn a_form_login_shows_the_wait_politely() {
    let app = spawn_app_with(|s| s.login_max_failures = 1).await;
    let user = app.new_user().await;
    app.login(&user.email, "a wrong password").await;
    let (cookie, csrf) = form_session(app.login_page()).await;
    let form = [
        ("email", user.email.as_str()),
        ("password", PASSWORD),
        ("csrf", &csrf),
    ];
    let response = app.login_form(&cookie, &form).await;
    assert_eq!(response.status(), StatusCode::TOO_MANY_REQUESTS);
    assert!(retry_after(&response) >= 1);
    let html = response.text().await.unwrap();
    assert!(html.contains("Too many failed attempts"), "{html}");
    assert!(
        html.contains("minutes") || html.contains("seconds"),
        "{html}"
    );
    assert!(html.contains(&user.email), "the email is kept");
}
