use actix_web::{web, HttpResponse};

use crate::auth::Auth;
use crate::error::AppError;
use crate::routes::body::Body;
use crate::routes::cookies::CookiePolicy;
use crate::routes::extract::SignedIn;
use crate::routes::respond::{clear_cookies, see_other};

/// `POST /auth/logout-all`: ends every session of the signed-in user.
pub async fn post(
    SignedIn(principal): SignedIn,
    body: Body<serde::de::IgnoredAny>,
    auth: web::Data<Auth>,
    cookies: web::Data<CookiePolicy>,
) -> Result<HttpResponse, AppError> {
    auth.logout_all(&principal.user.id).await?;
    let mut response = if body.is_form() {
        see_other("/login").finish()
    } else {
        HttpResponse::NoContent().finish()
    };
    clear_cookies(&mut response, &cookies);
    Ok(response)
}
