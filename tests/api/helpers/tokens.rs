//! Access tokens (JWTs) taken apart and forged.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use serde_json::Value;

/// A JWT with the given header and claims, signed HS256-style with `key`
/// (or unsigned when `key` is `None`).
pub fn forge_jwt(header: &Value, claims: &Value, key: Option<&[u8]>) -> String {
    use hmac::{Hmac, Mac};
    let head = URL_SAFE_NO_PAD.encode(header.to_string());
    let body = URL_SAFE_NO_PAD.encode(claims.to_string());
    let signing_input = format!("{head}.{body}");
    let signature = match key {
        Some(key) => {
            let mut mac = Hmac::<sha2::Sha256>::new_from_slice(key).expect("HMAC key");
            mac.update(signing_input.as_bytes());
            URL_SAFE_NO_PAD.encode(mac.finalize().into_bytes())
        }
        None => String::new(),
    };
    format!("{signing_input}.{signature}")
}

/// The claims of a JWT, unverified (to build variations of a real token).
pub fn claims_of(token: &str) -> Value {
    let payload = token.split('.').nth(1).expect("a JWT");
    serde_json::from_slice(&URL_SAFE_NO_PAD.decode(payload).expect("base64url"))
        .expect("JSON claims")
}

/// The session an access token belongs to (its `sid` claim).
pub fn session_of(access_token: &str) -> String {
    claims_of(access_token)["sid"]
        .as_str()
        .expect("a sid claim")
        .to_owned()
}

/// An Ed25519 key the test owns and gives the server (`SESAME_SIGNING_KEY`),
/// so it can sign tokens as the server would, and variations of them.
pub struct TestSigningKey {
    key: ed25519_dalek::SigningKey,
}

impl TestSigningKey {
    pub fn generate() -> TestSigningKey {
        let mut seed = [0u8; 32];
        getrandom::fill(&mut seed).expect("random bytes");
        TestSigningKey {
            key: ed25519_dalek::SigningKey::from_bytes(&seed),
        }
    }

    /// PKCS#8 DER, as `Settings::signing_key` holds it.
    pub fn der(&self) -> Vec<u8> {
        use ed25519_dalek::pkcs8::EncodePrivateKey;
        self.key.to_pkcs8_der().expect("PKCS#8").as_bytes().to_vec()
    }

    /// PKCS#8 PEM, as `SESAME_SIGNING_KEY` takes it.
    pub fn pem(&self) -> String {
        use ed25519_dalek::pkcs8::spki::der::pem::LineEnding;
        use ed25519_dalek::pkcs8::EncodePrivateKey;
        self.key
            .to_pkcs8_pem(LineEnding::LF)
            .expect("PKCS#8 PEM")
            .to_string()
    }

    /// The raw public key (the JWK's `x`).
    pub fn public_bytes(&self) -> [u8; 32] {
        self.key.verifying_key().to_bytes()
    }

    /// A JWT with exactly this header and these claims, signed Ed25519.
    pub fn sign(&self, header: &Value, claims: &Value) -> String {
        use ed25519_dalek::Signer;
        let signing_input = format!(
            "{}.{}",
            URL_SAFE_NO_PAD.encode(header.to_string()),
            URL_SAFE_NO_PAD.encode(claims.to_string())
        );
        let signature = self.key.sign(signing_input.as_bytes());
        format!(
            "{signing_input}.{}",
            URL_SAFE_NO_PAD.encode(signature.to_bytes())
        )
    }
}

/// The header of a JWT, unverified.
pub fn header_of(token: &str) -> Value {
    let header = token.split('.').next().expect("a JWT");
    serde_json::from_slice(&URL_SAFE_NO_PAD.decode(header).expect("base64url"))
        .expect("JSON header")
}
