use reqwest::StatusCode;
use serde_json::json;

use crate::helpers::*;

#[actix_web::test]
async fn login_with_json_answers_200_with_the_sign_in_body_and_cookies() {
    let app = spawn_app().await;
    let user = app.new_user().await;
    let response = app.login(&user.email, PASSWORD).await;

    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(response.headers()["cache-control"], "no-store");
    assert_eq!(response.headers()["pragma"], "no-cache");
    let cookies = set_cookies(response.headers());
    let body: SignInBody = response.json().await.unwrap();
    assert_eq!(body.user.id, user.id);
    assert_eq!(body.token_type, "Bearer");
    assert_eq!(cookie_value(&cookies["accessToken"]), body.access_token);
    assert_eq!(cookie_value(&cookies["refreshToken"]), body.refresh_token());
    // A new session: its tokens are not the registration's.
    assert_ne!(body.refresh_token(), user.refresh_token);
    let me = app.me(&body.access_token).await;
    assert_eq!(me.status(), StatusCode::OK);
}

#[actix_web::test]
async fn unknown_email_and_wrong_password_get_the_same_401() {
    let app = spawn_app().await;
    let user = app.new_user().await;

    let wrong = app.login(&user.email, "not the password").await;
    assert!(wrong.headers()["www-authenticate"]
        .to_str()
        .unwrap()
        .starts_with("Bearer"));
    let wrong = assert_error(wrong, StatusCode::UNAUTHORIZED, "invalid_credentials").await;
    let unknown = app.login("nobody@example.com", PASSWORD).await;
    let unknown = assert_error(unknown, StatusCode::UNAUTHORIZED, "invalid_credentials").await;
    assert_eq!(wrong, unknown);
}

#[actix_web::test]
async fn form_login_redirects_to_a_local_next_or_to_the_profile() {
    let app = spawn_app().await;
    let user = app.new_user().await;
    let (cookie, csrf) = form_session(app.login_page()).await;
    let cases = [
        (Some("/profile?tab=sessions"), "/profile?tab=sessions"),
        (Some("//evil.example/x"), "/profile"),
        (Some("https://evil.example/"), "/profile"),
        (None, "/profile"),
    ];
    for (next, expected) in cases {
        let mut form = vec![
            ("email", user.email.as_str()),
            ("password", PASSWORD),
            ("csrf", &csrf),
        ];
        if let Some(next) = next {
            form.push(("next", next));
        }
        let response = app.login_form(&cookie, &form).await;
        assert_eq!(response.status(), StatusCode::SEE_OTHER);
        assert_eq!(response.headers()["location"], expected, "next = {next:?}");
        assert!(set_cookies(response.headers()).contains_key("refreshToken"));
    }
}

#[actix_web::test]
async fn every_login_is_its_own_session() {
    let app = spawn_app().await;
    let user = app.new_user().await;
    let second = app.sign_in(&user.email).await;
    let response = app.sessions(&second.access_token).await;
    let sessions: Vec<SessionRow> = response.json().await.unwrap();
    assert_eq!(sessions.len(), 2);
}

#[actix_web::test]
async fn login_with_an_invalid_email_or_password_gets_422() {
    let app = spawn_app().await;
    let response = app.login("not-an-email", PASSWORD).await;
    assert_error(response, StatusCode::UNPROCESSABLE_ENTITY, "invalid_email").await;
    let response = app.login_json(&json!({"email": "a@example.com"})).await;
    assert_error(
        response,
        StatusCode::UNPROCESSABLE_ENTITY,
        "invalid_password",
    )
    .await;
    let response = app.login("a@example.com", "short").await;
    assert_error(
        response,
        StatusCode::UNPROCESSABLE_ENTITY,
        "invalid_password",
    )
    .await;
}
