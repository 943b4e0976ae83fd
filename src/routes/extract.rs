//! Reading the caller's tokens, and `SignedIn`: the extractor for handlers
//! that need a valid access token.

use actix_web::dev::Payload;
use actix_web::http::header;
use actix_web::{web, FromRequest, HttpRequest};
use futures_util::future::LocalBoxFuture;

use super::cookies::{ACCESS_COOKIE, REFRESH_COOKIE};
use crate::auth::{Auth, Principal};
use crate::error::AppError;

/// The access token from `Authorization: Bearer …`, else from the cookie.
pub fn access_token(req: &HttpRequest) -> Option<String> {
    bearer_token(req).or_else(|| cookie(req, ACCESS_COOKIE))
}

/// The refresh token cookie.
pub fn refresh_cookie(req: &HttpRequest) -> Option<String> {
    cookie(req, REFRESH_COOKIE)
}

/// The user agent, for telling sessions apart.
pub fn user_agent(req: &HttpRequest) -> Option<String> {
    req.headers()
        .get(header::USER_AGENT)
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned)
}

fn bearer_token(req: &HttpRequest) -> Option<String> {
    let value = req.headers().get(header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, token) = value.split_once(' ')?;
    scheme
        .eq_ignore_ascii_case("bearer")
        .then(|| token.trim().to_owned())
}

fn cookie(req: &HttpRequest, name: &str) -> Option<String> {
    req.cookie(name)
        .map(|c| c.value().to_owned())
        .filter(|v| !v.is_empty())
}

/// A request with a valid access token of an active session.
pub struct SignedIn(pub Principal);

impl FromRequest for SignedIn {
    type Error = AppError;
    type Future = LocalBoxFuture<'static, Result<Self, AppError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let token = access_token(req);
        let auth = req.app_data::<web::Data<Auth>>().cloned();
        Box::pin(async move {
            let token = token.ok_or(AppError::Unauthenticated { token_sent: false })?;
            let auth = auth.ok_or_else(|| AppError::unexpected("Auth is not registered"))?;
            auth.authenticate(&token).await.map(SignedIn)
        })
    }
}
