//! A key that signs, of either algorithm, ready to sign: parsed once per key
//! set (jsonwebtoken's `encode` would parse the PKCS#8 key again for every
//! token), with the access tokens' header already encoded.

use base64::Engine;
use jsonwebtoken::{Algorithm, Header};
use serde::Serialize;

use super::{AccessClaims, BASE64URL, TOKEN_TYPE};
use crate::auth::signing_keys::SigningKey;
use crate::domain::IdTokenAlg;
use crate::error::AppError;

pub(super) struct Signer {
    pub(super) kid: String,
    pub(super) alg: IdTokenAlg,
    key: Key,
    /// base64url of `{"typ":"at+jwt","alg":…,"kid":…}`.
    access_header: String,
}

enum Key {
    Ed25519(ed25519_dalek::SigningKey),
    /// PKCS#1 v1.5 with SHA-256 (RS256), by `ring` (several times faster
    /// than the `rsa` crate that makes the keys).
    Rsa(ring::signature::RsaKeyPair),
}

impl Signer {
    /// `None` for a key without its private half, or one that does not parse.
    pub(super) fn new(key: &SigningKey) -> Option<Signer> {
        let der = key.private_der()?;
        let parsed = match key.alg() {
            IdTokenAlg::EdDsa => {
                use ed25519_dalek::pkcs8::DecodePrivateKey;
                Key::Ed25519(ed25519_dalek::SigningKey::from_pkcs8_der(der).ok()?)
            }
            IdTokenAlg::Rs256 => Key::Rsa(ring::signature::RsaKeyPair::from_pkcs8(der).ok()?),
        };
        let mut signer = Signer {
            kid: key.kid.clone(),
            alg: key.alg(),
            key: parsed,
            access_header: String::new(),
        };
        signer.access_header = signer.header(TOKEN_TYPE).ok()?;
        Some(signer)
    }

    /// An access token of `claims`.
    pub(super) fn sign_access(&self, claims: &AccessClaims) -> Result<String, AppError> {
        self.signed(&self.access_header, claims)
    }

    /// A JWS of `claims`, its header `{typ, alg, kid}`.
    pub(super) fn sign(&self, typ: &str, claims: &impl Serialize) -> Result<String, AppError> {
        self.signed(&self.header(typ)?, claims)
    }

    /// base64url of the header `{typ, alg, kid}`.
    fn header(&self, typ: &str) -> Result<String, AppError> {
        let alg = match self.alg {
            IdTokenAlg::EdDsa => Algorithm::EdDSA,
            IdTokenAlg::Rs256 => Algorithm::RS256,
        };
        let header = Header {
            typ: Some(typ.into()),
            kid: Some(self.kid.clone()),
            ..Header::new(alg)
        };
        Ok(BASE64URL.encode(serde_json::to_vec(&header).map_err(AppError::unexpected)?))
    }

    /// The JWS compact form: header, claims, the signature of both.
    fn signed(&self, header: &str, claims: &impl Serialize) -> Result<String, AppError> {
        let claims = serde_json::to_vec(claims).map_err(AppError::unexpected)?;
        let mut token = format!("{header}.{}", BASE64URL.encode(claims));
        let signature = match &self.key {
            Key::Ed25519(key) => {
                use ed25519_dalek::Signer as _;
                BASE64URL.encode(key.sign(token.as_bytes()).to_bytes())
            }
            Key::Rsa(pair) => {
                // ring blinds the private operation: its time tells nothing
                // of the key.
                let mut signature = vec![0; pair.public().modulus_len()];
                pair.sign(
                    &ring::signature::RSA_PKCS1_SHA256,
                    &ring::rand::SystemRandom::new(),
                    token.as_bytes(),
                    &mut signature,
                )
                .map_err(|_| AppError::unexpected("RSA signing failed"))?;
                BASE64URL.encode(signature)
            }
        };
        token.push('.');
        token.push_str(&signature);
        Ok(token)
    }
}
