//! Refuses state-changing requests from other sites (403), whatever the
//! route: an `Origin` that is not this server's, or `Sec-Fetch-Site: cross-site`.
//! But for OAuth's endpoints that apps call from their own origin: they
//! read no cookie, only the client's credentials or a bearer token in the
//! request itself, so another site can forge nothing through them.

use actix_web::body::MessageBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::header::{self, HeaderMap};
use actix_web::http::{Method, Uri};
use actix_web::middleware::Next;
use actix_web::ResponseError;

use crate::error::AppError;

pub async fn refuse_cross_site(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    let changes_state = !matches!(*req.method(), Method::GET | Method::HEAD | Method::OPTIONS);
    if changes_state && !called_by_apps(req.path()) && is_cross_site(req.headers()) {
        let response = AppError::CrossSite.error_response();
        return Ok(req.into_response(response).map_into_right_body());
    }
    next.call(req)
        .await
        .map(ServiceResponse::map_into_left_body)
}

/// The endpoints an app calls, server to server or from its own page.
const CALLED_BY_APPS: [&str; 4] = [
    "/oauth/token",
    "/oauth/revoke",
    "/oauth/introspect",
    "/oauth/userinfo",
];

fn called_by_apps(path: &str) -> bool {
    CALLED_BY_APPS.contains(&path)
}

fn is_cross_site(headers: &HeaderMap) -> bool {
    let fetch_site = headers.get("sec-fetch-site").and_then(|v| v.to_str().ok());
    if fetch_site.is_some_and(|site| site.eq_ignore_ascii_case("cross-site")) {
        return true;
    }
    match headers.get(header::ORIGIN) {
        None => false,
        Some(origin) => {
            let host = headers.get(header::HOST).and_then(|v| v.to_str().ok());
            let origin_authority = origin
                .to_str()
                .ok()
                .and_then(|o| o.parse::<Uri>().ok())
                .and_then(|uri| uri.authority().map(|a| a.as_str().to_owned()));
            // `Origin: null` and anything unparsable count as foreign.
            match (origin_authority, host) {
                (Some(origin), Some(host)) => !origin.eq_ignore_ascii_case(host),
                _ => true,
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use actix_web::http::header::HeaderValue;

    fn headers(pairs: &[(&'static str, &'static str)]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for (name, value) in pairs {
            map.insert(
                header::HeaderName::from_static(name),
                HeaderValue::from_static(value),
            );
        }
        map
    }

    #[test]
    fn same_origin_and_no_origin_pass() {
        assert!(!is_cross_site(&headers(&[("host", "127.0.0.1:8080")])));
        assert!(!is_cross_site(&headers(&[
            ("host", "127.0.0.1:8080"),
            ("origin", "http://127.0.0.1:8080")
        ])));
        assert!(!is_cross_site(&headers(&[
            ("host", "Example.com"),
            ("origin", "https://example.com"),
            ("sec-fetch-site", "same-origin")
        ])));
    }

    #[test]
    fn only_the_endpoints_apps_call_are_exempt() {
        assert!(called_by_apps("/oauth/token"));
        assert!(called_by_apps("/oauth/introspect"));
        assert!(!called_by_apps("/oauth/authorize"));
        assert!(!called_by_apps("/oauth/token/"));
        assert!(!called_by_apps("/auth/login"));
    }

    #[test]
    fn foreign_null_and_cross_site_are_refused() {
        assert!(is_cross_site(&headers(&[
            ("host", "127.0.0.1:8080"),
            ("origin", "http://evil.example")
        ])));
        assert!(is_cross_site(&headers(&[
            ("host", "127.0.0.1:8080"),
            ("origin", "http://127.0.0.1:9090")
        ])));
        assert!(is_cross_site(&headers(&[
            ("host", "127.0.0.1:8080"),
            ("origin", "null")
        ])));
        assert!(is_cross_site(&headers(&[
            ("host", "127.0.0.1:8080"),
            ("sec-fetch-site", "cross-site")
        ])));
    }
}
