//! What wraps every answer: the security headers, the access log, and the
//! pages' session cookie.

use actix_session::storage::CookieSessionStore;
use actix_session::SessionMiddleware;
use std::future::{ready, Ready};

use actix_web::cookie::{Key, SameSite};
use actix_web::dev::{forward_ready, Service, ServiceRequest, ServiceResponse, Transform};
use actix_web::http::header::{self, HeaderName, HeaderValue};
use actix_web::middleware::Logger;
use futures_util::future::{MapOk, TryFutureExt};

use crate::config::secrets_file::Keys;
use crate::routes::CONTENT_SECURITY_POLICY;

/// The pages' policy (`routes::CONTENT_SECURITY_POLICY`): no inline script
/// or style, nothing from elsewhere, forms sent to sesame alone, never framed.
const POLICY: &str = CONTENT_SECURITY_POLICY;

/// The same without `form-action`, for the pages whose forms may end at an
/// app's address: browsers hold every redirect after a form is sent to
/// `form-action`, and an app's sign-in ends with one to the app (sign-in,
/// second step, an app's sign-out; the consent page names the app's origin
/// in a policy of its own). Their forms still post to sesame; only where the
/// answer leads is left open, as any link's is.
const POLICY_LEADING_TO_APPS: &str = "default-src 'none'; script-src 'self'; style-src 'self'; \
     img-src 'self'; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'";

/// The paths whose pages or form answers may lead to an app.
fn may_lead_to_an_app(path: &str) -> bool {
    matches!(
        path,
        "/login"
            | "/login/second-factor"
            | "/auth/login"
            | "/auth/login/second-factor"
            | "/auth/login/second-factor/passkey"
            | "/auth/passkey/login"
            | "/oauth/authorize"
            | "/oauth/logout"
    )
}

/// Every answer's headers: not cached unless it says otherwise (the static
/// files do), no sniffing, no framing, no referrer to others, and the
/// `Content-Security-Policy` of its path; each only where the answer has
/// none of its own. One middleware with no boxed future, where a
/// `DefaultHeaders` and a `from_fn` cost a `me` request twice as much.
pub struct SecurityHeaders;

const EVERY_ANSWER: [(HeaderName, HeaderValue); 4] = [
    (header::CACHE_CONTROL, HeaderValue::from_static("no-store")),
    (
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    ),
    (
        header::REFERRER_POLICY,
        HeaderValue::from_static("same-origin"),
    ),
    (header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY")),
];

impl<S, B> Transform<S, ServiceRequest> for SecurityHeaders
where
    S: Service<ServiceRequest, Response = ServiceResponse<B>, Error = actix_web::Error>,
{
    type Response = ServiceResponse<B>;
    type Error = actix_web::Error;
    type Transform = SecurityHeadersService<S>;
    type InitError = ();
    type Future = Ready<Result<Self::Transform, ()>>;

    fn new_transform(&self, service: S) -> Self::Future {
        ready(Ok(SecurityHeadersService { service }))
    }
}

pub struct SecurityHeadersService<S> {
    service: S,
}

impl<S, B> Service<ServiceRequest> for SecurityHeadersService<S>
where
    S: Service<ServiceRequest, Response = ServiceResponse<B>, Error = actix_web::Error>,
{
    type Response = ServiceResponse<B>;
    type Error = actix_web::Error;
    type Future = MapOk<S::Future, fn(ServiceResponse<B>) -> ServiceResponse<B>>;

    forward_ready!(service);

    fn call(&self, req: ServiceRequest) -> Self::Future {
        self.service.call(req).map_ok(with_security_headers)
    }
}

fn with_security_headers<B>(mut response: ServiceResponse<B>) -> ServiceResponse<B> {
    let policy = if may_lead_to_an_app(response.request().path()) {
        POLICY_LEADING_TO_APPS
    } else {
        POLICY
    };
    let headers = response.headers_mut();
    // `append` where absent is `insert`, without the removed values
    // `insert` hands back.
    for (name, value) in EVERY_ANSWER {
        if !headers.contains_key(&name) {
            headers.append(name, value);
        }
    }
    if !headers.contains_key(header::CONTENT_SECURITY_POLICY) {
        headers.append(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static(policy),
        );
    }
    response
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
