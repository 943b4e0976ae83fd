//! The `logout_token` (OpenID Connect Back-Channel Logout 1.0, 2.4): a JWT
//! of `typ: logout+jwt`, signed with the app's ID-token algorithm, naming
//! the user (`sub`) and the ended session (`sid`), with the logout event
//! and never a `nonce`.

use serde::Serialize;
use serde_json::{json, Value};

use crate::auth::access_token::AccessTokens;
use crate::clock::Millis;
use crate::domain::IdTokenAlg;
use crate::error::AppError;

pub const TOKEN_TYPE: &str = "logout+jwt";
/// The event a logout token carries (2.4).
pub const LOGOUT_EVENT: &str = "http://schemas.openid.net/event/backchannel-logout";
/// How long a logout token is good for: the app must get it now.
const LIFETIME_SECS: i64 = 120;

#[derive(Debug, Serialize)]
pub struct LogoutClaims {
    pub iss: String,
    pub aud: String,
    pub iat: i64,
    pub exp: i64,
    pub jti: String,
    pub sub: String,
    pub sid: String,
    pub events: Value,
}

impl LogoutClaims {
    pub fn new(
        issuer: &str,
        client_id: &str,
        user_id: &str,
        session_id: &str,
        now: Millis,
    ) -> Self {
        let iat = now.div_euclid(1000);
        LogoutClaims {
            iss: issuer.to_owned(),
            aud: client_id.to_owned(),
            iat,
            exp: iat + LIFETIME_SECS,
            jti: uuid::Uuid::new_v4().simple().to_string(),
            sub: user_id.to_owned(),
            sid: session_id.to_owned(),
            events: json!({ LOGOUT_EVENT: {} }),
        }
    }
}

/// The signed token.
pub fn sign(
    access: &AccessTokens,
    alg: IdTokenAlg,
    claims: &LogoutClaims,
) -> Result<String, AppError> {
    access.sign_jwt(TOKEN_TYPE, alg, claims)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_logout_token_names_the_session_and_the_event_and_has_no_nonce() {
        let claims = LogoutClaims::new("https://id.example", "app", "user-1", "sess-1", 1_000_500);
        let json = serde_json::to_value(&claims).unwrap();
        assert_eq!(json["iss"], "https://id.example");
        assert_eq!(json["aud"], "app");
        assert_eq!(json["sub"], "user-1");
        assert_eq!(json["sid"], "sess-1");
        assert_eq!(json["iat"], 1_000);
        assert_eq!(json["exp"], 1_120);
        assert_eq!(json["events"], json!({ LOGOUT_EVENT: {} }));
        assert!(json.get("nonce").is_none());
        assert_eq!(json["jti"].as_str().unwrap().len(), 32);
    }

    #[test]
    fn each_logout_token_has_its_own_jti() {
        let a = LogoutClaims::new("i", "a", "u", "s", 0);
        let b = LogoutClaims::new("i", "a", "u", "s", 0);
        assert_ne!(a.jti, b.jti);
    }
}
