//! Refresh tokens: opaque to clients, derived from the session's id and
//! generation with the refresh key, stored only as their SHA-256.
//!
//! Deriving them (rather than drawing random ones) lets the service give a
//! client that lost a refresh response, or a second tab, the session's
//! *current* token again without ever storing it.

use base64::engine::general_purpose::URL_SAFE_NO_PAD as BASE64URL;
use base64::Engine;
use hmac::{Hmac, Mac};
use sha2::{Digest, Sha256};

use crate::config::Secret;

/// Length of a refresh token's text: 32 bytes in unpadded base64url.
const TOKEN_LEN: usize = 43;

#[derive(Clone)]
pub struct RefreshKey(Secret);

impl RefreshKey {
    pub fn new(secret: Secret) -> Self {
        RefreshKey(secret)
    }

    /// The token of `generation` of the session `session_id`.
    pub fn token_for(&self, session_id: &str, generation: i64) -> String {
        // HMAC takes keys of any length, so `new_from_slice` cannot fail.
        let mut mac =
            Hmac::<Sha256>::new_from_slice(self.0.expose()).expect("HMAC accepts any key length");
        mac.update(b"sesame refresh token v1\0");
        mac.update(session_id.as_bytes());
        mac.update(b"\0");
        mac.update(&generation.to_be_bytes());
        BASE64URL.encode(mac.finalize().into_bytes())
    }
}

/// What the database keeps of a token.
pub fn hash(token: &str) -> Vec<u8> {
    Sha256::digest(token.as_bytes()).to_vec()
}

/// Whether `token` could be one of ours at all (checked before any lookup).
pub fn is_well_formed(token: &str) -> bool {
    token.len() == TOKEN_LEN
        && token
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(byte: u8) -> RefreshKey {
        RefreshKey::new(Secret::new(vec![byte; 32]))
    }

    #[test]
    fn tokens_are_stable_per_session_and_generation() {
        let token = key(1).token_for("s1", 0);
        assert!(is_well_formed(&token));
        assert_eq!(token, key(1).token_for("s1", 0));
        assert_ne!(token, key(1).token_for("s1", 1));
        assert_ne!(token, key(1).token_for("s2", 0));
        assert_ne!(token, key(2).token_for("s1", 0));
    }

    #[test]
    fn only_base64url_of_the_right_length_is_well_formed() {
        assert!(!is_well_formed(""));
        assert!(!is_well_formed(&"a".repeat(42)));
        assert!(!is_well_formed(&"a".repeat(44)));
        assert!(!is_well_formed(&format!("{}+", "a".repeat(42))));
        assert!(!is_well_formed("eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.abc"));
    }
}
