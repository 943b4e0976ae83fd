//! The tokens a request presents: the access token (`Authorization: Bearer`,
//! else its cookie) and the refresh token (a JSON body's `refreshToken`,
//! else its cookie). Handlers never read a token cookie themselves.

use actix_web::dev::Payload;
use actix_web::http::header;
use actix_web::{FromRequest, HttpRequest};
use std::future::{ready, Ready};

use crate::routes::cookies::{ACCESS_COOKIE, REFRESH_COOKIE};

pub struct PresentedTokens {
    access: Option<String>,
    refresh_cookie: Option<String>,
    refresh_body: Option<String>,
}

impl PresentedTokens {
    /// Adds the refresh token a JSON body carried, if any.
    pub fn with_body(mut self, refresh_token: Option<String>) -> Self {
        self.refresh_body = refresh_token;
        self
    }

    pub fn access(&self) -> Option<&str> {
        self.access.as_deref()
    }

    /// The refresh token to use: the body's, else the cookie's.
    pub fn refresh(&self) -> Option<&str> {
        self.refresh_body
            .as_deref()
            .or(self.refresh_cookie.as_deref())
    }

    /// Whether `refresh` came in the body (then the answer goes back there).
    pub fn refresh_in_body(&self) -> bool {
        self.refresh_body.is_some()
    }

    /// Every refresh token presented, the body's and the cookie's: a logout
    /// ends the sessions of both when they differ.
    pub fn every_refresh(&self) -> Vec<String> {
        self.refresh_body
            .iter()
            .chain(&self.refresh_cookie)
            .cloned()
            .collect()
    }
}

impl FromRequest for PresentedTokens {
    type Error = actix_web::Error;
    type Future = Ready<Result<Self, Self::Error>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        ready(Ok(PresentedTokens {
            access: access_token(req),
            refresh_cookie: cookie(req, REFRESH_COOKIE),
            refresh_body: None,
        }))
    }
}

/// The access token from `Authorization: Bearer …`, else from the cookie.
pub(super) fn access_token(req: &HttpRequest) -> Option<String> {
    bearer_token(req).or_else(|| cookie(req, ACCESS_COOKIE))
}

pub fn bearer_token(req: &HttpRequest) -> Option<String> {
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
