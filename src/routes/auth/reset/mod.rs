//! `POST /auth/password/reset`: a reset link's token and a new password.

pub mod form;
pub mod json;

use serde::Deserialize;

use crate::auth::{LinkToken, PasswordResets};
use crate::domain::{Client, Password};
use crate::error::AppError;
use crate::routes::extract::FormFields;

#[derive(Deserialize)]
pub struct ResetJson {
    #[serde(default)]
    token: String,
    #[serde(default)]
    password: String,
}

/// The reset page's form: the token is in the form session, not the form.
#[derive(Deserialize)]
pub struct ResetFields {
    #[serde(default)]
    password: String,
}

impl FormFields for ResetFields {
    const PAGE: &'static str = "/password/reset";
}

/// The reset, whichever way it came: a link that does not work is said so
/// first (400), then a password that breaks the rules (422, the link still
/// usable).
async fn reset(
    resets: &PasswordResets,
    token: &str,
    password: String,
    client: &Client,
) -> Result<(), AppError> {
    let token = LinkToken::presented(token)?;
    match Password::parse(password) {
        Ok(password) => resets.reset(&token, password, client).await,
        Err(_) if !resets.is_open(&token).await? => Err(AppError::InvalidResetToken),
        Err(invalid) => Err(invalid.into()),
    }
}
