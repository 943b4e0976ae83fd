use reqwest::StatusCode;
use serde_json::json;

use crate::helpers::*;

#[actix_web::test]
async fn logout_with_the_refresh_cookie_answers_204_revokes_and_clears_cookies() {
    let app = spawn_app().await;
    let user = app.new_user().await;
    let response = app
        .client
        .post(app.url("/auth/logout"))
        .header("Cookie", format!("refreshToken={}", user.refresh_token))
        .send()
        .await
        .unwrap();
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
        .post_json("/auth/logout", &json!({"refreshToken": user.refresh_token}))
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
        .client
        .post(app.url("/auth/logout"))
        .header("Cookie", format!("accessToken={}", user.access_token))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::NO_CONTENT);
    assert_eq!(
        app.refresh_with_body(&user.refresh_token).await.status(),
        StatusCode::UNAUTHORIZED
    );
}

#[actix_web::test]
async fn logout_without_a_session_still_answers_204() {
    let app = spawn_app().await;
    let response = app
        .client
        .post(app.url("/auth/logout"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::NO_CONTENT);
    assert_clears_cookies(response.headers());
}

#[actix_web::test]
async fn logout_from_a_form_redirects_303_to_login() {
    let app = spawn_app().await;
    let user = app.new_user().await;
    let (form_cookie, csrf) = app.form_session("/login").await;
    let cookies = format!("{form_cookie}; refreshToken={}", user.refresh_token);
    let response = app
        .post_browser_form("/auth/logout", &cookies, &[("csrf", &csrf)])
        .await;
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
        .client
        .post(app.url("/auth/logout-all"))
        .bearer_auth(&user.access_token)
        .send()
        .await
        .unwrap();
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
        .client
        .post(app.url("/auth/logout"))
        .header("Cookie", format!("refreshToken={}", laptop.refresh_token))
        .json(&json!({"refreshToken": user.refresh_token}))
        .send()
        .await
        .unwrap();
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
    let response = app
        .client
        .post(app.url("/auth/logout"))
        .header("Cookie", format!("refreshToken={}", user.refresh_token))
        .header("Content-Type", "application/json")
        .body("{not json")
        .send()
        .await
        .unwrap();
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
        .client
        .post(app.url("/auth/logout-all"))
        .header("Cookie", format!("refreshToken={}", user.refresh_token))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::NO_CONTENT);
    assert_eq!(
        app.me(&laptop.access_token).await.status(),
        StatusCode::UNAUTHORIZED
    );
}

#[actix_web::test]
async fn logout_all_needs_a_valid_access_token_or_current_refresh_token() {
    let app = spawn_app().await;
    let response = app
        .client
        .post(app.url("/auth/logout-all"))
        .send()
        .await
        .unwrap();
    assert_error(response, StatusCode::UNAUTHORIZED, "unauthenticated").await;
    let response = app
        .client
        .post(app.url("/auth/logout-all"))
        .bearer_auth("not-a-token")
        .header("Cookie", format!("refreshToken={}", "A".repeat(43)))
        .send()
        .await
        .unwrap();
    assert_error(response, StatusCode::UNAUTHORIZED, "invalid_token").await;
}
