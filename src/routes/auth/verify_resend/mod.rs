//! `POST /auth/email/verify/resend`: a new verification link, for the
//! signed-in user (or, from the page that refused an unverified address's
//! sign-in, for that account).

pub mod form;
pub mod json;

use serde::Deserialize;

use crate::routes::extract::FormFields;

/// The resend button: no field but its CSRF token.
#[derive(Deserialize)]
pub struct ResendButton {}

impl FormFields for ResendButton {
    const PAGE: &'static str = "/profile";
}
