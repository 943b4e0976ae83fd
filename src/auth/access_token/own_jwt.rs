//! sesame's JWTs other than access tokens (ID tokens, logout tokens), for
//! the OpenID provider: signed with the current key of the algorithm asked
//! for, checked against any published key of either algorithm.

use std::sync::PoisonError;

use jsonwebtoken::{decode, decode_header, Validation};
use serde::Serialize;
use serde_json::{Map, Value};

use super::AccessTokens;
use crate::domain::IdTokenAlg;
use crate::error::AppError;

impl AccessTokens {
    /// A JWS of `claims` signed by the current key of `alg`, header
    /// `{typ, alg, kid}`. Never waits: without a key of `alg` that signs
    /// (the first RSA key is made only once wanted), an error; see `want`.
    pub fn sign_jwt<C: Serialize>(
        &self,
        typ: &str,
        alg: IdTokenAlg,
        claims: &C,
    ) -> Result<String, AppError> {
        match self.current().signer(alg) {
            Some(signer) => signer.sign(typ, claims),
            None => Err(AppError::unexpected(format!("no {alg} signing key"))),
        }
    }

    /// Whether a key of `alg` signs now.
    pub fn can_sign(&self, alg: IdTokenAlg) -> bool {
        self.current().signer(alg).is_some()
    }

    /// Asks for a first key of `alg`: the `KeyRing` makes it at its next
    /// look (within a second), so a start makes no RSA key no one uses.
    pub fn want(&self, alg: IdTokenAlg) {
        let mut wanted = self.wanted.lock().unwrap_or_else(PoisonError::into_inner);
        if !wanted.contains(&alg) {
            wanted.push(alg);
        }
    }

    /// Whether a key of `alg` was asked for and none signs yet.
    pub fn is_wanted(&self, alg: IdTokenAlg) -> bool {
        self.wanted
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .contains(&alg)
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
