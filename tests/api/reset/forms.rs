//! The forgot page and its form.

use super::*;

#[actix_web::test]
async fn the_login_page_links_to_the_forgot_page() {
    let app = spawn_app().await;
    let login = app.login_page().await.text().await.unwrap();
    assert!(login.contains(r#"href="/password/forgot""#), "{login}");
}

#[actix_web::test]
async fn the_forgot_form_sends_to_the_check_your_mail_page_and_mails_the_link() {
    let smtp = SmtpServer::start().await;
    let app = spawn_mailing(&smtp, |_| {}).await;
    let user = app.new_user().await;
    let page = Page::of(app.forgot_page().await).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(
        page.html.contains(r#"action="/auth/password/forgot""#),
        "{}",
        page.html
    );
    assert!(page.html.contains(r#"name="email""#), "{}", page.html);
    let forms = page.forms_cookie();
    let csrf = page.csrf();

    for email in [user.email.as_str(), "nobody@example.com"] {
        let response = app
            .forgot_password_form(&forms, &[("email", email), ("csrf", &csrf)])
            .await;
        assert_eq!(response.status(), StatusCode::SEE_OTHER, "{email}");
        assert_eq!(response.headers()["location"], "/password/forgot/sent");
    }
    let sent = app.forgot_sent_page(Headers::new().cookie(&forms)).await;
    assert_eq!(sent.status(), StatusCode::OK);
    let mail = smtp.next_mail_to(&user.email, MAIL_WAIT).await;
    assert_eq!(mail.token().len(), 43);
    smtp.no_mail_to("nobody@example.com", NO_MAIL_WAIT).await;
}

#[actix_web::test]
async fn the_forgot_form_without_its_csrf_token_is_403_and_sends_nothing() {
    let smtp = SmtpServer::start().await;
    let app = spawn_mailing(&smtp, |_| {}).await;
    let user = app.new_user().await;
    let page = Page::of(app.forgot_page().await).await;
    let forms = page.forms_cookie();
    for csrf in [None, Some("forged")] {
        let mut form = vec![("email", user.email.as_str())];
        if let Some(csrf) = csrf {
            form.push(("csrf", csrf));
        }
        let response = app.forgot_password_form(&forms, &form).await;
        assert_eq!(response.status(), StatusCode::FORBIDDEN, "{csrf:?}");
    }
    smtp.no_mail_to(&user.email, NO_MAIL_WAIT).await;
}

#[actix_web::test]
async fn the_forgot_form_shows_a_malformed_email_with_the_input_kept() {
    let smtp = SmtpServer::start().await;
    let app = spawn_mailing(&smtp, |_| {}).await;
    let page = Page::of(app.forgot_page().await).await;
    let form = [("email", "not-an-email"), ("csrf", &page.csrf())];
    let answer = Page::of(app.forgot_password_form(&page.forms_cookie(), &form).await).await;
    assert_eq!(answer.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        answer.html.contains(r#"class="field-error""#)
            || answer.html.contains(r#"class="form-error""#),
        "{}",
        answer.html
    );
    assert!(
        answer.html.contains(r#"value="not-an-email""#),
        "{}",
        answer.html
    );
}

#[actix_web::test]
async fn the_forgot_form_past_the_limit_is_429_on_its_page() {
    let smtp = SmtpServer::start().await;
    let app = spawn_mailing(&smtp, |s| s.login_max_failures = 1).await;
    let page = Page::of(app.forgot_page().await).await;
    let form = [("email", "nobody@example.com"), ("csrf", &page.csrf())];
    let first = app.forgot_password_form(&page.forms_cookie(), &form).await;
    assert_eq!(first.status(), StatusCode::SEE_OTHER);
    let response = app.forgot_password_form(&page.forms_cookie(), &form).await;
    assert!(retry_after(&response) >= 1);
    let answer = Page::of(response).await;
    assert_eq!(answer.status, StatusCode::TOO_MANY_REQUESTS);
    assert!(
        answer.html.contains(r#"class="form-error""#)
            && answer.html.contains("Too many links were asked for"),
        "{}",
        answer.html
    );
}

#[actix_web::test]
async fn the_check_your_mail_page_links_back_to_sign_in() {
    let app = spawn_app().await;
    let sent = app.forgot_sent_page(Headers::new()).await;
    assert_eq!(sent.status(), StatusCode::OK);
    let html = sent.text().await.unwrap();
    assert!(html.contains("Check your mail"), "{html}");
    assert!(html.contains(r#"href="/login""#), "{html}");
}
