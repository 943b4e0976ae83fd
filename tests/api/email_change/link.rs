//! Opening the link: the change, at once everywhere; once; 409 when the
//! address was taken meanwhile.

use super::*;

#[actix_web::test]
async fn opening_the_link_makes_the_new_address_the_accounts_at_once() {
    let smtp = SmtpServer::start().await;
    let app = spawn_mailing(&smtp, |_| {}).await;
    let user = app.new_user().await;
    let new_email = fresh_email();
    // Read once, so the session is remembered with the old address.
    assert_eq!(me_body(&app, &user).await["email"], user.email.as_str());
    let link = ask_for_link(&app, &smtp, &user, &new_email).await;

    let first = Page::of(get_page(&app, &link[PUBLIC_URL.len()..], Headers::new()).await).await;
    assert_eq!(first.status, StatusCode::SEE_OTHER);
    assert_eq!(first.location.as_deref(), Some("/email/change"));
    assert!(!first.forms_cookie().contains(&token_of_link(&link)));
    let page = open_link(&app, &link).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.html);
    assert!(page.html.contains(&new_email), "{}", page.html);
    assert!(!page.html.contains(&token_of_link(&link)));

    // At once: this session's /api/me, verified by the link.
    let me = me_body(&app, &user).await;
    assert_eq!(me["email"], new_email.as_str());
    assert_eq!(me["emailVerified"], true);
    // The next access token carries it.
    let response = app.refresh_with_body(&user.refresh_token).await;
    assert_eq!(response.status(), StatusCode::OK);
    let body: SignInBody = response.json().await.expect("sign-in JSON");
    assert_eq!(claims_of(&body.access_token)["email"], new_email.as_str());
    assert_eq!(body.user.email, new_email);
    // Signing in: with the new address, not the old.
    assert_login(&app, &new_email, PASSWORD, StatusCode::OK).await;
    assert_login(&app, &user.email, PASSWORD, StatusCode::UNAUTHORIZED).await;
}

#[actix_web::test]
async fn the_link_posted_as_json_changes_the_address_once() {
    let smtp = SmtpServer::start().await;
    let app = spawn_mailing(&smtp, |_| {}).await;
    let user = app.new_user().await;
    let new_email = fresh_email();
    let link = ask_for_link(&app, &smtp, &user, &new_email).await;
    let token = token_of_link(&link);

    let response = confirm_change(&app, &token).await;
    assert_eq!(response.status(), StatusCode::OK);
    let body: Value = response.json().await.expect("a JSON body");
    assert_eq!(body, json!({ "email": new_email }));
    assert_eq!(me_body(&app, &user).await["email"], new_email.as_str());

    let again = confirm_change(&app, &token).await;
    assert_error(again, StatusCode::BAD_REQUEST, "invalid_change_token").await;
    let page = open_link(&app, &link).await;
    assert_eq!(page.status, StatusCode::BAD_REQUEST, "{}", page.html);
}

#[actix_web::test]
async fn an_unknown_or_malformed_link_is_400() {
    let app = spawn_app().await;
    for token in ["A".repeat(43), "garbage".into(), String::new()] {
        let response = confirm_change(&app, &token).await;
        assert_error(response, StatusCode::BAD_REQUEST, "invalid_change_token").await;
    }
    let page = open_link(&app, &format!("/email/change?token={}", "A".repeat(43))).await;
    assert_eq!(page.status, StatusCode::BAD_REQUEST, "{}", page.html);
    // No token kept at all.
    let page = Page::of(get_page(&app, "/email/change", Headers::new()).await).await;
    assert_eq!(page.status, StatusCode::BAD_REQUEST, "{}", page.html);
}

#[actix_web::test]
async fn an_address_taken_meanwhile_is_409_and_uses_the_link_up() {
    let smtp = SmtpServer::start().await;
    let app = spawn_mailing(&smtp, |_| {}).await;
    let user = app.new_user().await;
    let new_email = fresh_email();
    let link = ask_for_link(&app, &smtp, &user, &new_email).await;
    let response = app.register("Someone Else", &new_email, PASSWORD).await;
    assert_eq!(response.status(), StatusCode::CREATED);

    let page = open_link(&app, &link).await;
    assert_eq!(page.status, StatusCode::CONFLICT, "{}", page.html);
    assert_eq!(me_body(&app, &user).await["email"], user.email.as_str());
    assert_login(&app, &user.email, PASSWORD, StatusCode::OK).await;
    let again = confirm_change(&app, &token_of_link(&link)).await;
    assert_error(again, StatusCode::BAD_REQUEST, "invalid_change_token").await;

    // The same through JSON.
    let second = fresh_email();
    let link = ask_for_link(&app, &smtp, &user, &second).await;
    app.register("A Third", &second, PASSWORD).await;
    let response = confirm_change(&app, &token_of_link(&link)).await;
    assert_error(response, StatusCode::CONFLICT, "email_taken").await;
    let again = confirm_change(&app, &token_of_link(&link)).await;
    assert_error(again, StatusCode::BAD_REQUEST, "invalid_change_token").await;
}

#[actix_web::test]
async fn a_reset_link_sent_to_the_old_address_stops_working_after_a_change() {
    let smtp = SmtpServer::start().await;
    let app = spawn_mailing(&smtp, |_| {}).await;
    let user = app.new_user().await;
    let response = app.forgot_password(&user.email).await;
    assert_eq!(response.status(), StatusCode::ACCEPTED);
    let reset = mail_with_subject(&smtp, &user.email, "Reset your sesame password").await;

    let new_email = fresh_email();
    let link = ask_for_link(&app, &smtp, &user, &new_email).await;
    assert_eq!(open_link(&app, &link).await.status, StatusCode::OK);

    let response = app
        .reset_password(&reset.token(), "a brand new passphrase")
        .await;
    assert_error(response, StatusCode::BAD_REQUEST, "invalid_reset_token").await;
    assert_login(&app, &new_email, PASSWORD, StatusCode::OK).await;
}

#[actix_web::test]
async fn a_newer_request_voids_the_older_link() {
    let smtp = SmtpServer::start().await;
    let app = spawn_mailing(&smtp, |_| {}).await;
    let user = app.new_user().await;
    let (first, second) = (fresh_email(), fresh_email());
    let old_link = ask_for_link(&app, &smtp, &user, &first).await;
    let new_link = ask_for_link(&app, &smtp, &user, &second).await;
    let response = confirm_change(&app, &token_of_link(&old_link)).await;
    assert_error(response, StatusCode::BAD_REQUEST, "invalid_change_token").await;
    let response = confirm_change(&app, &token_of_link(&new_link)).await;
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(me_body(&app, &user).await["email"], second.as_str());
}

/// Someone with a stolen password asks to move the account to their
/// address; the owner, told at the old one, changes the password. The
/// link they were mailed must stop working, or the account would be
/// theirs.
#[actix_web::test]
async fn a_password_change_voids_a_pending_change_of_address() {
    let smtp = SmtpServer::start().await;
    let app = spawn_mailing(&smtp, |_| {}).await;
    let user = app.new_user().await;
    let attacker_email = fresh_email();
    let link = ask_for_link(&app, &smtp, &user, &attacker_email).await;
    let token = token_of_link(&link);
    let changed = app
        .change_password(
            Headers::new().bearer(&user.access_token),
            PASSWORD,
            "another passphrase 42",
        )
        .await;
    assert!(changed.status().is_success(), "{}", changed.status());
    let response = confirm_change(&app, &token).await;
    assert_error(response, StatusCode::BAD_REQUEST, "invalid_change_token").await;
    assert_login(
        &app,
        &attacker_email,
        "another passphrase 42",
        StatusCode::UNAUTHORIZED,
    )
    .await;
    assert_login(&app, &user.email, "another passphrase 42", StatusCode::OK).await;
}

/// The same after a reset by mail.
#[actix_web::test]
async fn a_password_reset_voids_a_pending_change_of_address() {
    let smtp = SmtpServer::start().await;
    let app = spawn_mailing(&smtp, |_| {}).await;
    let user = app.new_user().await;
    let attacker_email = fresh_email();
    let link = ask_for_link(&app, &smtp, &user, &attacker_email).await;
    let token = token_of_link(&link);
    let asked = app.forgot_password(&user.email).await;
    assert_eq!(asked.status(), StatusCode::ACCEPTED);
    let reset_token = mail_with_subject(&smtp, &user.email, "Reset your sesame password")
        .await
        .token();
    let reset = app
        .reset_password(&reset_token, "another passphrase 42")
        .await;
    assert_eq!(reset.status(), StatusCode::NO_CONTENT);
    let response = confirm_change(&app, &token).await;
    assert_error(response, StatusCode::BAD_REQUEST, "invalid_change_token").await;
}

#[actix_web::test]
async fn get_and_head_of_a_change_link_change_nothing_until_its_button_is_pressed() {
    let smtp = SmtpServer::start().await;
    let app = spawn_mailing(&smtp, |_| {}).await;
    let user = app.new_user().await;
    let new_email = fresh_email();
    let link = ask_for_link(&app, &smtp, &user, &new_email).await;
    let path = &link[PUBLIC_URL.len()..];
    // A link scanner: the link and its page, by HEAD, twice, then by GET.
    for _ in 0..2 {
        let first = Page::of(app.send_raw(Method::HEAD, path, Headers::new(), None).await).await;
        assert_eq!(first.status, StatusCode::SEE_OTHER);
        let headers = Headers::new().cookie(&first.forms_cookie());
        let page = Page::of(
            app.send_raw(Method::HEAD, "/email/change", headers, None)
                .await,
        )
        .await;
        assert_eq!(page.status, StatusCode::OK);
        assert_eq!(me_body(&app, &user).await["email"], user.email.as_str());
    }
    let shown = show_link(&app, &link).await;
    assert_eq!(shown.status, StatusCode::OK, "{}", shown.html);
    assert!(
        shown
            .html
            .contains(&format!(r#"id="link-email">{new_email}<"#)),
        "{}",
        shown.html
    );
    assert!(shown.html.contains("Make it my address"), "{}", shown.html);
    assert_eq!(me_body(&app, &user).await["email"], user.email.as_str());

    // Without its CSRF token, the button is refused and changes nothing.
    let forged = app
        .press_link_button("/email/change", &shown.forms_cookie(), "")
        .await;
    assert_eq!(forged.status(), StatusCode::FORBIDDEN);
    assert_eq!(me_body(&app, &user).await["email"], user.email.as_str());

    // The link still works: the button makes the change.
    let page = press_button(&app, &shown).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.html);
    assert_eq!(me_body(&app, &user).await["email"], new_email.as_str());
    let again = show_link(&app, &link).await;
    assert_eq!(again.status, StatusCode::BAD_REQUEST, "{}", again.html);
}
