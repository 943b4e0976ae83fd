//! Forms and JSON at one URL: the request's `Content-Type` picks the form
//! handler (CSRF token required, pages as answers) or the JSON one.

use reqwest::{Method, StatusCode};

use crate::helpers::*;

#[actix_web::test]
async fn a_form_logout_whose_body_cannot_be_read_ends_no_session() {
    let app = spawn_app().await;
    let user = app.new_user().await;
    let (form_cookie, csrf) = form_session(app.login_page()).await;
    let headers = Headers::new()
        .cookie(&format!(
            "{form_cookie}; accessToken={}; refreshToken={}",
            user.access_token, user.refresh_token
        ))
        .header("Content-Type", "application/x-www-form-urlencoded");
    // Its CSRF token is there, but the body is not UTF-8 form data: nothing
    // can be trusted in it, so nothing is done.
    let body = format!("csrf={csrf}&x=%FF");
    let response = app
        .send_raw(Method::POST, "/auth/logout", headers, Some(body.into()))
        .await;
    assert_error(response, StatusCode::BAD_REQUEST, "malformed_body").await;
    assert_eq!(app.me(&user.access_token).await.status(), StatusCode::OK);
    assert_eq!(
        app.refresh_with_cookie(&user.refresh_token).await.status(),
        StatusCode::OK
    );
}

#[actix_web::test]
async fn a_form_logout_whose_body_cannot_be_read_is_refused_without_its_token() {
    let app = spawn_app().await;
    let user = app.new_user().await;
    let (form_cookie, _) = form_session(app.login_page()).await;
    let headers = Headers::new()
        .cookie(&format!(
            "{form_cookie}; accessToken={}; refreshToken={}",
            user.access_token, user.refresh_token
        ))
        .header("Content-Type", "application/x-www-form-urlencoded");
    let response = app
        .send_raw(Method::POST, "/auth/logout", headers, Some("x=%FF".into()))
        .await;
    assert_eq!(response.status(), StatusCode::FORBIDDEN);
    assert_eq!(app.me(&user.access_token).await.status(), StatusCode::OK);
}

#[actix_web::test]
async fn a_form_content_type_with_parameters_is_still_a_form() {
    let app = spawn_app().await;
    let user = app.new_user().await;
    let headers = Headers::new().header(
        "Content-Type",
        "application/x-www-form-urlencoded; charset=UTF-8",
    );
    let body = format!("email={}&password={PASSWORD}", user.email);
    let response = app
        .send_raw(Method::POST, "/auth/login", headers, Some(body.into()))
        .await;
    // The form handler answered: no CSRF token, the 403 page, no session.
    assert_eq!(response.status(), StatusCode::FORBIDDEN);
    assert!(response.headers()["content-type"]
        .to_str()
        .unwrap()
        .starts_with("text/html"));
    assert!(!set_cookies(response.headers()).contains_key("accessToken"));
}

#[actix_web::test]
async fn the_revoke_button_takes_only_its_form() {
    let app = spawn_app().await;
    let user = app.new_user().await;
    let laptop = app.sign_in(&user.email).await;
    let (form_cookie, csrf) = form_session(app.login_page()).await;
    let path = format!(
        "/profile/sessions/{}/revoke",
        session_of(&laptop.access_token)
    );
    let headers = Headers::new()
        .cookie(&format!("{form_cookie}; accessToken={}", user.access_token))
        .header("Content-Type", "application/json");
    let body = format!(r#"{{"csrf": "{csrf}"}}"#);
    let response = app
        .send_raw(Method::POST, &path, headers, Some(body.into()))
        .await;
    assert_error(
        response,
        StatusCode::UNSUPPORTED_MEDIA_TYPE,
        "unsupported_media_type",
    )
    .await;
    assert_eq!(app.me(&laptop.access_token).await.status(), StatusCode::OK);
}

#[actix_web::test]
async fn json_at_a_form_url_is_answered_in_json_whatever_its_csrf_field() {
    let app = spawn_app().await;
    let user = app.new_user().await;
    let response = app
        .login_json(
            &serde_json::json!({"email": user.email, "password": "wrong password", "csrf": "x"}),
        )
        .await;
    assert_error(response, StatusCode::UNAUTHORIZED, "invalid_credentials").await;
}

#[actix_web::test]
async fn a_form_logout_also_ends_the_session_of_a_refresh_token_it_carries() {
    let app = spawn_app().await;
    let user = app.new_user().await;
    let phone = app.sign_in(&user.email).await;
    let (form_cookie, csrf) = form_session(app.login_page()).await;
    let cookies = format!("{form_cookie}; refreshToken={}", user.refresh_token);
    let response = app
        .logout_form(
            &cookies,
            &[("csrf", &csrf), ("refreshToken", &phone.refresh_token)],
        )
        .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    for ended in [&user, &phone] {
        assert_eq!(
            app.me(&ended.access_token).await.status(),
            StatusCode::UNAUTHORIZED
        );
    }
}

#[actix_web::test]
async fn a_form_over_64_kib_is_413_even_with_its_csrf_token() {
    let app = spawn_app().await;
    let (form_cookie, csrf) = form_session(app.login_page()).await;
    let headers = Headers::new()
        .cookie(&form_cookie)
        .header("Content-Type", "application/x-www-form-urlencoded");
    let start = format!("csrf={csrf}&email=a%40example.com&password={PASSWORD}&pad=");
    let body = format!("{start}{}", "x".repeat(64 * 1024 + 1 - start.len()));
    let response = app
        .send_raw(
            Method::POST,
            "/auth/login",
            headers.clone(),
            Some(body.into()),
        )
        .await;
    // Not the 403 "form expired" page: reloading would never fix it.
    assert_eq!(response.status(), StatusCode::PAYLOAD_TOO_LARGE);
    let text = response.text().await.unwrap();
    assert!(!text.contains("expired"), "{text}");

    // One byte less is read, and its token checked as usual.
    let body = format!("{start}{}", "x".repeat(64 * 1024 - start.len()));
    let response = app
        .send_raw(Method::POST, "/auth/login", headers, Some(body.into()))
        .await;
    assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
}
