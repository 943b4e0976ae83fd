use actix_web::http::StatusCode;
use actix_web::{web, HttpResponse};

use super::LoginFields;
use crate::auth::Accounts;
use crate::domain::{Client, Credentials};
use crate::error::AppError;
use crate::routes::cookies::CookiePolicy;
use crate::routes::extract::Json;
use crate::routes::respond::{signed_in, RefreshTransport};

/// `POST /auth/login` with JSON: the sign-in body and both cookies.
pub async fn post(
    Json(input): Json<LoginFields>,
    client: Client,
    accounts: web::Data<Accounts>,
    cookies: web::Data<CookiePolicy>,
) -> Result<HttpResponse, AppError> {
    let credentials = Credentials::parse(&input.email, input.password)?;
    let sign_in = accounts.login(credentials, &client).await?;
    Ok(signed_in(
        StatusCode::OK,
        &sign_in,
        &cookies,
        RefreshTransport::BodyAndCookie,
    ))
}
