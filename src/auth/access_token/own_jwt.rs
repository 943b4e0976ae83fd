//! sesame's JWTs other than access tokens (ID tokens, logout tokens), for
//! the OpenID provider: signed with the current key of the algorithm asked
//! for, checked against any published key of either algorithm.

/// How long signing waits for a key being made (an RSA key takes a
/// fraction of a second; this leaves room for a loaded machine).
const KEY_WAIT: Duration = Duration::from_secs(5);

use std::sync::{Arc, PoisonError};
use std::time::{Duration, Instant};

use jsonwebtoken::{decode, decode_header, Validation};
use serde::Serialize;
use serde_json::{Map, Value};

use super::{AccessTokens, KeySet};
use crate::domain::IdTokenAlg;
use crate::error::AppError;

impl AccessTokens {
    /// A JWS of `claims` signed by the current key of `alg`, header
    /// `{typ, alg, kid}`.
    pub fn sign_jwt<C: Serialize>(
        &self,
        typ: &str,
        alg: IdTokenAlg,
        claims: &C,
    ) -> Result<String, AppError> {
        let keys = self.with_signer(alg);
        match keys.as_deref().and_then(|keys| keys.signer(alg)) {
            Some(signer) => signer.sign(typ, claims),
            None => Err(AppError::unexpected(format!("no {alg} signing key"))),
        }
    }

    /// `install` will soon give a key of `alg` that signs (the `KeyRing`
    /// is making it): `sign_jwt` waits for it.
    pub fn awaiting(&self, alg: IdTokenAlg) {
        let mut awaited = self.awaited.lock().unwrap_or_else(PoisonError::into_inner);
        if !awaited.contains(&alg) {
            awaited.push(alg);
        }
    }

    /// The current set, once it has a key of `alg` that signs: at once, or,
    /// while one is being made, when it comes (`KEY_WAIT` at most; this
    /// blocks, once after a first start, for a fraction of a second).
    fn with_signer(&self, alg: IdTokenAlg) -> Option<Arc<KeySet>> {
        let deadline = Instant::now() + KEY_WAIT;
        let mut awaited = self.awaited.lock().unwrap_or_else(PoisonError::into_inner);
        loop {
            let keys = self.current();
            if keys.signer(alg).is_some() || !awaited.contains(&alg) {
                return Some(keys);
            }
            let left = deadline.checked_duration_since(Instant::now())?;
            awaited = self
                .installed
                .wait_timeout(awaited, left)
                .unwrap_or_else(PoisonError::into_inner)
                .0;
        }
    }

    /// The claims of a JWT sesame signed with any published key (either
    /// algorithm, chosen by the header's kid, the header's alg must match
    /// the key's), checking only the signature: no exp/iss/aud check
    /// (RP-initiated logout accepts an expired id_token_hint; the caller
    /// checks iss and aud). None if anything is wrong.
    pub fn verify_own_jwt(&self, token: &str) -> Option<Map<String, Value>> {
        let header = decode_header(token).ok()?;
        let keys = self.current();
        let accepted = keys.accepted.get(header.kid.as_deref()?)?;
        if header.alg != accepted.alg {
            return None;
        }
        let mut validation = Validation::new(accepted.alg);
        validation.leeway = 0;
        validation.validate_exp = false;
        validation.validate_aud = false;
        validation.required_spec_claims.clear();
        Some(decode(token, &accepted.key, &validation).ok()?.claims)
    }
}
