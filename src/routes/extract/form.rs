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
const RESET_TOKEN_KEY: &str = "reset_token";
const CHANGE_TOKEN_KEY: &str = "change_token";
const VERIFY_TOKEN_KEY: &str = "verify_token";
const UNVERIFIED_KEY: &str = "unverified";
/// How long the 403 page of an unverified address may ask for a new link
/// for the account whose right password it refused.
const UNVERIFIED_FOR_MS: i64 = 15 * 60 * 1000;
const NOT_ME_TOKEN_KEY: &str = "not_me_token";
/// Longer is no token of ours; not worth a cookie's room.
const MAX_RESET_TOKEN_CHARS: usize = 64;

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

    /// Keeps a reset link's token for the reset form, out of the address
    /// bar (and so out of history, logs and `Referer`).
    pub fn keep_reset_token(&self, token: &str) -> Result<(), AppError> {
        self.keep_link_token(RESET_TOKEN_KEY, token)
    }

    /// The reset token kept by `keep_reset_token`, if any.
    pub fn reset_token(&self) -> Option<String> {
        self.0.get::<String>(RESET_TOKEN_KEY).ok().flatten()
    }

    pub fn forget_reset_token(&self) {
        self.0.remove(RESET_TOKEN_KEY);
    }

    /// Keeps an address-change link's token, likewise, for the page that
    /// shows its button; taken once by `take_change_token` when pressed.
    pub fn keep_change_token(&self, token: &str) -> Result<(), AppError> {
        self.keep_link_token(CHANGE_TOKEN_KEY, token)
    }

    /// The token kept by `keep_change_token`, left kept.
    pub fn change_token(&self) -> Option<String> {
        self.kept(CHANGE_TOKEN_KEY)
    }

    /// The token kept by `keep_change_token`, forgotten here.
    pub fn take_change_token(&self) -> Option<String> {
        self.take(CHANGE_TOKEN_KEY)
    }

    /// Keeps a verification link's token for `/email/verify`, out of the
    /// address bar (as `keep_reset_token`).
    pub fn keep_verify_token(&self, token: &str) -> Result<(), AppError> {
        self.keep_link_token(VERIFY_TOKEN_KEY, token)
    }

    /// The verification token kept by `keep_verify_token`, left kept.
    pub fn verify_token(&self) -> Option<String> {
        self.kept(VERIFY_TOKEN_KEY)
    }

    /// The verification token kept by `keep_verify_token`, taken once.
    pub fn take_verify_token(&self) -> Option<String> {
        self.take(VERIFY_TOKEN_KEY)
    }

    /// Remembers, for a short while, the account whose right password was
    /// refused for its unverified address: its 403 page may ask for a new
    /// link without a session. Only the user's id (and until when).
    pub fn remember_unverified(&self, user_id: &str) {
        let until = crate::clock::now_ms().saturating_add(UNVERIFIED_FOR_MS);
        // Losing it only hides the resend button's effect; not worth failing for.
        let _ = self.0.insert(UNVERIFIED_KEY, (user_id, until));
    }

    /// The account `remember_unverified` kept, while it holds.
    pub fn unverified(&self) -> Option<String> {
        let (user_id, until) = self.0.get::<(String, i64)>(UNVERIFIED_KEY).ok().flatten()?;
        (crate::clock::now_ms() < until).then_some(user_id)
    }

    /// Keeps a "this wasn't me" link's token, as `keep_reset_token` does.
    pub fn keep_not_me_token(&self, token: &str) -> Result<(), AppError> {
        self.keep_link_token(NOT_ME_TOKEN_KEY, token)
    }

    /// The token kept by `keep_not_me_token`, left kept.
    pub fn not_me_token(&self) -> Option<String> {
        self.kept(NOT_ME_TOKEN_KEY)
    }

    /// The token kept by `keep_not_me_token`, taken once.
    pub fn take_not_me_token(&self) -> Option<String> {
        self.take(NOT_ME_TOKEN_KEY)
    }

    /// A mailed link's token kept under `key`.
    fn kept(&self, key: &str) -> Option<String> {
        self.0.get::<String>(key).ok().flatten()
    }

    /// A mailed link's token kept under `key`, forgotten here.
    fn take(&self, key: &str) -> Option<String> {
        self.0.remove_as::<String>(key).and_then(Result::ok)
    }

    /// A mailed link's token, under `key`; one too long to be ours is
    /// forgotten instead.
    fn keep_link_token(&self, key: &str, token: &str) -> Result<(), AppError> {
        if token.len() > MAX_RESET_TOKEN_CHARS {
            self.0.remove(key);
            return Ok(());
        }
        self.0
            .insert(key, token)
            .map_err(|e| AppError::unexpected(e.to_string()))
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
