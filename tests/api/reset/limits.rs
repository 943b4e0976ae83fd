//! The limits on asking for links: per email, per address.

use super::*;

fn behind_a_proxy(settings: &mut Settings) {
    settings.trusted_proxies = TrustedProxies::parse("127.0.0.1, ::1").unwrap();
}

fn from(address: &str) -> Headers {
    Headers::new().forwarded_for(address)
}

#[actix_web::test]
async fn forgot_is_limited_per_email_from_all_addresses_together() {
    let smtp = SmtpServer::start().await;
    let app = spawn_mailing(&smtp, |s| {
        behind_a_proxy(s);
        s.login_max_failures = 2;
    })
    .await;
    let user = app.new_user().await;
    for email in [user.email.as_str(), "nobody@example.com"] {
        for address in ["203.0.113.1", "203.0.113.2"] {
            let response = app.forgot_password_with(from(address), email).await;
            assert_eq!(response.status(), StatusCode::ACCEPTED, "{email}");
            // Each mail sent before the next request (one asked for while
            // another waits in the outbox adds nothing).
            if email == user.email {
                smtp.next_mail_to(&user.email, MAIL_WAIT).await;
            }
        }
        let response = app.forgot_password_with(from("203.0.113.3"), email).await;
        let wait = retry_after(&response);
        assert!(wait >= 1, "Retry-After: {wait}");
        assert_error(response, StatusCode::TOO_MANY_REQUESTS, "too_many_attempts").await;
    }
    // Two mails, not three.
    smtp.no_mail_to(&user.email, NO_MAIL_WAIT).await;
    // The third address is not refused for another email.
    let other = app.new_user().await;
    let response = app
        .forgot_password_with(from("203.0.113.3"), &other.email)
        .await;
    assert_eq!(response.status(), StatusCode::ACCEPTED);
}

#[actix_web::test]
async fn forgot_is_limited_per_address() {
    let smtp = SmtpServer::start().await;
    let app = spawn_mailing(&smtp, |s| {
        behind_a_proxy(s);
        s.login_max_failures_per_ip = 3;
    })
    .await;
    let user = app.new_user().await;
    for n in 1..=3 {
        let email = format!("nobody{n}@example.com");
        let response = app.forgot_password_with(from("203.0.113.9"), &email).await;
        assert_eq!(response.status(), StatusCode::ACCEPTED, "{email}");
    }
    let response = app
        .forgot_password_with(from("203.0.113.9"), &user.email)
        .await;
    assert!(retry_after(&response) >= 1);
    assert_error(response, StatusCode::TOO_MANY_REQUESTS, "too_many_attempts").await;
    smtp.no_mail_to(&user.email, NO_MAIL_WAIT).await;
    // Another address is not refused.
    let response = app
        .forgot_password_with(from("198.51.100.9"), &user.email)
        .await;
    assert_eq!(response.status(), StatusCode::ACCEPTED);
    smtp.next_mail_to(&user.email, MAIL_WAIT).await;
}
