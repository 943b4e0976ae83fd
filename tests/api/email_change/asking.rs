//! Asking for a change: the two mails, and what is refused.

use super::*;

#[actix_web::test]
async fn a_change_mails_a_link_to_the_new_address_and_a_notice_to_the_old_one() {
    let smtp = SmtpServer::start().await;
    let app = spawn_mailing(&smtp, |_| {}).await;
    let user = app.new_user().await;
    let new_email = fresh_email();

    let response = change_email(&app, &user, PASSWORD, &new_email).await;
    assert_eq!(response.status(), StatusCode::ACCEPTED);
    let body: Value = response.json().await.expect("a JSON body");
    assert_eq!(body, json!({"status": "check_your_mail"}));

    let mail = mail_with_subject(&smtp, &new_email, CONFIRM_SUBJECT).await;
    let link = change_link_in(mail.text());
    assert!(
        link.starts_with(&format!("{PUBLIC_URL}/email/change?token=")),
        "{link}"
    );
    assert!(mail.html.as_deref().unwrap_or_default().contains(&link));
    assert!(
        !mail.text().contains("Test User"),
        "the name is in the mail"
    );

    let notice = mail_with_subject(&smtp, &user.email, NOTICE_SUBJECT).await;
    let forgot = format!("{PUBLIC_URL}/password/forgot");
    assert!(notice.text().contains(&forgot), "{}", notice.text());
    for part in [notice.text(), notice.html.as_deref().unwrap_or_default()] {
        assert!(
            !part.contains(&new_email),
            "the notice shows the new address"
        );
        assert!(
            !part.contains("/email/change"),
            "the notice carries the link"
        );
        assert!(!part.contains("Test User"), "the name is in the notice");
    }
    // Nothing changed yet.
    assert_eq!(me_body(&app, &user).await["email"], user.email.as_str());
    assert_login(&app, &user.email, PASSWORD, StatusCode::OK).await;
}

#[actix_web::test]
async fn a_taken_address_gets_the_same_answer_and_a_link_all_the_same() {
    let smtp = SmtpServer::start().await;
    let app = spawn_mailing(&smtp, |_| {}).await;
    let user = app.new_user().await;
    let other = app.new_user().await;
    let response = change_email(&app, &user, PASSWORD, &other.email).await;
    assert_eq!(response.status(), StatusCode::ACCEPTED);
    let body: Value = response.json().await.expect("a JSON body");
    assert_eq!(body, json!({"status": "check_your_mail"}));
    mail_with_subject(&smtp, &other.email, CONFIRM_SUBJECT).await;
}

#[actix_web::test]
async fn a_wrong_password_is_401_counted_with_the_login_limits_and_sends_nothing() {
    let smtp = SmtpServer::start().await;
    let app = spawn_mailing(&smtp, |s| s.login_max_failures = 3).await;
    let user = app.new_user().await;
    let new_email = fresh_email();
    for _ in 0..3 {
        let response = change_email(&app, &user, "wrong-guess-7Xq", &new_email).await;
        assert_error(response, StatusCode::UNAUTHORIZED, "invalid_credentials").await;
    }
    // Past the limits even the right password is refused, as a login is.
    let response = change_email(&app, &user, PASSWORD, &new_email).await;
    assert!(retry_after(&response) >= 1);
    assert_error(response, StatusCode::TOO_MANY_REQUESTS, "too_many_attempts").await;
    let response = app.login(&user.email, PASSWORD).await;
    assert_eq!(response.status(), StatusCode::TOO_MANY_REQUESTS);
    assert_no_change_mail(&smtp).await;
}

#[actix_web::test]
async fn a_bad_new_address_is_422_and_sends_nothing() {
    let smtp = SmtpServer::start().await;
    let app = spawn_mailing(&smtp, |_| {}).await;
    let user = app.new_user().await;
    let current = user.email.to_uppercase();
    for bad in [
        r#""x@corp"@evil.example.com"#,
        "user%corp@relay.example.com",
        "not an address",
        "",
        current.as_str(),
    ] {
        let response = change_email(&app, &user, PASSWORD, bad).await;
        let body = assert_error(response, StatusCode::UNPROCESSABLE_ENTITY, "invalid_email").await;
        assert!(body["message"].is_string(), "{bad}: {body}");
    }
    let body = json!({"newEmail": fresh_email()});
    let headers = Headers::new().bearer(&user.access_token);
    let response = json_request(&app, Method::POST, "/auth/email", headers, &body).await;
    assert_error(
        response,
        StatusCode::UNPROCESSABLE_ENTITY,
        "invalid_password",
    )
    .await;
    assert_no_change_mail(&smtp).await;
}

#[actix_web::test]
async fn asking_needs_a_session() {
    let app = spawn_app().await;
    let body = json!({"password": PASSWORD, "newEmail": fresh_email()});
    let response = json_request(&app, Method::POST, "/auth/email", Headers::new(), &body).await;
    assert_error(response, StatusCode::UNAUTHORIZED, "unauthenticated").await;
}

#[actix_web::test]
async fn changes_are_limited_per_new_address_like_forgot_requests() {
    let smtp = SmtpServer::start().await;
    let app = spawn_mailing(&smtp, |s| s.login_max_failures = 2).await;
    let user = app.new_user().await;
    let new_email = fresh_email();
    for _ in 0..2 {
        ask_for_link(&app, &smtp, &user, &new_email).await;
    }
    let response = change_email(&app, &user, PASSWORD, &new_email).await;
    assert!(retry_after(&response) >= 1);
    assert_error(response, StatusCode::TOO_MANY_REQUESTS, "too_many_attempts").await;
    smtp.no_mail_to(&new_email, NO_MAIL_WAIT).await;
}
