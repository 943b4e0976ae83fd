//! `POST /oauth/token` (RFC 6749 4.1.3 and 6): the client authenticated,
//! then its grant, `authorization_code` or `refresh_token`. Errors are
//! RFC 6749 5.2's JSON; answers are never cached.

use actix_web::http::header::{self, HeaderValue};
use actix_web::{web, HttpRequest, HttpResponse};
use serde::{Deserialize, Serialize};

use super::client_auth::client_credentials;
use super::form_body::OAuthForm;
use crate::auth::oidc::{CodeExchange, OpenIdProvider, Tokens};
use crate::domain::Client;
use crate::error::{OAuthCode, OAuthError};

#[derive(Deserialize)]
pub struct TokenForm {
    grant_type: Option<String>,
    code: Option<String>,
    redirect_uri: Option<String>,
    code_verifier: Option<String>,
    refresh_token: Option<String>,
    scope: Option<String>,
    client_id: Option<String>,
    client_secret: Option<String>,
}

#[derive(Serialize)]
struct TokenBody<'a> {
    access_token: &'a str,
    token_type: &'static str,
    expires_in: i64,
    id_token: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    refresh_token: Option<&'a str>,
    scope: &'a str,
}

pub async fn post(
    req: HttpRequest,
    OAuthForm(form): OAuthForm<TokenForm>,
    oidc: web::Data<OpenIdProvider>,
    http_client: Client,
) -> Result<HttpResponse, OAuthError> {
    let credentials = client_credentials(
        &req,
        form.client_id.as_deref(),
        form.client_secret.as_deref(),
    )?;
    let client = oidc.authenticate_client(credentials).await?;
    let missing = |what| OAuthError::new(OAuthCode::InvalidRequest, what);
    let granted = match form.grant_type.as_deref() {
        Some("authorization_code") => {
            let code = form.code.as_deref().ok_or(missing("code is missing."))?;
            let exchange = CodeExchange {
                code,
                redirect_uri: form.redirect_uri.as_deref(),
                code_verifier: form.code_verifier.as_deref(),
            };
            oidc.exchange_code(&client, exchange, &http_client).await
        }
        Some("refresh_token") => {
            let token = form
                .refresh_token
                .as_deref()
                .ok_or(missing("refresh_token is missing."))?;
            oidc.refresh_grant(&client, token, form.scope.as_deref())
                .await
        }
        None => return Err(missing("grant_type is missing.")),
        Some(_) => {
            return Err(OAuthError::new(
                OAuthCode::UnsupportedGrantType,
                "Only authorization_code and refresh_token are supported.",
            ))
        }
    };
    let tokens = match granted {
        Ok(tokens) => tokens,
        Err(refused) => return Err(oidc.refusal_for(&client, refused).await),
    };
    Ok(answer(&tokens))
}

fn answer(tokens: &Tokens) -> HttpResponse {
    HttpResponse::Ok()
        .insert_header((header::CACHE_CONTROL, HeaderValue::from_static("no-store")))
        .insert_header((header::PRAGMA, HeaderValue::from_static("no-cache")))
        .json(TokenBody {
            access_token: &tokens.access_token,
            token_type: "Bearer",
            expires_in: tokens.expires_in,
            id_token: &tokens.id_token,
            refresh_token: tokens.refresh_token.as_deref(),
            scope: &tokens.scope,
        })
}
