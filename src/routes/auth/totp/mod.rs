//! `/auth/totp` and `/auth/recovery-codes` (JSON, signed in): enrol an
//! authenticator app, confirm it, turn it off, and new recovery codes. The
//! profile's forms do the same through `routes::pages::totp`.

use actix_web::{web, HttpResponse};
use serde::{Deserialize, Serialize};

use crate::auth::Accounts;
use crate::domain::{Client, CurrentPassword};
use crate::error::AppError;
use crate::routes::extract::{Json, SignedIn};

#[derive(Deserialize)]
pub struct PasswordJson {
    #[serde(default)]
    password: String,
}

#[derive(Deserialize)]
pub struct CodeJson {
    #[serde(default)]
    code: String,
}

#[derive(Serialize)]
struct EnrolmentBody {
    secret: String,
    uri: String,
}

#[derive(Serialize)]
struct RecoveryCodesBody {
    #[serde(rename = "recoveryCodes")]
    recovery_codes: Vec<String>,
}

/// `POST /auth/totp` `{password}`: 200 `{secret, uri}`, pending until confirmed.
pub async fn start(
    SignedIn(principal): SignedIn,
    Json(input): Json<PasswordJson>,
    client: Client,
    accounts: web::Data<Accounts>,
) -> Result<HttpResponse, AppError> {
    let password = CurrentPassword::parse("password", input.password)?;
    let enrolment = accounts.start_totp(&principal, &password, &client).await?;
    Ok(HttpResponse::Ok().json(EnrolmentBody {
        secret: enrolment.secret,
        uri: enrolment.uri,
    }))
}

/// `POST /auth/totp/confirm` `{code}`: 200 `{recoveryCodes}`; TOTP is on.
pub async fn confirm(
    SignedIn(principal): SignedIn,
    Json(input): Json<CodeJson>,
    client: Client,
    accounts: web::Data<Accounts>,
) -> Result<HttpResponse, AppError> {
    let codes = accounts
        .confirm_totp(&principal, &input.code, &client)
        .await?;
    Ok(recovery_codes(codes))
}

/// `DELETE /auth/totp` `{password}`: 204; TOTP and recovery codes gone.
pub async fn delete(
    SignedIn(principal): SignedIn,
    Json(input): Json<PasswordJson>,
    client: Client,
    accounts: web::Data<Accounts>,
) -> Result<HttpResponse, AppError> {
    let password = CurrentPassword::parse("password", input.password)?;
    accounts
        .disable_totp(&principal, &password, &client)
        .await?;
    Ok(HttpResponse::NoContent().finish())
}

/// `POST /auth/recovery-codes` `{password}`: 200 `{recoveryCodes}`, the old ones dead.
pub async fn new_recovery_codes(
    SignedIn(principal): SignedIn,
    Json(input): Json<PasswordJson>,
    client: Client,
    accounts: web::Data<Accounts>,
) -> Result<HttpResponse, AppError> {
    let password = CurrentPassword::parse("password", input.password)?;
    let codes = accounts
        .new_recovery_codes(&principal, &password, &client)
        .await?;
    Ok(recovery_codes(codes))
}

fn recovery_codes(codes: Vec<String>) -> HttpResponse {
    HttpResponse::Ok().json(RecoveryCodesBody {
        recovery_codes: codes,
    })
}
