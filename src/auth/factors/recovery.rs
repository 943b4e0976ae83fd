//! Recovery codes: ten random codes shown once, kept as SHA-256 hashes
//! (they are random, so a fast hash is enough), each working once.

use sha2::{Digest, Sha256};

use crate::error::AppError;

pub const COUNT: usize = 10;
/// Letters and digits no one misreads (no 0/O, 1/I/L).
const ALPHABET: &[u8] = b"ABCDEFGHJKMNPQRSTUVWXYZ23456789";
/// 10 characters of 31: about 49 bits each.
const LENGTH: usize = 10;

/// Ten new codes, as shown: `XXXXX-XXXXX`.
pub fn generate() -> Result<Vec<String>, AppError> {
    (0..COUNT).map(|_| one()).collect()
}

fn one() -> Result<String, AppError> {
    let mut code = String::with_capacity(LENGTH + 1);
    while code.len() < LENGTH + 1 {
        let mut byte = [0u8; 1];
        getrandom::fill(&mut byte).map_err(|e| AppError::unexpected(e.to_string()))?;
        // Rejection sampling: every letter equally likely.
        if usize::from(byte[0]) < 256 - 256 % ALPHABET.len() {
            if code.len() == LENGTH / 2 {
                code.push('-');
            }
            code.push(char::from(ALPHABET[usize::from(byte[0]) % ALPHABET.len()]));
        }
    }
    Ok(code)
}

/// The hash a code is kept and looked up by, however it was typed (case,
/// spaces and dashes do not matter); `None` for what cannot be a code.
pub fn hash(typed: &str) -> Option<Vec<u8>> {
    let normalised: String = typed
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '-')
        .map(|c| c.to_ascii_uppercase())
        .collect();
    let is_code = normalised.len() == LENGTH && normalised.bytes().all(|b| ALPHABET.contains(&b));
    is_code.then(|| Sha256::digest(normalised.as_bytes()).to_vec())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ten_distinct_codes_that_hash_back() {
        let codes = generate().unwrap();
        assert_eq!(codes.len(), COUNT);
        let hashes: std::collections::HashSet<_> = codes.iter().map(|c| hash(c).unwrap()).collect();
        assert_eq!(hashes.len(), COUNT);
        assert!(codes
            .iter()
            .all(|c| c.len() == 11 && c.as_bytes()[5] == b'-'));
    }

    #[test]
    fn a_code_typed_in_lower_case_or_without_its_dash_is_the_same_code() {
        let code = "ABCDE-FGHJK";
        assert_eq!(hash("abcde fghjk"), hash(code));
        assert_eq!(hash("ABCDEFGHJK"), hash(code));
    }

    #[test]
    fn a_totp_code_is_no_recovery_code() {
        assert_eq!(hash("123456"), None);
        assert_eq!(hash(""), None);
    }
}
