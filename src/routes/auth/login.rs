use actix_session::Session;
use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};
use serde::Deserialize;

use crate::auth::{Auth, SignIn};
use crate::domain::{Email, Password};
use crate::error::AppError;
use crate::routes::body::Body;
use crate::routes::cookies::CookiePolicy;
use crate::routes::extract::user_agent;
use crate::routes::form_session::csrf_is_valid;
use crate::routes::pages::{error_page, forbidden, login_page};
use crate::routes::respond::{signed_in, signed_in_redirect, RefreshTransport};

#[derive(Deserialize)]
pub struct LoginInput {
    #[serde(default)]
    email: String,
    #[serde(default)]
    password: String,
    /// Where a form login goes afterwards (a local path only).
    next: Option<String>,
    /// Forms only.
    csrf: Option<String>,
}

/// `POST /auth/login`: JSON gets JSON; a form gets 303 to `next` (or the
/// profile), or the page again with the error and the email kept.
pub async fn post(
    req: HttpRequest,
    body: Body<LoginInput>,
    auth: web::Data<Auth>,
    cookies: web::Data<CookiePolicy>,
    session: Session,
) -> Result<HttpResponse, AppError> {
    let (input, via_form) = body.required()?;
    if !via_form {
        let sign_in = login(&auth, &req, input.email, input.password).await?;
        return Ok(signed_in(
            StatusCode::OK,
            &sign_in,
            &cookies,
            RefreshTransport::BodyAndCookie,
        ));
    }
    if !csrf_is_valid(&session, input.csrf.as_deref()) {
        return forbidden("/login");
    }
    let next = input.next.filter(|p| is_local_path(p));
    let email = input.email.clone();
    match login(&auth, &req, input.email, input.password).await {
        Ok(sign_in) => Ok(signed_in_redirect(
            next.as_deref().unwrap_or("/profile"),
            &sign_in,
            &cookies,
        )),
        Err(error) => error_page(&error, &login_page(&session, &email, next, Some(&error))?),
    }
}

async fn login(
    auth: &Auth,
    req: &HttpRequest,
    email: String,
    password: String,
) -> Result<SignIn, AppError> {
    // The same rules as at sign-up: a password no account can have is a
    // 422 (it reveals nothing about any account), never cut to 72 bytes.
    match (Email::parse(&email), Password::parse(password)) {
        (Ok(email), Ok(password)) => {
            let client = req.peer_addr().map(|a| a.ip());
            auth.login(email, password, user_agent(req), client).await
        }
        (email, password) => Err(AppError::Invalid(
            [email.err(), password.err()]
                .into_iter()
                .flatten()
                .collect(),
        )),
    }
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
