//! The ID token (OpenID Connect Core 2): who signed in, for which app,
//! when and how, and what the granted scopes let the app know. Signed with
//! the client's algorithm (RS256 unless registered with EdDSA) by a key of
//! the key ring, published in the JWKS.

use base64::engine::general_purpose::URL_SAFE_NO_PAD as BASE64URL;
use base64::Engine;
use serde::Serialize;
use sha2::{Digest, Sha256, Sha512};

use super::{OidcClient, OpenIdProvider};
use crate::auth::{AppSessionFacts, Profile, SignIn};
use crate::domain::{IdTokenAlg, Scope, Scopes};
use crate::error::AppError;

#[derive(Serialize)]
struct IdTokenClaims<'a> {
    iss: &'a str,
    sub: &'a str,
    aud: &'a str,
    exp: i64,
    iat: i64,
    auth_time: i64,
    #[serde(skip_serializing_if = "Option::is_none")]
    nonce: Option<&'a str>,
    sid: &'a str,
    amr: Vec<&'static str>,
    at_hash: String,
    #[serde(flatten)]
    user: UserClaims<'a>,
}

/// The claims about the user that the scopes allow (the ID token and
/// `/oauth/userinfo` say the same).
#[derive(Serialize)]
pub struct UserClaims<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub email: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub email_verified: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub roles: Option<&'a [String]>,
}

impl<'a> UserClaims<'a> {
    pub fn of(user: &'a Profile, scopes: &Scopes) -> Self {
        let email = scopes.contains(Scope::Email);
        UserClaims {
            name: scopes
                .contains(Scope::Profile)
                .then_some(user.name.as_str()),
            email: email.then_some(user.email.as_str()),
            email_verified: email.then_some(user.email_verified),
            roles: scopes
                .contains(Scope::Roles)
                .then_some(user.roles.as_slice()),
        }
    }
}

impl OpenIdProvider {
    /// The ID token for an app's sign-in or refresh (`nonce` only from the
    /// code's exchange).
    pub(super) async fn id_token(
        &self,
        client: &OidcClient,
        signed_in: &SignIn,
        app: &AppSessionFacts,
        scopes: &Scopes,
        nonce: Option<&str>,
    ) -> Result<String, AppError> {
        let claims = IdTokenClaims {
            iss: &self.issuer,
            sub: &signed_in.user.id,
            aud: &client.id,
            // As long as the access token it comes with.
            exp: signed_in.access.expires_at,
            iat: signed_in.access.expires_at - signed_in.access.expires_in,
            auth_time: app.auth_time.div_euclid(1000),
            nonce,
            sid: &signed_in.session_id,
            amr: app.amr.values().to_vec(),
            at_hash: at_hash(&signed_in.access.token, client.id_token_alg),
            user: UserClaims::of(&signed_in.user, scopes),
        };
        self.sign("JWT", client.id_token_alg, &claims).await
    }

    /// A JWT signed with `alg`: at once, or, when no key of it signs yet (the
    /// first RSA key is made once wanted, within a second and a fraction),
    /// after waiting for it here, without holding a worker; `Busy` after
    /// `KEY_WAIT`.
    pub(super) async fn sign<C: Serialize>(
        &self,
        typ: &str,
        alg: IdTokenAlg,
        claims: &C,
    ) -> Result<String, AppError> {
        const KEY_WAIT: std::time::Duration = std::time::Duration::from_secs(5);
        let tokens = self.sessions.access_tokens();
        let deadline = std::time::Instant::now() + KEY_WAIT;
        while !tokens.can_sign(alg) {
            if std::time::Instant::now() >= deadline {
                return Err(AppError::Busy);
            }
            tokens.want(alg);
            actix_web::rt::time::sleep(std::time::Duration::from_millis(50)).await;
        }
        tokens.sign_jwt(typ, alg, claims)
    }
}

/// The left half of the access token's hash, base64url (Core 3.1.3.6):
/// SHA-256 for RS256; for EdDSA with Ed25519, SHA-512, the hash Ed25519
/// itself uses (as OpenID Connect libraries expect).
fn at_hash(access_token: &str, alg: IdTokenAlg) -> String {
    let digest = match alg {
        IdTokenAlg::Rs256 => Sha256::digest(access_token.as_bytes()).to_vec(),
        IdTokenAlg::EdDsa => Sha512::digest(access_token.as_bytes()).to_vec(),
    };
    BASE64URL.encode(&digest[..digest.len() / 2])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn at_hash_is_the_left_half_of_the_hash() {
        // OpenID Connect Core's example (A.3): an access token and its at_hash.
        assert_eq!(
            at_hash(
                "jHkWEdUXMU1BwAsC4vtUsZwnNvTIxEl0z9K3vx5KF0Y",
                IdTokenAlg::Rs256
            ),
            "77QmUPtjPfzWtF2AnpK9RQ"
        );
        assert_eq!(at_hash("x", IdTokenAlg::EdDsa).len(), 43);
    }
}
