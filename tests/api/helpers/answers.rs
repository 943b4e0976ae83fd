//! The service's JSON answers, typed: tests read fields, not `body["x"]`.
//! Unknown fields are ignored; a test that checks the exact shape of a body
//! reads it as `serde_json::Value` instead.

use reqwest::{Response, StatusCode};
use serde::Deserialize;
use serde_json::Value;

/// What register, login and refresh answer.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SignInBody {
    pub access_token: String,
    pub token_type: String,
    pub expires_in: i64,
    /// Absent when the refresh token went only in the cookie.
    pub refresh_token: Option<String>,
    pub user: UserBody,
}

impl SignInBody {
    /// The refresh token the body must carry.
    pub fn refresh_token(&self) -> &str {
        self.refresh_token
            .as_deref()
            .expect("a refreshToken in the body")
    }
}

/// A user, as `GET /api/me` and the sign-in body give it.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct UserBody {
    pub id: String,
    pub name: String,
    pub email: String,
    pub created_at: String,
}

/// One row of `GET /api/sessions`. A row reads only if its times are
/// strings: that is what tests check of them, by reading the rows.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SessionRow {
    pub id: String,
    #[allow(dead_code)]
    pub created_at: String,
    #[allow(dead_code)]
    pub last_used_at: String,
    #[allow(dead_code)]
    pub expires_at: String,
    pub user_agent: Option<String>,
    pub current: bool,
}

/// Every JSON error.
#[derive(Debug, Clone, Deserialize)]
pub struct ErrorBody {
    pub error: String,
    pub message: String,
}

/// Asserts a JSON error with this status and code, and a message; gives
/// the whole body as it came, for tests that compare bodies exactly.
pub async fn assert_error(response: Response, status: StatusCode, code: &str) -> Value {
    assert_eq!(response.status(), status);
    let body: Value = response.json().await.expect("a JSON error body");
    let error =
        ErrorBody::deserialize(&body).unwrap_or_else(|e| panic!("an error body ({e}): {body}"));
    assert_eq!(error.error, code, "{body}");
    assert!(!error.message.is_empty(), "{body}");
    body
}

/// A 429's `Retry-After`, in seconds.
pub fn retry_after(response: &Response) -> u64 {
    let value = response
        .headers()
        .get("retry-after")
        .unwrap_or_else(|| panic!("no Retry-After on {}", response.status()));
    value
        .to_str()
        .unwrap()
        .parse()
        .expect("Retry-After: seconds")
}

/// Asserts how a sign-in with `email` and `password` is answered.
pub async fn assert_login(app: &super::Api, email: &str, password: &str, expected: StatusCode) {
    let status = app.login(email, password).await.status();
    assert_eq!(status, expected, "signing in as {email} with {password:?}");
}
