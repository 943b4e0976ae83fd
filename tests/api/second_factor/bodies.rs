//! Bodies the second-factor endpoints cannot read: the contract's 400,
//! 413 and 415, and nothing changed.

use reqwest::Method;

use super::*;

#[actix_web::test]
async fn unreadable_bodies_get_400_413_or_415_and_change_nothing() {
    let app = spawn_app().await;
    let enrolled = user_with_totp(&app).await;
    let access = &enrolled.user.access_token;
    let ticket = ticket_for(&app, &enrolled.user.email, PASSWORD).await;
    let endpoints = [
        (Method::POST, "/auth/totp"),
        (Method::POST, "/auth/totp/confirm"),
        (Method::DELETE, "/auth/totp"),
        (Method::POST, "/auth/recovery-codes"),
        (Method::POST, "/auth/login/second-factor"),
    ];
    let oversized = format!(r#"{{"password": "{}"}}"#, "x".repeat(70_000));
    for (method, path) in &endpoints {
        let signed_in = || Headers::new().bearer(access);
        let json = || signed_in().header("Content-Type", "application/json");
        for body in [
            "{",
            "[]",
            "null",
            r#"{"password": 5, "code": 5, "ticket": 5}"#,
        ] {
            let response = app
                .send_raw(method.clone(), path, json(), Some(body.into()))
                .await;
            let what = format!("{method} {path} {body}");
            assert_eq!(response.status(), StatusCode::BAD_REQUEST, "{what}");
            assert_error(response, StatusCode::BAD_REQUEST, "malformed_body").await;
        }
        let response = app
            .send_raw(method.clone(), path, json(), Some(oversized.clone().into()))
            .await;
        assert_eq!(
            response.status(),
            StatusCode::PAYLOAD_TOO_LARGE,
            "{method} {path}"
        );
        let text = signed_in().header("Content-Type", "text/plain");
        let response = app
            .send_raw(method.clone(), path, text, Some(PASSWORD.into()))
            .await;
        let what = format!("{method} {path} as text/plain");
        assert_eq!(
            response.status(),
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "{what}"
        );
    }
    assert_eq!(
        second_factor_in_me(&app, access).await,
        serde_json::json!({"totp": true, "passkeys": 0, "recoveryCodesLeft": 10})
    );
    let code = enrolled.next_code().await;
    signed_in_with(&app, &ticket, &code).await;
}
