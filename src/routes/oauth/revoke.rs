//! `POST /oauth/revoke` (RFC 7009): an app ends one of its own sessions by
//! one of its tokens. Any other token answers the same 200 (2.2), so the
//! answer tells nothing about a token the app does not own.

use actix_web::http::header::{CacheControl, CacheDirective};
use actix_web::{web, HttpRequest, HttpResponse};

use super::client_auth::TokenQuestion;
use super::form_body::OAuthForm;
use crate::auth::oidc::{OpenIdProvider, TokenKind};
use crate::error::{OAuthCode, OAuthError};

pub async fn post(
    req: HttpRequest,
    OAuthForm(form): OAuthForm<TokenQuestion>,
    oidc: web::Data<OpenIdProvider>,
) -> Result<HttpResponse, OAuthError> {
    let client = form.client(&req, &oidc).await?;
    let Some(token) = form.token.filter(|t| !t.is_empty()) else {
        return Err(OAuthError::new(
            OAuthCode::InvalidRequest,
            "The token to revoke is missing.",
        ));
    };
    let hint = form
        .token_type_hint
        .as_deref()
        .and_then(TokenKind::from_hint);
    oidc.revoke(&client, &token, hint).await?;
    Ok(HttpResponse::Ok()
        .insert_header(CacheControl(vec![CacheDirective::NoStore]))
        .finish())
}
