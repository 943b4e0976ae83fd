//! Verified email addresses (issue 20): the link mailed at sign-up (through
//! a real SMTP server), opened as a page (its token out of the address bar)
//! or posted as JSON; a new link on request, limited like forgot; and
//! `--require-verified-email`: no session for an unverified address, and a
//! sign-up that does not tell whether an email is taken, in status, body,
//! headers or time.

use std::time::{Duration, Instant};

use diesel::QueryableByName;
use reqwest::StatusCode;
use serde_json::Value;
use sesame::config::Settings;

use crate::helpers::*;

mod link;
mod require;
mod resend;
mod timing;

const PUBLIC_URL: &str = "http://sesame.test:1234";
/// How long a test waits for a mail sent in the background.
const MAIL_WAIT: Duration = Duration::from_secs(15);
/// How long a test waits to be sure that no mail comes.
const NO_MAIL_WAIT: Duration = Duration::from_secs(2);

/// The service, sending its mail to `smtp`, with some settings changed.
async fn spawn_mailing(smtp: &SmtpServer, adjust: impl FnOnce(&mut Settings)) -> TestApp {
    spawn_app_with(|s| {
        smtp.configure(s);
        s.public_url = Some(PUBLIC_URL.into());
        adjust(s);
    })
    .await
}

/// A new user (JSON sign-up, `--require-verified-email` off) and the
/// verification mail their sign-up sent.
async fn user_with_mail(app: &TestApp, smtp: &SmtpServer) -> (TestUser, ReceivedMail) {
    let user = app.new_user().await;
    let mail = smtp.next_verification_to(&user.email, MAIL_WAIT).await;
    (user, mail)
}

/// The path and query of a link (`/email/verify?token=…`), whatever its
/// origin.
fn path_of(link: &str) -> &str {
    let at = link.find("/email/verify").expect("a verification link");
    &link[at..]
}

/// Opens a link as a browser does: `GET` it, follow its redirect to
/// `/email/verify` with the form session cookie it set, and give that page.
/// It changes nothing: a link that works shows its button.
async fn show_link(app: &Api, link: &str) -> Page {
    let first = Page::of(app.verify_page(path_of(link), Headers::new()).await).await;
    assert_eq!(first.status, StatusCode::SEE_OTHER, "{}", first.html);
    assert_eq!(first.location.as_deref(), Some("/email/verify"));
    let forms = first.forms_cookie();
    let page = Page::of(
        app.verify_page("/email/verify", Headers::new().cookie(&forms))
            .await,
    )
    .await;
    Page {
        forms_cookie: page.forms_cookie.clone().or(Some(forms)),
        ..page
    }
}

/// Opens a link as a user does: shown (`show_link`), then, when it shows
/// its button, "Verify my address" pressed; the last page.
async fn open_link(app: &Api, link: &str) -> Page {
    let shown = show_link(app, link).await;
    if shown.status != StatusCode::OK {
        return shown;
    }
    press_button(app, &shown).await
}

/// The "Verify my address" button of this page, pressed.
async fn press_button(app: &Api, shown: &Page) -> Page {
    let button = shown.form("verify-email");
    assert!(button.contains(r#"action="/email/verify""#), "{button}");
    let forms = shown.forms_cookie();
    let answer = app
        .press_link_button("/email/verify", &forms, &shown.csrf())
        .await;
    Page::of(answer).await
}

/// Asserts the page is the 400 page of a verification link that does not work.
fn assert_invalid_link_page(page: &Page, what: &str) {
    assert_eq!(
        page.status,
        StatusCode::BAD_REQUEST,
        "{what}: {}",
        page.html
    );
    assert!(
        page.html.contains("This link does not work"),
        "{what}: {}",
        page.html
    );
}

/// `emailVerified` of `/api/me` for this access token.
async fn verified_in_me(app: &Api, access_token: &str) -> bool {
    let response = app.me(access_token).await;
    assert_eq!(response.status(), StatusCode::OK);
    let me: Value = response.json().await.expect("JSON");
    me["emailVerified"]
        .as_bool()
        .unwrap_or_else(|| panic!("emailVerified in {me}"))
}

/// The profile page of the session with this access token.
async fn profile_page(app: &Api, access_token: &str) -> Page {
    let page = Page::of(
        app.profile(Headers::new().access_cookie(access_token))
            .await,
    )
    .await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.html);
    page
}

#[derive(QueryableByName)]
struct Count {
    #[diesel(sql_type = diesel::sql_types::BigInt)]
    count: i64,
}

/// `SELECT count(*) AS count …` on the app's database.
fn count(app: &TestApp, sql: &str) -> i64 {
    app.database().row::<Count>(sql).count
}

#[derive(QueryableByName)]
struct Id {
    #[diesel(sql_type = diesel::sql_types::Text)]
    id: String,
}

/// Gives the account another address, straight in the database (as an
/// address change would).
fn set_email_in_database(app: &TestApp, user_id: &str, email: &str) {
    let changed = app.database().row::<Id>(&format!(
        "UPDATE users SET email = '{email}' WHERE id = '{user_id}' RETURNING id"
    ));
    assert_eq!(changed.id, user_id);
}
