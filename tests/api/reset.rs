//! A forgotten password, reset by mail (issue 13): the request (JSON and
//! form, the same answer in the same time whether or not the account
//! exists, limited per email and per address), the mail (through a real
//! SMTP server, retried; printed on standard output without one), the link
//! (its token out of the address bar, working once, for a while, only the
//! newest, stored as a hash) and the reset, which ends every session.

use std::process::Stdio;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use diesel::{QueryableByName, RunQueryDsl};
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};
use sesame::config::{Settings, TrustedProxies};
use tokio::io::{AsyncBufReadExt, AsyncRead, BufReader};

use crate::helpers::*;
use crate::process::BINARY;

const NEW_PASSWORD: &str = "a brand new passphrase";
const PUBLIC_URL: &str = "http://sesame.test:1234";
/// How long a test waits for a mail sent in the background.
const MAIL_WAIT: Duration = Duration::from_secs(15);
/// How long a test waits to be sure that no mail comes.
const NO_MAIL_WAIT: Duration = Duration::from_secs(2);

/// The service, sending its mail to `smtp`, with some settings changed.
async fn spawn_mailing(smtp: &SmtpServer, adjust: impl FnOnce(&mut Settings)) -> TestApp {
    spawn_app_with(|s| {
        smtp.configure(s);
        adjust(s);
    })
    .await
}

/// Asks for a reset link for `email` (JSON) and gives the mail it sends.
async fn reset_mail(app: &TestApp, smtp: &SmtpServer, email: &str) -> ReceivedMail {
    let response = app.forgot_password(email).await;
    assert_eq!(response.status(), StatusCode::ACCEPTED);
    smtp.next_mail_to(email, MAIL_WAIT).await
}

/// The path and query of a link (`/password/reset?token=…`), whatever its
/// origin.
fn path_of(link: &str) -> &str {
    let at = link.find("/password/reset").expect("a reset link");
    &link[at..]
}

/// Opens a link as a browser does: `GET` it, follow its redirect to
/// `/password/reset` with the form session cookie it set, and give that
/// page (its `forms_cookie` is the one to post the form with).
async fn open_link(app: &Api, link: &str) -> Page {
    let first = Page::of(app.reset_page(path_of(link), Headers::new()).await).await;
    if first.status != StatusCode::SEE_OTHER {
        return first;
    }
    assert_eq!(first.location.as_deref(), Some("/password/reset"));
    let forms = first.forms_cookie();
    let page = Page::of(
        app.reset_page("/password/reset", Headers::new().cookie(&forms))
            .await,
    )
    .await;
    Page {
        forms_cookie: page.forms_cookie.clone().or(Some(forms)),
        ..page
    }
}

/// Asserts the page is the 400 page of a link that does not work.
fn assert_invalid_link_page(page: &Page, what: &str) {
    assert_eq!(
        page.status,
        StatusCode::BAD_REQUEST,
        "{what}: {}",
        page.html
    );
    assert!(
        page.html.contains(r#"href="/password/forgot""#),
        "{what}: a link to ask again: {}",
        page.html
    );
    assert!(
        !page.html.contains(r#"action="/auth/password/reset""#),
        "{what}: no form"
    );
}

/// Asserts that every session in `sessions` has ended.
async fn assert_all_ended(app: &Api, sessions: &[&TestUser]) {
    for (n, session) in sessions.iter().enumerate() {
        assert_eq!(
            app.me(&session.access_token).await.status(),
            StatusCode::UNAUTHORIZED,
            "session {n}: its access token"
        );
        assert_eq!(
            app.refresh_with_body(&session.refresh_token).await.status(),
            StatusCode::UNAUTHORIZED,
            "session {n}: its refresh token"
        );
    }
}

// Asking for a link

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
    assert_eq!(
        mail.to.as_deref(),
        Some(format!("Test User <{}>", user.email).as_str())
    );
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
async fn the_link_is_on_the_bound_address_by_default() {
    let smtp = SmtpServer::start().await;
    let app = spawn_mailing(&smtp, |_| {}).await;
    let user = app.new_user().await;
    let mail = reset_mail(&app, &smtp, &user.email).await;
    let expected = format!("{}/password/reset?token=", app.origin());
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

// The limits

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
        }
        let response = app.forgot_password_with(from("203.0.113.3"), email).await;
        let wait = retry_after(&response);
        assert!(wait >= 1, "Retry-After: {wait}");
        assert_error(response, StatusCode::TOO_MANY_REQUESTS, "too_many_attempts").await;
    }
    // Two mails, not three.
    smtp.next_mail_to(&user.email, MAIL_WAIT).await;
    smtp.next_mail_to(&user.email, MAIL_WAIT).await;
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

// The forms

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

// The link and the reset

#[actix_web::test]
async fn opening_the_link_takes_the_token_out_of_the_address_and_shows_the_form() {
    let smtp = SmtpServer::start().await;
    let app = spawn_mailing(&smtp, |_| {}).await;
    let user = app.new_user().await;
    let mail = reset_mail(&app, &smtp, &user.email).await;
    let token = mail.token();

    let first = Page::of(app.reset_page(path_of(&mail.link()), Headers::new()).await).await;
    assert_eq!(first.status, StatusCode::SEE_OTHER, "{}", first.html);
    assert_eq!(first.location.as_deref(), Some("/password/reset"));
    let forms = first.forms_cookie();
    assert!(
        !forms.contains(&token),
        "the token is in the cookie in clear"
    );

    let page = Page::of(
        app.reset_page("/password/reset", Headers::new().cookie(&forms))
            .await,
    )
    .await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.html);
    assert!(
        page.html.contains(r#"action="/auth/password/reset""#),
        "{}",
        page.html
    );
    assert!(page.html.contains(r#"name="password""#), "{}", page.html);
    assert!(!page.html.contains(&token), "the token is in the page");
    assert!(!page.csrf().is_empty());
}

#[actix_web::test]
async fn a_link_that_does_not_work_shows_the_400_page() {
    let app = spawn_app().await;
    let unknown = format!("/password/reset?token={}", "A".repeat(43));
    for path in [unknown.as_str(), "/password/reset?token=garbage"] {
        let page = open_link(&app, path).await;
        assert_invalid_link_page(&page, path);
    }
    // No token at all: not a link.
    let page = Page::of(app.reset_page("/password/reset", Headers::new()).await).await;
    assert_invalid_link_page(&page, "no token");
}

#[actix_web::test]
async fn the_reset_form_sets_the_password_and_sends_to_sign_in_with_a_notice() {
    let smtp = SmtpServer::start().await;
    let app = spawn_mailing(&smtp, |_| {}).await;
    let user = app.new_user().await;
    let laptop = app.sign_in(&user.email).await;
    let mail = reset_mail(&app, &smtp, &user.email).await;
    let page = open_link(&app, &mail.link()).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.html);
    let forms = page.forms_cookie();
    let csrf = page.csrf();

    // A weak password: the page again with the error, the link still good.
    let weak = Page::of(
        app.reset_password_form(&forms, &[("password", "sh0rt!"), ("csrf", &csrf)])
            .await,
    )
    .await;
    assert_eq!(
        weak.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        weak.html
    );
    assert!(
        weak.html.contains(r#"class="field-error""#) || weak.html.contains(r#"class="form-error""#),
        "{}",
        weak.html
    );
    assert!(weak.html.contains(r#"action="/auth/password/reset""#));
    let forms = weak.forms_cookie.clone().unwrap_or(forms);

    let done = Page::of(
        app.reset_password_form(&forms, &[("password", NEW_PASSWORD), ("csrf", &csrf)])
            .await,
    )
    .await;
    assert_eq!(done.status, StatusCode::SEE_OTHER, "{}", done.html);
    assert_eq!(done.location.as_deref(), Some("/login"));
    let forms = done.forms_cookie.clone().unwrap_or(forms);
    let login = Page::of(
        app.send_raw(Method::GET, "/login", Headers::new().cookie(&forms), None)
            .await,
    )
    .await;
    assert!(
        login.html.contains("Your password was reset."),
        "{}",
        login.html
    );

    assert_eq!(
        app.login(&user.email, PASSWORD).await.status(),
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        app.login(&user.email, NEW_PASSWORD).await.status(),
        StatusCode::OK
    );
    assert_all_ended(&app, &[&user, &laptop]).await;
    // Used: the link no longer works.
    assert_invalid_link_page(&open_link(&app, &mail.link()).await, "a used link");
}

#[actix_web::test]
async fn the_reset_form_without_its_csrf_token_is_403_and_changes_nothing() {
    let smtp = SmtpServer::start().await;
    let app = spawn_mailing(&smtp, |_| {}).await;
    let user = app.new_user().await;
    let mail = reset_mail(&app, &smtp, &user.email).await;
    let page = open_link(&app, &mail.link()).await;
    let forms = page.forms_cookie();
    for csrf in [None, Some("forged")] {
        let mut form = vec![("password", NEW_PASSWORD)];
        if let Some(csrf) = csrf {
            form.push(("csrf", csrf));
        }
        let response = app.reset_password_form(&forms, &form).await;
        assert_eq!(response.status(), StatusCode::FORBIDDEN, "{csrf:?}");
    }
    assert_eq!(
        app.login(&user.email, PASSWORD).await.status(),
        StatusCode::OK
    );
    // The link still works.
    let reset = app.reset_password(&mail.token(), NEW_PASSWORD).await;
    assert_eq!(reset.status(), StatusCode::NO_CONTENT);
}

#[actix_web::test]
async fn a_reset_sets_the_password_and_ends_every_session() {
    let smtp = SmtpServer::start().await;
    let app = spawn_mailing(&smtp, |_| {}).await;
    let user = app.new_user().await;
    let laptop = app.sign_in(&user.email).await;
    let stranger = app.new_user().await;
    let mail = reset_mail(&app, &smtp, &user.email).await;

    let response = app.reset_password(&mail.token(), NEW_PASSWORD).await;
    assert_eq!(response.status(), StatusCode::NO_CONTENT);
    assert_all_ended(&app, &[&user, &laptop]).await;
    assert_eq!(
        app.login(&user.email, PASSWORD).await.status(),
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        app.login(&user.email, NEW_PASSWORD).await.status(),
        StatusCode::OK
    );
    assert_eq!(
        app.me(&stranger.access_token).await.status(),
        StatusCode::OK
    );
}

#[actix_web::test]
async fn a_link_works_once() {
    let smtp = SmtpServer::start().await;
    let app = spawn_mailing(&smtp, |_| {}).await;
    let user = app.new_user().await;
    let mail = reset_mail(&app, &smtp, &user.email).await;
    let first = app.reset_password(&mail.token(), NEW_PASSWORD).await;
    assert_eq!(first.status(), StatusCode::NO_CONTENT);
    let again = app
        .reset_password(&mail.token(), "another new passphrase")
        .await;
    assert_error(again, StatusCode::BAD_REQUEST, "invalid_reset_token").await;
    assert_eq!(
        app.login(&user.email, NEW_PASSWORD).await.status(),
        StatusCode::OK
    );
    assert_invalid_link_page(&open_link(&app, &mail.link()).await, "a used link");
}

#[actix_web::test]
async fn a_weak_password_is_422_and_leaves_the_link_usable() {
    let smtp = SmtpServer::start().await;
    let app = spawn_mailing(&smtp, |_| {}).await;
    let user = app.new_user().await;
    let laptop = app.sign_in(&user.email).await;
    let mail = reset_mail(&app, &smtp, &user.email).await;
    let too_long = "x".repeat(73);
    for weak in ["sh0rt!", too_long.as_str()] {
        let response = app.reset_password(&mail.token(), weak).await;
        assert_error(
            response,
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_password",
        )
        .await;
    }
    // Nothing happened.
    assert_eq!(app.me(&laptop.access_token).await.status(), StatusCode::OK);
    assert_eq!(
        app.login(&user.email, PASSWORD).await.status(),
        StatusCode::OK
    );
    let response = app.reset_password(&mail.token(), NEW_PASSWORD).await;
    assert_eq!(response.status(), StatusCode::NO_CONTENT);
}

#[actix_web::test]
async fn an_unknown_token_is_400() {
    let app = spawn_app().await;
    for token in ["A".repeat(43), "garbage".into(), String::new()] {
        let response = app.reset_password(&token, NEW_PASSWORD).await;
        assert_error(response, StatusCode::BAD_REQUEST, "invalid_reset_token").await;
    }
}

#[actix_web::test]
async fn an_expired_link_is_refused() {
    let smtp = SmtpServer::start().await;
    let app = spawn_mailing(&smtp, |s| s.reset_ttl = Duration::from_secs(1)).await;
    let user = app.new_user().await;
    let mail = reset_mail(&app, &smtp, &user.email).await;
    sleep_ms(2100).await;
    assert_invalid_link_page(&open_link(&app, &mail.link()).await, "an expired link");
    let response = app.reset_password(&mail.token(), NEW_PASSWORD).await;
    assert_error(response, StatusCode::BAD_REQUEST, "invalid_reset_token").await;
    assert_eq!(
        app.login(&user.email, PASSWORD).await.status(),
        StatusCode::OK
    );
}

#[actix_web::test]
async fn a_link_works_until_its_time_is_up() {
    let smtp = SmtpServer::start().await;
    // Long enough for a slow mail on a busy machine; the link is used
    // well past a second, which a TTL cut to whole seconds or less would
    // not survive.
    let app = spawn_mailing(&smtp, |s| s.reset_ttl = Duration::from_secs(8)).await;
    let user = app.new_user().await;
    let mail = reset_mail(&app, &smtp, &user.email).await;
    sleep_ms(1500).await;
    let response = app.reset_password(&mail.token(), NEW_PASSWORD).await;
    assert_eq!(response.status(), StatusCode::NO_CONTENT);
}

#[actix_web::test]
async fn a_newer_request_voids_the_older_link() {
    let smtp = SmtpServer::start().await;
    let app = spawn_mailing(&smtp, |_| {}).await;
    let user = app.new_user().await;
    let older = reset_mail(&app, &smtp, &user.email).await;
    let newer = reset_mail(&app, &smtp, &user.email).await;
    assert_ne!(older.token(), newer.token());

    assert_invalid_link_page(&open_link(&app, &older.link()).await, "a superseded link");
    let response = app.reset_password(&older.token(), NEW_PASSWORD).await;
    assert_error(response, StatusCode::BAD_REQUEST, "invalid_reset_token").await;
    let response = app.reset_password(&newer.token(), NEW_PASSWORD).await;
    assert_eq!(response.status(), StatusCode::NO_CONTENT);
}

#[actix_web::test]
async fn a_deleted_accounts_link_no_longer_works() {
    let smtp = SmtpServer::start().await;
    let app = spawn_mailing(&smtp, |_| {}).await;
    let user = app.new_user().await;
    let mail = reset_mail(&app, &smtp, &user.email).await;
    let deleted = app
        .delete_account(Headers::new().bearer(&user.access_token), PASSWORD)
        .await;
    assert_eq!(deleted.status(), StatusCode::NO_CONTENT);
    let response = app.reset_password(&mail.token(), NEW_PASSWORD).await;
    assert_error(response, StatusCode::BAD_REQUEST, "invalid_reset_token").await;
}

#[derive(QueryableByName)]
struct Text {
    #[diesel(sql_type = diesel::sql_types::Text)]
    text: String,
}

/// Every row of `password_resets`, each as one text (every column; bytes
/// as hex), read through the test's own connection.
fn password_reset_rows(app: &TestApp) -> Vec<String> {
    let load = |sql: &str, db: &mut TestDb| -> Vec<String> {
        let query = diesel::sql_query(sql);
        match db {
            TestDb::Sqlite(conn) => query.load::<Text>(conn),
            TestDb::Postgres(conn) => query.load::<Text>(conn),
        }
        .unwrap_or_else(|e| panic!("{sql}: {e}"))
        .into_iter()
        .map(|row| row.text)
        .collect()
    };
    let mut db = app.database();
    match db {
        TestDb::Sqlite(_) => {
            let columns = load(
                "SELECT name AS text FROM pragma_table_info('password_resets')",
                &mut db,
            );
            assert!(!columns.is_empty(), "no table password_resets");
            let row = columns
                .iter()
                .map(|c| format!("quote(\"{c}\")"))
                .collect::<Vec<_>>()
                .join(" || '|' || ");
            load(
                &format!("SELECT {row} AS text FROM password_resets"),
                &mut db,
            )
        }
        TestDb::Postgres(_) => load(
            "SELECT password_resets::text AS text FROM password_resets",
            &mut db,
        ),
    }
}

#[actix_web::test]
async fn only_a_hash_of_the_token_is_stored() {
    let smtp = SmtpServer::start().await;
    let app = spawn_mailing(&smtp, |_| {}).await;
    let user = app.new_user().await;
    let mail = reset_mail(&app, &smtp, &user.email).await;
    let token = mail.token();
    let rows = password_reset_rows(&app);
    assert_eq!(rows.len(), 1, "{rows:?}");
    let hex = |bytes: &[u8]| -> String { bytes.iter().map(|b| format!("{b:02x}")).collect() };
    let forms_of_the_token = [
        token.clone(),
        hex(token.as_bytes()),
        hex(&URL_SAFE_NO_PAD.decode(&token).expect("base64url")),
    ];
    for row in &rows {
        let row = row.to_lowercase();
        for form in &forms_of_the_token {
            assert!(
                !row.contains(&form.to_lowercase()),
                "the token is stored: {row}"
            );
        }
    }
    // And the row is the link's: using it removes or spends it.
    let reset = app.reset_password(&token, NEW_PASSWORD).await;
    assert_eq!(reset.status(), StatusCode::NO_CONTENT);
}

// The real binary: no --smtp-url, its standard output and its log

/// The binary, its stdout and its stderr (the log) each read in full.
struct Printing {
    api: Api,
    child: tokio::process::Child,
    stdout: Arc<Mutex<String>>,
    stderr: Arc<Mutex<String>>,
}

impl Printing {
    async fn start(folder: &tempfile::TempDir, args: &[&str], rust_log: &str) -> Printing {
        let db = folder.path().join("sesame.db");
        let mut child = tokio::process::Command::new(BINARY)
            .args([
                "--bind",
                "127.0.0.1:0",
                "--database-url",
                db.to_str().unwrap(),
                "--bcrypt-cost",
                "4",
            ])
            .args(args)
            .current_dir(folder.path())
            .env_clear()
            .env("RUST_LOG", rust_log)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .kill_on_drop(true)
            .spawn()
            .expect("the binary starts");
        let stdout = collect(child.stdout.take().expect("stdout"));
        let stderr = collect(child.stderr.take().expect("stderr"));
        let deadline = Instant::now() + Duration::from_secs(30);
        let address = loop {
            let log = stderr.lock().unwrap().clone();
            if let Some((_, rest)) = log.split_once("listening on http://") {
                break rest
                    .split_whitespace()
                    .next()
                    .unwrap_or_default()
                    .to_owned();
            }
            assert!(
                Instant::now() < deadline,
                "no `listening on` line in:\n{log}"
            );
            sleep_ms(20).await;
        };
        Printing {
            api: Api::new(format!("http://{address}")),
            child,
            stdout,
            stderr,
        }
    }

    /// Until its stdout contains `text` (10 s at most); all of it.
    async fn stdout_with(&self, text: &str) -> String {
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            let stdout = self.stdout.lock().unwrap().clone();
            if stdout.contains(text) {
                return stdout;
            }
            assert!(
                Instant::now() < deadline,
                "no {text:?} on stdout within 10 s:\n{stdout}\nthe log:\n{}",
                self.stderr.lock().unwrap()
            );
            sleep_ms(25).await;
        }
    }

    /// Stops it (SIGKILL) and gives its stdout and stderr.
    async fn kill(mut self) -> (String, String) {
        self.child.kill().await.expect("SIGKILL");
        // What it wrote is read to the end.
        sleep_ms(100).await;
        let stdout = self.stdout.lock().unwrap().clone();
        let stderr = self.stderr.lock().unwrap().clone();
        (stdout, stderr)
    }
}

fn collect(stream: impl AsyncRead + Unpin + Send + 'static) -> Arc<Mutex<String>> {
    let text = Arc::new(Mutex::new(String::new()));
    let into = Arc::clone(&text);
    tokio::spawn(async move {
        let mut lines = BufReader::new(stream).lines();
        while let Ok(Some(line)) = lines.next_line().await {
            let mut text = into.lock().unwrap();
            text.push_str(&line);
            text.push('\n');
        }
    });
    text
}

#[actix_web::test]
async fn without_an_smtp_url_the_mail_is_printed_on_stdout_and_never_in_the_log() {
    let folder = tempfile::tempdir().unwrap();
    let server = Printing::start(&folder, &[], "info").await;
    let response = server
        .api
        .register("Ada", "ada@example.com", PASSWORD)
        .await;
    assert_eq!(response.status(), StatusCode::CREATED);
    let response = server.api.forgot_password("ada@example.com").await;
    assert_eq!(response.status(), StatusCode::ACCEPTED);
    let response = server.api.forgot_password("nobody@example.com").await;
    assert_eq!(response.status(), StatusCode::ACCEPTED);

    let stdout = server.stdout_with("======== end of mail ========").await;
    let link = reset_link_in(&stdout);
    assert!(
        link.starts_with(&format!("{}/password/reset?token=", server.api.origin())),
        "{link}"
    );
    let token = token_of(&link);
    // The link works (and following it logs nothing of it either).
    let page = open_link(&server.api, &link).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.html);
    let (stdout, log) = server.kill().await;

    assert!(
        stdout.contains("======== mail (no --smtp-url: printed here, not sent) ========"),
        "{stdout}"
    );
    assert!(
        stdout.contains("From: sesame <no-reply@localhost>"),
        "{stdout}"
    );
    assert!(stdout.contains("To: Ada <ada@example.com>"), "{stdout}");
    assert!(
        stdout.contains("Subject: Reset your sesame password"),
        "{stdout}"
    );
    assert!(
        stdout.contains("-------- the same, as HTML --------"),
        "{stdout}"
    );
    assert_eq!(
        stdout.matches("======== end of mail ========").count(),
        1,
        "one mail, none for the unknown email: {stdout}"
    );
    assert!(!stdout.contains("nobody@example.com"), "{stdout}");

    let said = log
        .lines()
        .find(|l| l.contains("no --smtp-url"))
        .unwrap_or_else(|| panic!("the log does not say `no --smtp-url`:\n{log}"));
    assert!(said.contains("standard output"), "{said}");
    assert!(said.contains("INFO"), "{said}");
    assert!(!log.contains(&token), "the token is in the log:\n{log}");
    assert!(!log.contains("Reset your sesame password"), "{log}");
    assert!(!log.contains("======== mail"), "{log}");
}

#[actix_web::test]
async fn no_reset_token_reaches_the_log_even_at_trace_level_and_a_failed_send_is_logged() {
    let smtp = SmtpServer::start_failing_first(1).await;
    let folder = tempfile::tempdir().unwrap();
    let server = Printing::start(&folder, &["--smtp-url", &smtp.url()], "trace").await;
    let api = &server.api;
    let response = api.register("Ada", "ada@example.com", PASSWORD).await;
    assert_eq!(response.status(), StatusCode::CREATED);
    let response = api.forgot_password("ada@example.com").await;
    assert_eq!(response.status(), StatusCode::ACCEPTED);
    let mail = smtp
        .next_mail_to("ada@example.com", Duration::from_secs(30))
        .await;
    let token = mail.token();

    // Every place the token travels: the link, the page, the reset, and
    // the reset again (refused).
    let page = open_link(api, &mail.link()).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.html);
    let headers = Headers::new().cookie(&page.forms_cookie());
    let response = api.reset_page("/password/reset", headers).await;
    assert_eq!(response.status(), StatusCode::OK);
    let response = api.reset_password(&token, NEW_PASSWORD).await;
    assert_eq!(response.status(), StatusCode::NO_CONTENT);
    let response = api.reset_password(&token, NEW_PASSWORD).await;
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
    let (stdout, log) = server.kill().await;

    assert!(
        log.contains("GET /password/reset"),
        "the access log is on: {log}"
    );
    assert!(!log.contains(&token), "the token is in the log");
    assert!(!log.contains(NEW_PASSWORD), "the password is in the log");
    assert!(
        !stdout.contains(&token),
        "with --smtp-url nothing is printed"
    );
    // The refused first attempt is in the log, as a warning or an error.
    assert!(
        log.lines()
            .any(|l| (l.contains("WARN") || l.contains("ERROR"))
                && l.to_lowercase().contains("mail")),
        "no logged failure:\n{log}"
    );
}
