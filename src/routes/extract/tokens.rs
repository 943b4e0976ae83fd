//! The tokens a request presents: the access token (`Authorization: Bearer`,
//! else its cookie) and the refresh token (a JSON body's `refreshToken`,
//! else its cookie). Handlers never read a token cookie themselves.

use actix_web::dev::Payload;
use actix_web::http::header::{self, HeaderValue};
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
    bearer(req).map(str::to_owned)
}

/// The token of `Authorization: Bearer …`, borrowed from the request.
pub(super) fn bearer(req: &HttpRequest) -> Option<&str> {
    let value = ascii(req.headers().get(header::AUTHORIZATION)?)?;
    let (scheme, token) = value.split_once(' ')?;
    scheme.eq_ignore_ascii_case("bearer").then(|| token.trim())
}

/// The value as text when it is all ASCII, as `HeaderValue::to_str` gives
/// it: a parsed header holds no control character but a tab, so only bytes
/// past ASCII are refused. Checked a word at a time (`to_str` goes byte by
/// byte, a tenth of a `me` request's time for a token's 700 bytes).
fn ascii(value: &HeaderValue) -> Option<&str> {
    let bytes = value.as_bytes();
    if bytes.is_ascii() {
        std::str::from_utf8(bytes).ok()
    } else {
        None
    }
}

fn cookie(req: &HttpRequest, name: &str) -> Option<String> {
    req.cookie(name)
        .map(|c| c.value().to_owned())
        .filter(|v| !v.is_empty())
}
