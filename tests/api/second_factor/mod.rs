//! Second factors (issue 21): TOTP enrolment (the password asked for and
//! counted by the login limits), the sign-in in two steps (a ticket, then
//! a TOTP code or a recovery code; JSON and forms), replay, the wrong-code
//! limit, recovery codes, what a password reset or change does to them,
//! `amr` in access tokens and at `/auth/verify`, the profile's section,
//! the audit trail, concurrent clients and several instances. Codes are
//! computed by `pyotp` (`helpers::totp`), not by sesame.

use std::time::Duration;

use reqwest::{Response, StatusCode};
use serde_json::Value;

use crate::helpers::*;

mod amr;
mod audit;
mod bodies;
mod enrol;
mod forms;
mod instances;
mod limits;
mod notices;
mod profile;
mod races;
mod recovery;
mod reset;
mod sign_in;

/// How long a test whose codes must stay of the same steps may last.
const MARGIN: Duration = Duration::from_secs(10);
const NEW_PASSWORD: &str = "a brand new passphrase";

/// A user with TOTP on: the secret, the recovery codes, and the Unix time
/// whose code confirmed it (its step is used up).
pub struct Enrolled {
    pub user: TestUser,
    pub secret: String,
    pub recovery_codes: Vec<String>,
    pub confirmed_at: u64,
}

impl Enrolled {
    /// The code of the step after the one that confirmed: never used, and
    /// accepted for the next minute.
    pub async fn next_code(&self) -> String {
        totp_code(&self.secret, self.confirmed_at + STEP).await
    }

    /// The code that confirmed TOTP (used up).
    pub async fn confirming_code(&self) -> String {
        totp_code(&self.secret, self.confirmed_at).await
    }
}

/// A new user (signed up: `user` holds that session) with TOTP on,
/// confirmed with the code of the current step.
async fn user_with_totp(app: &Api) -> Enrolled {
    let user = app.new_user().await;
    totp_on(app, user).await
}

/// Turns TOTP on for `user`, confirmed with the code of the current step.
async fn totp_on(app: &Api, user: TestUser) -> Enrolled {
    let secret = enrol(app, &user.access_token).await;
    let confirmed_at = unix_now();
    let code = totp_code(&secret, confirmed_at).await;
    let recovery_codes = confirm(app, &user.access_token, &code).await;
    Enrolled {
        user,
        secret,
        recovery_codes,
        confirmed_at,
    }
}

/// `POST /auth/totp` with the right password: the base32 secret.
async fn enrol(app: &Api, access_token: &str) -> String {
    let response = app.enrol_totp(access_token, PASSWORD).await;
    assert_eq!(response.status(), StatusCode::OK);
    let body: Value = response.json().await.expect("JSON");
    body["secret"]
        .as_str()
        .unwrap_or_else(|| panic!("a secret in {body}"))
        .to_owned()
}

/// `POST /auth/totp/confirm` with a right code: the 10 recovery codes.
async fn confirm(app: &Api, access_token: &str, code: &str) -> Vec<String> {
    let response = app.confirm_totp(access_token, code).await;
    assert_eq!(response.status(), StatusCode::OK, "confirming with {code}");
    recovery_codes_in(response).await
}

/// The `recoveryCodes` of an answer.
async fn recovery_codes_in(response: Response) -> Vec<String> {
    let body: Value = response.json().await.expect("JSON");
    let codes: Vec<String> = body["recoveryCodes"]
        .as_array()
        .unwrap_or_else(|| panic!("recoveryCodes in {body}"))
        .iter()
        .map(|code| code.as_str().expect("a code as text").to_owned())
        .collect();
    assert_eq!(codes.len(), 10, "{body}");
    codes
}

/// A JSON sign-in with the right password on an account with a second
/// factor: asserts the 401 `second_factor_required` and gives its ticket.
async fn ticket_for(app: &Api, email: &str, password: &str) -> String {
    let response = app.login(email, password).await;
    let body = assert_error(response, StatusCode::UNAUTHORIZED, "second_factor_required").await;
    body["ticket"]
        .as_str()
        .unwrap_or_else(|| panic!("a ticket in {body}"))
        .to_owned()
}

/// The second step with `code`, asserted to sign in: the sign-in body.
async fn signed_in_with(app: &Api, ticket: &str, code: &str) -> SignInBody {
    let response = app.second_step(ticket, code).await;
    assert_eq!(
        response.status(),
        StatusCode::OK,
        "the second step with {code}"
    );
    response.json().await.expect("the sign-in body")
}

/// The whole sign-in, password then `code`: the sign-in body.
async fn sign_in_with_code(app: &Api, email: &str, code: &str) -> SignInBody {
    let ticket = ticket_for(app, email, PASSWORD).await;
    signed_in_with(app, &ticket, code).await
}

/// `secondFactor` of `/api/me` for this access token.
async fn second_factor_in_me(app: &Api, access_token: &str) -> Value {
    let response = app.me(access_token).await;
    assert_eq!(response.status(), StatusCode::OK);
    let me: Value = response.json().await.expect("JSON");
    me["secondFactor"].clone()
}

/// The `amr` claim of an access token, sorted (its order means nothing).
fn amr_of(access_token: &str) -> Vec<String> {
    let claims = claims_of(access_token);
    let mut amr: Vec<String> = claims["amr"]
        .as_array()
        .unwrap_or_else(|| panic!("an amr claim in {claims}"))
        .iter()
        .map(|value| value.as_str().expect("an amr value as text").to_owned())
        .collect();
    amr.sort();
    amr
}

/// `values`, sorted, as `amr_of` gives them.
fn sorted(values: &[&str]) -> Vec<String> {
    let mut values: Vec<String> = values.iter().map(|v| (*v).to_owned()).collect();
    values.sort();
    values
}

/// Another code than `code`: its last digit changed.
fn wrong(code: &str) -> String {
    let (head, last) = code.split_at(code.len() - 1);
    let digit = last.parse::<u8>().expect("a digit");
    format!("{head}{}", (digit + 1) % 10)
}
