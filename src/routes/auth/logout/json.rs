use actix_web::{web, HttpResponse};

use super::LogoutJson;
use crate::auth::Sessions;
use crate::error::AppError;
use crate::routes::cookies::CookiePolicy;
use crate::routes::extract::{OptionalJson, PresentedTokens};
use crate::routes::respond::signed_out;

/// `POST /auth/logout`: 204 and both cookies cleared, whether or not there
/// was a session; the sessions of every token presented end.
pub async fn post(
    // A body that cannot be read is ignored: logout always succeeds.
    body: Result<OptionalJson<LogoutJson>, AppError>,
    tokens: PresentedTokens,
    sessions: web::Data<Sessions>,
    cookies: web::Data<CookiePolicy>,
) -> Result<HttpResponse, AppError> {
    let from_body = body.ok().and_then(|OptionalJson(input)| input);
    let tokens = tokens.with_body(from_body.and_then(|input| input.refresh_token));
    sessions
        .logout(&tokens.every_refresh(), tokens.access())
        .await?;
    Ok(signed_out(HttpResponse::NoContent().finish(), &cookies))
}
