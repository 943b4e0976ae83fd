//! The keys sesame signs with: Ed25519 (EdDSA: access tokens, and the ID
//! tokens of clients that ask for it) and RSA (RS256: ID tokens), how each
//! one stands, which one signs, and what the rotation schedule asks for.
//! Pure rules over the stored keys and a time; `keys.rs` does the reading
//! and writing. Each algorithm keeps its own schedule, the same rules
//! applied to its keys alone:
//!
//! - A key signs from `signs_from`; of the keys that can sign (a private
//!   half, neither retired nor revoked) and whose time has come, the last to
//!   come signs. The key it replaced is retired (its private half deleted)
//!   and stays published (in the JWKS, and accepted here) until
//!   `--access-ttl` after it was retired: its last token has expired by then.
//! - A scheduled rotation makes the next key ahead of time (`upkeep`), so
//!   it is published `publish_ahead` before it signs: verifiers that cache
//!   the JWKS never meet an unknown `kid`. The first key, or one made when
//!   none can sign, signs at once.
//! - A revoked key is neither published nor accepted, at once.
//!
//! A key's id (`kid`) is its JWK thumbprint (SHA-256 of its canonical
//! public JWK, `public.rs`), so the same key always has the same id.

use ed25519_dalek::pkcs8::{DecodePrivateKey, EncodePrivateKey};

use crate::clock::Millis;
use crate::config::Secret;
use crate::db::signing_keys::KeyRow;
use crate::domain::IdTokenAlg;
use crate::error::AppError;

mod public;
mod schedule;
#[cfg(test)]
mod tests;

pub use public::{Jwk, JwkKey, PublicKey};
pub use schedule::{publish_ahead, signing, states, upkeep, Upkeep, PUBLISHED_AHEAD};

/// Every algorithm the ring keeps keys of: EdDSA signs access tokens (and
/// the ID tokens of the clients that ask for it), RS256 ID tokens.
pub const ALGORITHMS: [IdTokenAlg; 2] = [IdTokenAlg::EdDsa, IdTokenAlg::Rs256];

/// The size of the RSA keys made: RFC 7518's floor for RS256.
const RSA_BITS: usize = 2048;

/// One signing key. Not `Debug`: it holds the private key.
#[derive(Clone)]
pub struct SigningKey {
    pub kid: String,
    /// PKCS#8 DER; `None` once retired or revoked.
    private: Option<Secret>,
    public: PublicKey,
    pub created_at: Millis,
    /// When it starts signing: when it was made, or, made by the schedule,
    /// once it has been published long enough.
    pub signs_from: Millis,
    pub retired_at: Option<Millis>,
    pub revoked_at: Option<Millis>,
}

/// How a key stands at a given time.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyState {
    /// Published, and signs from its `signs_from`.
    Next,
    Signs,
    /// Still published and accepted: tokens it signed may be unexpired.
    Retired,
    Gone,
    /// Neither published nor accepted, whatever its tokens say.
    Revoked,
}

impl KeyState {
    pub fn as_str(self) -> &'static str {
        match self {
            KeyState::Next => "next",
            KeyState::Signs => "signs",
            KeyState::Retired => "retired",
            KeyState::Gone => "gone",
            KeyState::Revoked => "revoked",
        }
    }

    /// In the JWKS, and its tokens accepted.
    pub fn is_published(self) -> bool {
        matches!(self, KeyState::Next | KeyState::Signs | KeyState::Retired)
    }
}

impl SigningKey {
    /// A new random key of `alg`, signing from `now` (see `signing_from`).
    /// An RSA key takes a while (a fraction of a second): not on an async
    /// worker.
    pub fn generate(alg: IdTokenAlg, now: Millis) -> Result<SigningKey, AppError> {
        let (private, public) = match alg {
            IdTokenAlg::EdDsa => {
                let mut seed = [0u8; 32];
                getrandom::fill(&mut seed).map_err(|e| AppError::unexpected(e.to_string()))?;
                let key = ed25519_dalek::SigningKey::from_bytes(&seed);
                let der = key.to_pkcs8_der().map_err(AppError::unexpected)?;
                let public = PublicKey::Ed25519(key.verifying_key().to_bytes());
                (der.as_bytes().to_vec(), public)
            }
            IdTokenAlg::Rs256 => {
                let key = rsa::RsaPrivateKey::new(&mut rsa::rand_core::OsRng, RSA_BITS)
                    .map_err(AppError::unexpected)?;
                let der = rsa::pkcs8::EncodePrivateKey::to_pkcs8_der(&key)
                    .map_err(AppError::unexpected)?;
                let public = PublicKey::of_rsa(&key.to_public_key())
                    .ok_or_else(|| AppError::unexpected("an RSA public key to encode"))?;
                (der.as_bytes().to_vec(), public)
            }
        };
        Ok(SigningKey::new(Some(Secret::new(private)), public, now))
    }

    /// The same key, signing from `at` instead.
    pub fn signing_from(self, at: Millis) -> SigningKey {
        SigningKey {
            signs_from: at,
            ..self
        }
    }

    /// The key given in PKCS#8 DER (`SESAME_SIGNING_KEY`, checked when the
    /// settings were read).
    pub fn given(der: &Secret) -> Option<SigningKey> {
        let key = ed25519_dalek::SigningKey::from_pkcs8_der(der.expose()).ok()?;
        let public = PublicKey::Ed25519(key.verifying_key().to_bytes());
        Some(SigningKey::new(Some(der.clone()), public, 0))
    }

    /// A stored key; `None` for a damaged row (an unknown algorithm, a
    /// public key that is not one, a `kid` that is not its thumbprint).
    pub fn from_row(row: KeyRow) -> Option<SigningKey> {
        let alg: IdTokenAlg = row.alg.parse().ok()?;
        let public = PublicKey::from_stored(alg, &row.public_key)?;
        let key = SigningKey {
            signs_from: row.signs_from,
            retired_at: row.retired_at,
            revoked_at: row.revoked_at,
            ..SigningKey::new(row.private_key.map(Secret::new), public, row.created_at)
        };
        (key.kid == row.kid).then_some(key)
    }

    pub fn to_row(&self) -> KeyRow {
        KeyRow {
            kid: self.kid.clone(),
            private_key: self.private.as_ref().map(|p| p.expose().to_vec()),
            public_key: self.public.stored(),
            created_at: self.created_at,
            retired_at: self.retired_at,
            signs_from: self.signs_from,
            revoked_at: self.revoked_at,
            alg: self.alg().as_str().to_owned(),
        }
    }

    fn new(private: Option<Secret>, public: PublicKey, created_at: Millis) -> Self {
        SigningKey {
            kid: public.thumbprint(),
            private,
            public,
            created_at,
            signs_from: created_at,
            retired_at: None,
            revoked_at: None,
        }
    }

    /// `None` once retired or revoked.
    pub fn private_der(&self) -> Option<&[u8]> {
        self.private.as_ref().map(Secret::expose)
    }

    /// It has its private half, and is neither retired nor revoked.
    fn can_sign(&self) -> bool {
        self.private.is_some() && self.retired_at.is_none() && self.revoked_at.is_none()
    }

    pub fn alg(&self) -> IdTokenAlg {
        self.public.alg()
    }

    pub fn public(&self) -> &PublicKey {
        &self.public
    }

    pub fn jwk(&self) -> Jwk {
        self.public.jwk(&self.kid)
    }

    /// Its state at `now`, when tokens live `access_ttl` and `signer` is
    /// the kid of the key that signs (`signing`).
    fn state(&self, signer: Option<&str>, now: Millis, access_ttl: Millis) -> KeyState {
        if self.revoked_at.is_some() {
            return KeyState::Revoked;
        }
        if signer == Some(self.kid.as_str()) {
            return KeyState::Signs;
        }
        let retired_at = match self.retired_at {
            Some(at) => at,
            None if now < self.signs_from => return KeyState::Next,
            // Replaced, and retired at the next look at the keys.
            None => now,
        };
        if now < retired_at.saturating_add(access_ttl) {
            KeyState::Retired
        } else {
            KeyState::Gone
        }
    }
}
