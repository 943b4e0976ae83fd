use actix_web::http::StatusCode;
use actix_web::{web, HttpResponse};
use serde::Deserialize;

use crate::auth::factors::Proof;
use crate::auth::Accounts;
use crate::domain::Client;
use crate::error::AppError;
use crate::routes::cookies::CookiePolicy;
use crate::routes::extract::Json;
use crate::routes::respond::{signed_in, RefreshTransport};

#[derive(Deserialize)]
pub struct SecondStepJson {
    #[serde(default)]
    ticket: String,
    #[serde(default)]
    code: String,
}

/// `POST /auth/login/second-factor` `{ticket, code}`: the sign-in body and
/// cookies, as a login.
pub async fn post(
    Json(input): Json<SecondStepJson>,
    client: Client,
    accounts: web::Data<Accounts>,
    cookies: web::Data<CookiePolicy>,
) -> Result<HttpResponse, AppError> {
    let sign_in = accounts
        .second_step(&input.ticket, Proof::Code(input.code), &client)
        .await?;
    Ok(signed_in(
        StatusCode::OK,
        &sign_in,
        &cookies,
        RefreshTransport::BodyAndCookie,
    ))
}
