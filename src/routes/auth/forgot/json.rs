use actix_web::{web, HttpResponse};
use serde::Serialize;

use super::ForgotFields;
use crate::auth::PasswordResets;
use crate::domain::{Client, Email};
use crate::error::AppError;
use crate::routes::extract::Json;

#[derive(Serialize)]
struct Accepted {
    message: &'static str,
}

/// `POST /auth/password/forgot` with JSON: 202, whoever the email is.
pub async fn post(
    Json(input): Json<ForgotFields>,
    client: Client,
    resets: web::Data<PasswordResets>,
) -> Result<HttpResponse, AppError> {
    let email = Email::parse(&input.email)?;
    resets.request(email, &client).await?;
    Ok(HttpResponse::Accepted().json(Accepted {
        message: "If an account has this email, a link to choose a new password is on its way.",
    }))
}
