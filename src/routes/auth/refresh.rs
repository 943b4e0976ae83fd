use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse, ResponseError};
use serde::Deserialize;

use crate::auth::Auth;
use crate::error::AppError;
use crate::routes::body::Body;
use crate::routes::cookies::CookiePolicy;
use crate::routes::extract::refresh_cookie;
use crate::routes::respond::{clear_cookies, signed_in, RefreshTransport};

#[derive(Deserialize)]
pub struct RefreshInput {
    #[serde(rename = "refreshToken")]
    pub refresh_token: Option<String>,
}

/// `POST /auth/refresh`: the token from the JSON body `{refreshToken}` (and
/// the new one back in the body), else from the cookie (and back in it).
pub async fn post(
    req: HttpRequest,
    body: Result<Body<RefreshInput>, AppError>,
    auth: web::Data<Auth>,
    cookies: web::Data<CookiePolicy>,
) -> Result<HttpResponse, AppError> {
    let body = match body {
        Ok(body) => body,
        Err(error) => return Ok(failed(error, &cookies)),
    };
    let from_body = body.json().and_then(|input| input.refresh_token);
    let transport = if from_body.is_some() {
        RefreshTransport::Body
    } else {
        RefreshTransport::Cookie
    };
    let result = match from_body.or_else(|| refresh_cookie(&req)) {
        Some(token) => auth.refresh(&token).await,
        None => Err(AppError::InvalidRefreshToken),
    };
    match result {
        Ok(sign_in) => Ok(signed_in(StatusCode::OK, &sign_in, &cookies, transport)),
        Err(error) => Ok(failed(error, &cookies)),
    }
}

/// A failed refresh: the error, and both cookies cleared when the request
/// was at fault (4xx). A server fault (5xx) leaves them: it signs no one out.
fn failed(error: AppError, cookies: &CookiePolicy) -> HttpResponse {
    let mut response = error.error_response();
    if response.status().is_client_error() {
        clear_cookies(&mut response, cookies);
    }
    response
}
