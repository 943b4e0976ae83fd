//! Forms from the pages. `FormSession` is the browser-side state of the
//! pages, kept by actix-session in an encrypted cookie: the CSRF token of
//! every form and one-time flash messages. `CsrfForm<T>` reads a form and
//! lets it through only with this browser's CSRF token, so no handler
//! compares tokens itself.

use actix_session::{Session, SessionExt};
use actix_web::dev::Payload;
use actix_web::{FromRequest, HttpRequest};
use base64::engine::general_purpose::URL_SAFE_NO_PAD as BASE64URL;
use base64::Engine;
use futures_util::future::LocalBoxFuture;
use serde::de::DeserializeOwned;
use serde::Deserialize;
use std::future::{ready, Ready};
use subtle::ConstantTimeEq;

use super::body::{self, Kind};
use crate::error::AppError;
use crate::pages::FormContext;
use crate::routes::form_error::FormError;

const CSRF_KEY: &str = "csrf";
const FLASH_KEY: &str = "flash";

mod link_tokens;
mod passkey_ceremony;
mod pending_totp;
mod sign_in_ticket;
mod sign_in_trip;

pub use sign_in_ticket::KeptTicket;

/// The pages' state in this browser.
pub struct FormSession(Session);

impl FormSession {
    /// This browser's CSRF token (made on first use) and the message left
    /// by the previous request, taken once.
    pub fn context(&self) -> Result<FormContext, AppError> {
        Ok(FormContext {
            flash: self.0.remove_as::<String>(FLASH_KEY).and_then(Result::ok),
            csrf: self.csrf_token()?,
        })
    }

    /// A message for the next page shown.
    pub fn flash(&self, message: &str) {
        // Losing a flash message is harmless; failing the request for it is not.
        let _ = self.0.insert(FLASH_KEY, message);
    }

    fn csrf_token(&self) -> Result<String, AppError> {
        if let Ok(Some(token)) = self.0.get::<String>(CSRF_KEY) {
            return Ok(token);
        }
        let mut bytes = [0u8; 32];
        getrandom::fill(&mut bytes).map_err(|e| AppError::unexpected(e.to_string()))?;
        let token = BASE64URL.encode(bytes);
        self.0
            .insert(CSRF_KEY, &token)
            .map_err(|e| AppError::unexpected(e.to_string()))?;
        Ok(token)
    }

    /// Whether a form carried this browser's CSRF token.
    fn issued(&self, presented: Option<&str>) -> bool {
        match (self.0.get::<String>(CSRF_KEY), presented) {
            (Ok(Some(expected)), Some(presented)) => {
                bool::from(expected.as_bytes().ct_eq(presented.as_bytes()))
            }
            _ => false,
        }
    }
}

impl FromRequest for FormSession {
    type Error = actix_web::Error;
    type Future = Ready<Result<Self, Self::Error>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        ready(Ok(FormSession(req.get_session())))
    }
}

/// The fields of a form on one of the pages.
pub trait FormFields: DeserializeOwned + 'static {
    /// The page the form is on: a refused form's 403 page leads back there.
    const PAGE: &'static str;
}

/// A button on the profile page (sign out, sign out everywhere, revoke): a
/// form with no field but its CSRF token.
#[derive(Deserialize)]
pub struct ProfileButton {}

impl FormFields for ProfileButton {
    const PAGE: &'static str = "/profile";
}

/// A form that carried this browser's CSRF token, and its fields.
pub struct CsrfForm<T>(pub T);

/// The `csrf` field of a form, decoded leniently (a token is plain ASCII;
/// anything undecodable in it simply makes it not match).
fn csrf_of(bytes: &[u8]) -> Option<String> {
    form_urlencoded::parse(bytes)
        .find(|(name, _)| name == "csrf")
        .map(|(_, value)| value.into_owned())
}

/// A body that is a JSON object or array, not form pairs (a form's first
/// byte is a name's, never `{` or `[`).
fn looks_like_json(bytes: &[u8]) -> bool {
    bytes
        .iter()
        .find(|b| !b.is_ascii_whitespace())
        .is_some_and(|b| matches!(b, b'{' | b'['))
}

impl<T: FormFields> FromRequest for CsrfForm<T> {
    type Error = FormError;
    type Future = LocalBoxFuture<'static, Result<Self, FormError>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let session = FormSession(req.get_session());
        let body = body::read(req, payload);
        let is_form = Kind::of_request(req) == Kind::Form;
        Box::pin(async move {
            if !is_form {
                return Err(AppError::UnsupportedMediaType.into());
            }
            let forbidden = FormError::Forbidden { back: T::PAGE };
            // Too large is said as such, token or not: the size is known
            // before the token can be. Any other body that cannot be read
            // cannot show a valid token.
            let bytes = match body.await {
                Ok((_, bytes)) => bytes,
                Err(AppError::PayloadTooLarge) => return Err(AppError::PayloadTooLarge.into()),
                Err(_) => return Err(forbidden),
            };
            // JSON sent as a form (curl's -d without -H) is no form from
            // the pages: say what to send, not "this form has expired".
            if looks_like_json(&bytes) {
                return Err(AppError::UnsupportedMediaType.into());
            }
            // The token first, from the raw pairs: a body that is otherwise
            // broken is still refused 403 without a valid one.
            if !session.issued(csrf_of(&bytes).as_deref()) {
                return Err(forbidden);
            }
            Ok(CsrfForm(body::parse_form::<T>(&bytes)?))
        })
    }
}
