use actix_web::{web, HttpResponse};
use serde::Serialize;

use super::ConfirmJson;
use crate::auth::{Addresses, OpenedChange};
use crate::error::AppError;
use crate::routes::extract::Json;

#[derive(Serialize)]
struct Changed {
    email: String,
}

/// `POST /auth/email/change` `{token}`: 200 with the account's new
/// address; 409 `email_taken` when another account has it now (the link
/// is used up); 400 `invalid_change_token`.
pub async fn post(
    Json(input): Json<ConfirmJson>,
    addresses: web::Data<Addresses>,
) -> Result<HttpResponse, AppError> {
    match addresses.open_change_link(&input.token).await? {
        OpenedChange::Changed(email) => Ok(HttpResponse::Ok().json(Changed { email })),
        OpenedChange::Taken => Err(AppError::EmailTaken),
    }
}
