//! Access tokens: EdDSA (Ed25519) JWTs with `typ: at+jwt` and the `kid` of
//! the key that signed them. Only EdDSA is accepted, and only with an
//! Ed25519 key of the current set (`signing_keys`), looked up by `kid`:
//! HS256 (even one keyed with a public key's bytes), `none`, RS256 (even
//! signed by sesame's own RSA key), any other algorithm and an unknown or
//! missing `kid` are refused. `jku`, `jwk` and `x5u` are never followed.
//!
//! The same set signs and checks sesame's other JWTs (ID tokens, logout
//! tokens: `own_jwt.rs`), with the key of the algorithm asked for.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, PoisonError, RwLock};
use std::time::Duration;

use base64::engine::general_purpose::URL_SAFE_NO_PAD as BASE64URL;
use jsonwebtoken::{Algorithm, DecodingKey, Validation};

mod claims;
mod own_jwt;
mod signer;
mod verify;

use super::generations::Generations;
use super::signing_keys::{self, Jwk, PublicKey, SigningKey, ALGORITHMS};
use super::Profile;
use crate::clock::{ms, Millis};
use crate::domain::{Amr, IdTokenAlg};
use crate::error::AppError;
pub use claims::{AccessClaims, AppGrant, IssuedAccessToken, AUDIENCE, ISSUER, TOKEN_TYPE};
use signer::Signer;
use verify::Verified;

/// Tokens whose signature and claims were checked already: two generations
/// of up to this many (about 600 bytes each).
const VERIFIED_GENERATION_SIZE: usize = 8_192;

/// The keys in use: the one of each algorithm that signs, and every one
/// still accepted.
struct KeySet {
    signing: Vec<Signer>,
    accepted: HashMap<String, Accepted>,
    published: Vec<Jwk>,
}

/// A published key, as it checks a signature.
struct Accepted {
    alg: Algorithm,
    key: DecodingKey,
}

impl Accepted {
    fn of(key: &SigningKey) -> Accepted {
        match key.public() {
            PublicKey::Ed25519(raw) => Accepted {
                alg: Algorithm::EdDSA,
                key: DecodingKey::from_ed_der(raw),
            },
            PublicKey::Rsa { n, e, .. } => Accepted {
                alg: Algorithm::RS256,
                key: DecodingKey::from_rsa_raw_components(n, e),
            },
        }
    }
}

impl KeySet {
    fn signer(&self, alg: IdTokenAlg) -> Option<&Signer> {
        self.signing.iter().find(|s| s.alg == alg)
    }
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
    /// The algorithms a JWT was asked of while no key of them signed: the
    /// `KeyRing` makes their first key (`own_jwt.rs`); `install` forgets
    /// them once one signs.
    wanted: Mutex<Vec<IdTokenAlg>>,
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
                signing: Vec::new(),
                accepted: HashMap::new(),
                published: Vec::new(),
            })),
            set_generation: AtomicU64::new(0),
            validation,
            ttl,
            verified: RwLock::new(Generations::new(VERIFIED_GENERATION_SIZE)),
            wanted: Mutex::new(Vec::new()),
        }
    }

    /// Uses `keys` from now on: of each algorithm, the one whose turn it is
    /// signs; it, the one waiting to sign and the retired ones not yet gone
    /// are accepted and published; a revoked one is neither.
    pub fn install(&self, keys: &[SigningKey], now: Millis) {
        let states = signing_keys::states(keys, now, ms(self.ttl));
        let live: Vec<&SigningKey> = keys
            .iter()
            .zip(states)
            .filter(|(_, state)| state.is_published())
            .map(|(key, _)| key)
            .collect();
        let signers: Vec<&SigningKey> = ALGORITHMS
            .iter()
            .filter_map(|&alg| signing_keys::signing(keys, alg, now))
            .collect();
        {
            // Looked at every second: the same set again changes nothing.
            let current = self.current();
            let same_signer = current.signing.len() == signers.len()
                && signers
                    .iter()
                    .all(|k| current.signer(k.alg()).is_some_and(|s| s.kid == k.kid));
            let same_accepted = current.accepted.len() == live.len()
                && live.iter().all(|k| current.accepted.contains_key(&k.kid));
            if same_signer && same_accepted {
                return;
            }
        }
        let set = KeySet {
            signing: signers.into_iter().filter_map(Signer::new).collect(),
            accepted: live
                .iter()
                .map(|k| (k.kid.clone(), Accepted::of(k)))
                .collect(),
            published: live.iter().map(|k| k.jwk()).collect(),
        };
        let set = Arc::new(set);
        *self.keys.write().unwrap_or_else(PoisonError::into_inner) = Arc::clone(&set);
        // After the new set is in place: a verify that sees this generation
        // sees that set.
        self.set_generation.fetch_add(1, Ordering::Release);
        let mut wanted = self.wanted.lock().unwrap_or_else(PoisonError::into_inner);
        wanted.retain(|&alg| set.signer(alg).is_none());
    }

    /// The public keys of the current set, for the JWKS.
    pub fn published(&self) -> Vec<Jwk> {
        self.current().published.clone()
    }

    /// How long an access token lives (`--access-ttl`).
    pub fn ttl(&self) -> Duration {
        self.ttl
    }

    /// The `kid` of the key that signs access tokens, if any.
    pub fn signing_kid(&self) -> Option<String> {
        let keys = self.current();
        keys.signer(IdTokenAlg::EdDsa).map(|s| s.kid.clone())
    }

    fn current(&self) -> Arc<KeySet> {
        Arc::clone(&self.keys.read().unwrap_or_else(PoisonError::into_inner))
    }

    /// A token for the session, expiring after the access TTL or when the
    /// session itself must end (`session_ends_at`), whichever is first;
    /// an app's session's says which app and what it was granted (`app`).
    pub fn issue(
        &self,
        user: &Profile,
        session_id: &str,
        amr: Amr,
        now: Millis,
        session_ends_at: Millis,
        app: Option<AppGrant<'_>>,
    ) -> Result<IssuedAccessToken, AppError> {
        let iat = now.div_euclid(1000);
        let exp = (iat + self.ttl.as_secs() as i64).min(session_ends_at.div_euclid(1000));
        let claims = AccessClaims {
            iss: ISSUER.into(),
            aud: AUDIENCE.into(),
            sub: user.id.clone(),
            sid: session_id.into(),
            email: user.email.clone(),
            email_verified: user.email_verified,
            roles: user.roles.clone(),
            amr: amr.values().iter().map(|&value| value.to_owned()).collect(),
            client_id: app.map(|a| a.client_id.to_owned()),
            scope: app.map(|a| a.scope.to_owned()),
            jti: uuid::Uuid::new_v4().simple().to_string(),
            iat,
            exp,
        };
        let keys = self.current();
        let Some(signer) = keys.signer(IdTokenAlg::EdDsa) else {
            return Err(AppError::unexpected("no signing key"));
        };
        let token = signer.sign_access(&claims)?;
        Ok(IssuedAccessToken {
            token,
            expires_in: exp - iat,
            expires_at: exp,
        })
    }
}

#[cfg(test)]
pub(crate) mod tests;

#[cfg(test)]
mod properties;
