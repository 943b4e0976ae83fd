//! The body of a request to the token, revocation or introspection
//! endpoint: a form (`application/x-www-form-urlencoded`, RFC 6749 3.2),
//! never JSON; anything else, or a form that does not parse (a parameter
//! given twice among them), is `invalid_request` as OAuth's JSON error.

use actix_web::dev::Payload;
use actix_web::{FromRequest, HttpRequest};
use futures_util::future::LocalBoxFuture;
use serde::de::DeserializeOwned;

use crate::error::{AppError, OAuthCode, OAuthError};
use crate::routes::extract::body::{self, Kind};

pub struct OAuthForm<T>(pub T);

impl<T: DeserializeOwned + 'static> FromRequest for OAuthForm<T> {
    type Error = OAuthError;
    type Future = LocalBoxFuture<'static, Result<Self, OAuthError>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let read = body::read(req, payload);
        Box::pin(async move {
            let invalid = |description| OAuthError::new(OAuthCode::InvalidRequest, description);
            let (kind, bytes) = read.await.map_err(|e| match e {
                AppError::PayloadTooLarge => invalid("The body is too large."),
                _ => invalid("The body could not be read."),
            })?;
            if kind != Kind::Form {
                return Err(invalid(
                    "The body must be application/x-www-form-urlencoded.",
                ));
            }
            body::parse_form(&bytes)
                .map(OAuthForm)
                .map_err(|_| invalid("The form could not be read, or repeats a parameter."))
        })
    }
}
