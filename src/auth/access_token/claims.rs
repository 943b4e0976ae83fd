//! What an access token says (its claims) and what issuing one gives back.

use serde::{Deserialize, Serialize};

pub const ISSUER: &str = "sesame";
pub const AUDIENCE: &str = "sesame";
pub const TOKEN_TYPE: &str = "at+jwt";

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct AccessClaims {
    pub iss: String,
    pub aud: String,
    /// The user's id.
    pub sub: String,
    /// The session's id.
    pub sid: String,
    pub email: String,
    /// Whether `email` was proven by a mailed link when the token was
    /// issued: an unverified address proves nothing.
    #[serde(default)]
    pub email_verified: bool,
    /// The user's roles when the token was issued.
    pub roles: Vec<String>,
    /// What the session's sign-in proved (RFC 8176): `pwd`, `otp`, `hwk`, `mfa`.
    #[serde(default)]
    pub amr: Vec<String>,
    /// The app the token was issued to (RFC 9068): an app's session only.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub client_id: Option<String>,
    /// What the app was granted (RFC 9068), space-separated: with `client_id`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scope: Option<String>,
    pub jti: String,
    pub iat: i64,
    pub exp: i64,
}

/// The app a session was opened for, and what it was granted.
#[derive(Debug, Clone, Copy)]
pub struct AppGrant<'a> {
    pub client_id: &'a str,
    pub scope: &'a str,
}

pub struct IssuedAccessToken {
    pub token: String,
    /// Seconds from now until it expires.
    pub expires_in: i64,
    /// Unix seconds.
    pub expires_at: i64,
}
