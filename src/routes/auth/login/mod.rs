//! `POST /auth/login`.

pub mod form;
pub mod json;

use serde::Deserialize;

use crate::routes::extract::FormFields;

#[derive(Deserialize)]
pub struct LoginFields {
    #[serde(default)]
    email: String,
    #[serde(default)]
    password: String,
    /// Where a form login goes afterwards (a local path only).
    next: Option<String>,
}

impl FormFields for LoginFields {
    const PAGE: &'static str = "/login";
}
