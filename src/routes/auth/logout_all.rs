use actix_session::Session;
use actix_web::{web, HttpRequest, HttpResponse};

use super::logout::LogoutInput;
use crate::auth::Auth;
use crate::error::AppError;
use crate::routes::body::Body;
use crate::routes::cookies::CookiePolicy;
use crate::routes::extract::{access_token, refresh_cookie};
use crate::routes::form_session::{csrf_is_valid, set_flash};
use crate::routes::pages::forbidden;
use crate::routes::respond::{clear_cookies, see_other};

/// `POST /auth/logout-all`: ends every session of the signed-in user.
///
/// Signed in means a valid access token; failing that, the session's current
/// refresh token also proves it, so the button works on a page whose access
/// token expired a moment ago.
pub async fn post(
    req: HttpRequest,
    body: Body<LogoutInput>,
    auth: web::Data<Auth>,
    cookies: web::Data<CookiePolicy>,
    session: Session,
) -> Result<HttpResponse, AppError> {
    let via_form = body.is_form();
    if let Body::Form(input) = &body {
        if !csrf_is_valid(&session, input.csrf.as_deref()) {
            return forbidden("/profile");
        }
    }
    let user_id = match signed_in_user(&req, &auth, body).await {
        Ok(user_id) => user_id,
        // A form from a page whose session ended meanwhile: to sign in.
        Err(AppError::Unauthenticated { .. }) if via_form => {
            set_flash(&session, "Your session had already ended. Please sign in.");
            let mut response = see_other("/login").finish();
            clear_cookies(&mut response, &cookies);
            return Ok(response);
        }
        Err(error) => return Err(error),
    };
    auth.logout_all(&user_id).await?;
    let mut response = if via_form {
        set_flash(&session, "You have signed out on every device.");
        see_other("/login").finish()
    } else {
        HttpResponse::NoContent().finish()
    };
    clear_cookies(&mut response, &cookies);
    Ok(response)
}

async fn signed_in_user(
    req: &HttpRequest,
    auth: &Auth,
    body: Body<LogoutInput>,
) -> Result<String, AppError> {
    let access = access_token(req);
    let token_sent = access.is_some();
    if let Some(token) = access {
        match auth.authenticate(&token).await {
            Ok(principal) => return Ok(principal.user.id.clone()),
            Err(AppError::Unauthenticated { .. }) => {}
            Err(other) => return Err(other),
        }
    }
    let refresh = body
        .json()
        .and_then(|i| i.refresh_token)
        .or_else(|| refresh_cookie(req));
    if let Some(token) = refresh {
        if let Some(user_id) = auth.user_of_refresh_token(&token).await? {
            return Ok(user_id);
        }
    }
    Err(AppError::Unauthenticated { token_sent })
}
