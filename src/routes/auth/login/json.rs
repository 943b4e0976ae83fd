use actix_web::http::StatusCode;
use actix_web::{web, HttpResponse};
use serde::Serialize;

use super::LoginFields;
use crate::auth::{Accounts, LoginStep, SecondStep};
use crate::domain::{Client, Credentials};
use crate::error::AppError;
use crate::routes::cookies::CookiePolicy;
use crate::routes::extract::Json;
use crate::routes::respond::{signed_in, RefreshTransport};

/// `POST /auth/login` with JSON: the sign-in body and both cookies; or, on
/// an account with a second factor, 401 `second_factor_required` with the
/// ticket for `POST /auth/login/second-factor` and no cookie.
pub async fn post(
    Json(input): Json<LoginFields>,
    client: Client,
    accounts: web::Data<Accounts>,
    cookies: web::Data<CookiePolicy>,
) -> Result<HttpResponse, AppError> {
    let credentials = Credentials::parse(&input.email, input.password)?;
    match accounts.login(credentials, &client).await? {
        LoginStep::SignedIn(sign_in) => Ok(signed_in(
            StatusCode::OK,
            &sign_in,
            &cookies,
            RefreshTransport::BodyAndCookie,
        )),
        LoginStep::SecondFactor(step) => Ok(second_factor_required(&step)),
    }
}

#[derive(Serialize)]
struct SecondFactorRequired<'a> {
    error: &'static str,
    message: String,
    ticket: &'a str,
    methods: Vec<&'static str>,
}

/// 401 with the ticket and the methods the account accepts.
fn second_factor_required(step: &SecondStep) -> HttpResponse {
    let error = AppError::SecondFactorRequired;
    let mut response = HttpResponse::Unauthorized();
    for header in error.headers() {
        response.insert_header(header);
    }
    response.json(SecondFactorRequired {
        error: error.code(),
        message: error.to_string(),
        ticket: step.ticket.expose(),
        methods: step.methods.iter().map(|m| m.as_str()).collect(),
    })
}
