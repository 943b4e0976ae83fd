//! The account's own life (issue 13): changing the password, which ends
//! every other session, and deleting the account, which ends them all and
//! frees the email. JSON and forms; wrong passwords count with the login
//! limits; the audit trail; and, on PostgreSQL, another instance refusing
//! the ended sessions within 1 s.

use std::time::{Duration, Instant};

use diesel::{Connection, PgConnection, QueryableByName, RunQueryDsl};
use reqwest::StatusCode;
use serde_json::json;
use sesame::config::Settings;

use crate::helpers::*;
use crate::process::Running;

mod audit;
mod change;
mod change_form;
mod delete;
mod delete_form;
mod instances;
mod races;

const NEW_PASSWORD: &str = "a brand new passphrase";

/// Asserts that a session is ended: its access token and its refresh token
/// are both refused.
async fn assert_ended(app: &Api, session: &TestUser, what: &str) {
    assert_eq!(
        app.me(&session.access_token).await.status(),
        StatusCode::UNAUTHORIZED,
        "{what}: its access token"
    );
    assert_eq!(
        app.refresh_with_body(&session.refresh_token).await.status(),
        StatusCode::UNAUTHORIZED,
        "{what}: its refresh token"
    );
}

/// Asserts that a session still works, access and refresh (which rotates
/// it: the returned user holds the new refresh token).
async fn assert_alive(app: &Api, session: &TestUser, what: &str) -> TestUser {
    assert_eq!(
        app.me(&session.access_token).await.status(),
        StatusCode::OK,
        "{what}: its access token"
    );
    let refreshed = app.refresh_with_body(&session.refresh_token).await;
    assert_eq!(refreshed.status(), StatusCode::OK, "{what}: its refresh");
    let body: SignInBody = refreshed.json().await.expect("sign-in JSON");
    TestUser {
        refresh_token: body.refresh_token().to_owned(),
        access_token: body.access_token,
        ..session.clone()
    }
}

/// The profile page, signed in with `access_token`: its form session and
/// its forms.
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
