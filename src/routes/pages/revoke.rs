use actix_session::Session;
use actix_web::{web, HttpRequest, HttpResponse};
use serde::Deserialize;

use super::forbidden;
use crate::auth::Auth;
use crate::error::AppError;
use crate::routes::body::Body;
use crate::routes::cookies::CookiePolicy;
use crate::routes::extract::access_token;
use crate::routes::form_session::{csrf_is_valid, set_flash};
use crate::routes::respond::{clear_cookies, see_other};

#[derive(Deserialize)]
pub struct CsrfInput {
    csrf: Option<String>,
}

/// `POST /profile/sessions/{id}/revoke`: the profile's revoke button.
pub async fn post(
    req: HttpRequest,
    id: web::Path<String>,
    body: Body<CsrfInput>,
    auth: web::Data<Auth>,
    cookies: web::Data<CookiePolicy>,
    session: Session,
) -> Result<HttpResponse, AppError> {
    let (input, _) = body.required()?;
    if !csrf_is_valid(&session, input.csrf.as_deref()) {
        return forbidden("/profile");
    }
    let principal = match access_token(&req) {
        Some(token) => auth.authenticate(&token).await,
        None => Err(AppError::Unauthenticated { token_sent: false }),
    };
    let principal = match principal {
        Ok(principal) => principal,
        // Not the 401 page: reloading it would post the form again.
        Err(AppError::Unauthenticated { .. }) => {
            return Ok(see_other("/login?next=/profile").finish())
        }
        Err(other) => return Err(other),
    };
    auth.revoke_session(&principal.user.id, &id).await?;
    if *id == principal.session_id() {
        set_flash(&session, "This device is signed out.");
        let mut response = see_other("/login").finish();
        clear_cookies(&mut response, &cookies);
        return Ok(response);
    }
    set_flash(&session, "Session revoked.");
    Ok(see_other("/profile").finish())
}
