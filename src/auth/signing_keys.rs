//! The Ed25519 keys access tokens are signed with, and which of them sign,
//! which are still published, and which are gone.
//!
//! The newest key not retired signs. Making a new one retires the one
//! before, which stays published (in the JWKS, and accepted here) until
//! `--access-ttl` after it was retired: its last token has expired by then.
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

/// One signing key. Not `Debug`: it holds the private key.
#[derive(Clone)]
pub struct SigningKey {
    pub kid: String,
    /// PKCS#8 DER.
    private: Secret,
    public: [u8; 32],
    pub created_at: Millis,
    pub retired_at: Option<Millis>,
}

/// How a key stands at a given time.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyState {
    Signs,
    /// Still published and accepted: tokens it signed may be unexpired.
    Retired,
    Gone,
}

impl KeyState {
    pub fn as_str(self) -> &'static str {
        match self {
            KeyState::Signs => "signs",
            KeyState::Retired => "retired",
            KeyState::Gone => "gone",
        }
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
    /// A new random key.
    pub fn generate(now: Millis) -> Result<SigningKey, AppError> {
        let mut seed = [0u8; 32];
        getrandom::fill(&mut seed).map_err(|e| AppError::unexpected(e.to_string()))?;
        let key = ed25519_dalek::SigningKey::from_bytes(&seed);
        let der = key
            .to_pkcs8_der()
            .map_err(|e| AppError::unexpected(e.to_string()))?;
        Ok(SigningKey::new(
            Secret::new(der.as_bytes().to_vec()),
            key.verifying_key().to_bytes(),
            now,
            None,
        ))
    }

    /// The key given in PKCS#8 DER (`SESAME_SIGNING_KEY`, checked when the
    /// settings were read).
    pub fn given(der: &Secret) -> Option<SigningKey> {
        let key = ed25519_dalek::SigningKey::from_pkcs8_der(der.expose()).ok()?;
        Some(SigningKey::new(
            der.clone(),
            key.verifying_key().to_bytes(),
            0,
            None,
        ))
    }

    /// A stored key; `None` for a damaged row.
    pub fn from_row(row: KeyRow) -> Option<SigningKey> {
        let public: [u8; 32] = row.public_key.as_slice().try_into().ok()?;
        let key = SigningKey::new(
            Secret::new(row.private_key),
            public,
            row.created_at,
            row.retired_at,
        );
        (key.kid == row.kid).then_some(key)
    }

    pub fn to_row(&self) -> KeyRow {
        KeyRow {
            kid: self.kid.clone(),
            private_key: self.private.expose().to_vec(),
            public_key: self.public.to_vec(),
            created_at: self.created_at,
            retired_at: self.retired_at,
        }
    }

    fn new(
        private: Secret,
        public: [u8; 32],
        created_at: Millis,
        retired_at: Option<Millis>,
    ) -> Self {
        SigningKey {
            kid: thumbprint(&public),
            private,
            public,
            created_at,
            retired_at,
        }
    }

    pub fn private_der(&self) -> &[u8] {
        self.private.expose()
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

    /// Its state at `now`, when tokens live `access_ttl`.
    pub fn state(&self, now: Millis, access_ttl: Millis) -> KeyState {
        match self.retired_at {
            None => KeyState::Signs,
            Some(retired) if now < retired.saturating_add(access_ttl) => KeyState::Retired,
            Some(_) => KeyState::Gone,
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

/// The key that signs among `keys` (the newest not retired), if any.
pub fn signing(keys: &[SigningKey]) -> Option<&SigningKey> {
    keys.iter()
        .filter(|k| k.retired_at.is_none())
        .max_by_key(|k| k.created_at)
}

/// Whether a new key is due at `now`: none signs, or the one that signs is
/// `every` old.
pub fn rotation_due(keys: &[SigningKey], now: Millis, every: Millis) -> bool {
    signing(keys).is_none_or(|k| now >= k.created_at.saturating_add(every))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_key_survives_its_row_and_its_kid_is_its_thumbprint() {
        let key = SigningKey::generate(5).unwrap();
        let back = SigningKey::from_row(key.to_row()).unwrap();
        assert_eq!(back.kid, key.kid);
        assert_eq!(back.public_bytes(), key.public_bytes());
        assert_eq!(key.kid.len(), 43, "SHA-256, base64url");
        let mut damaged = key.to_row();
        damaged.kid = "other".into();
        assert!(SigningKey::from_row(damaged).is_none());
        let jwk = serde_json::to_value(key.jwk()).unwrap();
        assert_eq!(jwk["kty"], "OKP");
        assert_eq!(jwk["use"], "sig");
        assert!(jwk.get("d").is_none(), "never the private part");
    }

    #[test]
    fn rfc_8037_example_thumbprint() {
        // RFC 8037, appendix A.3.
        let x = BASE64URL
            .decode("11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo")
            .unwrap();
        let public: [u8; 32] = x.try_into().unwrap();
        assert_eq!(
            thumbprint(&public),
            "kPrK_qmxVWaYVA9wwBF6Iuo3vVzz7TxHCTwXBygrS4k"
        );
    }

    #[test]
    fn the_newest_unretired_key_signs_and_a_retired_one_stays_for_the_access_ttl() {
        let mut old = SigningKey::generate(0).unwrap();
        let new = SigningKey::generate(10).unwrap();
        old.retired_at = Some(10);
        let keys = vec![old.clone(), new.clone()];
        assert_eq!(signing(&keys).unwrap().kid, new.kid);
        assert_eq!(old.state(10 + 99, 100), KeyState::Retired);
        assert_eq!(old.state(10 + 100, 100), KeyState::Gone);
        assert_eq!(new.state(1_000_000, 100), KeyState::Signs);
        assert!(!rotation_due(&keys, 10 + 49, 50));
        assert!(rotation_due(&keys, 10 + 50, 50));
        assert!(rotation_due(&[old], 11, 50), "no key signs");
    }
}
