//! A change of address (issue 20): asked for with the password (JSON, or
//! the profile's form), a link mailed to the new address and a notice to
//! the old one (which never shows the new address); the change happens
//! when the link is opened (out of the address bar, once; 409 when the
//! address was taken meanwhile), and shows at once. And a change of name
//! (`PATCH /api/me`, the profile's form).
//!
//! Sign-up may mail the new account too (a verification link): these tests
//! wait for a mail by its subject, never for "the next mail".

use std::time::{Duration, Instant};

use reqwest::header::CONTENT_TYPE;
use reqwest::{Body, Method, StatusCode};
use serde_json::{json, Value};
use sesame::config::Settings;

use crate::helpers::*;

mod asking;
mod forms;
mod link;
mod name;

const PUBLIC_URL: &str = "http://sesame.test:1234";
/// How long a test waits for a mail sent in the background.
const MAIL_WAIT: Duration = Duration::from_secs(15);
/// How long a test waits to be sure that no mail comes.
const NO_MAIL_WAIT: Duration = Duration::from_secs(2);
/// The subjects of the two mails.
const CONFIRM_SUBJECT: &str = "Confirm the new address of your sesame account";
const NOTICE_SUBJECT: &str = "The address of your sesame account is being changed";
/// Where a change link's path starts.
const CHANGE_PATH: &str = "/email/change?token=";

/// The service, sending its mail to `smtp`, with some settings changed.
async fn spawn_mailing(smtp: &SmtpServer, adjust: impl FnOnce(&mut Settings)) -> TestApp {
    spawn_app_with(|s| {
        smtp.configure(s);
        s.public_url = Some(PUBLIC_URL.into());
        adjust(s);
    })
    .await
}

/// A new address no account has.
fn fresh_email() -> String {
    format!(
        "new-{}@elsewhere.example.com",
        uuid::Uuid::new_v4().simple()
    )
}

/// A JSON request, as a client of the contract sends it.
fn json_request(app: &Api, method: Method, path: &str, headers: Headers, body: &Value) -> Request {
    let headers = headers.header(CONTENT_TYPE.as_str(), "application/json");
    app.send_raw(method, path, headers, Some(Body::from(body.to_string())))
}

/// `POST /auth/email` `{password, newEmail}` as the signed-in `user`.
fn change_email(app: &Api, user: &TestUser, password: &str, new_email: &str) -> Request {
    let body = json!({"password": password, "newEmail": new_email});
    let headers = Headers::new().bearer(&user.access_token);
    json_request(app, Method::POST, "/auth/email", headers, &body)
}

/// `POST /auth/email/change` `{token}`.
fn confirm_change(app: &Api, token: &str) -> Request {
    let body = json!({ "token": token });
    json_request(
        app,
        Method::POST,
        "/auth/email/change",
        Headers::new(),
        &body,
    )
}

/// `PATCH /api/me` `{name}` as the signed-in `user`.
fn rename(app: &Api, user: &TestUser, name: &str) -> Request {
    let headers = Headers::new().bearer(&user.access_token);
    json_request(
        app,
        Method::PATCH,
        "/api/me",
        headers,
        &json!({ "name": name }),
    )
}

/// `GET` a page (a link's path and query) with these headers.
fn get_page(app: &Api, path: &str, headers: Headers) -> Request {
    app.send_raw(Method::GET, path, headers, None)
}

/// The next mail to `email` with this subject, passing over others (a
/// sign-up's verification mail); fails the test if none comes in time.
async fn mail_with_subject(smtp: &SmtpServer, email: &str, subject: &str) -> ReceivedMail {
    let deadline = Instant::now() + MAIL_WAIT;
    loop {
        let left = deadline.saturating_duration_since(Instant::now());
        let mail = smtp.next_mail_to(email, left).await;
        if mail.subject.as_deref() == Some(subject) {
            return mail;
        }
    }
}

/// Asserts that no mail about a change (a link, a notice) arrives within
/// `NO_MAIL_WAIT`, nor has arrived untaken before.
async fn assert_no_change_mail(smtp: &SmtpServer) {
    tokio::time::sleep(NO_MAIL_WAIT).await;
    for mail in smtp.untaken() {
        let subject = mail.subject.as_deref();
        assert!(
            subject != Some(CONFIRM_SUBJECT) && subject != Some(NOTICE_SUBJECT),
            "a mail about a change went out: {mail:#?}"
        );
    }
}

/// Asks (JSON) to move `user` to `new_email`: 202, and the link that came
/// to the new address.
async fn ask_for_link(app: &Api, smtp: &SmtpServer, user: &TestUser, new_email: &str) -> String {
    let response = change_email(app, user, PASSWORD, new_email).await;
    assert_eq!(response.status(), StatusCode::ACCEPTED);
    let mail = mail_with_subject(smtp, new_email, CONFIRM_SUBJECT).await;
    change_link_in(mail.text())
}

/// The first change link (`http…/email/change?token=…`) in `text`.
fn change_link_in(text: &str) -> String {
    let at = text
        .find(CHANGE_PATH)
        .unwrap_or_else(|| panic!("no {CHANGE_PATH}… link in:\n{text}"));
    let start = text[..at].rfind("http").expect("the link's origin");
    let token_at = at + CHANGE_PATH.len();
    let token_len = text[token_at..]
        .find(|c: char| !(c.is_ascii_alphanumeric() || c == '-' || c == '_'))
        .unwrap_or(text.len() - token_at);
    text[start..token_at + token_len].to_owned()
}

/// The token of a change link.
fn token_of_link(link: &str) -> String {
    link.split_once(CHANGE_PATH)
        .expect("a change link")
        .1
        .to_owned()
}

/// Opens a link as a browser does: `GET` its path, follow the redirect to
/// `/email/change` with the form session cookie it set; that page, which
/// changes nothing (a link that works shows its button).
async fn show_link(app: &Api, link: &str) -> Page {
    let path = &link[link.find("/email/change").expect("a change link")..];
    let first = Page::of(get_page(app, path, Headers::new()).await).await;
    assert_eq!(first.status, StatusCode::SEE_OTHER, "{}", first.html);
    assert_eq!(first.location.as_deref(), Some("/email/change"));
    let forms = first.forms_cookie();
    let page = Page::of(get_page(app, "/email/change", Headers::new().cookie(&forms)).await).await;
    Page {
        forms_cookie: page.forms_cookie.clone().or(Some(forms)),
        ..page
    }
}

/// Opens a link as a user does: shown, then, when it shows its button,
/// "Make it my address" pressed; the last page.
async fn open_link(app: &Api, link: &str) -> Page {
    let shown = show_link(app, link).await;
    if shown.status != StatusCode::OK {
        return shown;
    }
    press_button(app, &shown).await
}

/// The "Make it my address" button of this page, pressed.
async fn press_button(app: &Api, shown: &Page) -> Page {
    let button = shown.form("change-email");
    assert!(button.contains(r#"action="/email/change""#), "{button}");
    let answer = app
        .press_link_button("/email/change", &shown.forms_cookie(), &shown.csrf())
        .await;
    Page::of(answer).await
}

/// The user's `/api/me` body, as their access token sees it.
async fn me_body(app: &Api, user: &TestUser) -> Value {
    let response = app.me(&user.access_token).await;
    assert_eq!(response.status(), StatusCode::OK);
    response.json().await.expect("the /api/me body")
}

/// The profile page of the user.
async fn profile_page(app: &Api, access_token: &str) -> Page {
    let page = Page::of(
        app.profile(Headers::new().access_cookie(access_token))
            .await,
    )
    .await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.html);
    page
}

/// Whether a form's HTML shows an error (a whole-form or a field's).
fn has_error(form: &str) -> bool {
    form.contains(r#"class="form-error""#) || form.contains(r#"class="field-error""#)
}

/// A form posted as a browser does: its cookies in one `Cookie` header,
/// the fields urlencoded.
fn post_form(app: &Api, path: &str, cookies: &str, fields: &[(&str, &str)]) -> Request {
    let body = form_urlencoded::Serializer::new(String::new())
        .extend_pairs(fields)
        .finish();
    let headers = Headers::new()
        .cookie(cookies)
        .header(CONTENT_TYPE.as_str(), "application/x-www-form-urlencoded");
    app.send_raw(Method::POST, path, headers, Some(Body::from(body)))
}
