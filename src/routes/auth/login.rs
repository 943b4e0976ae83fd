use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};
use serde::Deserialize;

use crate::auth::Auth;
use crate::domain::{Email, FieldError};
use crate::error::AppError;
use crate::routes::body::Body;
use crate::routes::cookies::CookiePolicy;
use crate::routes::extract::user_agent;
use crate::routes::respond::{signed_in, signed_in_redirect, RefreshTransport};

#[derive(Deserialize)]
pub struct LoginInput {
    #[serde(default)]
    email: String,
    #[serde(default)]
    password: String,
    /// Where a form login goes afterwards (a local path only).
    next: Option<String>,
}

/// `POST /auth/login`
pub async fn post(
    req: HttpRequest,
    body: Body<LoginInput>,
    auth: web::Data<Auth>,
    cookies: web::Data<CookiePolicy>,
) -> Result<HttpResponse, AppError> {
    let (input, via_form) = body.required()?;
    let email = Email::parse(&input.email);
    if email.is_err() || input.password.is_empty() {
        let password = input.password.is_empty().then(|| FieldError {
            field: "password",
            code: "invalid_password",
            message: "Password is required.".into(),
        });
        return Err(AppError::Invalid(
            email.err().into_iter().chain(password).collect(),
        ));
    }
    let email = email?;
    let sign_in = auth.login(email, input.password, user_agent(&req)).await?;
    Ok(if via_form {
        let next = input
            .next
            .as_deref()
            .filter(|p| is_local_path(p))
            .unwrap_or("/profile");
        signed_in_redirect(next, &sign_in, &cookies)
    } else {
        signed_in(
            StatusCode::OK,
            &sign_in,
            &cookies,
            RefreshTransport::BodyAndCookie,
        )
    })
}

/// A path on this site: `/…`, but not `//host` or `/\host`, which browsers
/// treat as another site.
pub fn is_local_path(path: &str) -> bool {
    path.starts_with('/')
        && !path.starts_with("//")
        && !path.starts_with("/\\")
        && !path.chars().any(|c| c.is_control())
}

#[cfg(test)]
mod tests {
    use super::is_local_path;

    #[test]
    fn only_local_paths_are_followed() {
        assert!(is_local_path("/profile"));
        assert!(is_local_path("/a?b=c"));
        for path in [
            "",
            "profile",
            "//evil.example",
            "/\\evil.example",
            "https://evil.example",
            "/\nx",
        ] {
            assert!(!is_local_path(path), "{path:?}");
        }
    }
}
