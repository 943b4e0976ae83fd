//! `POST /auth/password/forgot`: asks for a reset link by mail. The answer
//! is the same whether or not the account exists.

pub mod form;
pub mod json;

use serde::Deserialize;

use crate::routes::extract::FormFields;

#[derive(Deserialize)]
pub struct ForgotFields {
    #[serde(default)]
    email: String,
}

impl FormFields for ForgotFields {
    const PAGE: &'static str = "/password/forgot";
}
