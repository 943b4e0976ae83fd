//! The HTML pages: handlers, and the helpers the form endpoints use to
//! answer a browser with a page instead of JSON.

pub mod home;
pub mod login;
pub mod profile;
pub mod register;
pub mod revoke;

use actix_session::Session;
use actix_web::http::header::{self, ContentType, HeaderValue};
use actix_web::http::StatusCode;
use actix_web::{HttpResponse, ResponseError};
use askama::Template;

use super::form_session::{csrf_token, take_flash};
use crate::error::AppError;
use crate::pages::{
    FieldMessages, ForbiddenPage, Layout, LoginPage, RegisterPage, UnauthorizedPage,
};

/// Renders a page; a template error is a 500, never a panic.
pub fn html(status: StatusCode, page: &impl Template) -> Result<HttpResponse, AppError> {
    let body = page.render().map_err(AppError::unexpected)?;
    Ok(HttpResponse::build(status)
        .insert_header(ContentType::html())
        .body(body))
}

/// A form page shown again for `error`: its status and headers
/// (`Retry-After`, `WWW-Authenticate`), the page as the body.
pub fn error_page(error: &AppError, page: &impl Template) -> Result<HttpResponse, AppError> {
    let mut response = html(error.status_code(), page)?;
    for (name, value) in error.headers() {
        response.headers_mut().insert(name, value);
    }
    Ok(response)
}

/// The sign-in page, with what the user typed (never the password) and
/// what went wrong, if anything.
pub fn login_page(
    session: &Session,
    email: &str,
    next: Option<String>,
    failure: Option<&AppError>,
) -> Result<LoginPage, AppError> {
    let (errors, error) = failure.map(messages).unwrap_or_default();
    Ok(LoginPage {
        layout: Layout::new("Sign in", take_flash(session)),
        csrf: csrf_token(session)?,
        email: email.to_owned(),
        next,
        error,
        errors,
    })
}

/// The sign-up page, likewise.
pub fn register_page(
    session: &Session,
    name: &str,
    email: &str,
    failure: Option<&AppError>,
) -> Result<RegisterPage, AppError> {
    let (errors, error) = failure.map(messages).unwrap_or_default();
    Ok(RegisterPage {
        layout: Layout::new("Create an account", take_flash(session)),
        csrf: csrf_token(session)?,
        name: name.to_owned(),
        email: email.to_owned(),
        error,
        errors,
    })
}

/// 403 for a form without this browser's CSRF token.
pub fn forbidden(back: &str) -> Result<HttpResponse, AppError> {
    html(
        StatusCode::FORBIDDEN,
        &ForbiddenPage {
            layout: Layout::new("Form expired", None),
            back: back.to_owned(),
        },
    )
}

/// 401 for a page that needs a session: the script refreshes and reloads,
/// or the user signs in and comes back to `next`.
pub fn unauthorized(next: &str) -> Result<HttpResponse, AppError> {
    let login_url = format!("/login?next={}", urlencode(next));
    let mut response = html(
        StatusCode::UNAUTHORIZED,
        &UnauthorizedPage {
            layout: Layout::new("Signing you in", None),
            login_url,
        },
    )?;
    response
        .headers_mut()
        .insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
    Ok(response)
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

/// "3 minutes", "40 seconds".
fn readable_wait(wait: std::time::Duration) -> String {
    let seconds = crate::error::retry_after_secs(wait);
    match seconds {
        1 => "1 second".to_owned(),
        s if s < 60 => format!("{s} seconds"),
        s if s < 120 => "1 minute".to_owned(),
        s => format!("{} minutes", s.div_ceil(60)),
    }
}

/// What a form shows for an error: messages by field, and one for the form.
fn messages(error: &AppError) -> (FieldMessages, Option<String>) {
    let mut fields = FieldMessages::default();
    let general = match error {
        AppError::Invalid(errors) => {
            for e in errors {
                fields.push(e.field, e.message.clone());
            }
            None
        }
        AppError::EmailTaken => {
            fields.push("email", "An account with this email already exists.");
            None
        }
        AppError::InvalidCredentials => Some("The email or password is incorrect.".to_owned()),
        AppError::Busy => Some("The server is busy. Please try again in a moment.".to_owned()),
        AppError::TooManyAttempts { retry_after } => Some(format!(
            "Too many failed attempts. For your safety, please wait {} before trying again.",
            readable_wait(*retry_after)
        )),
        AppError::Unexpected(_) => {
            error.log_if_unexpected();
            Some("Something went wrong on our side. Please try again.".to_owned())
        }
        other => Some(other.to_string()),
    };
    (fields, general)
}
