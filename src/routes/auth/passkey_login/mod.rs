//! Signing in with a passkey alone: `POST /auth/passkey/login/options`
//! gives the request options (any passkey of this site; conditional UI
//! capable), their state kept in the form session; `POST
//! /auth/passkey/login` with the browser's answer signs in, as JSON
//! (`json.rs`) or from the sign-in page's form (`form.rs`).

pub mod form;
pub mod json;

use actix_web::{web, HttpResponse};

use crate::auth::Accounts;
use crate::error::AppError;
use crate::routes::extract::FormSession;

/// `POST /auth/passkey/login/options`.
pub async fn options(
    forms: FormSession,
    accounts: web::Data<Accounts>,
) -> Result<HttpResponse, AppError> {
    let (options, challenge) = accounts.passkey_sign_in_options()?;
    forms.keep_passkey_challenge(&challenge)?;
    Ok(HttpResponse::Ok().json(options))
}
