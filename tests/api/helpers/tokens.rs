//! Access tokens (JWTs) taken apart and forged.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use serde_json::Value;

/// A JWT with the given header and claims, signed HS256-style with `key`
/// (or unsigned when `key` is `None`).
pub fn forge_jwt(header: &Value, claims: &Value, key: Option<&[u8]>) -> String {
    use hmac::{Hmac, Mac};
    let head = URL_SAFE_NO_PAD.encode(header.to_string());
    let body = URL_SAFE_NO_PAD.encode(claims.to_string());
    let signing_input = format!("{head}.{body}");
    let signature = match key {
        Some(key) => {
            let mut mac = Hmac::<sha2::Sha256>::new_from_slice(key).expect("HMAC key");
            mac.update(signing_input.as_bytes());
            URL_SAFE_NO_PAD.encode(mac.finalize().into_bytes())
        }
        None => String::new(),
    };
    format!("{signing_input}.{signature}")
}

/// The claims of a JWT, unverified (to build variations of a real token).
pub fn claims_of(token: &str) -> Value {
    let payload = token.split('.').nth(1).expect("a JWT");
    serde_json::from_slice(&URL_SAFE_NO_PAD.decode(payload).expect("base64url"))
        .expect("JSON claims")
}

/// The session an access token belongs to (its `sid` claim).
pub fn session_of(access_token: &str) -> String {
    claims_of(access_token)["sid"]
        .as_str()
        .expect("a sid claim")
        .to_owned()
}
