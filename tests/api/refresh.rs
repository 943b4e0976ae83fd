use std::collections::HashSet;
use std::future::IntoFuture;
use std::time::Duration;

use reqwest::StatusCode;
use serde::Deserialize;
use serde_json::Value;

use crate::helpers::*;

#[actix_web::test]
async fn refresh_by_cookie_rotates_and_answers_with_new_cookies_only() {
    let app = spawn_app().await;
    let user = app.new_user().await;

    let response = app.refresh_with_cookie(&user.refresh_token).await;
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(response.headers()["cache-control"], "no-store");
    assert_eq!(response.headers()["pragma"], "no-cache");
    let cookies = set_cookies(response.headers());
    let body: Value = response.json().await.unwrap();
    assert!(body.get("refreshToken").is_none(), "{body}");
    let body = SignInBody::deserialize(&body).expect("a sign-in body");
    assert_eq!(body.user.id, user.id);
    let new_access = body.access_token.as_str();
    assert_eq!(cookie_value(&cookies["accessToken"]), new_access);
    let new_refresh = cookie_value(&cookies["refreshToken"]);
    assert_ne!(new_refresh, user.refresh_token);
    assert_eq!(
        cookie_attributes(&cookies["refreshToken"]),
        [
            "httponly",
            "max-age=604800",
            "path=/auth",
            "samesite=strict",
            "secure"
        ]
    );

    assert_eq!(app.me(new_access).await.status(), StatusCode::OK);
    assert_eq!(
        app.refresh_with_cookie(&new_refresh).await.status(),
        StatusCode::OK
    );
}

#[actix_web::test]
async fn refresh_by_body_answers_the_new_token_in_the_body_and_sets_no_refresh_cookie() {
    let app = spawn_app().await;
    let user = app.new_user().await;

    let response = app.refresh_with_body(&user.refresh_token).await;
    assert_eq!(response.status(), StatusCode::OK);
    let cookies = set_cookies(response.headers());
    assert!(!cookies.contains_key("refreshToken"), "{cookies:?}");
    let body: SignInBody = response.json().await.unwrap();
    let new_refresh = body.refresh_token();
    assert_ne!(new_refresh, user.refresh_token);
    assert_eq!(
        app.refresh_with_body(new_refresh).await.status(),
        StatusCode::OK
    );
}

#[actix_web::test]
async fn the_token_just_spent_gets_the_current_one_back_within_the_grace_window() {
    let app = spawn_app().await;
    let user = app.new_user().await;
    let first: SignInBody = app
        .refresh_with_body(&user.refresh_token)
        .await
        .json()
        .await
        .unwrap();
    let current = first.refresh_token();

    // A second tab (or a retry after a lost response) with the old token.
    let again = app.refresh_with_body(&user.refresh_token).await;
    assert_eq!(again.status(), StatusCode::OK);
    let again: SignInBody = again.json().await.unwrap();
    assert_eq!(again.refresh_token(), current, "no second rotation");
    assert_eq!(app.me(&again.access_token).await.status(), StatusCode::OK);

    // The current token is still the one that rotates.
    assert_eq!(
        app.refresh_with_body(current).await.status(),
        StatusCode::OK
    );
}

#[actix_web::test]
async fn a_spent_token_after_the_grace_window_revokes_the_whole_session() {
    let app = spawn_app_with(|s| s.reuse_grace = Duration::from_millis(500)).await;
    let user = app.new_user().await;
    let other_session = app.sign_in(&user.email).await;
    let rotated: SignInBody = app
        .refresh_with_body(&user.refresh_token)
        .await
        .json()
        .await
        .unwrap();
    let current = rotated.refresh_token();
    let access = rotated.access_token.as_str();
    sleep_ms(700).await;

    let replay = app.refresh_with_cookie(&user.refresh_token).await;
    assert_clears_cookies(replay.headers());
    assert_error(replay, StatusCode::UNAUTHORIZED, "invalid_refresh_token").await;

    // Every token of that session stops working...
    assert_eq!(
        app.refresh_with_body(current).await.status(),
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(app.me(access).await.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(
        app.me(&user.access_token).await.status(),
        StatusCode::UNAUTHORIZED
    );
    // ...and only that session's.
    assert_eq!(
        app.me(&other_session.access_token).await.status(),
        StatusCode::OK
    );
}

#[actix_web::test]
async fn an_older_spent_token_is_reuse_even_inside_the_grace_window() {
    let app = spawn_app().await;
    let user = app.new_user().await;
    let second: SignInBody = app
        .refresh_with_body(&user.refresh_token)
        .await
        .json()
        .await
        .unwrap();
    let second = second.refresh_token();
    let third: SignInBody = app.refresh_with_body(second).await.json().await.unwrap();
    let third = third.refresh_token();

    let replay = app.refresh_with_body(&user.refresh_token).await;
    assert_eq!(replay.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(
        app.refresh_with_body(third).await.status(),
        StatusCode::UNAUTHORIZED
    );
}

#[actix_web::test]
async fn a_grace_of_zero_turns_the_window_off() {
    let app = spawn_app_with(|s| s.reuse_grace = Duration::ZERO).await;
    let user = app.new_user().await;
    let rotated: SignInBody = app
        .refresh_with_body(&user.refresh_token)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(
        app.refresh_with_body(&user.refresh_token).await.status(),
        StatusCode::UNAUTHORIZED
    );
    let current = rotated.refresh_token();
    assert_eq!(
        app.refresh_with_body(current).await.status(),
        StatusCode::UNAUTHORIZED
    );
}

#[actix_web::test]
async fn twenty_concurrent_refreshes_with_one_token_rotate_once_and_agree() {
    let app = spawn_app().await;
    let user = app.new_user().await;

    let requests = (0..20).map(|_| app.refresh_with_body(&user.refresh_token).into_future());
    let responses = futures::future::join_all(requests).await;
    let mut tokens = HashSet::new();
    for response in responses {
        assert_eq!(response.status(), StatusCode::OK);
        let body: SignInBody = response.json().await.unwrap();
        tokens.insert(body.refresh_token().to_owned());
    }
    assert_eq!(tokens.len(), 1, "all end holding the same token");

    let current = tokens.into_iter().next().unwrap();
    let next = app.refresh_with_body(&current).await;
    assert_eq!(next.status(), StatusCode::OK);
    let next: SignInBody = next.json().await.unwrap();
    assert_eq!(app.me(&next.access_token).await.status(), StatusCode::OK);
}

#[actix_web::test]
async fn a_missing_or_unknown_refresh_token_gets_401_and_clears_both_cookies() {
    let app = spawn_app().await;
    let user = app.new_user().await;
    let no_token = app.refresh_without_token().await;
    assert_clears_cookies(no_token.headers());
    assert_error(no_token, StatusCode::UNAUTHORIZED, "invalid_refresh_token").await;

    for token in ["garbage", &"A".repeat(43), &user.access_token] {
        let response = app.refresh_with_cookie(token).await;
        assert_clears_cookies(response.headers());
        assert_error(response, StatusCode::UNAUTHORIZED, "invalid_refresh_token").await;
    }
}

#[actix_web::test]
async fn a_session_unused_for_the_refresh_ttl_ends() {
    let app = spawn_app_with(|s| s.refresh_ttl = Duration::from_secs(2)).await;
    let user = app.new_user().await;
    sleep_ms(2200).await;
    assert_eq!(
        app.refresh_with_body(&user.refresh_token).await.status(),
        StatusCode::UNAUTHORIZED
    );
}

#[actix_web::test]
async fn using_a_session_keeps_it_alive_past_its_first_idle_deadline() {
    let app = spawn_app_with(|s| s.refresh_ttl = Duration::from_secs(4)).await;
    let user = app.new_user().await;
    sleep_ms(2500).await;
    let rotated = app.refresh_with_body(&user.refresh_token).await;
    assert_eq!(rotated.status(), StatusCode::OK);
    let rotated: SignInBody = rotated.json().await.unwrap();
    sleep_ms(2500).await;
    // 5 s after login, past the first idle deadline, but 2.5 s after the last use.
    let current = rotated.refresh_token();
    assert_eq!(
        app.refresh_with_body(current).await.status(),
        StatusCode::OK
    );
}

#[actix_web::test]
async fn no_refresh_extends_a_session_past_its_maximum_age() {
    let app = spawn_app_with(|s| {
        s.session_max_age = Duration::from_secs(4);
        s.refresh_ttl = Duration::from_secs(60);
    })
    .await;
    let user = app.new_user().await;
    let mut token = user.refresh_token.clone();
    for _ in 0..2 {
        sleep_ms(1200).await;
        let response = app.refresh_with_cookie(&token).await;
        assert_eq!(response.status(), StatusCode::OK);
        let refresh_line = set_cookies(response.headers())["refreshToken"].clone();
        // The cookie lives only as long as the session has left.
        let max_age: i64 = cookie_attributes(&refresh_line)
            .iter()
            .find_map(|a| a.strip_prefix("max-age=").map(|n| n.parse().unwrap()))
            .unwrap();
        assert!((1..=3).contains(&max_age), "{refresh_line}");
        token = cookie_value(&refresh_line);
    }
    sleep_ms(2000).await;
    assert_eq!(
        app.refresh_with_cookie(&token).await.status(),
        StatusCode::UNAUTHORIZED
    );
}

#[actix_web::test]
async fn a_malformed_refresh_body_gets_400_and_clears_both_cookies() {
    let app = spawn_app().await;
    let response = app
        .refresh_json(&serde_json::json!({"refreshToken": 5}))
        .await;
    assert_clears_cookies(response.headers());
    assert_error(response, StatusCode::BAD_REQUEST, "malformed_body").await;
}
