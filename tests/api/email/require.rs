//! `--require-verified-email`: no session for an unverified address (403,
//! decided before any session is written), and a sign-up that answers a
//! taken email as a new one while its owner is told.

use super::*;

/// A name someone types at sign-up, which no mail may quote.
const TYPED_NAME: &str = "Support: call 555-0100";

/// The service requiring verified addresses, mailing to `smtp`.
async fn spawn_requiring(smtp: &SmtpServer, adjust: impl FnOnce(&mut Settings)) -> TestApp {
    spawn_mailing(smtp, |s| {
        s.require_verified_email = true;
        adjust(s);
    })
    .await
}

/// Signs up (JSON) and gives the verification mail.
async fn sign_up(app: &TestApp, smtp: &SmtpServer, email: &str) -> ReceivedMail {
    let answer = app.register("Test User", email, PASSWORD).await;
    assert_eq!(answer.status(), StatusCode::ACCEPTED);
    smtp.next_verification_to(email, MAIL_WAIT).await
}

#[actix_web::test]
async fn an_unverified_address_gets_403_for_the_right_password_and_401_for_a_wrong_one() {
    let smtp = SmtpServer::start().await;
    let app = spawn_requiring(&smtp, |s| s.login_max_failures = 3).await;
    let email = "ada@example.com";
    let mail = sign_up(&app, &smtp, email).await;
    // More right passwords than the limits allow failures: each is a success.
    for n in 0..5 {
        let refused = app.login(email, PASSWORD).await;
        assert!(refused.headers().get("set-cookie").is_none(), "attempt {n}");
        let body = assert_error(refused, StatusCode::FORBIDDEN, "email_not_verified").await;
        assert!(
            body["message"].as_str().unwrap().contains("not verified"),
            "{body}"
        );
    }
    assert_eq!(
        count(&app, "SELECT count(*) AS count FROM sessions"),
        0,
        "no session was written"
    );
    let wrong = app.login(email, "a wrong password").await;
    assert_error(wrong, StatusCode::UNAUTHORIZED, "invalid_credentials").await;

    // Verified: signed in.
    let page = open_link(&app, &mail.verify_link()).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.html);
    let user = app.sign_in(email).await;
    assert!(verified_in_me(&app, &user.access_token).await);
    assert_eq!(claims_of(&user.access_token)["email_verified"], true);
}

#[actix_web::test]
async fn the_sign_in_form_shows_a_page_whose_button_sends_a_new_link_without_a_session() {
    let smtp = SmtpServer::start().await;
    let app = spawn_requiring(&smtp, |_| {}).await;
    let email = "ada@example.com";
    sign_up(&app, &smtp, email).await;
    let (cookie, csrf) = form_session(app.login_page()).await;
    let form = [("email", email), ("password", PASSWORD), ("csrf", &csrf)];
    let page = Page::of(app.login_form(&cookie, &form).await).await;
    assert_eq!(page.status, StatusCode::FORBIDDEN, "{}", page.html);
    assert!(page.html.contains("open the link"), "{}", page.html);
    let button = page.form("resend-verification");
    assert!(
        button.contains(r#"action="/auth/email/verify/resend""#),
        "{button}"
    );
    let forms = page.forms_cookie.clone().unwrap_or(cookie);

    let sent = Page::of(
        app.resend_verification_form(&forms, &[("csrf", &page.csrf())])
            .await,
    )
    .await;
    assert_eq!(sent.status, StatusCode::SEE_OTHER, "{}", sent.html);
    assert_eq!(sent.location.as_deref(), Some("/login"));
    let mail = smtp.next_verification_to(email, MAIL_WAIT).await;
    let verified = app.verify_email(&mail.verify_token()).await;
    assert_eq!(verified.status(), StatusCode::NO_CONTENT);
    assert_login(&app, email, PASSWORD, StatusCode::OK).await;

    // Another browser, which was refused nothing: its button sends nothing.
    let (other, csrf) = form_session(app.login_page()).await;
    let answer = app
        .resend_verification_form(&other, &[("csrf", &csrf)])
        .await;
    assert_eq!(answer.status(), StatusCode::SEE_OTHER);
    assert_eq!(answer.headers()["location"], "/login?next=/profile");
    smtp.no_verification_to(email, NO_MAIL_WAIT).await;
}

/// Status, body and headers but `Date`, of a sign-up's answer.
async fn answer_of(response: reqwest::Response) -> (StatusCode, Vec<(String, String)>, String) {
    let status = response.status();
    let mut headers: Vec<(String, String)> = response
        .headers()
        .iter()
        .filter(|(name, _)| *name != "date")
        .map(|(name, value)| (name.to_string(), value.to_str().unwrap().to_owned()))
        .collect();
    headers.sort();
    (status, headers, response.text().await.expect("a body"))
}

#[actix_web::test]
async fn sign_up_answers_a_taken_email_as_a_new_one_and_tells_the_owner() {
    let smtp = SmtpServer::start().await;
    let app = spawn_requiring(&smtp, |_| {}).await;
    let owner = "owner@example.com";
    sign_up(&app, &smtp, owner).await;

    let taken = answer_of(app.register(TYPED_NAME, owner, "another password").await).await;
    let new = answer_of(
        app.register(TYPED_NAME, "newcomer@example.com", "another password")
            .await,
    )
    .await;
    assert_eq!(taken, new, "a taken email is told apart");
    assert_eq!(taken.0, StatusCode::ACCEPTED);
    let body: Value = serde_json::from_str(&taken.2).expect("JSON");
    assert_eq!(body, serde_json::json!({"status": "check_your_mail"}));
    assert!(
        !taken.1.iter().any(|(name, _)| name == "set-cookie"),
        "{:?}",
        taken.1
    );

    // The owner is told, in sesame's words only; the newcomer gets a link.
    let notice = smtp.next_mail_to(owner, MAIL_WAIT).await;
    let text = notice.text();
    assert!(text.contains("tried to sign up"), "{text}");
    assert!(text.contains("already have an account"), "{text}");
    assert!(
        text.contains(&format!("{PUBLIC_URL}/password/forgot")),
        "{text}"
    );
    assert!(
        !text.contains(TYPED_NAME),
        "the name typed is quoted: {text}"
    );
    smtp.no_verification_to(owner, Duration::ZERO).await;
    smtp.next_verification_to("newcomer@example.com", MAIL_WAIT)
        .await;
    // The owner's account is as it was.
    assert_eq!(
        count(&app, "SELECT count(*) AS count FROM users"),
        2,
        "the owner and the newcomer"
    );
    assert_login(&app, owner, "another password", StatusCode::UNAUTHORIZED).await;
}

#[actix_web::test]
async fn the_sign_up_form_goes_to_check_your_mail_whether_the_email_is_taken_or_not() {
    let smtp = SmtpServer::start().await;
    let app = spawn_requiring(&smtp, |_| {}).await;
    sign_up(&app, &smtp, "owner@example.com").await;
    let mut answers = Vec::new();
    for email in ["owner@example.com", "newcomer@example.com"] {
        let (cookie, csrf) = form_session(app.register_page()).await;
        let form = [
            ("name", "Someone"),
            ("email", email),
            ("password", PASSWORD),
            ("csrf", &csrf),
        ];
        let answer = app.register_form(&cookie, &form).await;
        assert_eq!(answer.status(), StatusCode::SEE_OTHER, "{email}");
        assert_eq!(answer.headers()["location"], "/register/sent", "{email}");
        assert!(answer.headers().get("set-cookie").is_none(), "{email}");
        answers.push(answer_of(answer).await);
    }
    assert_eq!(answers[0], answers[1]);
    let page = Page::of(app.register_sent_page().await).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.html.contains("Check your mail"), "{}", page.html);
    assert!(page.html.contains(r#"href="/login""#), "{}", page.html);
}

#[actix_web::test]
async fn without_the_setting_sign_up_answers_as_before_and_still_mails_a_link() {
    let smtp = SmtpServer::start().await;
    let app = spawn_mailing(&smtp, |_| {}).await;
    let created = app.register("Test User", "ada@example.com", PASSWORD).await;
    assert_eq!(created.status(), StatusCode::CREATED);
    smtp.next_verification_to("ada@example.com", MAIL_WAIT)
        .await;
    let taken = app.register("Test User", "ada@example.com", PASSWORD).await;
    assert_error(taken, StatusCode::CONFLICT, "email_taken").await;
    smtp.no_mail_to("ada@example.com", NO_MAIL_WAIT).await;
    // An unverified address signs in.
    assert_login(&app, "ada@example.com", PASSWORD, StatusCode::OK).await;
}

/// Turning the setting on ends the sessions that unverified accounts
/// opened while it was off (their access and refresh tokens stop working);
/// a verified account's session goes on.
#[actix_web::test]
async fn turning_the_setting_on_ends_the_sessions_of_unverified_accounts() {
    let smtp = SmtpServer::start().await;
    let app = spawn_mailing(&smtp, |_| {}).await;
    let (unverified, _) = user_with_mail(&app, &smtp).await;
    let (verified, mail) = user_with_mail(&app, &smtp).await;
    let done = app.verify_email(&mail.verify_token()).await;
    assert_eq!(done.status(), StatusCode::NO_CONTENT);

    let app = app.restart_with(|s| s.require_verified_email = true).await;
    let me = app.me(&unverified.access_token).await;
    assert_eq!(me.status(), StatusCode::UNAUTHORIZED);
    let refreshed = app.refresh_with_body(&unverified.refresh_token).await;
    assert_eq!(refreshed.status(), StatusCode::UNAUTHORIZED);
    let me = app.me(&verified.access_token).await;
    assert_eq!(me.status(), StatusCode::OK);
    let refreshed = app.refresh_with_body(&verified.refresh_token).await;
    assert_eq!(refreshed.status(), StatusCode::OK);
}

/// Anyone may sign up with a taken email, from many addresses: its owner
/// gets at most `--login-max-failures` notices a window, not one each.
#[actix_web::test]
async fn the_notices_to_a_taken_email_are_limited_per_email() {
    let smtp = SmtpServer::start().await;
    let app = spawn_requiring(&smtp, |s| {
        s.login_max_failures = 3;
        s.metrics_bind = Some("127.0.0.1:0".into());
    })
    .await;
    let owner = "owner@example.com";
    // The owner's own sign-up takes one of the three.
    sign_up(&app, &smtp, owner).await;
    // A notice still waiting in the outbox stands for the next one (the same
    // mail is never queued twice), so each goes out before the next attempt.
    for _ in 0..2 {
        until_the_outbox_is_empty(&app).await;
        let response = app.register("Someone", owner, PASSWORD).await;
        assert_eq!(response.status(), StatusCode::ACCEPTED);
        let notice = smtp.next_mail_to(owner, MAIL_WAIT).await;
        assert!(notice.text().contains("tried to sign up"));
    }
    for _ in 0..2 {
        until_the_outbox_is_empty(&app).await;
        let response = app.register("Someone", owner, PASSWORD).await;
        assert_eq!(response.status(), StatusCode::ACCEPTED);
    }
    smtp.no_mail_to(owner, Duration::from_secs(2)).await;
}

/// Once the outbox holds no row (every mail sent and settled), as the
/// metrics listener counts it.
async fn until_the_outbox_is_empty(app: &TestApp) {
    let address = app.metrics_address.expect("a metrics address");
    let deadline = Instant::now() + MAIL_WAIT;
    loop {
        let scraped = reqwest::get(format!("http://{address}/metrics"))
            .await
            .expect("the metrics answer")
            .text()
            .await
            .expect("a scrape");
        if scraped
            .lines()
            .any(|line| line == "sesame_mail_outbox_size 0")
        {
            return;
        }
        assert!(Instant::now() < deadline, "the outbox never emptied");
        sleep_ms(20).await;
    }
}
