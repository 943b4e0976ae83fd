//! A signing key's public half, of either algorithm: as stored, as the JWKS
//! publishes it, and its RFC 7638 thumbprint (the key's `kid`).
//!
//! - EdDSA (Ed25519): the raw 32 bytes; JWK `{kty: OKP, crv, x}` (RFC 8037).
//! - RS256 (RSA): PKCS#1 `RSAPublicKey` DER; JWK `{kty: RSA, n, e}`, both
//!   big-endian with no leading zero (RFC 7518 6.3.1).

use base64::engine::general_purpose::URL_SAFE_NO_PAD as BASE64URL;
use base64::Engine;
use rsa::pkcs1::{DecodeRsaPublicKey, EncodeRsaPublicKey};
use rsa::traits::PublicKeyParts;
use serde::Serialize;
use sha2::{Digest, Sha256};

use crate::domain::IdTokenAlg;

#[derive(Clone, PartialEq, Eq)]
pub enum PublicKey {
    Ed25519([u8; 32]),
    Rsa {
        /// PKCS#1 DER, as stored.
        der: Vec<u8>,
        /// The modulus and the exponent, big-endian, no leading zero.
        n: Vec<u8>,
        e: Vec<u8>,
    },
}

/// A public key as the JWKS publishes it.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct Jwk {
    #[serde(flatten)]
    pub key: JwkKey,
    pub kid: String,
    pub alg: &'static str,
    #[serde(rename = "use")]
    pub use_: &'static str,
}

/// The members that say what the key is (`kty` and its own).
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
#[serde(tag = "kty")]
pub enum JwkKey {
    #[serde(rename = "OKP")]
    Okp { crv: &'static str, x: String },
    #[serde(rename = "RSA")]
    Rsa { n: String, e: String },
}

impl PublicKey {
    pub fn alg(&self) -> IdTokenAlg {
        match self {
            PublicKey::Ed25519(_) => IdTokenAlg::EdDsa,
            PublicKey::Rsa { .. } => IdTokenAlg::Rs256,
        }
    }

    /// A stored public key of `alg` (`signing_keys.public_key`); `None`
    /// when the bytes are not one.
    pub fn from_stored(alg: IdTokenAlg, bytes: &[u8]) -> Option<PublicKey> {
        match alg {
            IdTokenAlg::EdDsa => Some(PublicKey::Ed25519(bytes.try_into().ok()?)),
            IdTokenAlg::Rs256 => PublicKey::of_rsa(&rsa::RsaPublicKey::from_pkcs1_der(bytes).ok()?),
        }
    }

    pub fn of_rsa(key: &rsa::RsaPublicKey) -> Option<PublicKey> {
        Some(PublicKey::Rsa {
            der: key.to_pkcs1_der().ok()?.as_bytes().to_vec(),
            n: key.n().to_bytes_be(),
            e: key.e().to_bytes_be(),
        })
    }

    /// What `signing_keys.public_key` holds.
    pub fn stored(&self) -> Vec<u8> {
        match self {
            PublicKey::Ed25519(raw) => raw.to_vec(),
            PublicKey::Rsa { der, .. } => der.clone(),
        }
    }

    fn jwk_key(&self) -> JwkKey {
        match self {
            PublicKey::Ed25519(raw) => JwkKey::Okp {
                crv: "Ed25519",
                x: BASE64URL.encode(raw),
            },
            PublicKey::Rsa { n, e, .. } => JwkKey::Rsa {
                n: BASE64URL.encode(n),
                e: BASE64URL.encode(e),
            },
        }
    }

    pub fn jwk(&self, kid: &str) -> Jwk {
        Jwk {
            key: self.jwk_key(),
            kid: kid.to_owned(),
            alg: self.alg().as_str(),
            use_: "sig",
        }
    }

    /// RFC 7638's thumbprint: the SHA-256 of the required members, in
    /// lexical order, no spaces, base64url.
    pub fn thumbprint(&self) -> String {
        let canonical = match self.jwk_key() {
            JwkKey::Okp { crv, x } => format!(r#"{{"crv":"{crv}","kty":"OKP","x":"{x}"}}"#),
            JwkKey::Rsa { n, e } => format!(r#"{{"e":"{e}","kty":"RSA","n":"{n}"}}"#),
        };
        BASE64URL.encode(Sha256::digest(canonical.as_bytes()))
    }
}
