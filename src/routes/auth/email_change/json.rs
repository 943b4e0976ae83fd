use actix_web::{web, HttpResponse};
use serde::Serialize;

use super::EmailJson;
use crate::auth::{Accounts, Addresses};
use crate::domain::{Client, EmailChange};
use crate::error::AppError;
use crate::routes::extract::{Json, SignedIn};

#[derive(Serialize)]
struct Accepted {
    status: &'static str,
}

/// `POST /auth/email` with JSON: 202; the link is on its way to the new
/// address (whether or not another account has it).
pub async fn post(
    SignedIn(principal): SignedIn,
    Json(input): Json<EmailJson>,
    client: Client,
    accounts: web::Data<Accounts>,
    addresses: web::Data<Addresses>,
) -> Result<HttpResponse, AppError> {
    let change = EmailChange::parse(input.password, &input.new_email, &principal.user.email)?;
    addresses
        .change(&accounts, &principal, change, &client)
        .await?;
    Ok(HttpResponse::Accepted().json(Accepted {
        status: "check_your_mail",
    }))
}
