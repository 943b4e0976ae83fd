//! Sign-in alerts (issue 20): a sign-in from a device (browser and
//! system) or a network the account has not used lately mails its
//! verified address when, from where and a "this wasn't me" link, which
//! ends that session and opens the reset form.
//!
//! Sign-up may mail the address too (its verification link): these tests
//! look for the alert by its subject, never at "the next mail".

use std::time::{Duration, Instant};

use diesel::RunQueryDsl;
use reqwest::{Method, StatusCode};
use sesame::config::{Settings, TrustedProxies};

use crate::helpers::*;

mod mail;
mod not_me;

const FIREFOX_LINUX: &str =
    "Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0";
const CHROME_ANDROID: &str = "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 \
                              (KHTML, like Gecko) Chrome/131.0.0.0 Mobile Safari/537.36";
const SAFARI_MAC: &str = "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 \
                          (KHTML, like Gecko) Version/17.1 Safari/605.1.15";
/// What an alert's subject says.
const ALERT_SUBJECT: &str = "New sign-in to your sesame account";
/// Where the "this wasn't me" link's path starts.
const NOT_ME_PATH: &str = "/sign-in/not-me?token=";
/// A name no mail may quote.
const NAME: &str = "Call Support +1 555 0100";
const NEW_PASSWORD: &str = "a brand new passphrase";
/// How long a test waits for a mail sent in the background.
const MAIL_WAIT: Duration = Duration::from_secs(15);
/// How long a test waits to be sure that no alert comes.
const NO_MAIL_WAIT: Duration = Duration::from_secs(2);

/// The service behind a proxy (so `X-Forwarded-For` names the client),
/// sending its mail to `smtp`, with some settings changed.
async fn spawn_alerting(smtp: &SmtpServer, adjust: impl FnOnce(&mut Settings)) -> TestApp {
    spawn_app_with(|s| {
        smtp.configure(s);
        s.trusted_proxies = TrustedProxies::parse("127.0.0.1, ::1").unwrap();
        adjust(s);
    })
    .await
}

/// A request from this browser at this address.
fn from(user_agent: &str, address: &str) -> Headers {
    Headers::new()
        .header("User-Agent", user_agent)
        .forwarded_for(address)
}

/// Signs up from `headers`; the new user.
async fn sign_up(app: &TestApp, headers: Headers) -> TestUser {
    let email = format!("ada-{}@example.com", uuid::Uuid::new_v4().simple());
    let response = app.register_with(headers, NAME, &email, PASSWORD).await;
    assert_eq!(response.status(), StatusCode::CREATED);
    TestUser::from_sign_in(&email, response).await
}

/// Marks the user's address verified, as opening its link would (that
/// flow is tested on its own).
fn verify(app: &TestApp, user: &TestUser) {
    let sql = format!(
        "UPDATE users SET email_verified = TRUE WHERE id = '{}'",
        user.id
    );
    let query = diesel::sql_query(&sql);
    let updated = match &mut app.database() {
        TestDb::Sqlite(conn) => query.execute(conn),
        TestDb::Postgres(conn) => query.execute(conn),
    }
    .unwrap_or_else(|e| panic!("{sql}: {e}"));
    assert_eq!(updated, 1);
}

/// Signs up from `headers` and verifies the address.
async fn verified_user(app: &TestApp, headers: Headers) -> TestUser {
    let user = sign_up(app, headers).await;
    verify(app, &user);
    user
}

/// Signs the user in from `headers`: the new session.
async fn sign_in(app: &TestApp, user: &TestUser, headers: Headers) -> TestUser {
    let response = app.login_with(headers, &user.email, PASSWORD).await;
    assert_eq!(response.status(), StatusCode::OK);
    TestUser::from_sign_in(&user.email, response).await
}

/// The next alert to `email`; other mail to it (a verification link) is
/// passed over.
async fn alert_to(smtp: &SmtpServer, email: &str) -> ReceivedMail {
    let deadline = Instant::now() + MAIL_WAIT;
    loop {
        let left = deadline.saturating_duration_since(Instant::now());
        let mail = smtp.next_mail_to(email, left).await;
        if mail.subject.as_deref() == Some(ALERT_SUBJECT) {
            return mail;
        }
    }
}

/// Asserts that no alert to `email` arrives within `NO_MAIL_WAIT`.
async fn no_alert_to(smtp: &SmtpServer, email: &str) {
    sleep_ms(NO_MAIL_WAIT.as_millis() as u64).await;
    let alerts: Vec<_> = smtp
        .untaken()
        .into_iter()
        .filter(|mail| {
            mail.subject.as_deref() == Some(ALERT_SUBJECT)
                && mail
                    .rcpt_tos
                    .iter()
                    .any(|to| to.eq_ignore_ascii_case(email))
        })
        .collect();
    assert!(alerts.is_empty(), "an alert to {email}: {alerts:#?}");
}

/// The path and query of the "this wasn't me" link in the alert's text.
fn not_me_path(mail: &ReceivedMail) -> String {
    let text = mail.text();
    let at = text
        .find(NOT_ME_PATH)
        .unwrap_or_else(|| panic!("no {NOT_ME_PATH}… link in:\n{text}"));
    let rest = &text[at..];
    let end = rest[NOT_ME_PATH.len()..]
        .find(|c: char| !(c.is_ascii_alphanumeric() || c == '-' || c == '_'))
        .map_or(rest.len(), |n| n + NOT_ME_PATH.len());
    rest[..end].to_owned()
}

/// `GET` a page with this cookie header (none: "").
async fn page(app: &TestApp, path: &str, cookies: &str) -> Page {
    let headers = if cookies.is_empty() {
        Headers::new()
    } else {
        Headers::new().cookie(cookies)
    };
    Page::of(app.send_raw(Method::GET, path, headers, None).await).await
}
