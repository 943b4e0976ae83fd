//! Refresh tokens: `<session id>.<generation>.<MAC>`, where the MAC is
//! HMAC-SHA256 of the session id and generation under the refresh key. The
//! database keeps only their SHA-256.
//!
//! Deriving them (rather than drawing random ones) lets the service hand a
//! client that lost a refresh response, or a second tab, the session's
//! *current* token again without ever storing it. Naming the session in the
//! token keeps reuse detection working once the rows of older tokens are
//! gone (a session keeps only its current and its last spent one): a valid
//! MAC for an old generation of a live session can only be a replay.

use base64::engine::general_purpose::URL_SAFE_NO_PAD as BASE64URL;
use base64::Engine;
use hmac::{Hmac, Mac};
use sha2::{Digest, Sha256};

use crate::config::Secret;

/// The longest text a refresh token can be (a UUID, a generation, a MAC).
const MAX_TOKEN_LEN: usize = 128;

/// HMAC-SHA256 under the refresh key, keyed once: each token's MAC starts
/// from a copy (keying hashes the key's two pads, as much work again as
/// the token's own text).
#[derive(Clone)]
pub struct RefreshKey(Hmac<Sha256>);

/// What a genuine refresh token names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Presented {
    pub session_id: String,
    pub generation: i64,
}

impl RefreshKey {
    /// Once, at start-up: HMAC takes a key of any length, so keying cannot
    /// fail (the `expect` below never fires, and never on a request).
    pub fn new(secret: Secret) -> Self {
        RefreshKey(
            Hmac::<Sha256>::new_from_slice(secret.expose()).expect("HMAC accepts any key length"),
        )
    }

    /// The token of `generation` of the session `session_id`.
    pub fn token_for(&self, session_id: &str, generation: i64) -> String {
        let mac = self.mac(session_id, generation).finalize().into_bytes();
        format!("{session_id}.{generation}.{}", BASE64URL.encode(mac))
    }

    /// The session and generation a token names, if it is one of ours
    /// (its MAC checked in constant time); `None` for anything else.
    pub fn open(&self, token: &str) -> Option<Presented> {
        if token.len() > MAX_TOKEN_LEN {
            return None;
        }
        let mut parts = token.split('.');
        let (session_id, generation_text, mac_text) = (parts.next()?, parts.next()?, parts.next()?);
        if parts.next().is_some() || session_id.is_empty() {
            return None;
        }
        let generation: i64 = generation_text.parse().ok().filter(|g| *g >= 0)?;
        let mac = BASE64URL.decode(mac_text).ok()?;
        self.mac(session_id, generation).verify_slice(&mac).ok()?;
        // Only the exact text we issue (`token_for`'s): no `+7` or `007`
        // for `7`, no other spelling of the MAC.
        if generation_text != generation.to_string() || mac_text != BASE64URL.encode(&mac) {
            return None;
        }
        Some(Presented {
            session_id: session_id.to_owned(),
            generation,
        })
    }

    fn mac(&self, session_id: &str, generation: i64) -> Hmac<Sha256> {
        // HMAC takes keys of any length, so `new_from_slice` cannot fail.
        let mut mac = self.0.clone();
        mac.update(b"sesame refresh token v1\0");
        mac.update(session_id.as_bytes());
        mac.update(b"\0");
        mac.update(&generation.to_be_bytes());
        mac
    }
}

/// What the database keeps of a token.
pub fn hash(token: &str) -> Vec<u8> {
    Sha256::digest(token.as_bytes()).to_vec()
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
        assert_eq!(token, key(1).token_for("s1", 0));
        assert_ne!(token, key(1).token_for("s1", 1));
        assert_ne!(token, key(1).token_for("s2", 0));
        assert_ne!(token, key(2).token_for("s1", 0));
    }

    #[test]
    fn only_our_tokens_open() {
        let token = key(1).token_for("s1", 7);
        assert_eq!(
            key(1).open(&token),
            Some(Presented {
                session_id: "s1".into(),
                generation: 7
            })
        );
        assert_eq!(key(2).open(&token), None, "another key");
        let forged = token.replacen(".7.", ".8.", 1);
        assert_eq!(key(1).open(&forged), None, "another generation, same MAC");
        for respelled in [
            token.replacen(".7.", ".+7.", 1),
            token.replacen(".7.", ".07.", 1),
        ] {
            assert_eq!(key(1).open(&respelled), None, "{respelled}");
        }
        for junk in [
            "",
            "a",
            "..",
            "s1.7",
            "s1.-1.AAAA",
            "s1.7.!!!!",
            &format!("{token}.x"),
            &"A".repeat(500),
        ] {
            assert_eq!(key(1).open(junk), None, "{junk:?}");
        }
    }
}

/// Hostile input: no text opens unless it is exactly a token we made.
#[cfg(test)]
mod properties {
    use proptest::prelude::*;

    use super::*;

    fn key() -> RefreshKey {
        RefreshKey::new(Secret::new(vec![3; 32]))
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(2000))]

        #[test]
        fn arbitrary_text_never_opens(text in any::<String>()) {
            prop_assert_eq!(key().open(&text), None);
        }

        #[test]
        fn a_changed_token_never_opens(generation in 0i64..1_000_000, at in 0usize..80, byte in any::<u8>()) {
            let token = key().token_for("5f0c8e0e-6b1e-4c3e-9d8a-3a1f2b4c5d6e", generation);
            let mut bytes = token.clone().into_bytes();
            let at = at % bytes.len();
            prop_assume!(bytes[at] != byte);
            bytes[at] = byte;
            if let Ok(changed) = String::from_utf8(bytes) {
                prop_assert_eq!(key().open(&changed), None, "{} opened", changed);
            }
            prop_assert!(key().open(&token).is_some());
        }
    }
}
