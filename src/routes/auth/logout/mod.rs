//! `POST /auth/logout`: ends the caller's session, if there is one.

pub mod form;
pub mod json;

use serde::Deserialize;

/// What a JSON client may send to `/auth/logout` and `/auth/logout-all`.
#[derive(Deserialize)]
pub struct LogoutJson {
    /// A client that keeps its refresh token itself sends it here.
    #[serde(rename = "refreshToken")]
    pub refresh_token: Option<String>,
}
