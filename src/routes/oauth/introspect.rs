//! `POST /oauth/introspect` (RFC 7662): whether a token works right now,
//! and for whom, to a confidential app (a resource server registered with
//! a secret). A public app, which proves nothing, is refused.

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
    if client.public {
        return Err(OAuthError::new(
            OAuthCode::InvalidClient,
            "Only a client with a secret may introspect tokens.",
        ));
    }
    let Some(token) = form.token.filter(|t| !t.is_empty()) else {
        return Err(OAuthError::new(
            OAuthCode::InvalidRequest,
            "The token to introspect is missing.",
        ));
    };
    let hint = form
        .token_type_hint
        .as_deref()
        .and_then(TokenKind::from_hint);
    let answer = oidc.introspect(&client, &token, hint).await?;
    Ok(HttpResponse::Ok()
        .insert_header(CacheControl(vec![CacheDirective::NoStore]))
        .json(answer))
}
