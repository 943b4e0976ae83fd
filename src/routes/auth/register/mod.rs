//! `POST /auth/register`.

pub mod form;
pub mod json;

use serde::Deserialize;

use crate::domain::NewAccount;
use crate::error::AppError;
use crate::routes::extract::FormFields;

#[derive(Deserialize)]
pub struct RegisterFields {
    #[serde(default)]
    name: String,
    #[serde(default)]
    email: String,
    #[serde(default)]
    password: String,
    /// The form's: where to land once signed up (a local path only).
    next: Option<String>,
}

impl RegisterFields {
    /// The account asked for (the password moves out; name and email stay
    /// for a form shown again).
    fn account(&mut self) -> Result<NewAccount, AppError> {
        let password = std::mem::take(&mut self.password);
        Ok(NewAccount::parse(&self.name, &self.email, password)?)
    }
}

impl FormFields for RegisterFields {
    const PAGE: &'static str = "/register";
}
