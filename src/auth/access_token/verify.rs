//! Checking a presented access token: its signature, key, type and
//! claims once, remembered by its signature (`memo_key`), then only whether
//! its key is still accepted and it has not expired, at every use.

use std::sync::atomic::Ordering;
use std::sync::{Arc, PoisonError};

use jsonwebtoken::{decode, decode_header, Algorithm, Validation};

use super::claims::{AccessClaims, TOKEN_TYPE};
use super::{AccessTokens, KeySet};
use crate::clock::Millis;

/// A token `verify` checked.
pub(super) struct Verified {
    /// The whole token: the memo's key is only its end (`memo_key`).
    token: String,
    kid: String,
    claims: Arc<AccessClaims>,
    /// The key set it was checked against.
    set_generation: u64,
}

impl AccessTokens {
    /// The claims of a token that is ours, of the right type and unexpired at
    /// `now`; `None` for anything else, with no reason given.
    pub fn verify(&self, token: &str, now: Millis) -> Option<Arc<AccessClaims>> {
        // Read before the set: a set installed meanwhile is seen as newer.
        let set_generation = self.set_generation.load(Ordering::Acquire);
        let key = memo_key(token);
        let seen = self
            .verified
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .get(key)
            .filter(|verified| verified.token == token)
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
                    .insert(key.to_owned(), Arc::clone(&verified));
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
        let accepted = keys.accepted.get(&kid)?;
        // An ID token is no access token, even with the claims of one.
        if accepted.alg != Algorithm::EdDSA {
            return None;
        }
        let data = decode::<AccessClaims>(token, &accepted.key, validation).ok()?;
        (data.header.typ.as_deref() == Some(TOKEN_TYPE)).then(|| Verified {
            token: token.to_owned(),
            kid,
            claims: Arc::new(data.claims),
            set_generation,
        })
    }
}

/// Where `verify` remembers a token: its signature, the last 86 of its
/// about 700 characters, so that each request hashes a tenth of them. Two
/// tokens with one signature are no threat: a hit counts only when the whole
/// token is the one remembered.
fn memo_key(token: &str) -> &str {
    token
        .rsplit_once('.')
        .map_or(token, |(_, signature)| signature)
}
