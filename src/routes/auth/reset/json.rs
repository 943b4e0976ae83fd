use actix_web::{web, HttpResponse};

use super::ResetJson;
use crate::auth::PasswordResets;
use crate::domain::Client;
use crate::error::AppError;
use crate::routes::cookies::CookiePolicy;
use crate::routes::extract::Json;
use crate::routes::respond::signed_out;

/// `POST /auth/password/reset` with JSON: 204; every session has ended, so
/// this browser's token cookies are cleared too.
pub async fn post(
    Json(input): Json<ResetJson>,
    client: Client,
    resets: web::Data<PasswordResets>,
    cookies: web::Data<CookiePolicy>,
) -> Result<HttpResponse, AppError> {
    super::reset(&resets, &input.token, input.password, &client).await?;
    Ok(signed_out(HttpResponse::NoContent().finish(), &cookies))
}
