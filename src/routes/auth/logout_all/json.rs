use actix_web::{web, HttpResponse};

use crate::auth::Sessions;
use crate::error::AppError;
use crate::routes::auth::logout::LogoutJson;
use crate::routes::cookies::CookiePolicy;
use crate::routes::extract::{OptionalJson, PresentedTokens};
use crate::routes::respond::signed_out;

/// `POST /auth/logout-all` with JSON (or no body): 204, or 401.
pub async fn post(
    OptionalJson(input): OptionalJson<LogoutJson>,
    tokens: PresentedTokens,
    sessions: web::Data<Sessions>,
    cookies: web::Data<CookiePolicy>,
) -> Result<HttpResponse, AppError> {
    let tokens = tokens.with_body(input.and_then(|input| input.refresh_token));
    let user_id = sessions.owner(tokens.access(), tokens.refresh()).await?;
    sessions.logout_all(&user_id).await?;
    Ok(signed_out(HttpResponse::NoContent().finish(), &cookies))
}
