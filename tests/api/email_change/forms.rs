//! The profile's change-address form.

use super::*;

/// The profile's form session cookie with the access cookie, and its CSRF
/// token.
async fn profile_form(app: &Api, user: &TestUser) -> (String, String) {
    let page = profile_page(app, &user.access_token).await;
    let form = page.form("change-email");
    assert!(form.contains(r#"action="/auth/email""#), "{form}");
    for field in ["new_email", "password", "csrf"] {
        assert!(form.contains(&format!(r#"name="{field}""#)), "{form}");
    }
    let cookies = format!("{}; accessToken={}", page.forms_cookie(), user.access_token);
    (cookies, page.csrf())
}

#[actix_web::test]
async fn the_form_sends_the_link_and_comes_back_to_the_profile_with_a_notice() {
    let smtp = SmtpServer::start().await;
    let app = spawn_mailing(&smtp, |_| {}).await;
    let user = app.new_user().await;
    let (cookies, csrf) = profile_form(&app, &user).await;
    let new_email = fresh_email();
    let fields = [
        ("new_email", new_email.as_str()),
        ("password", PASSWORD),
        ("csrf", &csrf),
    ];
    let answer = Page::of(post_form(&app, "/auth/email", &cookies, &fields).await).await;
    assert_eq!(answer.status, StatusCode::SEE_OTHER, "{}", answer.html);
    assert_eq!(answer.location.as_deref(), Some("/profile"));
    let forms = answer.forms_cookie.expect("the notice is kept");
    let headers = Headers::new().cookie(&format!("{forms}; accessToken={}", user.access_token));
    let shown = Page::of(app.profile(headers).await).await;
    assert!(
        shown.html.contains(&format!("A link went to {new_email}")),
        "{}",
        shown.html
    );

    let mail = mail_with_subject(&smtp, &new_email, CONFIRM_SUBJECT).await;
    mail_with_subject(&smtp, &user.email, NOTICE_SUBJECT).await;
    let page = open_link(&app, &change_link_in(mail.text())).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.html);
    let profile = profile_page(&app, &user.access_token).await;
    assert!(profile
        .html
        .contains(&format!(r#"id="profile-email">{new_email}<"#)));
}

#[actix_web::test]
async fn the_form_shows_its_errors_beside_their_fields_and_keeps_the_typed_address() {
    let smtp = SmtpServer::start().await;
    let app = spawn_mailing(&smtp, |_| {}).await;
    let user = app.new_user().await;
    let (cookies, csrf) = profile_form(&app, &user).await;
    let quoted = r#""x@corp"@evil.example.com"#;
    let fresh = fresh_email();
    let cases = [
        (
            quoted,
            PASSWORD,
            StatusCode::UNPROCESSABLE_ENTITY,
            "new_email-error",
        ),
        (
            fresh.as_str(),
            "",
            StatusCode::UNPROCESSABLE_ENTITY,
            "change-email-password-error",
        ),
        (
            fresh.as_str(),
            "wrong-guess-7Xq",
            StatusCode::UNAUTHORIZED,
            "change-email-error",
        ),
    ];
    for (typed, password, status, error_id) in cases {
        let fields = [
            ("new_email", typed),
            ("password", password),
            ("csrf", &csrf),
        ];
        let answer = Page::of(post_form(&app, "/auth/email", &cookies, &fields).await).await;
        assert_eq!(answer.status, status, "{typed}: {}", answer.html);
        let form = answer.form("change-email");
        assert!(
            form.contains(&format!(r#"id="{error_id}""#)),
            "{typed}: {form}"
        );
        let escaped = typed.replace('"', "&#34;");
        assert!(
            form.contains(&format!(r#"value="{escaped}""#)),
            "{typed}: not kept: {form}"
        );
        assert!(
            !form.contains(password) || password.is_empty(),
            "the password is kept"
        );
        assert!(!has_error(answer.form("change-name")));
        assert!(!has_error(answer.form("change-password")));
    }
    // Without the CSRF token: 403, nothing sent.
    let fields = [("new_email", fresh.as_str()), ("password", PASSWORD)];
    let answer = post_form(&app, "/auth/email", &cookies, &fields).await;
    assert_eq!(answer.status(), StatusCode::FORBIDDEN);
    assert_no_change_mail(&smtp).await;
}
