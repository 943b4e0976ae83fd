//! The Ed25519 keys access tokens are signed with: how each one stands,
//! which one signs, and what the rotation schedule asks for. Pure rules over
//! the stored keys and a time; `keys.rs` does the reading and writing.
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
//! public JWK), so the same key always has the same id.

use base64::engine::general_purpose::URL_SAFE_NO_PAD as BASE64URL;
use base64::Engine;
use ed25519_dalek::pkcs8::{DecodePrivateKey, EncodePrivateKey};
use serde::Serialize;
use sha2::{Digest, Sha256};

use crate::clock::Millis;
use crate::config::Secret;
use crate::db::signing_keys::KeyRow;
use crate::error::AppError;

mod schedule;
#[cfg(test)]
mod tests;

pub use schedule::{publish_ahead, signing, states, upkeep, Upkeep, PUBLISHED_AHEAD};

/// One signing key. Not `Debug`: it holds the private key.
#[derive(Clone)]
pub struct SigningKey {
    pub kid: String,
    /// PKCS#8 DER; `None` once retired or revoked.
    private: Option<Secret>,
    public: [u8; 32],
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

/// A public key as the JWKS publishes it.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct Jwk {
    pub kty: &'static str,
    pub crv: &'static str,
    pub x: String,
    pub kid: String,
    pub alg: &'static str,
    #[serde(rename = "use")]
    pub use_: &'static str,
}

impl SigningKey {
    /// A new random key, signing from `now` (see `signing_from`).
    pub fn generate(now: Millis) -> Result<SigningKey, AppError> {
        let mut seed = [0u8; 32];
        getrandom::fill(&mut seed).map_err(|e| AppError::unexpected(e.to_string()))?;
        let key = ed25519_dalek::SigningKey::from_bytes(&seed);
        let der = key
            .to_pkcs8_der()
            .map_err(|e| AppError::unexpected(e.to_string()))?;
        Ok(SigningKey::new(
            Some(Secret::new(der.as_bytes().to_vec())),
            key.verifying_key().to_bytes(),
            now,
        ))
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
        Some(SigningKey::new(
            Some(der.clone()),
            key.verifying_key().to_bytes(),
            0,
        ))
    }

    /// A stored key; `None` for a damaged row.
    pub fn from_row(row: KeyRow) -> Option<SigningKey> {
        let public: [u8; 32] = row.public_key.as_slice().try_into().ok()?;
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
            public_key: self.public.to_vec(),
            created_at: self.created_at,
            retired_at: self.retired_at,
            signs_from: self.signs_from,
            revoked_at: self.revoked_at,
            alg: "EdDSA".to_owned(),
        }
    }

    fn new(private: Option<Secret>, public: [u8; 32], created_at: Millis) -> Self {
        SigningKey {
            kid: thumbprint(&public),
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

    pub fn public_bytes(&self) -> &[u8; 32] {
        &self.public
    }

    pub fn jwk(&self) -> Jwk {
        Jwk {
            kty: "OKP",
            crv: "Ed25519",
            x: BASE64URL.encode(self.public),
            kid: self.kid.clone(),
            alg: "EdDSA",
            use_: "sig",
        }
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

/// RFC 7638's thumbprint of an Ed25519 public key (RFC 8037's members, in
/// lexical order, no spaces), base64url.
fn thumbprint(public: &[u8; 32]) -> String {
    let canonical = format!(
        r#"{{"crv":"Ed25519","kty":"OKP","x":"{}"}}"#,
        BASE64URL.encode(public)
    );
    BASE64URL.encode(Sha256::digest(canonical.as_bytes()))
}
