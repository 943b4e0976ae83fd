//! The key that signs access tokens, ready to sign: parsed once per key set.

use base64::Engine;
use jsonwebtoken::{Algorithm, Header};

use super::{BASE64URL, TOKEN_TYPE};
use crate::auth::signing_keys::SigningKey;
use crate::error::AppError;

/// The key that signs, parsed once (jsonwebtoken's `encode` would parse
/// the PKCS#8 key and derive its public half again for every token), with
/// its header already encoded: a token is that, its claims, and a signature.
pub(super) struct Signer {
    pub(super) kid: String,
    key: ed25519_dalek::SigningKey,
    /// base64url of `{"typ":"at+jwt","alg":"EdDSA","kid":…}`.
    header: String,
}

impl Signer {
    pub(super) fn new(key: &SigningKey) -> Option<Signer> {
        use ed25519_dalek::pkcs8::DecodePrivateKey;
        let header = Header {
            typ: Some(TOKEN_TYPE.into()),
            kid: Some(key.kid.clone()),
            ..Header::new(Algorithm::EdDSA)
        };
        Some(Signer {
            kid: key.kid.clone(),
            key: ed25519_dalek::SigningKey::from_pkcs8_der(key.private_der()?).ok()?,
            header: BASE64URL.encode(serde_json::to_vec(&header).ok()?),
        })
    }

    /// The JWS compact form: header, claims, Ed25519 signature of both.
    pub(super) fn sign<C: serde::Serialize>(&self, claims: &C) -> Result<String, AppError> {
        use ed25519_dalek::Signer as _;
        let claims = serde_json::to_vec(claims).map_err(AppError::unexpected)?;
        let mut token = format!("{}.{}", self.header, BASE64URL.encode(claims));
        let signature = self.key.sign(token.as_bytes());
        token.push('.');
        token.push_str(&BASE64URL.encode(signature.to_bytes()));
        Ok(token)
    }
}
