use actix_web::{web, HttpRequest, HttpResponse};

use super::refresh::RefreshInput;
use crate::auth::Auth;
use crate::error::AppError;
use crate::routes::body::Body;
use crate::routes::cookies::CookiePolicy;
use crate::routes::extract::{access_token, refresh_cookie};
use crate::routes::respond::{clear_cookies, see_other};

/// `POST /auth/logout`: ends the caller's session, if there is one.
pub async fn post(
    req: HttpRequest,
    body: Body<RefreshInput>,
    auth: web::Data<Auth>,
    cookies: web::Data<CookiePolicy>,
) -> Result<HttpResponse, AppError> {
    let via_form = body.is_form();
    let refresh = body
        .json()
        .and_then(|input| input.refresh_token)
        .or_else(|| refresh_cookie(&req));
    auth.logout(refresh.as_deref(), access_token(&req).as_deref())
        .await?;
    let mut response = if via_form {
        see_other("/login").finish()
    } else {
        HttpResponse::NoContent().finish()
    };
    clear_cookies(&mut response, &cookies);
    Ok(response)
}
