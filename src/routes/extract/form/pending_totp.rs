//! The authenticator app being set up from the profile: its key and URI,
//! kept in the (encrypted) form session between "Set up" and "Turn on", so
//! a mistyped code can show the QR code again without reading the secret
//! back out of the database. Kept with the account it is for: the form
//! session is the browser's and outlives a sign-out, and another account
//! signed in on that browser must never be shown it.

use super::FormSession;
use crate::error::AppError;

const PENDING_TOTP_KEY: &str = "pending_totp";

impl FormSession {
    pub fn keep_pending_totp(
        &self,
        user_id: &str,
        secret: &str,
        uri: &str,
    ) -> Result<(), AppError> {
        self.0
            .insert(PENDING_TOTP_KEY, (user_id, secret, uri))
            .map_err(|e| AppError::unexpected(e.to_string()))
    }

    /// `(secret, uri)` kept by `keep_pending_totp` for this user.
    pub fn pending_totp(&self, user_id: &str) -> Option<(String, String)> {
        self.0
            .get::<(String, String, String)>(PENDING_TOTP_KEY)
            .ok()
            .flatten()
            .filter(|(kept_for, _, _)| kept_for == user_id)
            .map(|(_, secret, uri)| (secret, uri))
    }

    pub fn forget_pending_totp(&self) {
        self.0.remove(PENDING_TOTP_KEY);
    }
}
