use actix_web::{web, HttpResponse};
use serde::Deserialize;

use crate::auth::{Addresses, LinkToken};
use crate::domain::Client;
use crate::error::AppError;
use crate::routes::extract::Json;

#[derive(Deserialize)]
pub struct VerifyJson {
    #[serde(default)]
    token: String,
}

/// `POST /auth/email/verify {token}`: 204, the address verified; 400
/// `invalid_verify_token` for an unknown, used or expired link.
pub async fn post(
    Json(input): Json<VerifyJson>,
    client: Client,
    addresses: web::Data<Addresses>,
) -> Result<HttpResponse, AppError> {
    let token = LinkToken::presented(&input.token).map_err(|_| AppError::InvalidVerifyToken)?;
    addresses.verify(&token, &client).await?;
    Ok(HttpResponse::NoContent().finish())
}
