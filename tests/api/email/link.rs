//! The link: mailed at sign-up, opened out of the address bar or posted as
//! JSON, once, in time, for the address the account still has.

use reqwest::Method;

use super::*;

#[actix_web::test]
async fn the_sign_up_mail_s_link_marks_the_address_verified_everywhere() {
    let smtp = SmtpServer::start().await;
    let app = spawn_mailing(&smtp, |_| {}).await;
    let (user, mail) = user_with_mail(&app, &smtp).await;
    let link = mail.verify_link();
    assert!(link.starts_with(&format!("{PUBLIC_URL}/email/verify?token=")));
    assert!(mail.text().contains(&user.email), "{}", mail.text());
    assert!(mail.text().contains("24 hours"), "{}", mail.text());
    assert!(!mail.text().contains("Test User"), "the name is quoted");
    assert!(!verified_in_me(&app, &user.access_token).await);
    assert_eq!(claims_of(&user.access_token)["email_verified"], false);
    let page = profile_page(&app, &user.access_token).await;
    assert!(page.html.contains("not verified"), "{}", page.html);

    // The link's token leaves the address bar: kept in the form session.
    let first = Page::of(app.verify_page(path_of(&link), Headers::new()).await).await;
    assert_eq!(first.status, StatusCode::SEE_OTHER);
    assert_eq!(first.location.as_deref(), Some("/email/verify"));
    assert!(!first.forms_cookie().contains(&mail.verify_token()));
    let shown = Page::of(
        app.verify_page(
            "/email/verify",
            Headers::new().cookie(&first.forms_cookie()),
        )
        .await,
    )
    .await;
    assert_eq!(shown.status, StatusCode::OK, "{}", shown.html);
    assert!(
        shown
            .html
            .contains(&format!(r#"id="link-email">{}<"#, user.email)),
        "{}",
        shown.html
    );
    assert!(shown.html.contains("Verify my address"), "{}", shown.html);
    let shown = Page {
        forms_cookie: shown.forms_cookie.clone().or(first.forms_cookie),
        ..shown
    };
    let page = press_button(&app, &shown).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.html);
    assert!(
        page.html.contains(&format!(
            "Your address <strong>{}</strong> is verified",
            user.email
        )),
        "{}",
        page.html
    );
    assert!(page.html.contains(r#"href="/profile""#), "{}", page.html);

    // At once in /api/me and on the profile, of the session signed in before.
    assert!(verified_in_me(&app, &user.access_token).await);
    let page = profile_page(&app, &user.access_token).await;
    assert!(
        page.html.contains(r#"id="email-status">verified<"#),
        "{}",
        page.html
    );
    assert!(!page.html.contains("resend-verification"), "{}", page.html);
    let forwarded = app.verify(Headers::new().bearer(&user.access_token)).await;
    assert_eq!(forwarded.status(), StatusCode::OK);
    assert_eq!(forwarded.headers()["remote-email-verified"], "true");
    // The next access token says so.
    let refreshed = app.refresh_with_body(&user.refresh_token).await;
    assert_eq!(refreshed.status(), StatusCode::OK);
    let body: SignInBody = refreshed.json().await.expect("JSON");
    assert_eq!(claims_of(&body.access_token)["email_verified"], true);
}

#[actix_web::test]
async fn posting_the_token_as_json_verifies_the_address_once() {
    let smtp = SmtpServer::start().await;
    let app = spawn_mailing(&smtp, |_| {}).await;
    let (user, mail) = user_with_mail(&app, &smtp).await;
    let verified = app.verify_email(&mail.verify_token()).await;
    assert_eq!(verified.status(), StatusCode::NO_CONTENT);
    assert!(verified_in_me(&app, &user.access_token).await);

    // Used: as JSON and as a page.
    let again = app.verify_email(&mail.verify_token()).await;
    assert_error(again, StatusCode::BAD_REQUEST, "invalid_verify_token").await;
    let page = open_link(&app, &mail.verify_link()).await;
    assert_invalid_link_page(&page, "a used link");
}

#[actix_web::test]
async fn an_unknown_or_malformed_link_is_refused_with_400() {
    let app = spawn_app().await;
    let unknown = "A".repeat(43);
    for token in [unknown.as_str(), "garbage", ""] {
        let answer = app.verify_email(token).await;
        assert_error(answer, StatusCode::BAD_REQUEST, "invalid_verify_token").await;
    }
    for token in [unknown.as_str(), "garbage"] {
        let page = open_link(&app, &format!("/email/verify?token={token}")).await;
        assert_invalid_link_page(&page, token);
    }
    // No token kept at all.
    let page = Page::of(app.verify_page("/email/verify", Headers::new()).await).await;
    assert_invalid_link_page(&page, "no token");
}

#[actix_web::test]
async fn an_expired_link_is_refused_with_400() {
    let smtp = SmtpServer::start().await;
    let app = spawn_mailing(&smtp, |s| s.verify_ttl = Duration::from_secs(1)).await;
    let (user, mail) = user_with_mail(&app, &smtp).await;
    assert!(mail.text().contains("1 second"), "{}", mail.text());
    // Past its time (the link was made before the mail arrived).
    sleep_ms(1100).await;
    let page = open_link(&app, &mail.verify_link()).await;
    assert_invalid_link_page(&page, "an expired link");
    let answer = app.verify_email(&mail.verify_token()).await;
    assert_error(answer, StatusCode::BAD_REQUEST, "invalid_verify_token").await;
    assert!(!verified_in_me(&app, &user.access_token).await);
}

#[actix_web::test]
async fn a_link_for_an_address_the_account_no_longer_has_does_nothing() {
    let smtp = SmtpServer::start().await;
    let app = spawn_mailing(&smtp, |_| {}).await;
    let (user, mail) = user_with_mail(&app, &smtp).await;
    let other = format!("moved-{}", user.email);
    set_email_in_database(&app, &user.id, &other);

    let answer = app.verify_email(&mail.verify_token()).await;
    assert_error(answer, StatusCode::BAD_REQUEST, "invalid_verify_token").await;
    let page = open_link(&app, &mail.verify_link()).await;
    assert_invalid_link_page(&page, "a link for the old address");
    let verified = count(
        &app,
        &format!(
            "SELECT count(*) AS count FROM users WHERE id = '{}' AND email_verified",
            user.id
        ),
    );
    assert_eq!(verified, 0, "the account is still unverified");
}

#[actix_web::test]
async fn a_waiting_mail_for_an_address_the_account_no_longer_has_is_not_sent() {
    // The SMTP server refuses the first attempt: the row waits, and the
    // address changes meanwhile.
    let smtp = SmtpServer::start_failing_first(1).await;
    let app = spawn_mailing(&smtp, |_| {}).await;
    let user = app.new_user().await;
    let other = format!("moved-{}", user.email);
    set_email_in_database(&app, &user.id, &other);
    // The retry (1 s later) finds the account at another address.
    smtp.no_verification_to(&user.email, Duration::from_secs(4))
        .await;
    let left = count(&app, "SELECT count(*) AS count FROM mail_outbox");
    assert_eq!(left, 0, "the row is gone, nothing sent");
}

#[actix_web::test]
async fn get_and_head_of_a_verification_link_change_nothing_until_its_button_is_pressed() {
    let smtp = SmtpServer::start().await;
    let app = spawn_mailing(&smtp, |_| {}).await;
    let (user, mail) = user_with_mail(&app, &smtp).await;
    // A link scanner: the link and its page, by HEAD, twice, then by GET.
    for _ in 0..2 {
        let first = app
            .send_raw(
                Method::HEAD,
                path_of(&mail.verify_link()),
                Headers::new(),
                None,
            )
            .await;
        let first = Page::of(first).await;
        assert_eq!(first.status, StatusCode::SEE_OTHER);
        let headers = Headers::new().cookie(&first.forms_cookie());
        let page = Page::of(
            app.send_raw(Method::HEAD, "/email/verify", headers, None)
                .await,
        )
        .await;
        assert_eq!(page.status, StatusCode::OK);
        assert!(
            !verified_in_me(&app, &user.access_token).await,
            "verified by HEAD"
        );
    }
    let shown = show_link(&app, &mail.verify_link()).await;
    assert_eq!(shown.status, StatusCode::OK, "{}", shown.html);
    assert!(
        !verified_in_me(&app, &user.access_token).await,
        "verified by GET"
    );

    // Without its CSRF token, the button is refused and changes nothing.
    let forged = app
        .press_link_button("/email/verify", &shown.forms_cookie(), "")
        .await;
    assert_eq!(forged.status(), StatusCode::FORBIDDEN);
    assert!(
        !verified_in_me(&app, &user.access_token).await,
        "verified by a forged post"
    );

    // The link still works: the button verifies.
    let page = press_button(&app, &shown).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.html);
    assert!(page.html.contains("is verified"), "{}", page.html);
    assert!(verified_in_me(&app, &user.access_token).await);
    // Used up: its page says so, and pressing again is the 400 page.
    assert_invalid_link_page(&show_link(&app, &mail.verify_link()).await, "a used link");
    let again = press_button(&app, &shown).await;
    assert_invalid_link_page(&again, "pressed again");
}
