//! `POST /auth/email`: the signed-in user asks to move their account to a
//! new address (JSON, or the profile's form); `POST /auth/email/change`:
//! the link's token, which makes the change (JSON; a browser opens the
//! link at `GET /email/change`, see `routes::pages::email_change`).

pub mod confirm;
pub mod form;
pub mod json;

use serde::Deserialize;

use crate::routes::extract::FormFields;

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct EmailJson {
    #[serde(default)]
    password: String,
    #[serde(default)]
    new_email: String,
}

/// The profile's change-address form.
#[derive(Deserialize)]
pub struct EmailFields {
    #[serde(default)]
    password: String,
    #[serde(default)]
    new_email: String,
}

impl FormFields for EmailFields {
    const PAGE: &'static str = "/profile";
}

#[derive(Deserialize)]
pub struct ConfirmJson {
    #[serde(default)]
    token: String,
}
