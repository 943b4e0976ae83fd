//! `POST /auth/password`: the signed-in user changes their password; every
//! other session ends, this one stays.

pub mod form;
pub mod json;

use serde::Deserialize;

use crate::routes::extract::FormFields;

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PasswordJson {
    #[serde(default)]
    current_password: String,
    #[serde(default)]
    new_password: String,
}

/// The profile's change-password form.
#[derive(Deserialize)]
pub struct PasswordFields {
    #[serde(default)]
    current_password: String,
    #[serde(default)]
    new_password: String,
}

impl FormFields for PasswordFields {
    const PAGE: &'static str = "/profile";
}
