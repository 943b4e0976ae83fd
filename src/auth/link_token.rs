//! A mailed link's token (a password reset, an address to prove, a
//! sign-in to disown): 32 random bytes, base64url (43 characters). The
//! database keeps only its SHA-256.

use base64::engine::general_purpose::URL_SAFE_NO_PAD as BASE64URL;
use base64::Engine;
use sha2::{Digest, Sha256};

use crate::error::AppError;

const BYTES: usize = 32;

/// A token as sent in a link, or as presented back.
pub struct LinkToken(String);

impl LinkToken {
    pub fn generate() -> Result<LinkToken, AppError> {
        let mut bytes = [0u8; BYTES];
        getrandom::fill(&mut bytes).map_err(|e| AppError::unexpected(e.to_string()))?;
        Ok(LinkToken(BASE64URL.encode(bytes)))
    }

    /// A presented token; one that cannot be one of ours is refused here,
    /// before any database work.
    pub fn presented(text: &str) -> Result<LinkToken, AppError> {
        match BASE64URL.decode(text) {
            Ok(bytes) if bytes.len() == BYTES => Ok(LinkToken(text.to_owned())),
            _ => Err(AppError::InvalidResetToken),
        }
    }

    pub fn expose(&self) -> &str {
        &self.0
    }

    /// What the database keeps of it.
    pub fn hash(&self) -> Vec<u8> {
        Sha256::digest(self.0.as_bytes()).to_vec()
    }
}

/// Never shows the token.
impl std::fmt::Debug for LinkToken {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("LinkToken(redacted)")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generated_tokens_are_presentable_distinct_and_hidden() {
        let (a, b) = (
            LinkToken::generate().unwrap(),
            LinkToken::generate().unwrap(),
        );
        assert_eq!(a.expose().len(), 43);
        assert_ne!(a.expose(), b.expose());
        assert_eq!(LinkToken::presented(a.expose()).unwrap().hash(), a.hash());
        assert!(!format!("{a:?}").contains(a.expose()));
    }

    #[test]
    fn what_cannot_be_a_token_is_refused() {
        for text in ["", "abc", "%%%", &"A".repeat(44), &"A".repeat(42)] {
            assert!(matches!(
                LinkToken::presented(text),
                Err(AppError::InvalidResetToken)
            ));
        }
    }
}
