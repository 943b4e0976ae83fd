//! What the form session keeps between a passkey's options and the
//! browser's answer: the options' state (its challenge), taken once. Kept
//! in the encrypted cookie, so nothing on the server grows with what
//! strangers ask for.

use super::FormSession;
use crate::auth::{PasskeyChallenge, PendingPasskey};
use crate::error::AppError;

const CHALLENGE_KEY: &str = "passkey_challenge";
const PENDING_KEY: &str = "passkey_pending";

impl FormSession {
    /// Keeps the state of a sign-in's passkey options (replacing any).
    pub fn keep_passkey_challenge(&self, challenge: &PasskeyChallenge) -> Result<(), AppError> {
        self.0
            .insert(CHALLENGE_KEY, challenge)
            .map_err(|e| AppError::unexpected(e.to_string()))
    }

    /// The state kept by `keep_passkey_challenge`, used up.
    pub fn take_passkey_challenge(&self) -> Result<PasskeyChallenge, AppError> {
        self.0
            .remove_as::<PasskeyChallenge>(CHALLENGE_KEY)
            .and_then(Result::ok)
            .ok_or(AppError::NoPasskeyChallenge)
    }

    /// Keeps a passkey being added (replacing any).
    pub fn keep_pending_passkey(&self, pending: &PendingPasskey) -> Result<(), AppError> {
        self.0
            .insert(PENDING_KEY, pending)
            .map_err(|e| AppError::unexpected(e.to_string()))
    }

    /// The passkey kept by `keep_pending_passkey`, used up.
    pub fn take_pending_passkey(&self) -> Result<PendingPasskey, AppError> {
        self.0
            .remove_as::<PendingPasskey>(PENDING_KEY)
            .and_then(Result::ok)
            .ok_or(AppError::NoPasskeyChallenge)
    }
}
