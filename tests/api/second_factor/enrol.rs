//! Turning TOTP on and off: `POST /auth/totp`, `/auth/totp/confirm`,
//! `DELETE /auth/totp`, and what `/api/me` says of it.

use serde_json::json;

use super::*;

#[actix_web::test]
async fn enrolling_gives_a_base32_secret_and_the_otpauth_uri_an_authenticator_app_reads() {
    let app = spawn_app().await;
    let user = app.new_user().await;
    let response = app.enrol_totp(&user.access_token, PASSWORD).await;
    assert_eq!(response.status(), StatusCode::OK);
    let body: Value = response.json().await.expect("JSON");
    let secret = body["secret"].as_str().expect("a secret").to_owned();
    let base32 = secret.trim_end_matches('=');
    assert!(
        base32
            .bytes()
            .all(|b| b.is_ascii_uppercase() || (b'2'..=b'7').contains(&b)),
        "base32: {secret}"
    );
    assert!(base32.len() * 5 / 8 >= 16, "at least 128 bits: {secret}");

    let uri = OtpauthUri::parse(body["uri"].as_str().expect("a uri"));
    assert_eq!(uri.kind, "totp", "{uri:?}");
    assert_eq!(uri.label, format!("sesame:{}", user.email), "{uri:?}");
    assert_eq!(uri.secret.as_deref(), Some(secret.as_str()), "{uri:?}");
    assert_eq!(uri.issuer.as_deref(), Some("sesame"), "{uri:?}");
    // Absent means the defaults every app knows: SHA-1, 6 digits, 30 s.
    assert!(
        matches!(uri.algorithm.as_deref(), None | Some("SHA1")),
        "{uri:?}"
    );
    assert!(matches!(uri.digits.as_deref(), None | Some("6")), "{uri:?}");
    assert!(
        matches!(uri.period.as_deref(), None | Some("30")),
        "{uri:?}"
    );

    // An app given the URI (here pyotp, with its secret) makes codes sesame takes.
    let code = totp_code(uri.secret.as_deref().unwrap(), unix_now()).await;
    assert_eq!(code.len(), 6);
    let codes = confirm(&app, &user.access_token, &code).await;
    let distinct: std::collections::HashSet<&String> = codes.iter().collect();
    assert_eq!(distinct.len(), 10, "{codes:?}");
}

#[actix_web::test]
async fn the_secret_and_the_recovery_codes_are_never_cached() {
    let app = spawn_app().await;
    let user = app.new_user().await;
    let response = app.enrol_totp(&user.access_token, PASSWORD).await;
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(response.headers()["cache-control"], "no-store");
    let body: Value = response.json().await.unwrap();
    let code = totp_code(body["secret"].as_str().unwrap(), unix_now()).await;
    let response = app.confirm_totp(&user.access_token, &code).await;
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(response.headers()["cache-control"], "no-store");
    let response = app.new_recovery_codes(&user.access_token, PASSWORD).await;
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(response.headers()["cache-control"], "no-store");
}

#[actix_web::test]
async fn enrolling_needs_the_right_password_and_a_session() {
    let app = spawn_app().await;
    let user = app.new_user().await;
    let response = app.enrol_totp(&user.access_token, "not the password").await;
    assert_error(response, StatusCode::UNAUTHORIZED, "invalid_credentials").await;
    let response = app.enrol_totp_with(Headers::new(), PASSWORD).await;
    assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
    let factors = second_factor_in_me(&app, &user.access_token).await;
    assert_eq!(factors["totp"], json!(false), "{factors}");
    // Nothing pending either: there is nothing to confirm.
    let response = app.confirm_totp(&user.access_token, "123456").await;
    assert_error(response, StatusCode::CONFLICT, "totp_not_pending").await;
}

#[actix_web::test]
async fn wrong_passwords_at_enrolment_count_with_the_login_limits() {
    let app = spawn_app_with(|s| s.login_max_failures = 2).await;
    let user = app.new_user().await;
    for _ in 0..2 {
        let response = app.enrol_totp(&user.access_token, "not the password").await;
        assert_error(response, StatusCode::UNAUTHORIZED, "invalid_credentials").await;
    }
    // Past the limit: 429 even with the right password, here and at login.
    let response = app.enrol_totp(&user.access_token, PASSWORD).await;
    assert!(retry_after(&response) >= 1);
    assert_error(response, StatusCode::TOO_MANY_REQUESTS, "too_many_attempts").await;
    let response = app.login(&user.email, PASSWORD).await;
    assert_eq!(response.status(), StatusCode::TOO_MANY_REQUESTS);
}

#[actix_web::test]
async fn an_account_with_totp_on_cannot_enrol_again() {
    let app = spawn_app().await;
    let enrolled = user_with_totp(&app).await;
    let response = app.enrol_totp(&enrolled.user.access_token, PASSWORD).await;
    assert_error(response, StatusCode::CONFLICT, "totp_enabled").await;
    // The secret in force is still the one: its next code signs in.
    let code = enrolled.next_code().await;
    sign_in_with_code(&app, &enrolled.user.email, &code).await;
}

#[actix_web::test]
async fn a_wrong_code_does_not_confirm_and_leaves_totp_off() {
    let app = spawn_app().await;
    let user = app.new_user().await;
    let secret = enrol(&app, &user.access_token).await;
    let now = settled_now(MARGIN).await;
    let codes = totp_codes(&secret, &[now, now + 2 * STEP, now - 2 * STEP]).await;
    let right = &codes[0];
    // A wrong code, and right ones of two steps ahead and behind.
    for code in [&wrong(right), &codes[1], &codes[2]] {
        let response = app.confirm_totp(&user.access_token, code).await;
        assert_error(response, StatusCode::BAD_REQUEST, "invalid_code").await;
    }
    let factors = second_factor_in_me(&app, &user.access_token).await;
    assert_eq!(factors["totp"], json!(false), "{factors}");
    assert_login(&app, &user.email, PASSWORD, StatusCode::OK).await;
    // Still pending: the right code confirms it.
    confirm(&app, &user.access_token, right).await;
}

#[actix_web::test]
async fn confirming_when_totp_is_on_is_409_totp_not_pending() {
    let app = spawn_app().await;
    let enrolled = user_with_totp(&app).await;
    let code = enrolled.next_code().await;
    let response = app.confirm_totp(&enrolled.user.access_token, &code).await;
    assert_error(response, StatusCode::CONFLICT, "totp_not_pending").await;
}

#[actix_web::test]
async fn a_new_enrolment_replaces_a_pending_secret() {
    let app = spawn_app().await;
    let user = app.new_user().await;
    let first = enrol(&app, &user.access_token).await;
    let second = enrol(&app, &user.access_token).await;
    assert_ne!(first, second);
    let now = unix_now();
    let first_code = totp_code(&first, now).await;
    let second_code = totp_code(&second, now).await;
    let response = app.confirm_totp(&user.access_token, &first_code).await;
    assert_error(response, StatusCode::BAD_REQUEST, "invalid_code").await;
    confirm(&app, &user.access_token, &second_code).await;
}

#[actix_web::test]
async fn api_me_shows_the_second_factors_as_they_change() {
    let app = spawn_app().await;
    let user = app.new_user().await;
    let off = json!({"totp": false, "passkeys": 0, "recoveryCodesLeft": 0});
    assert_eq!(second_factor_in_me(&app, &user.access_token).await, off);
    let secret = enrol(&app, &user.access_token).await;
    assert_eq!(
        second_factor_in_me(&app, &user.access_token).await,
        off,
        "pending is not on"
    );
    let code = totp_code(&secret, unix_now()).await;
    confirm(&app, &user.access_token, &code).await;
    assert_eq!(
        second_factor_in_me(&app, &user.access_token).await,
        json!({"totp": true, "passkeys": 0, "recoveryCodesLeft": 10})
    );
    let response = app.disable_totp(&user.access_token, PASSWORD).await;
    assert_eq!(response.status(), StatusCode::NO_CONTENT);
    assert_eq!(second_factor_in_me(&app, &user.access_token).await, off);
}

#[actix_web::test]
async fn turning_totp_off_needs_the_password_then_the_password_alone_signs_in() {
    let app = spawn_app().await;
    let enrolled = user_with_totp(&app).await;
    let access = &enrolled.user.access_token;
    let response = app.disable_totp(access, "not the password").await;
    assert_error(response, StatusCode::UNAUTHORIZED, "invalid_credentials").await;
    ticket_for(&app, &enrolled.user.email, PASSWORD).await;

    let response = app.disable_totp(access, PASSWORD).await;
    assert_eq!(response.status(), StatusCode::NO_CONTENT);
    assert_login(&app, &enrolled.user.email, PASSWORD, StatusCode::OK).await;
    let response = app.disable_totp(access, PASSWORD).await;
    assert_eq!(response.status(), StatusCode::NOT_FOUND);
}

#[actix_web::test]
async fn turning_totp_off_kills_its_recovery_codes() {
    let app = spawn_app().await;
    let enrolled = user_with_totp(&app).await;
    let response = app
        .disable_totp(&enrolled.user.access_token, PASSWORD)
        .await;
    assert_eq!(response.status(), StatusCode::NO_CONTENT);
    // On again, with a new secret and new codes: the old codes are dead.
    let again = totp_on(&app, enrolled.user.clone()).await;
    assert_ne!(again.secret, enrolled.secret);
    let ticket = ticket_for(&app, &enrolled.user.email, PASSWORD).await;
    let response = app.second_step(&ticket, &enrolled.recovery_codes[0]).await;
    assert_error(response, StatusCode::UNAUTHORIZED, "invalid_code").await;
    signed_in_with(&app, &ticket, &again.recovery_codes[0]).await;
}

#[actix_web::test]
async fn turning_totp_on_ends_every_other_session_of_the_account_and_keeps_this_one() {
    let app = spawn_app().await;
    let user = app.new_user().await;
    // Another session opened with the password alone: a phisher's, say.
    let other = app.sign_in(&user.email).await;
    assert_eq!(app.me(&other.access_token).await.status(), StatusCode::OK);
    let enrolled = totp_on(&app, user).await;
    assert_eq!(
        app.me(&other.access_token).await.status(),
        StatusCode::UNAUTHORIZED,
        "the password-only session from before did not outlive the second factor"
    );
    assert_eq!(
        app.refresh_with_body(&other.refresh_token).await.status(),
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        app.me(&enrolled.user.access_token).await.status(),
        StatusCode::OK,
        "the session that turned it on stays"
    );
}
