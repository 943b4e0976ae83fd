//! `GET` and `POST /oauth/userinfo` (OpenID Connect Core 5.3): the claims
//! the access token's scopes allow, for a token of a session still open.
//! Only from `Authorization: Bearer` (never a cookie).

use actix_web::http::header::{self, HeaderValue};
use actix_web::{web, HttpRequest, HttpResponse};
use serde::Serialize;

use crate::auth::oidc::UserClaims;
use crate::auth::Sessions;
use crate::domain::{Scope, Scopes};
use crate::error::{AppError, OAuthCode, OAuthError};
use crate::routes::extract::bearer_token;

#[derive(Serialize)]
struct UserInfo<'a> {
    sub: &'a str,
    #[serde(flatten)]
    claims: UserClaims<'a>,
}

pub async fn get(
    req: HttpRequest,
    sessions: web::Data<Sessions>,
) -> Result<HttpResponse, OAuthError> {
    let invalid = || {
        OAuthError::new(
            OAuthCode::InvalidToken,
            "The access token is missing, expired, or of a session that ended.",
        )
    };
    let token = bearer_token(&req).ok_or_else(invalid)?;
    let principal = match sessions.authenticate(&token).await {
        Ok(principal) => principal,
        Err(AppError::Unauthenticated { .. }) => return Err(invalid()),
        Err(other) => return Err(other.into()),
    };
    // sesame's own token (no scope) is the user's own: everything.
    let scopes = match &principal.claims.scope {
        Some(scope) => Scopes::parse(scope).ok_or_else(invalid)?,
        None => Scopes::parse(
            &Scope::ALL
                .iter()
                .map(|s| s.as_str())
                .collect::<Vec<_>>()
                .join(" "),
        )
        .ok_or_else(invalid)?,
    };
    Ok(HttpResponse::Ok()
        .insert_header((header::CACHE_CONTROL, HeaderValue::from_static("no-store")))
        .json(UserInfo {
            sub: &principal.user.id,
            claims: UserClaims::of(&principal.user, &scopes),
        }))
}
