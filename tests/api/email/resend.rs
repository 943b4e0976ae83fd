//! A new link on request: JSON (signed in) and the profile's button;
//! limited like forgot; nothing sent for a verified address.

use super::*;

#[actix_web::test]
async fn a_new_link_is_sent_on_request_and_the_older_one_stops_working() {
    let smtp = SmtpServer::start().await;
    let app = spawn_mailing(&smtp, |_| {}).await;
    let (user, first) = user_with_mail(&app, &smtp).await;
    let asked = app
        .resend_verification(Headers::new().bearer(&user.access_token))
        .await;
    assert_eq!(asked.status(), StatusCode::ACCEPTED);
    let body: Value = asked.json().await.expect("JSON");
    assert_eq!(body, serde_json::json!({"status": "sent"}));
    let second = smtp.next_verification_to(&user.email, MAIL_WAIT).await;
    assert_ne!(first.verify_token(), second.verify_token());

    let old = app.verify_email(&first.verify_token()).await;
    assert_error(old, StatusCode::BAD_REQUEST, "invalid_verify_token").await;
    let new = app.verify_email(&second.verify_token()).await;
    assert_eq!(new.status(), StatusCode::NO_CONTENT);
    assert!(verified_in_me(&app, &user.access_token).await);
}

#[actix_web::test]
async fn asking_for_a_new_link_needs_a_session() {
    let app = spawn_app().await;
    let answer = app.resend_verification(Headers::new()).await;
    assert_error(answer, StatusCode::UNAUTHORIZED, "unauthenticated").await;
}

#[actix_web::test]
async fn asking_for_new_links_past_the_limits_answers_429() {
    let smtp = SmtpServer::start().await;
    let app = spawn_mailing(&smtp, |s| s.login_max_failures = 2).await;
    let (user, _) = user_with_mail(&app, &smtp).await;
    let signed_in = Headers::new().bearer(&user.access_token);
    for n in 0..2 {
        let asked = app.resend_verification(signed_in.clone()).await;
        assert_eq!(asked.status(), StatusCode::ACCEPTED, "request {n}");
    }
    let refused = app.resend_verification(signed_in.clone()).await;
    assert!(retry_after(&refused) >= 1);
    assert_error(refused, StatusCode::TOO_MANY_REQUESTS, "too_many_attempts").await;
}

#[actix_web::test]
async fn a_verified_address_gets_the_same_answer_and_no_mail() {
    let smtp = SmtpServer::start().await;
    let app = spawn_mailing(&smtp, |_| {}).await;
    let (user, mail) = user_with_mail(&app, &smtp).await;
    let verified = app.verify_email(&mail.verify_token()).await;
    assert_eq!(verified.status(), StatusCode::NO_CONTENT);
    let asked = app
        .resend_verification(Headers::new().bearer(&user.access_token))
        .await;
    assert_eq!(asked.status(), StatusCode::ACCEPTED);
    let body: Value = asked.json().await.expect("JSON");
    assert_eq!(body, serde_json::json!({"status": "sent"}));
    smtp.no_verification_to(&user.email, NO_MAIL_WAIT).await;
}

#[actix_web::test]
async fn the_profile_s_resend_button_sends_a_link_and_comes_back_with_a_notice() {
    let smtp = SmtpServer::start().await;
    let app = spawn_mailing(&smtp, |_| {}).await;
    let (user, _) = user_with_mail(&app, &smtp).await;
    let page = profile_page(&app, &user.access_token).await;
    assert!(
        page.html.contains(r#"id="email-status">not verified<"#),
        "{}",
        page.html
    );
    let button = page.form("resend-verification");
    assert!(
        button.contains(r#"action="/auth/email/verify/resend""#)
            && button.contains(r#"name="csrf""#),
        "{button}"
    );
    let cookies = format!("{}; accessToken={}", page.forms_cookie(), user.access_token);
    // Without the CSRF token: refused, nothing sent.
    let forged = app.resend_verification_form(&cookies, &[]).await;
    assert_eq!(forged.status(), StatusCode::FORBIDDEN);

    let answer = Page::of(
        app.resend_verification_form(&cookies, &[("csrf", &page.csrf())])
            .await,
    )
    .await;
    assert_eq!(answer.status, StatusCode::SEE_OTHER, "{}", answer.html);
    assert_eq!(answer.location.as_deref(), Some("/profile"));
    let forms = answer.forms_cookie.unwrap_or_else(|| page.forms_cookie());
    let headers = Headers::new().cookie(&format!("{forms}; accessToken={}", user.access_token));
    let shown = Page::of(app.profile(headers).await).await;
    assert!(
        shown.html.contains("A new link is on its way"),
        "{}",
        shown.html
    );
    let mail = smtp.next_verification_to(&user.email, MAIL_WAIT).await;
    smtp.no_verification_to(&user.email, Duration::ZERO).await;
    let page = open_link(&app, &mail.verify_link()).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.html);
}
