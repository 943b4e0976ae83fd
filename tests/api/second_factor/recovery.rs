//! Recovery codes: each works once at the second step, however it is
//! typed; `/api/me` counts them; new ones kill the old.

use serde_json::json;

use super::*;

async fn codes_left(app: &Api, access_token: &str) -> Value {
    second_factor_in_me(app, access_token).await["recoveryCodesLeft"].clone()
}

#[actix_web::test]
async fn each_recovery_code_signs_in_once() {
    let app = spawn_app().await;
    let enrolled = user_with_totp(&app).await;
    let email = &enrolled.user.email;
    for code in &enrolled.recovery_codes[..3] {
        sign_in_with_code(&app, email, code).await;
    }
    let ticket = ticket_for(&app, email, PASSWORD).await;
    for code in &enrolled.recovery_codes[..3] {
        let response = app.second_step(&ticket, code).await;
        assert_error(response, StatusCode::UNAUTHORIZED, "invalid_code").await;
    }
    signed_in_with(&app, &ticket, &enrolled.recovery_codes[3]).await;
}

#[actix_web::test]
async fn a_recovery_code_is_taken_in_lower_case_and_without_its_dash() {
    let app = spawn_app().await;
    let enrolled = user_with_totp(&app).await;
    let email = &enrolled.user.email;
    let lower = enrolled.recovery_codes[0].to_lowercase();
    let undashed = enrolled.recovery_codes[1].replace('-', "");
    assert_ne!(undashed, enrolled.recovery_codes[1], "a code has a dash");
    sign_in_with_code(&app, email, &lower).await;
    sign_in_with_code(&app, email, &undashed).await;
    // Used, however they were typed.
    let ticket = ticket_for(&app, email, PASSWORD).await;
    for code in &enrolled.recovery_codes[..2] {
        let response = app.second_step(&ticket, code).await;
        assert_error(response, StatusCode::UNAUTHORIZED, "invalid_code").await;
    }
}

#[actix_web::test]
async fn recovery_codes_left_counts_down_in_api_me() {
    let app = spawn_app().await;
    let enrolled = user_with_totp(&app).await;
    let access = &enrolled.user.access_token;
    assert_eq!(codes_left(&app, access).await, json!(10));
    for (used, code) in enrolled.recovery_codes[..2].iter().enumerate() {
        let signed_in = sign_in_with_code(&app, &enrolled.user.email, code).await;
        assert_eq!(codes_left(&app, access).await, json!(10 - used - 1));
        assert_eq!(
            codes_left(&app, &signed_in.access_token).await,
            json!(10 - used - 1)
        );
    }
    // A TOTP code leaves them as they are.
    let code = enrolled.next_code().await;
    sign_in_with_code(&app, &enrolled.user.email, &code).await;
    assert_eq!(codes_left(&app, access).await, json!(8));
}

#[actix_web::test]
async fn new_recovery_codes_need_the_password_and_kill_the_old_ones() {
    let app = spawn_app().await;
    let enrolled = user_with_totp(&app).await;
    let access = &enrolled.user.access_token;
    sign_in_with_code(&app, &enrolled.user.email, &enrolled.recovery_codes[0]).await;
    let response = app.new_recovery_codes(access, "not the password").await;
    assert_error(response, StatusCode::UNAUTHORIZED, "invalid_credentials").await;

    let response = app.new_recovery_codes(access, PASSWORD).await;
    assert_eq!(response.status(), StatusCode::OK);
    let new = recovery_codes_in(response).await;
    assert!(
        new.iter()
            .all(|code| !enrolled.recovery_codes.contains(code)),
        "{new:?}"
    );
    assert_eq!(codes_left(&app, access).await, json!(10));
    let ticket = ticket_for(&app, &enrolled.user.email, PASSWORD).await;
    let response = app.second_step(&ticket, &enrolled.recovery_codes[1]).await;
    assert_error(response, StatusCode::UNAUTHORIZED, "invalid_code").await;
    signed_in_with(&app, &ticket, &new[0]).await;
    assert_eq!(codes_left(&app, access).await, json!(9));
}

#[actix_web::test]
async fn new_recovery_codes_without_a_second_factor_are_409() {
    let app = spawn_app().await;
    let user = app.new_user().await;
    let response = app.new_recovery_codes(&user.access_token, PASSWORD).await;
    assert_eq!(response.status(), StatusCode::CONFLICT);
    let body: Value = response.json().await.expect("a JSON error");
    assert!(
        body["error"].as_str().is_some_and(|e| !e.is_empty()),
        "{body}"
    );
    assert_eq!(
        second_factor_in_me(&app, &user.access_token).await["recoveryCodesLeft"],
        json!(0)
    );
}
