//! Access tokens: EdDSA (Ed25519) JWTs with `typ: at+jwt` and the `kid` of
//! the key that signed them. Only EdDSA is accepted, and only with a key of
//! the current set (`signing_keys`), looked up by `kid`: HS256 (even one
//! keyed with a public key's bytes), `none`, any other algorithm and an
//! unknown or missing `kid` are refused. `jku`, `jwk` and `x5u` are never
//! followed.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, PoisonError, RwLock};
use std::time::Duration;

use base64::engine::general_purpose::URL_SAFE_NO_PAD as BASE64URL;
use base64::Engine;
use jsonwebtoken::{decode, decode_header, Algorithm, DecodingKey, Header, Validation};
use serde::{Deserialize, Serialize};

use super::generations::Generations;
use super::signing_keys::{self, Jwk, KeyState, SigningKey};
use super::Profile;
use crate::clock::{ms, Millis};
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

/// The key that signs, parsed once (jsonwebtoken's `encode` would parse
/// the PKCS#8 key and derive its public half again for every token), with
/// its header already encoded: a token is that, its claims, and a signature.
struct Signer {
    kid: String,
    key: ed25519_dalek::SigningKey,
    /// base64url of `{"typ":"at+jwt","alg":"EdDSA","kid":…}`.
    header: String,
}

impl Signer {
    fn new(key: &SigningKey) -> Option<Signer> {
        use ed25519_dalek::pkcs8::DecodePrivateKey;
        let header = Header {
            typ: Some(TOKEN_TYPE.into()),
            kid: Some(key.kid.clone()),
            ..Header::new(Algorithm::EdDSA)
        };
        Some(Signer {
            kid: key.kid.clone(),
            key: ed25519_dalek::SigningKey::from_pkcs8_der(key.private_der()).ok()?,
            header: BASE64URL.encode(serde_json::to_vec(&header).ok()?),
        })
    }

    /// The JWS compact form: header, claims, Ed25519 signature of both.
    fn sign(&self, claims: &AccessClaims) -> Result<String, AppError> {
        use ed25519_dalek::Signer as _;
        let claims = serde_json::to_vec(claims).map_err(AppError::unexpected)?;
        let mut token = format!("{}.{}", self.header, BASE64URL.encode(claims));
        let signature = self.key.sign(token.as_bytes());
        token.push('.');
        token.push_str(&BASE64URL.encode(signature.to_bytes()));
        Ok(token)
    }
}

/// The keys in use: the one that signs, and every one still accepted.
struct KeySet {
    signing: Option<Signer>,
    accepted: HashMap<String, DecodingKey>,
    published: Vec<Jwk>,
}

pub struct AccessTokens {
    keys: RwLock<Arc<KeySet>>,
    /// Moves on after each `install`: a token verified under the same set
    /// needs no second look at it (a plain load on the hot path, where the
    /// set's lock and count would be written by every request).
    set_generation: AtomicU64,
    validation: Validation,
    ttl: Duration,
    /// What `verify` found for tokens it has seen: a client sends its token
    /// with every request, and checking it again (base64, Ed25519, JSON
    /// twice) would give the same answer while its key is in the set, which
    /// is checked at every use, as is expiry.
    verified: RwLock<Generations<Arc<Verified>>>,
}

struct Verified {
    kid: String,
    claims: Arc<AccessClaims>,
    /// The key set it was checked against.
    set_generation: u64,
}

impl AccessTokens {
    /// Signs nothing until `install` gives it keys.
    pub fn new(ttl: Duration) -> Self {
        let mut validation = Validation::new(Algorithm::EdDSA);
        validation.leeway = 0;
        // Required, but compared with the time in `verify`, at every use:
        // a verified token is remembered.
        validation.validate_exp = false;
        validation.set_issuer(&[ISSUER]);
        validation.set_audience(&[AUDIENCE]);
        validation.set_required_spec_claims(&["exp", "iss", "aud", "sub"]);
        AccessTokens {
            keys: RwLock::new(Arc::new(KeySet {
                signing: None,
                accepted: HashMap::new(),
                published: Vec::new(),
            })),
            set_generation: AtomicU64::new(0),
            validation,
            ttl,
            verified: RwLock::new(Generations::new(VERIFIED_GENERATION_SIZE)),
        }
    }

    /// Uses `keys` from now on: the newest unretired one signs; it and the
    /// retired ones not yet gone are accepted and published.
    pub fn install(&self, keys: &[SigningKey], now: Millis) {
        let ttl = ms(self.ttl);
        let live: Vec<&SigningKey> = keys
            .iter()
            .filter(|k| k.state(now, ttl) != KeyState::Gone)
            .collect();
        let signing_kid = signing_keys::signing(keys).map(|k| k.kid.as_str());
        {
            // Looked at every second: the same set again changes nothing.
            let current = self.current();
            let same_signer = current.signing.as_ref().map(|s| s.kid.as_str()) == signing_kid;
            let same_accepted = current.accepted.len() == live.len()
                && live.iter().all(|k| current.accepted.contains_key(&k.kid));
            if same_signer && same_accepted {
                return;
            }
        }
        let set = KeySet {
            signing: signing_keys::signing(keys).and_then(Signer::new),
            accepted: live
                .iter()
                .map(|k| (k.kid.clone(), DecodingKey::from_ed_der(k.public_bytes())))
                .collect(),
            published: live.iter().map(|k| k.jwk()).collect(),
        };
        *self.keys.write().unwrap_or_else(PoisonError::into_inner) = Arc::new(set);
        // After the new set is in place: a verify that sees this generation
        // sees that set.
        self.set_generation.fetch_add(1, Ordering::Release);
    }

    /// The public keys of the current set, for the JWKS.
    pub fn published(&self) -> Vec<Jwk> {
        self.current().published.clone()
    }

    /// The `kid` of the key that signs, if any.
    pub fn signing_kid(&self) -> Option<String> {
        self.current().signing.as_ref().map(|s| s.kid.clone())
    }

    fn current(&self) -> Arc<KeySet> {
        Arc::clone(&self.keys.read().unwrap_or_else(PoisonError::into_inner))
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
        let keys = self.current();
        let Some(signer) = &keys.signing else {
            return Err(AppError::unexpected("no signing key"));
        };
        let token = signer.sign(&claims)?;
        Ok(IssuedAccessToken {
            token,
            expires_in: exp - iat,
            expires_at: exp,
        })
    }

    /// The claims of a token that is ours, of the right type and unexpired at
    /// `now`; `None` for anything else, with no reason given.
    pub fn verify(&self, token: &str, now: Millis) -> Option<Arc<AccessClaims>> {
        // Read before the set: a set installed meanwhile is seen as newer.
        let set_generation = self.set_generation.load(Ordering::Acquire);
        let seen = self
            .verified
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .get(token)
            .cloned();
        let verified = match seen {
            Some(verified) if verified.set_generation == set_generation => verified,
            // Checked under another set: is its key still in this one?
            Some(verified) => {
                if !self.current().accepted.contains_key(&verified.kid) {
                    return None;
                }
                verified
            }
            None => {
                let keys = self.current();
                let verified =
                    Arc::new(Self::check(&keys, &self.validation, token, set_generation)?);
                self.verified
                    .write()
                    .unwrap_or_else(PoisonError::into_inner)
                    .insert(token.to_owned(), Arc::clone(&verified));
                verified
            }
        };
        // `exp` is the first second the token is no longer valid (no leeway).
        (now.div_euclid(1000) < verified.claims.exp).then(|| Arc::clone(&verified.claims))
    }

    /// Everything about a token but whether it has expired.
    fn check(
        keys: &KeySet,
        validation: &Validation,
        token: &str,
        set_generation: u64,
    ) -> Option<Verified> {
        let header = decode_header(token).ok()?;
        let kid = header.kid?;
        let key = keys.accepted.get(&kid)?;
        let data = decode::<AccessClaims>(token, key, validation).ok()?;
        (data.header.typ.as_deref() == Some(TOKEN_TYPE)).then(|| Verified {
            kid,
            claims: Arc::new(data.claims),
            set_generation,
        })
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::clock::now_ms;
    use jsonwebtoken::{encode, EncodingKey};

    /// One key for all the tests here, so two `tokens()` agree.
    pub fn key() -> &'static SigningKey {
        static KEY: std::sync::OnceLock<SigningKey> = std::sync::OnceLock::new();
        KEY.get_or_init(|| SigningKey::generate(0).unwrap())
    }

    pub fn tokens() -> AccessTokens {
        let tokens = AccessTokens::new(Duration::from_secs(60));
        tokens.install(std::slice::from_ref(key()), now_ms());
        tokens
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
    fn issued_tokens_verify_with_their_claims_and_carry_the_kid() {
        let now = now_ms();
        let issued = tokens().issue(&user(), "s1", now, now + 3_600_000).unwrap();
        assert_eq!(issued.expires_in, 60);
        let header = decode_header(&issued.token).unwrap();
        assert_eq!(header.alg, Algorithm::EdDSA);
        assert_eq!(header.kid.as_deref(), Some(key().kid.as_str()));
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
    fn another_key_hs256_with_the_public_key_and_no_or_unknown_kid_are_refused() {
        let now = now_ms();
        let issued = tokens().issue(&user(), "s1", now, now + 3_600_000).unwrap();
        let other = AccessTokens::new(Duration::from_secs(60));
        other.install(&[SigningKey::generate(0).unwrap()], now);
        assert!(other.verify(&issued.token, now).is_none());

        let claims = tokens().verify(&issued.token, now).unwrap();
        let forge = |header: Header, key: &EncodingKey| encode(&header, &*claims, key).unwrap();
        // The classic confusion: HS256 keyed with the public key's bytes.
        let confused = Header {
            typ: Some(TOKEN_TYPE.into()),
            kid: Some(key().kid.clone()),
            ..Header::new(Algorithm::HS256)
        };
        let public = EncodingKey::from_secret(key().public_bytes());
        assert!(tokens().verify(&forge(confused, &public), now).is_none());
        let signing = EncodingKey::from_ed_der(key().private_der());
        let no_kid = Header {
            typ: Some(TOKEN_TYPE.into()),
            ..Header::new(Algorithm::EdDSA)
        };
        assert!(tokens().verify(&forge(no_kid, &signing), now).is_none());
        let unknown_kid = Header {
            typ: Some(TOKEN_TYPE.into()),
            kid: Some("unknown".into()),
            ..Header::new(Algorithm::EdDSA)
        };
        assert!(tokens()
            .verify(&forge(unknown_kid, &signing), now)
            .is_none());
        let plain_jwt = Header {
            kid: Some(key().kid.clone()),
            ..Header::new(Algorithm::EdDSA)
        };
        assert!(tokens().verify(&forge(plain_jwt, &signing), now).is_none());
    }

    #[test]
    fn a_retired_key_is_accepted_until_its_tokens_expired_then_refused_even_if_remembered() {
        let now = now_ms() / 1000 * 1000;
        let tokens = AccessTokens::new(Duration::from_secs(60));
        let mut old = SigningKey::generate(now).unwrap();
        tokens.install(std::slice::from_ref(&old), now);
        let issued = tokens.issue(&user(), "s1", now, now + 3_600_000).unwrap();
        assert!(tokens.verify(&issued.token, now).is_some());
        let new = SigningKey::generate(now + 1).unwrap();
        old.retired_at = Some(now + 1);
        tokens.install(&[old.clone(), new.clone()], now + 1);
        assert_eq!(tokens.signing_kid(), Some(new.kid.clone()));
        assert_eq!(tokens.published().len(), 2);
        assert!(tokens.verify(&issued.token, now + 1).is_some());
        // A minute after it was retired, the old key is gone.
        tokens.install(&[old, new], now + 61_001);
        assert_eq!(tokens.published().len(), 1);
        assert!(tokens.verify(&issued.token, now + 30_000).is_none());
    }
}

/// Hostile input: verification answers `None` to anything not ours, and
/// never panics, however the text is shaped.
#[cfg(test)]
mod properties {
    use base64::engine::general_purpose::URL_SAFE_NO_PAD as BASE64URL;
    use base64::Engine;
    use proptest::prelude::*;

    use super::tests::tokens;
    use crate::clock::now_ms;

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
        fn any_claims_json_under_a_forged_header_is_refused(claims in "\\{[ -~]{0,200}\\}", alg in "(none|HS256|HS512|RS256|EdDSA|)") {
            let kid = &super::tests::key().kid;
            let header = format!(r#"{{"alg":"{alg}","typ":"at+jwt","kid":"{kid}"}}"#);
            let token = format!("{}.{}.", BASE64URL.encode(header), BASE64URL.encode(claims));
            prop_assert!(tokens().verify(&token, now_ms()).is_none());
        }
    }
}
