use reqwest::{Method, StatusCode};

use crate::helpers::*;

#[actix_web::test]
async fn logout_with_the_refresh_cookie_answers_204_revokes_and_clears_cookies() {
    let app = spawn_app().await;
    let user = app.new_user().await;
    let response = app
        .logout(Headers::new().refresh_cookie(&user.refresh_token))
        .await;
    assert_eq!(response.status(), StatusCode::NO_CONTENT);
    assert_clears_cookies(response.headers());

    assert_eq!(
        app.refresh_with_cookie(&user.refresh_token).await.status(),
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        app.me(&user.access_token).await.status(),
        StatusCode::UNAUTHORIZED
    );
}

#[actix_web::test]
async fn logout_with_the_refresh_token_in_the_body_ends_that_session() {
    let app = spawn_app().await;
    let user = app.new_user().await;
    let response = app
        .logout_with_body(Headers::new(), &user.refresh_token)
        .await;
    assert_eq!(response.status(), StatusCode::NO_CONTENT);
    assert_eq!(
        app.me(&user.access_token).await.status(),
        StatusCode::UNAUTHORIZED
    );
}

#[actix_web::test]
async fn logout_with_only_the_access_cookie_ends_that_session() {
    let app = spawn_app().await;
    let user = app.new_user().await;
    let response = app
        .logout(Headers::new().access_cookie(&user.access_token))
        .await;
    assert_eq!(response.status(), StatusCode::NO_CONTENT);
    assert_eq!(
        app.refresh_with_body(&user.refresh_token).await.status(),
        StatusCode::UNAUTHORIZED
    );
}

#[actix_web::test]
async fn logout_without_a_session_still_answers_204() {
    let app = spawn_app().await;
    let response = app.logout(Headers::new()).await;
    assert_eq!(response.status(), StatusCode::NO_CONTENT);
    assert_clears_cookies(response.headers());
}

#[actix_web::test]
async fn logout_from_a_form_redirects_303_to_login() {
    let app = spawn_app().await;
    let user = app.new_user().await;
    let (form_cookie, csrf) = form_session(app.login_page()).await;
    let cookies = format!("{form_cookie}; refreshToken={}", user.refresh_token);
    let response = app.logout_form(&cookies, &[("csrf", &csrf)]).await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert_eq!(response.headers()["location"], "/login");
    assert_clears_cookies(response.headers());
    assert_eq!(
        app.me(&user.access_token).await.status(),
        StatusCode::UNAUTHORIZED
    );
}

#[actix_web::test]
async fn logout_all_ends_every_session_of_the_user_and_no_one_elses() {
    let app = spawn_app().await;
    let user = app.new_user().await;
    let laptop = app.sign_in(&user.email).await;
    let stranger = app.new_user().await;

    let response = app
        .logout_all(Headers::new().bearer(&user.access_token))
        .await;
    assert_eq!(response.status(), StatusCode::NO_CONTENT);
    assert_clears_cookies(response.headers());

    for session in [&user, &laptop] {
        assert_eq!(
            app.me(&session.access_token).await.status(),
            StatusCode::UNAUTHORIZED
        );
        assert_eq!(
            app.refresh_with_body(&session.refresh_token).await.status(),
            StatusCode::UNAUTHORIZED
        );
    }
    assert_eq!(
        app.me(&stranger.access_token).await.status(),
        StatusCode::OK
    );
}

#[actix_web::test]
async fn logout_with_tokens_in_both_body_and_cookie_ends_both_sessions() {
    let app = spawn_app().await;
    let user = app.new_user().await;
    let laptop = app.sign_in(&user.email).await;
    let response = app
        .logout_with_body(
            Headers::new().refresh_cookie(&laptop.refresh_token),
            &user.refresh_token,
        )
        .await;
    assert_eq!(response.status(), StatusCode::NO_CONTENT);
    assert_eq!(
        app.me(&user.access_token).await.status(),
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        app.me(&laptop.access_token).await.status(),
        StatusCode::UNAUTHORIZED
    );
}

#[actix_web::test]
async fn logout_ignores_a_body_it_cannot_read() {
    let app = spawn_app().await;
    let user = app.new_user().await;
    let headers = Headers::new()
        .refresh_cookie(&user.refresh_token)
        .header("Content-Type", "application/json");
    let response = app
        .send_raw(
            Method::POST,
            "/auth/logout",
            headers,
            Some("{not json".into()),
        )
        .await;
    assert_eq!(response.status(), StatusCode::NO_CONTENT);
    assert_eq!(
        app.me(&user.access_token).await.status(),
        StatusCode::UNAUTHORIZED
    );
}

#[actix_web::test]
async fn logout_all_accepts_the_current_refresh_token_when_the_access_token_is_gone() {
    let app = spawn_app().await;
    let user = app.new_user().await;
    let laptop = app.sign_in(&user.email).await;
    let response = app
        .logout_all(Headers::new().refresh_cookie(&user.refresh_token))
        .await;
    assert_eq!(response.status(), StatusCode::NO_CONTENT);
    assert_eq!(
        app.me(&laptop.access_token).await.status(),
        StatusCode::UNAUTHORIZED
    );
}

#[actix_web::test]
async fn logout_all_needs_a_valid_access_token_or_current_refresh_token() {
    let app = spawn_app().await;
    let response = app.logout_all(Headers::new()).await;
    assert_error(response, StatusCode::UNAUTHORIZED, "unauthenticated").await;
    let headers = Headers::new()
        .bearer("not-a-token")
        .refresh_cookie(&"A".repeat(43));
    let response = app.logout_all(headers).await;
    assert_error(response, StatusCode::UNAUTHORIZED, "invalid_token").await;
}

#[actix_web::test]
async fn logout_all_refuses_a_refresh_token_spent_just_now() {
    let app = spawn_app().await;
    let user = app.new_user().await;
    let rotated = app.refresh_with_body(&user.refresh_token).await;
    assert_eq!(rotated.status(), StatusCode::OK);
    // Within the grace window it would still fetch the current token, but it
    // proves nothing about who is asking.
    let response = app
        .logout_all(Headers::new().refresh_cookie(&user.refresh_token))
        .await;
    assert_error(response, StatusCode::UNAUTHORIZED, "unauthenticated").await;
    assert_eq!(app.me(&user.access_token).await.status(), StatusCode::OK);
}
