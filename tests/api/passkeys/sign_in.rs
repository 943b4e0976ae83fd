use reqwest::StatusCode;
use serde_json::{json, Value};

use super::{forged_assertion, forms_cookie, run_sql, stored_passkey};
use crate::helpers::*;

#[actix_web::test]
async fn the_sign_in_options_ask_for_any_passkey_of_this_host_and_suit_autofill() {
    let app = spawn_app().await;
    let response = app.passkey_login_options(Headers::new()).await;
    assert_eq!(response.status(), StatusCode::OK);
    let options: Value = response.json().await.unwrap();
    assert_eq!(options["publicKey"]["rpId"], "localhost", "{options}");
    assert_eq!(options["publicKey"]["allowCredentials"], json!([]));
    assert_eq!(options["publicKey"]["userVerification"], "required");
    assert_eq!(options["mediation"], "conditional");
}

#[actix_web::test]
async fn a_passkey_sign_in_without_options_first_is_refused() {
    let app = spawn_app().await;
    let user = app.new_user().await;
    let body = json!({"credential": forged_assertion(b"some key", &user.id)});
    let response = app.passkey_login(Headers::new(), &body).await;
    assert_error(response, StatusCode::BAD_REQUEST, "no_passkey_challenge").await;
}

#[actix_web::test]
async fn an_unknown_or_forged_passkey_signs_nobody_in() {
    let app = spawn_app().await;
    let user = app.new_user().await;
    let nobody = uuid::Uuid::new_v4().to_string();
    for credential in [
        // A credential of no account, and one claiming an account.
        forged_assertion(b"unknown key", &nobody),
        forged_assertion(b"unknown key", &user.id),
    ] {
        let options = app.passkey_login_options(Headers::new()).await;
        let headers = Headers::new().cookie(&forms_cookie(&options));
        let body = json!({"credential": credential});
        let response = app.passkey_login(headers, &body).await;
        assert!(!set_cookies(response.headers()).contains_key("accessToken"));
        assert_error(response, StatusCode::UNAUTHORIZED, "invalid_passkey").await;
    }
}

#[actix_web::test]
async fn a_passkey_sign_in_that_is_no_credential_is_a_bad_request() {
    let app = spawn_app().await;
    let options = app.passkey_login_options(Headers::new()).await;
    let headers = Headers::new().cookie(&forms_cookie(&options));
    for body in [
        json!({"credential": "text"}),
        json!({}),
        json!({"credential": {"id": 5}}),
    ] {
        let response = app.passkey_login(headers.clone(), &body).await;
        assert_error(response, StatusCode::BAD_REQUEST, "malformed_body").await;
    }
}

#[actix_web::test]
async fn second_step_passkey_options_need_a_live_ticket() {
    let app = spawn_app().await;
    for body in [
        json!({}),
        json!({"ticket": "not-a-ticket"}),
        json!({"ticket": ""}),
    ] {
        let response = app.second_step_passkey_options(Headers::new(), &body).await;
        assert_error(response, StatusCode::UNAUTHORIZED, "invalid_ticket").await;
    }
    let body = json!({"ticket": "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", "credential": {}});
    let response = app.second_step_passkey(Headers::new(), &body).await;
    assert_error(response, StatusCode::BAD_REQUEST, "malformed_body").await;
}

#[actix_web::test]
async fn a_public_address_with_no_host_name_turns_passkeys_off_and_nothing_else() {
    let app = spawn_app_with(|s| s.public_url = Some("http://127.0.0.1:9".into())).await;
    let response = app.passkey_login_options(Headers::new()).await;
    assert_error(
        response,
        StatusCode::NOT_IMPLEMENTED,
        "passkeys_unavailable",
    )
    .await;
    let user = app.new_user().await;
    let response = app
        .passkey_options(Headers::new().bearer(&user.access_token), PASSWORD, "Key")
        .await;
    assert_error(
        response,
        StatusCode::NOT_IMPLEMENTED,
        "passkeys_unavailable",
    )
    .await;
    assert_login(&app, &user.email, PASSWORD, StatusCode::OK).await;
}

#[actix_web::test]
async fn a_wrong_passkey_at_the_second_step_counts_as_a_wrong_code() {
    let app = spawn_app().await;
    let user = app.new_user().await;
    stored_passkey(&app, &user.id, "c2Vjb25kLWtleQ");
    // TOTP on, as a confirmed enrolment leaves the row.
    run_sql(
        &app,
        &format!("UPDATE users SET totp_on = true WHERE id = '{}'", user.id),
    );
    let new_ticket = || async {
        let response = app.login(&user.email, PASSWORD).await;
        let body = assert_error(response, StatusCode::UNAUTHORIZED, "second_factor_required").await;
        assert!(
            body["methods"]
                .as_array()
                .unwrap()
                .contains(&json!("passkey")),
            "{body}"
        );
        body["ticket"].as_str().unwrap().to_owned()
    };
    let ticket = new_ticket().await;
    for _ in 0..5 {
        let body = json!({"ticket": ticket});
        let options = app.second_step_passkey_options(Headers::new(), &body).await;
        assert_eq!(options.status(), StatusCode::OK);
        let headers = Headers::new().cookie(&forms_cookie(&options));
        let options: Value = options.json().await.unwrap();
        assert_eq!(
            options["publicKey"]["allowCredentials"],
            json!([{"type": "public-key", "id": "c2Vjb25kLWtleQ"}]),
            "only this account's passkeys"
        );
        assert_eq!(
            options.get("mediation"),
            None,
            "a button's request, not autofill"
        );
        let credential = forged_assertion(b"not this account's", &user.id);
        let body = json!({"ticket": ticket, "credential": credential});
        let response = app.second_step_passkey(headers, &body).await;
        assert_error(response, StatusCode::UNAUTHORIZED, "invalid_passkey").await;
    }
    // The account's 5 wrong answers are spent: even a new ticket's is refused.
    let ticket = new_ticket().await;
    let body = json!({"ticket": ticket});
    let options = app.second_step_passkey_options(Headers::new(), &body).await;
    let headers = Headers::new().cookie(&forms_cookie(&options));
    let credential = forged_assertion(b"not this account's", &user.id);
    let body = json!({"ticket": ticket, "credential": credential});
    let response = app.second_step_passkey(headers, &body).await;
    assert_error(response, StatusCode::TOO_MANY_REQUESTS, "too_many_attempts").await;
}
