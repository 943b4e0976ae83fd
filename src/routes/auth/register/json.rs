use actix_web::http::StatusCode;
use actix_web::{web, HttpResponse};

use super::RegisterFields;
use crate::auth::Accounts;
use crate::domain::Client;
use crate::error::AppError;
use crate::routes::cookies::CookiePolicy;
use crate::routes::extract::Json;
use crate::routes::respond::{signed_in, RefreshTransport};

/// `POST /auth/register` with JSON: 201, the sign-in body and both cookies.
pub async fn post(
    Json(mut input): Json<RegisterFields>,
    client: Client,
    accounts: web::Data<Accounts>,
    cookies: web::Data<CookiePolicy>,
) -> Result<HttpResponse, AppError> {
    let sign_in = accounts.register(input.account()?, &client).await?;
    Ok(signed_in(
        StatusCode::CREATED,
        &sign_in,
        &cookies,
        RefreshTransport::BodyAndCookie,
    ))
}
