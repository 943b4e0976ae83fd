//! What wraps every answer: the security headers, the access log, and the
//! pages' session cookie.

use actix_session::storage::CookieSessionStore;
use actix_session::SessionMiddleware;
use actix_web::cookie::{Key, SameSite};
use actix_web::http::header::{self, HeaderValue};
use actix_web::middleware::{DefaultHeaders, Logger};

use crate::config::secrets_file::Keys;
use crate::routes::CONTENT_SECURITY_POLICY;

/// Every answer: not cached unless it says otherwise (the static files do),
/// no inline script or style, no sniffing, no framing, no referrer to others.
pub fn security_headers() -> DefaultHeaders {
    DefaultHeaders::new()
        .add((header::CACHE_CONTROL, HeaderValue::from_static("no-store")))
        .add((
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static(CONTENT_SECURITY_POLICY),
        ))
        .add((
            header::X_CONTENT_TYPE_OPTIONS,
            HeaderValue::from_static("nosniff"),
        ))
        .add((
            header::REFERRER_POLICY,
            HeaderValue::from_static("same-origin"),
        ))
        .add((header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY")))
}

/// The pages' session cookie `sesame_forms` (CSRF token, flash messages),
/// encrypted with a key derived from the persisted refresh key, so it
/// survives restarts too, yet is a key of its own.
#[derive(Clone)]
pub struct FormSessions {
    key: Key,
    secure: bool,
}

impl FormSessions {
    pub fn new(keys: &Keys, secure: bool) -> Self {
        use hmac::{Hmac, Mac};
        // HMAC takes keys of any length.
        let mut mac = Hmac::<sha2::Sha512>::new_from_slice(keys.refresh.expose())
            .expect("HMAC accepts any key length");
        mac.update(b"sesame form session cookie key v1");
        FormSessions {
            key: Key::from(&mac.finalize().into_bytes()),
            secure,
        }
    }

    pub fn middleware(&self) -> SessionMiddleware<CookieSessionStore> {
        SessionMiddleware::builder(CookieSessionStore::default(), self.key.clone())
            .cookie_name("sesame_forms".into())
            .cookie_secure(self.secure)
            .cookie_same_site(SameSite::Lax)
            .cookie_http_only(true)
            .build()
    }
}

/// One line per request: client, method, path (never the query string,
/// nor any header that could carry a token), status, size, time.
pub fn access_log() -> Logger {
    Logger::new(r#"%a "%{method}xi %U" %s %b %Dms"#)
        .custom_request_replace("method", |req| req.method().to_string())
}
