//! A password reset by mail (through a real SMTP server) does not remove a
//! second factor, and voids the tickets given before it.

use super::*;

/// How long a test waits for a mail sent in the background.
const MAIL_WAIT: Duration = Duration::from_secs(15);

#[actix_web::test]
async fn a_password_reset_keeps_totp_and_the_next_sign_in_still_asks_for_it() {
    let smtp = SmtpServer::start().await;
    let app = spawn_app_with(|s| smtp.configure(s)).await;
    let enrolled = user_with_totp(&app).await;
    let email = &enrolled.user.email;
    let before = ticket_for(&app, email, PASSWORD).await;

    let response = app.forgot_password(email).await;
    assert_eq!(response.status(), StatusCode::ACCEPTED);
    let mail = smtp.next_mail_to(email, MAIL_WAIT).await;
    let response = app.reset_password(&mail.token(), NEW_PASSWORD).await;
    assert_eq!(response.status(), StatusCode::NO_CONTENT);

    let code = enrolled.next_code().await;
    let response = app.second_step(&before, &code).await;
    assert_error(response, StatusCode::UNAUTHORIZED, "invalid_ticket").await;
    let ticket = ticket_for(&app, email, NEW_PASSWORD).await;
    let signed_in = signed_in_with(&app, &ticket, &code).await;
    let factors = second_factor_in_me(&app, &signed_in.access_token).await;
    assert_eq!(
        factors,
        serde_json::json!({"totp": true, "passkeys": 0, "recoveryCodesLeft": 10})
    );
}
