use actix_web::{web, HttpResponse};

use super::PasswordJson;
use crate::auth::Accounts;
use crate::domain::{Client, PasswordChange};
use crate::error::AppError;
use crate::routes::extract::{Json, SignedIn};

/// `POST /auth/password` with JSON: 204.
pub async fn post(
    SignedIn(principal): SignedIn,
    Json(input): Json<PasswordJson>,
    client: Client,
    accounts: web::Data<Accounts>,
) -> Result<HttpResponse, AppError> {
    let change = PasswordChange::parse(input.current_password, input.new_password)?;
    accounts
        .change_password(&principal, change, &client)
        .await?;
    Ok(HttpResponse::NoContent().finish())
}
