//! `GET /.well-known/openid-configuration` (OpenID Connect Discovery 1.0):
//! where everything is, and what sesame supports. The issuer is
//! `--public-url`; every endpoint is under it.

use actix_web::http::header::{self, HeaderValue};
use actix_web::{web, HttpResponse};
use serde_json::json;

use crate::auth::oidc::OpenIdProvider;
use crate::domain::Scope;

pub async fn get(oidc: web::Data<OpenIdProvider>) -> HttpResponse {
    let issuer = oidc.issuer();
    let at = |path: &str| format!("{issuer}{path}");
    let scopes: Vec<&str> = Scope::ALL.iter().map(|s| s.as_str()).collect();
    HttpResponse::Ok()
        .insert_header((
            header::CACHE_CONTROL,
            HeaderValue::from_static("public, max-age=300"),
        ))
        .json(json!({
            "issuer": issuer,
            "authorization_endpoint": at("/oauth/authorize"),
            "token_endpoint": at("/oauth/token"),
            "userinfo_endpoint": at("/oauth/userinfo"),
            "jwks_uri": at("/.well-known/jwks.json"),
            "end_session_endpoint": at("/oauth/logout"),
            "revocation_endpoint": at("/oauth/revoke"),
            "introspection_endpoint": at("/oauth/introspect"),
            "response_types_supported": ["code"],
            "response_modes_supported": ["query"],
            "grant_types_supported": ["authorization_code", "refresh_token"],
            "code_challenge_methods_supported": ["S256"],
            "subject_types_supported": ["public"],
            "scopes_supported": scopes,
            "claims_supported": ["sub", "iss", "aud", "exp", "iat", "auth_time", "nonce", "sid",
                "amr", "at_hash", "name", "email", "email_verified", "roles"],
            "id_token_signing_alg_values_supported": ["RS256", "EdDSA"],
            "token_endpoint_auth_methods_supported":
                ["client_secret_basic", "client_secret_post", "none"],
            "revocation_endpoint_auth_methods_supported":
                ["client_secret_basic", "client_secret_post", "none"],
            "introspection_endpoint_auth_methods_supported":
                ["client_secret_basic", "client_secret_post"],
            "prompt_values_supported": ["none", "consent", "login"],
            "authorization_response_iss_parameter_supported": true,
            "backchannel_logout_supported": true,
            "backchannel_logout_session_supported": true,
        }))
}
