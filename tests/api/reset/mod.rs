//! A forgotten password, reset by mail (issue 13): the request (JSON and
//! form, the same answer in the same time whether or not the account
//! exists, limited per email and per address), the mail (through a real
//! SMTP server and the outbox, retried; printed on standard output without
//! one; never quoting the account's name), the link
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

mod asking;
mod forms;
mod limits;
mod link;
mod outbox;
mod printed;

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
