//! HTML answers: a rendered page, the 401 page of a page that needs a
//! session (and of a page behind a proxy, forward auth), and the 403 page of
//! a form without its CSRF token.

use actix_web::http::header::{self, ContentType, HeaderValue};
use actix_web::http::StatusCode;
use actix_web::{HttpResponse, ResponseError};
use askama::Template;

use crate::domain::LocalPath;
use crate::error::AppError;
use crate::pages::{AdminRequiredPage, ForbiddenPage, Layout, MfaRequiredPage, UnauthorizedPage};

/// Every answer's policy (`startup::http` sends it unless the answer has its own).
pub const CONTENT_SECURITY_POLICY: &str =
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; \
     connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

/// The policy of a page whose form's answer redirects to `source` (a CSP
/// source: an origin or `scheme:`): browsers hold a form's redirects to
/// `form-action` too, so the OAuth consent page names the app's address.
pub fn policy_with_form_action(source: &str) -> String {
    CONTENT_SECURITY_POLICY.replace(
        "form-action 'self'",
        &format!("form-action 'self' {source}"),
    )
}

/// Renders a page; a template error is a 500, never a panic.
pub fn render(status: StatusCode, page: &impl Template) -> Result<HttpResponse, AppError> {
    let body = page.render().map_err(AppError::unexpected)?;
    Ok(self::page(status, body))
}

/// A page already rendered.
pub fn page(status: StatusCode, html: String) -> HttpResponse {
    HttpResponse::build(status)
        .insert_header(ContentType::html())
        .body(html)
}

/// 403 for a form without this browser's CSRF token.
pub fn forbidden(back: &str) -> HttpResponse {
    let page = ForbiddenPage {
        layout: Layout::new("Form expired", None),
        back: back.to_owned(),
    };
    render(StatusCode::FORBIDDEN, &page).unwrap_or_else(|error| error.error_response())
}

/// 403 for a signed-in user without the `admin` role, on `/admin` pages.
pub fn admin_required() -> Result<HttpResponse, AppError> {
    let page = AdminRequiredPage {
        layout: Layout::new("Administrators only", None),
    };
    render(StatusCode::FORBIDDEN, &page)
}

/// 401 for a page that needs a session: the script refreshes and reloads,
/// or the user signs in and comes back to `next`.
pub fn unauthorized(next: &str) -> Result<HttpResponse, AppError> {
    unauthorized_page(UnauthorizedPage {
        layout: Layout::new("Signing you in", None),
        login_url: login_url(Some(next)),
        forward_next: None,
    })
}

/// 401 in place of a page behind a reverse proxy (`/auth/required`): the
/// script takes the page to come back to from the browser's address, or from
/// `next` when the browser is on `/auth/required` itself. Without script, the
/// user signs in and comes back to `next`, if given.
pub fn required(next: Option<&LocalPath>) -> Result<HttpResponse, AppError> {
    let next = next.map(LocalPath::as_str);
    unauthorized_page(UnauthorizedPage {
        layout: Layout::new("Signing you in", None),
        login_url: login_url(next),
        forward_next: Some(next.unwrap_or("/").to_owned()),
    })
}

/// `GET /auth/required?mfa=1[&next=/path]`: the page a proxy shows where
/// `/auth/verify?mfa=1` refused: a session whose sign-in used no second
/// factor, or an expired access token. The script refreshes once and
/// reloads; if refused again the page stays (a refresh keeps what the
/// sign-in proved), with a link to sign in again, with a second factor.
pub fn second_factor_required(next: Option<&LocalPath>) -> Result<HttpResponse, AppError> {
    let page = MfaRequiredPage {
        layout: Layout::new("Second factor needed", None),
        login_url: login_url(next.map(LocalPath::as_str)),
        forward_next: next.map_or("/", LocalPath::as_str).to_owned(),
    };
    let mut response = render(StatusCode::UNAUTHORIZED, &page)?;
    response.headers_mut().insert(
        header::WWW_AUTHENTICATE,
        HeaderValue::from_static(r#"Bearer error="insufficient_user_authentication""#),
    );
    Ok(response)
}

fn unauthorized_page(page: UnauthorizedPage) -> Result<HttpResponse, AppError> {
    let mut response = render(StatusCode::UNAUTHORIZED, &page)?;
    response
        .headers_mut()
        .insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
    Ok(response)
}

/// `/login?next=…`, or `/login`.
pub fn login_url(next: Option<&str>) -> String {
    match next {
        Some(next) => format!("/login?next={}", urlencode(next)),
        None => "/login".to_owned(),
    }
}

/// Percent-encodes a path for a query value, keeping `/` readable
/// (`/login?next=/profile`).
fn urlencode(text: &str) -> String {
    const QUERY_VALUE: &percent_encoding::AsciiSet = &percent_encoding::NON_ALPHANUMERIC
        .remove(b'/')
        .remove(b'-')
        .remove(b'_')
        .remove(b'.')
        .remove(b'~');
    percent_encoding::utf8_percent_encode(text, QUERY_VALUE).to_string()
}
