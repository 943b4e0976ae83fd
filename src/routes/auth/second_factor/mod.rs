//! `POST /auth/login/second-factor`: the second step of a sign-in, with a
//! TOTP code or a recovery code (a passkey's answer comes to the passkey
//! routes).

pub mod form;
pub mod json;
pub mod passkey;

use serde::Deserialize;

use crate::routes::extract::FormFields;

#[derive(Deserialize)]
pub struct CodeFields {
    #[serde(default)]
    code: String,
}

impl FormFields for CodeFields {
    const PAGE: &'static str = "/login/second-factor";
}
