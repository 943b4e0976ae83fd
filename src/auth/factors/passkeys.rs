//! Passkeys (WebAuthn, through `webauthn-rs`). Filled in by the passkeys work.

use crate::clock::Millis;
use crate::db::Conn;
use crate::error::AppError;

/// A passkey's answer at the second step of a sign-in, with the state of
/// the challenge it answers.
pub struct SecondStepAssertion {}

/// Whether `assertion` is a valid answer by one of the user's passkeys; a
/// valid one updates that passkey's counter and last use.
pub fn verify_second_step(
    _conn: &mut Conn,
    _user_id: &str,
    _assertion: &SecondStepAssertion,
    _now: Millis,
) -> Result<bool, AppError> {
    Ok(false)
}
