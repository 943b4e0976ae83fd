use actix_session::Session;
use actix_web::{web, HttpRequest, HttpResponse};
use serde::Deserialize;

use crate::auth::Auth;
use crate::error::AppError;
use crate::routes::body::Body;
use crate::routes::cookies::CookiePolicy;
use crate::routes::extract::{access_token, refresh_cookie};
use crate::routes::form_session::{csrf_is_valid, set_flash};
use crate::routes::pages::forbidden;
use crate::routes::respond::{clear_cookies, see_other};

/// The body `/auth/logout` and `/auth/logout-all` may have.
#[derive(Deserialize)]
pub struct LogoutInput {
    /// A client that keeps its refresh token itself sends it here.
    #[serde(rename = "refreshToken")]
    pub refresh_token: Option<String>,
    /// Forms only.
    pub csrf: Option<String>,
}

/// `POST /auth/logout`: ends the caller's session, if there is one.
pub async fn post(
    req: HttpRequest,
    // A body that cannot be read is ignored: logout always succeeds.
    body: Result<Body<LogoutInput>, AppError>,
    auth: web::Data<Auth>,
    cookies: web::Data<CookiePolicy>,
    session: Session,
) -> Result<HttpResponse, AppError> {
    let body = body.unwrap_or(Body::Unsupported);
    let via_form = body.is_form();
    let input = match body {
        Body::Json(input) | Body::Form(input) => Some(input),
        Body::Empty | Body::Unsupported => None,
    };
    if via_form && !csrf_is_valid(&session, input.as_ref().and_then(|i| i.csrf.as_deref())) {
        return forbidden("/profile");
    }
    // The body's token and the cookie's, when both come: end both sessions.
    let refresh: Vec<String> = input
        .and_then(|i| i.refresh_token)
        .into_iter()
        .chain(refresh_cookie(&req))
        .collect();
    auth.logout(&refresh, access_token(&req).as_deref()).await?;
    let mut response = if via_form {
        set_flash(&session, "You have signed out.");
        see_other("/login").finish()
    } else {
        HttpResponse::NoContent().finish()
    };
    clear_cookies(&mut response, &cookies);
    Ok(response)
}
