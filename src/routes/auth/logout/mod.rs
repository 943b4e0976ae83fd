//! `POST /auth/logout`: ends the caller's session, if there is one.

pub mod form;
pub mod json;

use serde::Deserialize;

use crate::routes::extract::FormFields;

/// What a JSON client may send to `/auth/logout` and `/auth/logout-all`.
#[derive(Deserialize)]
pub struct LogoutJson {
    /// A client that keeps its refresh token itself sends it here.
    #[serde(rename = "refreshToken")]
    pub refresh_token: Option<String>,
}

/// The profile's sign-out button: its CSRF token, and a refresh token if a
/// page chose to send one too.
#[derive(Deserialize)]
pub struct LogoutForm {
    #[serde(rename = "refreshToken")]
    pub refresh_token: Option<String>,
}

impl FormFields for LogoutForm {
    const PAGE: &'static str = "/profile";
}
