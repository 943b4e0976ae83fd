//! Bad input gets the contract's status and code, as JSON.

use reqwest::{Method, StatusCode};
use serde_json::json;

use crate::helpers::*;

/// `Content-Type: {content_type}`
fn content_type(content_type: &str) -> Headers {
    Headers::new().header("Content-Type", content_type)
}

#[actix_web::test]
async fn malformed_json_gets_400() {
    let app = spawn_app().await;
    for body in [
        "{",
        "[]",
        r#"{"name": 5, "email": "a@example.com", "password": "x"}"#,
        "null",
    ] {
        let response = app
            .send_raw(
                Method::POST,
                "/auth/register",
                content_type("application/json"),
                Some(body.into()),
            )
            .await;
        assert_error(response, StatusCode::BAD_REQUEST, "malformed_body").await;
    }
}

#[actix_web::test]
async fn invalid_utf8_in_json_or_a_form_gets_400_not_a_panic() {
    let app = spawn_app().await;
    let json_body =
        b"{\"name\": \"\xff\xfe\", \"email\": \"a@example.com\", \"password\": \"12345678\"}"
            .to_vec();
    let response = app
        .send_raw(
            Method::POST,
            "/auth/register",
            content_type("application/json"),
            Some(json_body.into()),
        )
        .await;
    assert_error(response, StatusCode::BAD_REQUEST, "malformed_body").await;

    // A form: with this browser's CSRF token, 400; without one, refused
    // first, as any form without its token (403).
    let (form_cookie, csrf) = form_session(app.login_page()).await;
    let with_token = format!("csrf={csrf}&email=%FF%FE&password=12345678");
    let response = app
        .send_raw(
            Method::POST,
            "/auth/login",
            content_type("application/x-www-form-urlencoded").cookie(&form_cookie),
            Some(with_token.into()),
        )
        .await;
    assert_error(response, StatusCode::BAD_REQUEST, "malformed_body").await;
    let response = app
        .send_raw(
            Method::POST,
            "/auth/login",
            content_type("application/x-www-form-urlencoded").cookie(&form_cookie),
            Some("email=%FF%FE&password=12345678".into()),
        )
        .await;
    assert_eq!(response.status(), StatusCode::FORBIDDEN);
    assert_eq!(app.healthz().await.status(), StatusCode::OK);
}

#[actix_web::test]
async fn an_empty_json_body_on_register_or_login_gets_400() {
    let app = spawn_app().await;
    let response = app
        .send_raw(
            Method::POST,
            "/auth/login",
            content_type("application/json"),
            None,
        )
        .await;
    assert_error(response, StatusCode::BAD_REQUEST, "malformed_body").await;
}

#[actix_web::test]
async fn a_body_over_64_kib_gets_413_and_one_at_the_limit_does_not() {
    let app = spawn_app().await;
    let padding = |total: usize| {
        let base =
            json!({"name": "Ada", "email": "a@example.com", "password": PASSWORD, "pad": ""})
                .to_string();
        let pad = "x".repeat(total - base.len());
        json!({"name": "Ada", "email": "a@example.com", "password": PASSWORD, "pad": pad})
            .to_string()
    };
    let at_limit = padding(64 * 1024);
    assert_eq!(at_limit.len(), 64 * 1024);
    let response = app
        .send_raw(
            Method::POST,
            "/auth/register",
            content_type("application/json"),
            Some(at_limit.into()),
        )
        .await;
    assert_eq!(response.status(), StatusCode::CREATED);

    let over = padding(64 * 1024 + 1);
    let response = app
        .send_raw(
            Method::POST,
            "/auth/login",
            content_type("application/json"),
            Some(over.into()),
        )
        .await;
    assert_error(response, StatusCode::PAYLOAD_TOO_LARGE, "payload_too_large").await;
}

#[actix_web::test]
async fn a_wrong_content_type_gets_415() {
    let app = spawn_app().await;
    for kind in [
        Some("text/plain"),
        Some("multipart/form-data; boundary=x"),
        None,
    ] {
        let headers = kind.map(content_type).unwrap_or_default();
        let response = app
            .send_raw(
                Method::POST,
                "/auth/register",
                headers,
                Some("name=Ada".into()),
            )
            .await;
        assert_error(
            response,
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "unsupported_media_type",
        )
        .await;
    }
}

#[actix_web::test]
async fn json_with_a_charset_is_json() {
    let app = spawn_app().await;
    let body = json!({"name": "Ada", "email": "a@example.com", "password": PASSWORD}).to_string();
    let response = app
        .send_raw(
            Method::POST,
            "/auth/register",
            content_type("application/json; charset=utf-8"),
            Some(body.into()),
        )
        .await;
    assert_eq!(response.status(), StatusCode::CREATED);
}

#[actix_web::test]
async fn an_unknown_route_gets_404_as_json() {
    let app = spawn_app().await;
    let response = app
        .send_raw(Method::GET, "/no/such/page", Headers::new(), None)
        .await;
    assert_error(response, StatusCode::NOT_FOUND, "not_found").await;
}

#[actix_web::test]
async fn a_wrong_method_gets_405_as_json() {
    let app = spawn_app().await;
    for (method, path) in [
        (Method::GET, "/auth/login"),
        (Method::GET, "/auth/refresh"),
        (Method::POST, "/api/me"),
        (Method::PUT, "/api/sessions"),
        (Method::POST, "/healthz"),
    ] {
        let response = app.send_raw(method, path, Headers::new(), None).await;
        assert_error(
            response,
            StatusCode::METHOD_NOT_ALLOWED,
            "method_not_allowed",
        )
        .await;
    }
}

#[actix_web::test]
async fn cross_site_posts_and_deletes_get_403() {
    let app = spawn_app().await;
    let user = app.new_user().await;
    let foreign = [
        ("Origin", "http://evil.example"),
        ("Origin", "null"),
        ("Sec-Fetch-Site", "cross-site"),
    ];
    for (name, value) in foreign {
        let response = app
            .login_with(Headers::new().header(name, value), &user.email, PASSWORD)
            .await;
        assert_error(response, StatusCode::FORBIDDEN, "cross_site_request").await;

        let headers = Headers::new()
            .bearer(&user.access_token)
            .header(name, value);
        let response = app.delete_session_with(headers, "x").await;
        assert_error(response, StatusCode::FORBIDDEN, "cross_site_request").await;
    }
    // A logout forced from another site ends nothing.
    let headers = Headers::new()
        .header("Origin", "http://evil.example")
        .refresh_cookie(&user.refresh_token);
    let response = app.logout(headers).await;
    assert_eq!(response.status(), StatusCode::FORBIDDEN);
    assert_eq!(app.me(&user.access_token).await.status(), StatusCode::OK);
}

#[actix_web::test]
async fn same_origin_posts_pass() {
    let app = spawn_app().await;
    let user = app.new_user().await;
    let headers = Headers::new()
        .header("Origin", app.origin())
        .header("Sec-Fetch-Site", "same-origin");
    let response = app.login_with(headers, &user.email, PASSWORD).await;
    assert_eq!(response.status(), StatusCode::OK);
}

#[actix_web::test]
async fn a_405_says_which_methods_are_allowed_and_head_works_where_get_does() {
    let app = spawn_app().await;
    let response = app
        .send_raw(Method::POST, "/healthz", Headers::new(), None)
        .await;
    assert_eq!(response.headers()["allow"], "GET, HEAD");
    let response = app
        .send_raw(Method::GET, "/auth/login", Headers::new(), None)
        .await;
    assert_eq!(response.headers()["allow"], "POST");
    let response = app
        .send_raw(Method::HEAD, "/healthz", Headers::new(), None)
        .await;
    assert_eq!(response.status(), StatusCode::OK);
}

/// A message a person reads: a capital first letter and a final period.
fn assert_sentence(body: &serde_json::Value) {
    let message = body["message"].as_str().unwrap_or_default();
    assert!(
        message.starts_with(|c: char| c.is_uppercase()) && message.ends_with('.'),
        "not a sentence: {body}"
    );
}

#[actix_web::test]
async fn every_json_error_message_is_a_sentence() {
    let app = spawn_app().await;
    let user = app.new_user().await;
    let no_body = |method, path| app.send_raw(method, path, Headers::new(), None);
    let json_body = |path, body: &'static str| {
        app.send_raw(
            Method::POST,
            path,
            content_type("application/json"),
            Some(body.into()),
        )
    };
    let answers = [
        (
            no_body(Method::GET, "/no/such/page").await,
            StatusCode::NOT_FOUND,
            "not_found",
        ),
        (
            no_body(Method::GET, "/auth/login").await,
            StatusCode::METHOD_NOT_ALLOWED,
            "method_not_allowed",
        ),
        (
            no_body(Method::GET, "/api/me").await,
            StatusCode::UNAUTHORIZED,
            "unauthenticated",
        ),
        (
            app.me("not-a-token").await,
            StatusCode::UNAUTHORIZED,
            "invalid_token",
        ),
        (
            app.login(&user.email, "wrong-guess-7Xq").await,
            StatusCode::UNAUTHORIZED,
            "invalid_credentials",
        ),
        (
            app.refresh_without_token().await,
            StatusCode::UNAUTHORIZED,
            "invalid_refresh_token",
        ),
        (
            app.register("Ada", &user.email, PASSWORD).await,
            StatusCode::CONFLICT,
            "email_taken",
        ),
        (
            json_body("/auth/register", "{").await,
            StatusCode::BAD_REQUEST,
            "malformed_body",
        ),
        (
            json_body(
                "/auth/password/reset",
                r#"{"token": "x", "password": "12345678"}"#,
            )
            .await,
            StatusCode::BAD_REQUEST,
            "invalid_reset_token",
        ),
        (
            app.send_raw(
                Method::POST,
                "/auth/login",
                content_type("text/plain"),
                Some("hello".into()),
            )
            .await,
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "unsupported_media_type",
        ),
        (
            app.send_raw(
                Method::POST,
                "/auth/login",
                Headers::new()
                    .header("Content-Type", "application/json")
                    .header("Origin", "http://evil.example"),
                Some("{}".into()),
            )
            .await,
            StatusCode::FORBIDDEN,
            "cross_site_request",
        ),
    ];
    for (response, status, code) in answers {
        assert_sentence(&assert_error(response, status, code).await);
    }
}
