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
    let stale = app.refresh_with_cookie(&"A".repeat(43)).await;
    assert_eq!(stale.status(), StatusCode::UNAUTHORIZED);
}

#[actix_web::test]
async fn logout_from_a_form_redirects_303_to_login() {
    let app = spawn_app().await;
    let user = app.new_user().await;
    let response = app
        .client
        .post(app.url("/auth/logout"))
        .header("Cookie", format!("refreshToken={}", user.refresh_token))
        .form(&[("csrf", "unused-until-pages")])
        .send()
        .await
        .unwrap();
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
async fn logout_all_needs_a_valid_access_token() {
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
        .send()
        .await
        .unwrap();
    assert_error(response, StatusCode::UNAUTHORIZED, "invalid_token").await;
}
