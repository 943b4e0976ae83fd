use actix_web::http::StatusCode;
use actix_web::{web, HttpResponse, ResponseError};
use serde::Deserialize;

use crate::auth::Sessions;
use crate::error::AppError;
use crate::routes::cookies::CookiePolicy;
use crate::routes::extract::{OptionalJson, PresentedTokens};
use crate::routes::respond::{signed_in, signed_out, RefreshTransport};

#[derive(Deserialize)]
pub struct RefreshJson {
    #[serde(rename = "refreshToken")]
    pub refresh_token: Option<String>,
}

/// `POST /auth/refresh`: the token from the JSON body `{refreshToken}` (and
/// the new one back in the body), else from the cookie (and back in it).
pub async fn post(
    body: Result<OptionalJson<RefreshJson>, AppError>,
    tokens: PresentedTokens,
    sessions: web::Data<Sessions>,
    cookies: web::Data<CookiePolicy>,
) -> HttpResponse {
    let OptionalJson(input) = match body {
        Ok(body) => body,
        Err(error) => return failed(error, &cookies),
    };
    let tokens = tokens.with_body(input.and_then(|input| input.refresh_token));
    let transport = if tokens.refresh_in_body() {
        RefreshTransport::Body
    } else {
        RefreshTransport::Cookie
    };
    let result = match tokens.refresh() {
        Some(token) => sessions.refresh(token).await,
        None => Err(AppError::InvalidRefreshToken),
    };
    match result {
        Ok(sign_in) => signed_in(StatusCode::OK, &sign_in, &cookies, transport),
        Err(error) => failed(error, &cookies),
    }
}

/// A failed refresh: the error, and both cookies cleared when the request
/// was at fault (4xx). A server fault (5xx) leaves them: it signs no one out.
fn failed(error: AppError, cookies: &CookiePolicy) -> HttpResponse {
    let response = error.error_response();
    if response.status().is_client_error() {
        signed_out(response, cookies)
    } else {
        response
    }
}
