//! Access tokens: HS256 JWTs with `typ: at+jwt`, signed and checked only
//! with the access key. The header's `kid`, `jku`, `jwk` and `x5u` are never
//! looked at: there is one key and one algorithm.

use std::sync::{Arc, PoisonError, RwLock};
use std::time::Duration;

use jsonwebtoken::{decode, encode, Algorithm, DecodingKey, EncodingKey, Header, Validation};
use serde::{Deserialize, Serialize};

use super::generations::Generations;
use super::Profile;
use crate::clock::Millis;
use crate::config::Secret;
use crate::error::AppError;

pub const ISSUER: &str = "sesame";
pub const AUDIENCE: &str = "sesame";
pub const TOKEN_TYPE: &str = "at+jwt";

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct AccessClaims {
    pub iss: String,
    pub aud: String,
    /// The user's id.
    pub sub: String,
    /// The session's id.
    pub sid: String,
    pub email: String,
    /// The user's roles when the token was issued.
    pub roles: Vec<String>,
    pub jti: String,
    pub iat: i64,
    pub exp: i64,
}

pub struct IssuedAccessToken {
    pub token: String,
    /// Seconds from now until it expires.
    pub expires_in: i64,
    /// Unix seconds.
    pub expires_at: i64,
}

/// Tokens whose signature and claims were checked already: two generations
/// of up to this many (about 600 bytes each).
const VERIFIED_GENERATION_SIZE: usize = 8_192;

pub struct AccessTokens {
    encoding: EncodingKey,
    decoding: DecodingKey,
    validation: Validation,
    ttl: Duration,
    /// What `verify` found for tokens it has seen: a client sends its token
    /// with every request, and checking it again (base64, HMAC, JSON twice)
    /// would give the same answer, since the key never changes. Only expiry
    /// depends on the time, and it is checked every time.
    verified: RwLock<Generations<Arc<AccessClaims>>>,
}

impl AccessTokens {
    pub fn new(secret: &Secret, ttl: Duration) -> Self {
        let mut validation = Validation::new(Algorithm::HS256);
        validation.leeway = 0;
        // Required, but compared with the time in `verify`, at every use:
        // a verified token is remembered.
        validation.validate_exp = false;
        validation.set_issuer(&[ISSUER]);
        validation.set_audience(&[AUDIENCE]);
        validation.set_required_spec_claims(&["exp", "iss", "aud", "sub"]);
        AccessTokens {
            encoding: EncodingKey::from_secret(secret.expose()),
            decoding: DecodingKey::from_secret(secret.expose()),
            validation,
            ttl,
            verified: RwLock::new(Generations::new(VERIFIED_GENERATION_SIZE)),
        }
    }

    /// A token for the session, expiring after the access TTL or when the
    /// session itself must end (`session_ends_at`), whichever is first.
    pub fn issue(
        &self,
        user: &Profile,
        session_id: &str,
        now: Millis,
        session_ends_at: Millis,
    ) -> Result<IssuedAccessToken, AppError> {
        let iat = now.div_euclid(1000);
        let exp = (iat + self.ttl.as_secs() as i64).min(session_ends_at.div_euclid(1000));
        let claims = AccessClaims {
            iss: ISSUER.into(),
            aud: AUDIENCE.into(),
            sub: user.id.clone(),
            sid: session_id.into(),
            email: user.email.clone(),
            roles: user.roles.clone(),
            jti: uuid::Uuid::new_v4().simple().to_string(),
            iat,
            exp,
        };
        let header = Header {
            typ: Some(TOKEN_TYPE.into()),
            ..Header::new(Algorithm::HS256)
        };
        let token = encode(&header, &claims, &self.encoding).map_err(AppError::unexpected)?;
        Ok(IssuedAccessToken {
            token,
            expires_in: exp - iat,
            expires_at: exp,
        })
    }

    /// The claims of a token that is ours, of the right type and unexpired at
    /// `now`; `None` for anything else, with no reason given.
    pub fn verify(&self, token: &str, now: Millis) -> Option<Arc<AccessClaims>> {
        let seen = self
            .verified
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .get(token)
            .cloned();
        let claims = match seen {
            Some(claims) => claims,
            None => {
                let claims = Arc::new(self.check(token)?);
                self.verified
                    .write()
                    .unwrap_or_else(PoisonError::into_inner)
                    .insert(token.to_owned(), Arc::clone(&claims));
                claims
            }
        };
        // `exp` is the first second the token is no longer valid (no leeway).
        (now.div_euclid(1000) < claims.exp).then_some(claims)
    }

    /// Everything about a token but whether it has expired.
    fn check(&self, token: &str) -> Option<AccessClaims> {
        let data = decode::<AccessClaims>(token, &self.decoding, &self.validation).ok()?;
        (data.header.typ.as_deref() == Some(TOKEN_TYPE)).then_some(data.claims)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::clock::now_ms;

    fn tokens() -> AccessTokens {
        AccessTokens::new(&Secret::new(vec![9; 32]), Duration::from_secs(60))
    }

    fn user() -> Profile {
        Profile {
            id: "u1".into(),
            name: "Ada".into(),
            email: "ada@example.com".into(),
            created_at: 0,
            roles: vec!["admin".into()],
        }
    }

    #[test]
    fn issued_tokens_verify_with_their_claims() {
        let now = now_ms();
        let issued = tokens().issue(&user(), "s1", now, now + 3_600_000).unwrap();
        assert_eq!(issued.expires_in, 60);
        let claims = tokens().verify(&issued.token, now).unwrap();
        assert_eq!((claims.sub.as_str(), claims.sid.as_str()), ("u1", "s1"));
        assert_eq!(claims.email, "ada@example.com");
        assert_eq!(claims.roles, ["admin"]);
        assert_eq!(
            (claims.iss.as_str(), claims.aud.as_str()),
            (ISSUER, AUDIENCE)
        );
    }

    #[test]
    fn expiry_is_capped_by_the_session_and_checked_without_leeway() {
        let now = now_ms() / 1000 * 1000;
        let issued = tokens().issue(&user(), "s1", now, now + 10_000).unwrap();
        assert_eq!(issued.expires_in, 10);
        let tokens = tokens();
        assert!(tokens.verify(&issued.token, now + 9_999).is_some());
        // Remembered as verified now, and still refused once expired.
        assert!(tokens.verify(&issued.token, now + 10_000).is_none());
        assert!(tokens.verify(&issued.token, now + 9_999).is_some());
        // And an expired token never seen before is refused too.
        let fresh = tokens.issue(&user(), "s2", now, now + 10_000).unwrap();
        assert!(tokens.verify(&fresh.token, now + 10_000).is_none());
    }

    #[test]
    fn another_key_or_type_is_refused() {
        let now = now_ms();
        let issued = tokens().issue(&user(), "s1", now, now + 3_600_000).unwrap();
        let other = AccessTokens::new(&Secret::new(vec![8; 32]), Duration::from_secs(60));
        assert!(other.verify(&issued.token, now).is_none());

        let claims = tokens().verify(&issued.token, now).unwrap();
        let plain_jwt = encode(
            &Header::new(Algorithm::HS256),
            &*claims,
            &EncodingKey::from_secret(&[9; 32]),
        )
        .unwrap();
        assert!(tokens().verify(&plain_jwt, now).is_none());
    }
}

/// Hostile input: verification answers `None` to anything not ours, and
/// never panics, however the text is shaped.
#[cfg(test)]
mod properties {
    use base64::engine::general_purpose::URL_SAFE_NO_PAD as BASE64URL;
    use base64::Engine;
    use proptest::prelude::*;

    use super::*;
    use crate::clock::now_ms;

    fn tokens() -> AccessTokens {
        AccessTokens::new(&Secret::new(vec![9; 32]), Duration::from_secs(60))
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(2000))]

        #[test]
        fn arbitrary_text_is_refused(text in any::<String>()) {
            prop_assert!(tokens().verify(&text, now_ms()).is_none());
        }

        #[test]
        fn jwt_shaped_junk_is_refused(header in any::<Vec<u8>>(), claims in any::<Vec<u8>>(), signature in any::<Vec<u8>>()) {
            let token = format!(
                "{}.{}.{}",
                BASE64URL.encode(header),
                BASE64URL.encode(claims),
                BASE64URL.encode(signature)
            );
            prop_assert!(tokens().verify(&token, now_ms()).is_none());
        }

        #[test]
        fn any_claims_json_under_a_forged_header_is_refused(claims in "\\{[ -~]{0,200}\\}", alg in "(none|HS256|HS512|RS256|)") {
            let header = format!(r#"{{"alg":"{alg}","typ":"at+jwt"}}"#);
            let token = format!("{}.{}.", BASE64URL.encode(header), BASE64URL.encode(claims));
            prop_assert!(tokens().verify(&token, now_ms()).is_none());
        }
    }
}
