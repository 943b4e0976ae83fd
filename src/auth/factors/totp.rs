//! TOTP (RFC 6238) as authenticator apps know it: SHA-1, 6 digits, 30 s,
//! done by `totp-rs`. sesame adds only which step a code belongs to, so
//! that no code is accepted twice.

use totp_rs::{Algorithm, TOTP};

use crate::clock::Millis;
use crate::error::AppError;

pub const STEP_SECS: u64 = 30;
const DIGITS: usize = 6;
/// 160 bits, as RFC 4226 recommends.
const SECRET_BYTES: usize = 20;
const ISSUER: &str = "sesame";

/// A new random secret.
pub fn new_secret() -> Result<Vec<u8>, AppError> {
    let mut secret = vec![0u8; SECRET_BYTES];
    getrandom::fill(&mut secret).map_err(|e| AppError::unexpected(e.to_string()))?;
    Ok(secret)
}

fn totp(secret: &[u8], email: &str) -> Result<TOTP, AppError> {
    TOTP::new(
        Algorithm::SHA1,
        DIGITS,
        0,
        STEP_SECS,
        secret.to_vec(),
        Some(ISSUER.to_owned()),
        email.to_owned(),
    )
    .map_err(|e| AppError::unexpected(format!("TOTP: {e:?}")))
}

/// What an authenticator app is given: the secret in base32 (typed in) and
/// the `otpauth://` URI (the QR code).
pub fn enrolment(secret: &[u8], email: &str) -> Result<(String, String), AppError> {
    // The label may hold no colon (it parts issuer from account), which an
    // address from before the sign-up rule may have (`"a:b"@example.com`).
    let totp = totp(secret, &email.replace(':', "_"))?;
    Ok((totp.get_secret_base32(), totp.get_url()))
}

/// The step of the current time or one either side whose code `code` is,
/// newest first; `None` when it is none of them (or not six digits).
pub fn matching_step(secret: &[u8], code: &str, now: Millis) -> Option<i64> {
    let code = code.trim();
    if code.len() != DIGITS || !code.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    // The account name plays no part in the code.
    let totp = totp(secret, "x").ok()?;
    let current = now.div_euclid(1000).max(0) as u64 / STEP_SECS;
    [current + 1, current, current.saturating_sub(1)]
        .into_iter()
        .find(|&step| totp.check(code, step * STEP_SECS))
        .map(|step| step as i64)
}

#[cfg(test)]
mod tests {
    use super::*;

    // RFC 6238, appendix B: the SHA-1 secret, 8-digit codes cut to 6.
    const RFC_SECRET: &[u8] = b"12345678901234567890";

    #[test]
    fn the_rfc_test_vectors_match_their_step() {
        for (time, code) in [
            (59, "287082"),
            (1_111_111_109, "081804"),
            (1_234_567_890, "005924"),
        ] {
            let step = time / 30;
            assert_eq!(matching_step(RFC_SECRET, code, time * 1000), Some(step));
        }
    }

    #[test]
    fn a_code_one_step_either_side_is_accepted_and_two_are_not() {
        let code = "081804"; // step 37037036
        for (offset, accepted) in [
            (-60, false),
            (-30, true),
            (0, true),
            (30, true),
            (60, false),
        ] {
            let at = (1_111_111_109 + offset) * 1000;
            assert_eq!(
                matching_step(RFC_SECRET, code, at).is_some(),
                accepted,
                "{offset}"
            );
        }
    }

    #[test]
    fn anything_but_six_digits_is_no_code() {
        for code in ["", "08180", "0818045", "08a804", "０８１８０４"] {
            assert_eq!(matching_step(RFC_SECRET, code, 1_111_111_109_000), None);
        }
    }

    #[test]
    fn an_address_with_a_colon_still_gets_a_uri() {
        let (_, uri) = enrolment(RFC_SECRET, "\"a:b\"@example.com").unwrap();
        assert!(
            uri.starts_with("otpauth://totp/sesame:%22a_b%22%40example.com?"),
            "{uri}"
        );
    }

    #[test]
    fn the_uri_names_sesame_and_the_account() {
        let (secret, uri) = enrolment(RFC_SECRET, "ann@example.com").unwrap();
        assert_eq!(secret, "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ");
        assert_eq!(
            uri,
            "otpauth://totp/sesame:ann%40example.com?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&issuer=sesame"
        );
    }
}
