//! "This wasn't me": the alert's link ends that session and opens the
//! reset form; it works once.

use super::*;

/// Follows the alert's link as a browser does: its token kept in the form
/// session (303 to `/sign-in/not-me`), then that page, which changes
/// nothing; gives it with the form cookie to go on with.
async fn show(app: &TestApp, link: &str) -> (Page, String) {
    let first = page(app, link, "").await;
    assert_eq!(first.status, StatusCode::SEE_OTHER, "{}", first.html);
    assert_eq!(first.location.as_deref(), Some("/sign-in/not-me"));
    let forms = first.forms_cookie();
    let token = &link[NOT_ME_PATH.len()..];
    assert!(
        !forms.contains(token),
        "the token is in the cookie in clear"
    );
    let shown = page(app, "/sign-in/not-me", &forms).await;
    let forms = shown.forms_cookie.clone().unwrap_or(forms);
    (shown, forms)
}

/// The page's button pressed: the answer, and the form cookie to go on with.
async fn press(app: &TestApp, shown: &Page, forms: &str) -> (Page, String) {
    let button = shown.form("not-me");
    assert!(button.contains(r#"action="/sign-in/not-me""#), "{button}");
    let answer = app
        .press_link_button("/sign-in/not-me", forms, &shown.csrf())
        .await;
    let used = Page::of(answer).await;
    let forms = used.forms_cookie.clone().unwrap_or(forms.to_owned());
    (used, forms)
}

/// Follows the link as a user does: shown, then, when it shows its
/// button, the button pressed; the last answer and the form cookie.
async fn follow(app: &TestApp, link: &str) -> (Page, String) {
    let (shown, forms) = show(app, link).await;
    if shown.status != StatusCode::OK {
        return (shown, forms);
    }
    press(app, &shown, &forms).await
}

#[actix_web::test]
async fn this_was_not_me_ends_that_session_and_opens_the_reset_form() {
    let smtp = SmtpServer::start().await;
    let app = spawn_alerting(&smtp, |_| {}).await;
    let owner = verified_user(&app, from(FIREFOX_LINUX, "198.51.100.7")).await;
    let intruder = sign_in(&app, &owner, from(CHROME_ANDROID, "203.0.113.9")).await;
    let link = not_me_path(&alert_to(&smtp, &owner.email).await);

    let (used, forms) = follow(&app, &link).await;
    assert_eq!(used.status, StatusCode::SEE_OTHER, "{}", used.html);
    assert_eq!(used.location.as_deref(), Some("/password/reset"));

    // That session is over, both of its tokens; the owner's goes on.
    let refresh = app.refresh_with_body(&intruder.refresh_token).await;
    assert_eq!(refresh.status(), StatusCode::UNAUTHORIZED);
    let me = app.me(&intruder.access_token).await;
    assert_eq!(me.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(app.me(&owner.access_token).await.status(), StatusCode::OK);

    // The reset form, which sets a new password.
    let form = page(&app, "/password/reset", &forms).await;
    assert_eq!(form.status, StatusCode::OK, "{}", form.html);
    assert!(
        form.html.contains(r#"action="/auth/password/reset""#),
        "{}",
        form.html
    );
    let forms = form.forms_cookie.clone().unwrap_or(forms);
    let csrf = form.csrf();
    let done = Page::of(
        app.reset_password_form(&forms, &[("password", NEW_PASSWORD), ("csrf", &csrf)])
            .await,
    )
    .await;
    assert_eq!(done.status, StatusCode::SEE_OTHER, "{}", done.html);
    assert_eq!(done.location.as_deref(), Some("/login"));
    assert_login(&app, &owner.email, PASSWORD, StatusCode::UNAUTHORIZED).await;
    assert_login(&app, &owner.email, NEW_PASSWORD, StatusCode::OK).await;
}

#[actix_web::test]
async fn a_used_or_unknown_this_was_not_me_link_shows_the_400_page() {
    let smtp = SmtpServer::start().await;
    let app = spawn_alerting(&smtp, |_| {}).await;
    let owner = verified_user(&app, from(FIREFOX_LINUX, "198.51.100.7")).await;
    sign_in(&app, &owner, from(CHROME_ANDROID, "203.0.113.9")).await;
    let link = not_me_path(&alert_to(&smtp, &owner.email).await);
    let (first, _) = follow(&app, &link).await;
    assert_eq!(first.status, StatusCode::SEE_OTHER, "{}", first.html);

    let unknown = format!("{NOT_ME_PATH}{}", "A".repeat(43));
    for (what, path) in [("used", link.as_str()), ("unknown", unknown.as_str())] {
        let (again, _) = follow(&app, path).await;
        assert_eq!(
            again.status,
            StatusCode::BAD_REQUEST,
            "{what}: {}",
            again.html
        );
        assert!(
            again.html.contains("This link does not work"),
            "{what}: {}",
            again.html
        );
        assert!(again.html.contains(r#"href="/password/forgot""#), "{what}");
    }
    // No token kept at all: the same page.
    let bare = page(&app, "/sign-in/not-me", "").await;
    assert_eq!(bare.status, StatusCode::BAD_REQUEST, "{}", bare.html);
}

/// An alert's link mailed to the account's old address must not reset the
/// account once it has moved to a new one: whoever reads the old mailbox
/// is no longer its owner.
#[actix_web::test]
async fn a_this_was_not_me_link_mailed_to_an_old_address_stops_working_after_a_change() {
    use serde_json::json;
    let smtp = SmtpServer::start().await;
    let app = spawn_alerting(&smtp, |_| {}).await;
    let owner = verified_user(&app, from(FIREFOX_LINUX, "198.51.100.7")).await;
    let other = sign_in(&app, &owner, from(CHROME_ANDROID, "203.0.113.9")).await;
    let link = not_me_path(&alert_to(&smtp, &owner.email).await);
    let new_email = format!("moved-{}@example.org", uuid::Uuid::new_v4().simple());
    let asked = app
        .send_raw(
            Method::POST,
            "/auth/email",
            Headers::new()
                .bearer(&owner.access_token)
                .header("Content-Type", "application/json"),
            Some(reqwest::Body::from(
                json!({"password": PASSWORD, "newEmail": new_email}).to_string(),
            )),
        )
        .await;
    assert_eq!(asked.status(), StatusCode::ACCEPTED);
    let deadline = Instant::now() + MAIL_WAIT;
    let mail = loop {
        let left = deadline.saturating_duration_since(Instant::now());
        let mail = smtp.next_mail_to(&new_email, left).await;
        if mail.text().contains("/email/change?token=") {
            break mail;
        }
    };
    let text = mail.text();
    let at = text.find("/email/change?token=").unwrap() + "/email/change?token=".len();
    let token: String = text[at..]
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '_')
        .collect();
    let done = app
        .send_raw(
            Method::POST,
            "/auth/email/change",
            Headers::new().header("Content-Type", "application/json"),
            Some(reqwest::Body::from(json!({ "token": token }).to_string())),
        )
        .await;
    assert_eq!(done.status(), StatusCode::OK);

    let first = page(&app, &link, "").await;
    assert_eq!(first.status, StatusCode::SEE_OTHER, "{}", first.html);
    let used = page(&app, "/sign-in/not-me", &first.forms_cookie()).await;
    assert_eq!(used.status, StatusCode::BAD_REQUEST, "{}", used.html);
    let me = app.me(&other.access_token).await;
    assert_eq!(me.status(), StatusCode::OK, "nobody ended that session");
}

#[actix_web::test]
async fn get_and_head_of_a_this_was_not_me_link_change_nothing_until_its_button_is_pressed() {
    let smtp = SmtpServer::start().await;
    let app = spawn_alerting(&smtp, |_| {}).await;
    let owner = verified_user(&app, from(FIREFOX_LINUX, "198.51.100.7")).await;
    let intruder = sign_in(&app, &owner, from(CHROME_ANDROID, "203.0.113.9")).await;
    let link = not_me_path(&alert_to(&smtp, &owner.email).await);
    // A link scanner: the link and its page, by HEAD, twice, then by GET.
    for _ in 0..2 {
        let first = Page::of(
            app.send_raw(Method::HEAD, &link, Headers::new(), None)
                .await,
        )
        .await;
        assert_eq!(first.status, StatusCode::SEE_OTHER);
        let headers = Headers::new().cookie(&first.forms_cookie());
        let shown = Page::of(
            app.send_raw(Method::HEAD, "/sign-in/not-me", headers, None)
                .await,
        )
        .await;
        assert_eq!(shown.status, StatusCode::OK);
        assert_eq!(
            app.me(&intruder.access_token).await.status(),
            StatusCode::OK
        );
    }
    let (shown, forms) = show(&app, &link).await;
    assert_eq!(shown.status, StatusCode::OK, "{}", shown.html);
    assert!(
        shown
            .html
            .contains("End that session and choose a new password"),
        "{}",
        shown.html
    );
    assert_eq!(
        app.me(&intruder.access_token).await.status(),
        StatusCode::OK
    );
    let refreshed = app.refresh_with_body(&intruder.refresh_token).await;
    assert_eq!(
        refreshed.status(),
        StatusCode::OK,
        "the session still works"
    );

    // Without its CSRF token, the button is refused and changes nothing.
    let forged = app.press_link_button("/sign-in/not-me", &forms, "").await;
    assert_eq!(forged.status(), StatusCode::FORBIDDEN);
    assert_eq!(
        app.me(&intruder.access_token).await.status(),
        StatusCode::OK
    );

    // The link still works: the button ends that session.
    let (used, _) = press(&app, &shown, &forms).await;
    assert_eq!(used.status, StatusCode::SEE_OTHER, "{}", used.html);
    assert_eq!(used.location.as_deref(), Some("/password/reset"));
    let me = app.me(&intruder.access_token).await;
    assert_eq!(me.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(app.me(&owner.access_token).await.status(), StatusCode::OK);
}
