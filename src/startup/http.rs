//! What wraps every answer: the security headers, the access log, and the
//! pages' session cookie.

use actix_session::storage::CookieSessionStore;
use actix_session::SessionMiddleware;
use actix_web::body::MessageBody;
use actix_web::cookie::{Key, SameSite};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::header::{self, HeaderValue};
use actix_web::middleware::{DefaultHeaders, Logger, Next};

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

/// `Content-Security-Policy` on every answer that has none of its own.
pub async fn content_security_policy(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    let policy = if may_lead_to_an_app(req.path()) {
        POLICY_LEADING_TO_APPS
    } else {
        POLICY
    };
    let mut response = next.call(req).await?;
    let headers = response.headers_mut();
    if !headers.contains_key(header::CONTENT_SECURITY_POLICY) {
        headers.insert(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static(policy),
        );
    }
    Ok(response)
}

/// Every answer: not cached unless it says otherwise (the static files do),
/// no sniffing, no framing, no referrer to others (and the policy above).
pub fn security_headers() -> DefaultHeaders {
    DefaultHeaders::new()
        .add((header::CACHE_CONTROL, HeaderValue::from_static("no-store")))
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
