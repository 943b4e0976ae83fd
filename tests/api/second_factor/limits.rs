//! Wrong codes at the second step: 5 per account per `--login-window`,
//! then 429 with `Retry-After`, and the ticket dies.

use super::*;

/// Five wrong codes on `ticket`, each a 401 `invalid_code`.
async fn five_wrong_codes(app: &Api, ticket: &str, right: &str) {
    for _ in 0..5 {
        let response = app.second_step(ticket, &wrong(right)).await;
        assert_error(response, StatusCode::UNAUTHORIZED, "invalid_code").await;
    }
}

#[actix_web::test]
async fn five_wrong_codes_make_the_sixth_try_429_with_retry_after_even_with_the_right_code() {
    let app = spawn_app().await;
    let enrolled = user_with_totp(&app).await;
    let ticket = ticket_for(&app, &enrolled.user.email, PASSWORD).await;
    let code = enrolled.next_code().await;
    five_wrong_codes(&app, &ticket, &code).await;
    let response = app.second_step(&ticket, &code).await;
    if response.status() != StatusCode::TOO_MANY_REQUESTS {
        let status = response.status();
        panic!("the sixth try: {status} {}", response.text().await.unwrap());
    }
    assert!(retry_after(&response) >= 1);
    assert_error(response, StatusCode::TOO_MANY_REQUESTS, "too_many_attempts").await;
    // A new ticket (the password is right) does not lift the account's limit.
    let ticket = ticket_for(&app, &enrolled.user.email, PASSWORD).await;
    let response = app.second_step(&ticket, &enrolled.recovery_codes[0]).await;
    assert_eq!(response.status(), StatusCode::TOO_MANY_REQUESTS);
}

#[actix_web::test]
async fn wrong_codes_count_per_account_across_tickets() {
    let app = spawn_app().await;
    let enrolled = user_with_totp(&app).await;
    let code = enrolled.next_code().await;
    let email = &enrolled.user.email;
    for wrongs in [3, 2] {
        let ticket = ticket_for(&app, email, PASSWORD).await;
        for _ in 0..wrongs {
            let response = app.second_step(&ticket, &wrong(&code)).await;
            assert_error(response, StatusCode::UNAUTHORIZED, "invalid_code").await;
        }
    }
    let ticket = ticket_for(&app, email, PASSWORD).await;
    let response = app.second_step(&ticket, &code).await;
    assert!(retry_after(&response) >= 1);
    assert_error(response, StatusCode::TOO_MANY_REQUESTS, "too_many_attempts").await;
}

#[actix_web::test]
async fn a_ticket_that_had_five_wrong_codes_is_dead_even_once_the_limit_lifts() {
    let app = spawn_app_with(|s| s.login_window = Duration::from_secs(2)).await;
    let enrolled = user_with_totp(&app).await;
    let ticket = ticket_for(&app, &enrolled.user.email, PASSWORD).await;
    let code = enrolled.next_code().await;
    five_wrong_codes(&app, &ticket, &code).await;
    sleep_ms(2200).await; // the whole window: every try has come back
    let response = app.second_step(&ticket, &code).await;
    assert_error(response, StatusCode::UNAUTHORIZED, "invalid_ticket").await;
    // The limit has lifted and the code is right: a new ticket signs in.
    sign_in_with_code(&app, &enrolled.user.email, &code).await;
}

#[actix_web::test]
async fn wrong_codes_do_not_lock_the_password_out() {
    let app = spawn_app().await;
    let enrolled = user_with_totp(&app).await;
    let ticket = ticket_for(&app, &enrolled.user.email, PASSWORD).await;
    let code = enrolled.next_code().await;
    five_wrong_codes(&app, &ticket, &code).await;
    // The password is still checked and answered as before (a ticket):
    // the login limits count wrong passwords, not wrong codes.
    ticket_for(&app, &enrolled.user.email, PASSWORD).await;
}

#[actix_web::test]
async fn wrong_passwords_to_turn_totp_off_or_make_new_codes_count_with_the_login_limits() {
    let app = spawn_app_with(|s| s.login_max_failures = 2).await;
    let enrolled = user_with_totp(&app).await;
    let access = &enrolled.user.access_token;
    let response = app.disable_totp(access, "not the password").await;
    assert_error(response, StatusCode::UNAUTHORIZED, "invalid_credentials").await;
    let response = app.new_recovery_codes(access, "not the password").await;
    assert_error(response, StatusCode::UNAUTHORIZED, "invalid_credentials").await;
    // Past the limit: 429 even with the right password, before any change.
    for response in [
        app.disable_totp(access, PASSWORD).await,
        app.new_recovery_codes(access, PASSWORD).await,
        app.login(&enrolled.user.email, PASSWORD).await,
    ] {
        assert!(retry_after(&response) >= 1);
        assert_error(response, StatusCode::TOO_MANY_REQUESTS, "too_many_attempts").await;
    }
    let factors = second_factor_in_me(&app, access).await;
    assert_eq!(
        factors,
        serde_json::json!({"totp": true, "passkeys": 0, "recoveryCodesLeft": 10})
    );
}
