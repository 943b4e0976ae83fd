//! Asking for a link: one answer for every email, the mail only to an account.

use super::*;

#[actix_web::test]
async fn forgot_answers_202_alike_for_any_email_and_mails_a_link_only_to_an_account() {
    let smtp = SmtpServer::start().await;
    let app = spawn_mailing(&smtp, |s| s.public_url = Some(PUBLIC_URL.into())).await;
    let user = app.new_user().await;

    let known = app.forgot_password(&user.email).await;
    assert_eq!(known.status(), StatusCode::ACCEPTED);
    let known: Value = known.json().await.expect("a JSON body");
    let unknown = app.forgot_password("nobody@example.com").await;
    assert_eq!(unknown.status(), StatusCode::ACCEPTED);
    let unknown: Value = unknown.json().await.expect("a JSON body");
    assert_eq!(known, unknown, "the same body whether or not it exists");
    assert!(
        known["message"].as_str().is_some_and(|m| !m.is_empty()),
        "{known}"
    );

    let mail = smtp.next_mail_to(&user.email, MAIL_WAIT).await;
    assert_eq!(mail.subject.as_deref(), Some("Reset your sesame password"));
    assert_eq!(mail.rcpt_tos, [user.email.as_str()]);
    // The address alone: never the name a stranger may have typed.
    assert_eq!(mail.to.as_deref(), Some(user.email.as_str()));
    assert_eq!(mail.from.as_deref(), Some("sesame <no-reply@localhost>"));
    assert_eq!(mail.envelope_from, "no-reply@localhost");
    assert_eq!(mail.content_type, "multipart/alternative");

    let link = mail.link();
    assert!(
        link.starts_with(&format!("{PUBLIC_URL}/password/reset?token=")),
        "{link}"
    );
    let token = mail.token();
    assert_eq!(token.len(), 43, "{token}");
    assert!(URL_SAFE_NO_PAD.decode(&token).is_ok(), "{token}");
    let html = mail.html.as_deref().expect("a text/html part");
    assert!(html.contains(&link), "the same link in the HTML: {html}");

    smtp.no_mail_to("nobody@example.com", NO_MAIL_WAIT).await;
    smtp.no_mail_to(&user.email, Duration::ZERO).await;
}

#[actix_web::test]
async fn the_link_is_on_localhost_and_the_bound_port_by_default() {
    let smtp = SmtpServer::start().await;
    let app = spawn_mailing(&smtp, |_| {}).await;
    assert!(app.settings.public_url.is_none());
    let user = app.new_user().await;
    let mail = reset_mail(&app, &smtp, &user.email).await;
    // A loopback bind: the name browsers keep secure cookies for on http.
    let port = app.origin().rsplit(':').next().expect("a port");
    let expected = format!("http://localhost:{port}/password/reset?token=");
    assert!(mail.link().starts_with(&expected), "{}", mail.link());
    // And it works there, as it is.
    let page = open_link(&app, &mail.link()).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.html);
}

#[actix_web::test]
async fn the_email_is_trimmed_and_compared_case_insensitively() {
    let smtp = SmtpServer::start().await;
    let app = spawn_mailing(&smtp, |_| {}).await;
    let user = app.new_user().await;
    let shouted = format!("  {}  ", user.email.to_uppercase());
    let response = app.forgot_password(&shouted).await;
    assert_eq!(response.status(), StatusCode::ACCEPTED);
    let mail = smtp.next_mail_to(&user.email, MAIL_WAIT).await;
    assert_eq!(
        mail.rcpt_tos,
        [user.email.as_str()],
        "the account's own email"
    );
}

#[actix_web::test]
async fn a_malformed_email_is_422() {
    let smtp = SmtpServer::start().await;
    let app = spawn_mailing(&smtp, |_| {}).await;
    for email in ["not-an-email", "", "a@"] {
        let response = app.forgot_password(email).await;
        assert_error(response, StatusCode::UNPROCESSABLE_ENTITY, "invalid_email").await;
    }
    let response = app
        .forgot_password_json(Headers::new(), &json!({"email": 42}))
        .await;
    assert!(response.status().is_client_error(), "{}", response.status());
    smtp.no_mail_to("not-an-email", NO_MAIL_WAIT).await;
}

#[actix_web::test]
async fn a_mail_refused_twice_is_sent_again() {
    let smtp = SmtpServer::start_failing_first(2).await;
    let app = spawn_mailing(&smtp, |_| {}).await;
    let user = app.new_user().await;
    let response = app.forgot_password(&user.email).await;
    assert_eq!(response.status(), StatusCode::ACCEPTED);
    let mail = smtp
        .next_mail_to(&user.email, Duration::from_secs(30))
        .await;
    // The link it carries works.
    let reset = app.reset_password(&mail.token(), NEW_PASSWORD).await;
    assert_eq!(reset.status(), StatusCode::NO_CONTENT);
}

#[actix_web::test]
async fn forgot_answers_in_the_same_time_for_a_known_and_an_unknown_email() {
    let _cpu = cpu_to_myself().await;
    // A slow mail server: an answer that waited for the mail would take
    // 300 ms longer for a known email.
    let smtp = SmtpServer::start_slow(Duration::from_millis(300)).await;
    let app = spawn_mailing(&smtp, |s| {
        s.login_max_failures = 1000;
        s.login_max_failures_per_account = 1000;
        s.login_max_failures_per_ip = 1000;
    })
    .await;
    let user = app.new_user().await;
    let timed = |email: String| {
        let app = &app;
        async move {
            let started = Instant::now();
            let response = app.forgot_password(&email).await;
            let took = started.elapsed();
            assert_eq!(response.status(), StatusCode::ACCEPTED);
            took
        }
    };
    timed(user.email.clone()).await;
    timed("nobody@example.com".into()).await;
    let (mut known, mut unknown) = (Vec::new(), Vec::new());
    for _ in 0..15 {
        known.push(timed(user.email.clone()).await);
        unknown.push(timed("nobody@example.com".into()).await);
    }
    known.sort();
    unknown.sort();
    let (known, unknown) = (known[7], unknown[7]);
    let difference = known.abs_diff(unknown);
    let bound = Duration::from_millis(60) + known.max(unknown) / 4;
    println!("forgot: known email {known:?}, unknown {unknown:?}");
    assert!(
        difference < bound,
        "known email {known:?} vs unknown {unknown:?}: {difference:?} apart"
    );
}
