use reqwest::StatusCode;
use serde_json::json;

use crate::helpers::*;

#[actix_web::test]
async fn register_with_json_answers_201_with_the_sign_in_body_and_both_cookies() {
    let app = spawn_app().await;
    let response = app
        .register("Ada Lovelace", "ada@example.com", PASSWORD)
        .await;

    assert_eq!(response.status(), StatusCode::CREATED);
    assert_eq!(response.headers()["cache-control"], "no-store");
    assert_eq!(response.headers()["pragma"], "no-cache");
    let cookies = set_cookies(response.headers());
    let body: SignInBody = response.json().await.unwrap();
    assert_eq!(body.token_type, "Bearer");
    assert_eq!(body.expires_in, 900);
    assert_eq!(body.user.name, "Ada Lovelace");
    assert_eq!(body.user.email, "ada@example.com");
    assert!(!body.user.id.is_empty());
    assert!(body.user.created_at.ends_with('Z'));
    let access = body.access_token.as_str();
    let refresh = body.refresh_token();

    let access_line = &cookies["accessToken"];
    assert_eq!(cookie_value(access_line), access);
    assert_eq!(
        cookie_attributes(access_line),
        [
            "httponly",
            "max-age=900",
            "path=/",
            "samesite=lax",
            "secure"
        ]
    );
    let refresh_line = &cookies["refreshToken"];
    assert_eq!(cookie_value(refresh_line), refresh);
    assert_eq!(
        cookie_attributes(refresh_line),
        [
            "httponly",
            "max-age=604800",
            "path=/auth",
            "samesite=strict",
            "secure"
        ]
    );
}

#[actix_web::test]
async fn cookies_leave_out_secure_when_the_setting_is_off() {
    let app = spawn_app_with(|s| s.cookie_secure = false).await;
    let response = app.register("Ada", "ada@example.com", PASSWORD).await;
    assert_eq!(response.status(), StatusCode::CREATED);
    let cookies = set_cookies(response.headers());
    assert!(cookies.contains_key("accessToken") && cookies.contains_key("refreshToken"));
    for line in cookies.values() {
        assert!(
            !cookie_attributes(line).contains(&"secure".to_owned()),
            "{line}"
        );
    }
}

#[actix_web::test]
async fn register_with_a_form_redirects_303_to_the_profile_with_cookies() {
    let app = spawn_app().await;
    let (cookie, csrf) = form_session(app.register_page()).await;
    let form = [
        ("name", "Ada"),
        ("email", "ada@example.com"),
        ("password", PASSWORD),
        ("csrf", &csrf),
    ];
    let response = app.register_form(&cookie, &form).await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert_eq!(response.headers()["location"], "/profile");
    let cookies = set_cookies(response.headers());
    assert!(!cookie_value(&cookies["accessToken"]).is_empty());
    assert!(!cookie_value(&cookies["refreshToken"]).is_empty());
}

#[actix_web::test]
async fn email_is_trimmed_and_lower_cased() {
    let app = spawn_app().await;
    let response = app.register("Ada", "  Ada@Example.COM ", PASSWORD).await;
    let body: SignInBody = response.json().await.unwrap();
    assert_eq!(body.user.email, "ada@example.com");
    assert_eq!(
        app.login("ADA@example.com", PASSWORD).await.status(),
        StatusCode::OK
    );
}

#[actix_web::test]
async fn a_taken_email_gets_409_whatever_its_case() {
    let app = spawn_app().await;
    app.register("Ada", "ada@example.com", PASSWORD).await;
    let response = app
        .register("Other", "ADA@example.com", "another password")
        .await;
    assert_error(response, StatusCode::CONFLICT, "email_taken").await;
    // The first account is untouched.
    assert_eq!(
        app.login("ada@example.com", PASSWORD).await.status(),
        StatusCode::OK
    );
}

#[actix_web::test]
async fn each_invalid_field_gets_422_with_its_code_and_writes_nothing() {
    let app = spawn_app().await;
    let cases = [
        (
            json!({"name": "", "email": "a@example.com", "password": PASSWORD}),
            "invalid_name",
        ),
        (
            json!({"name": "   ", "email": "a@example.com", "password": PASSWORD}),
            "invalid_name",
        ),
        (
            json!({"name": "x".repeat(101), "email": "a@example.com", "password": PASSWORD}),
            "invalid_name",
        ),
        (
            json!({"email": "a@example.com", "password": PASSWORD}),
            "invalid_name",
        ),
        (
            json!({"name": "Ada", "email": "not-an-email", "password": PASSWORD}),
            "invalid_email",
        ),
        (
            json!({"name": "Ada", "email": "", "password": PASSWORD}),
            "invalid_email",
        ),
        (
            json!({"name": "Ada", "email": "a@example.com", "password": "short"}),
            "invalid_password",
        ),
        (
            json!({"name": "Ada", "email": "a@example.com", "password": "p".repeat(73)}),
            "invalid_password",
        ),
        (
            json!({"name": "Ada", "email": "a@example.com"}),
            "invalid_password",
        ),
    ];
    for (body, code) in cases {
        let response = app.register_json(&body).await;
        assert_error(response, StatusCode::UNPROCESSABLE_ENTITY, code).await;
    }
    // None of them created the account.
    assert_eq!(
        app.login("a@example.com", PASSWORD).await.status(),
        StatusCode::UNAUTHORIZED
    );
}

#[actix_web::test]
async fn an_address_a_mail_system_may_read_two_ways_is_422_and_writes_nothing() {
    let app = spawn_app().await;
    // `"x@corp"@evil.example` is a mailbox at evil.example, yet reads as
    // someone at corp to whatever splits at the first `@`.
    for email in [
        r#""x@corp.example"@evil.example"#,
        "ceo%corp.example@evil.example",
        "ceo(at corp)@evil.example",
    ] {
        let body = json!({"name": "Ada", "email": email, "password": PASSWORD});
        let response = app.register_json(&body).await;
        assert_error(response, StatusCode::UNPROCESSABLE_ENTITY, "invalid_email").await;
        assert_ne!(
            app.login(email, PASSWORD).await.status(),
            StatusCode::OK,
            "{email}: no account was made"
        );
    }
}

#[actix_web::test]
async fn a_name_of_100_characters_and_a_password_of_72_bytes_are_accepted() {
    let app = spawn_app().await;
    let name = "é".repeat(100);
    let password = "€".repeat(24); // 72 bytes
    let response = app.register(&name, "ada@example.com", &password).await;
    assert_eq!(response.status(), StatusCode::CREATED);
    assert_eq!(
        app.login("ada@example.com", &password).await.status(),
        StatusCode::OK
    );
}

#[actix_web::test]
async fn a_password_over_72_bytes_is_never_cut_to_its_first_72() {
    let app = spawn_app().await;
    let password = "p".repeat(72);
    let response = app.register("Ada", "ada@example.com", &password).await;
    assert_eq!(response.status(), StatusCode::CREATED);
    // A longer one sharing those 72 bytes is refused, not matched.
    let longer = format!("{password}and more");
    let response = app.login("ada@example.com", &longer).await;
    assert_error(
        response,
        StatusCode::UNPROCESSABLE_ENTITY,
        "invalid_password",
    )
    .await;
    assert_eq!(
        app.login("ada@example.com", &password).await.status(),
        StatusCode::OK
    );
}

#[actix_web::test]
async fn the_password_rule_is_said_in_the_same_words_users_know_on_the_page_and_in_the_422() {
    let app = spawn_app().await;
    let words = "about 72 letters, fewer with accents or emoji";
    let page = app.register_page().await.text().await.unwrap();
    assert!(
        page.contains(&format!(
            "At least 8 characters. At most 72 bytes: {words}."
        )),
        "{page}"
    );
    let response = app
        .register("Ada", "ada@example.com", &"€".repeat(25))
        .await;
    let body = assert_error(
        response,
        StatusCode::UNPROCESSABLE_ENTITY,
        "invalid_password",
    )
    .await;
    let message = body["message"].as_str().unwrap_or_default();
    assert!(message.contains(words), "{message}");
    assert!(!message.contains("bcrypt"), "{message}");
}
