use actix_web::http::StatusCode;
use actix_web::{web, HttpResponse};
use serde::Serialize;

use super::RegisterFields;
use crate::auth::{Accounts, Registered};
use crate::domain::Client;
use crate::error::AppError;
use crate::routes::cookies::CookiePolicy;
use crate::routes::extract::Json;
use crate::routes::respond::{signed_in, RefreshTransport};

#[derive(Serialize)]
struct CheckYourMail {
    status: &'static str,
}

/// `POST /auth/register` with JSON: 201, the sign-in body and both cookies;
/// with `--require-verified-email`, 202 `{"status": "check_your_mail"}`
/// whether the email was new or taken.
pub async fn post(
    Json(mut input): Json<RegisterFields>,
    client: Client,
    accounts: web::Data<Accounts>,
    cookies: web::Data<CookiePolicy>,
) -> Result<HttpResponse, AppError> {
    match accounts.register(input.account()?, &client).await? {
        Registered::SignedIn(sign_in) => Ok(signed_in(
            StatusCode::CREATED,
            &sign_in,
            &cookies,
            RefreshTransport::BodyAndCookie,
        )),
        Registered::CheckYourMail => Ok(HttpResponse::Accepted().json(CheckYourMail {
            status: "check_your_mail",
        })),
    }
}
