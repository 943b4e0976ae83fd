//! The request's parameters as sent: read from the query (one sent twice
//! is an error), and written back as a query (the way back from the
//! sign-in page, the consent page asked again) or as the consent form's
//! hidden fields.

use base64::engine::general_purpose::URL_SAFE_NO_PAD as BASE64URL;
use base64::Engine;
use sha2::{Digest, Sha256};

use crate::auth::oidc::AuthorizeParams;

/// The request's parameters, and whether one of them came twice (RFC 6749
/// 3.1: an error).
pub fn read_params(query: &str) -> (AuthorizeParams, bool) {
    let mut params = AuthorizeParams::default();
    let mut repeated = false;
    for (name, value) in form_urlencoded::parse(query.as_bytes()) {
        let slot = match name.as_ref() {
            "response_type" => &mut params.response_type,
            "client_id" => &mut params.client_id,
            "redirect_uri" => &mut params.redirect_uri,
            "scope" => &mut params.scope,
            "state" => &mut params.state,
            "nonce" => &mut params.nonce,
            "code_challenge" => &mut params.code_challenge,
            "code_challenge_method" => &mut params.code_challenge_method,
            "prompt" => &mut params.prompt,
            "max_age" => &mut params.max_age,
            _ => continue,
        };
        repeated |= slot.is_some();
        *slot = Some(value.into_owned());
    }
    (params, repeated)
}

/// The parameters sent, by name, in one fixed order.
pub fn hidden_fields(params: &AuthorizeParams) -> Vec<(&'static str, String)> {
    [
        ("response_type", &params.response_type),
        ("client_id", &params.client_id),
        ("redirect_uri", &params.redirect_uri),
        ("scope", &params.scope),
        ("state", &params.state),
        ("nonce", &params.nonce),
        ("code_challenge", &params.code_challenge),
        ("code_challenge_method", &params.code_challenge_method),
        ("prompt", &params.prompt),
        ("max_age", &params.max_age),
    ]
    .into_iter()
    .filter_map(|(name, value)| value.clone().map(|v| (name, v)))
    .collect()
}

/// `/oauth/authorize?…` with these parameters.
pub fn authorize_path(params: &AuthorizeParams) -> String {
    let query = form_urlencoded::Serializer::new(String::new())
        .extend_pairs(hidden_fields(params))
        .finish();
    format!("/oauth/authorize?{query}")
}

/// The same request with consent asked again (`prompt` given `consent`).
pub fn asking_consent(params: &AuthorizeParams) -> AuthorizeParams {
    let prompt = match params.prompt.as_deref() {
        None | Some("") => "consent".to_owned(),
        Some(asked) if asked.split(' ').any(|p| p == "consent") => asked.to_owned(),
        Some(asked) => format!("{asked} consent"),
    };
    AuthorizeParams {
        prompt: Some(prompt),
        ..params.clone()
    }
}

/// What names one request in the form session: the SHA-256 of its query.
pub fn fingerprint(params: &AuthorizeParams) -> String {
    BASE64URL.encode(Sha256::digest(authorize_path(params).as_bytes()))
}
