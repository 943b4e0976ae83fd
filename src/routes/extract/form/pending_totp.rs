//! The authenticator app being set up from the profile: its key and URI,
//! kept in the (encrypted) form session between "Set up" and "Turn on", so
//! a mistyped code can show the QR code again without reading the secret
//! back out of the database.

use super::FormSession;
use crate::error::AppError;

const PENDING_TOTP_KEY: &str = "pending_totp";

impl FormSession {
    pub fn keep_pending_totp(&self, secret: &str, uri: &str) -> Result<(), AppError> {
        self.0
            .insert(PENDING_TOTP_KEY, (secret, uri))
            .map_err(|e| AppError::unexpected(e.to_string()))
    }

    /// `(secret, uri)` kept by `keep_pending_totp`.
    pub fn pending_totp(&self) -> Option<(String, String)> {
        self.0
            .get::<(String, String)>(PENDING_TOTP_KEY)
            .ok()
            .flatten()
    }

    pub fn forget_pending_totp(&self) {
        self.0.remove(PENDING_TOTP_KEY);
    }
}
