//! What the form session keeps for the pages mailed links open: a link's
//! token, out of the address bar (and so out of history, logs and
//! `Referer`), and the account a refused unverified sign-in may ask a new
//! link for.

use super::FormSession;
use crate::error::AppError;

const RESET_TOKEN_KEY: &str = "reset_token";
const CHANGE_TOKEN_KEY: &str = "change_token";
const VERIFY_TOKEN_KEY: &str = "verify_token";
const UNVERIFIED_KEY: &str = "unverified";
/// How long the 403 page of an unverified address may ask for a new link
/// for the account whose right password it refused.
const UNVERIFIED_FOR_MS: i64 = 15 * 60 * 1000;
const NOT_ME_TOKEN_KEY: &str = "not_me_token";
/// Longer is no token of ours; not worth a cookie's room.
const MAX_RESET_TOKEN_CHARS: usize = 64;

impl FormSession {
    /// Keeps a reset link's token for the reset form, out of the address
    /// bar (and so out of history, logs and `Referer`).
    pub fn keep_reset_token(&self, token: &str) -> Result<(), AppError> {
        self.keep_link_token(RESET_TOKEN_KEY, token)
    }

    /// The reset token kept by `keep_reset_token`, if any.
    pub fn reset_token(&self) -> Option<String> {
        self.0.get::<String>(RESET_TOKEN_KEY).ok().flatten()
    }

    pub fn forget_reset_token(&self) {
        self.0.remove(RESET_TOKEN_KEY);
    }

    /// Keeps an address-change link's token, likewise, for the page that
    /// shows its button; taken once by `take_change_token` when pressed.
    pub fn keep_change_token(&self, token: &str) -> Result<(), AppError> {
        self.keep_link_token(CHANGE_TOKEN_KEY, token)
    }

    /// The token kept by `keep_change_token`, left kept.
    pub fn change_token(&self) -> Option<String> {
        self.kept(CHANGE_TOKEN_KEY)
    }

    /// The token kept by `keep_change_token`, forgotten here.
    pub fn take_change_token(&self) -> Option<String> {
        self.take(CHANGE_TOKEN_KEY)
    }

    /// Keeps a verification link's token for `/email/verify`, out of the
    /// address bar (as `keep_reset_token`).
    pub fn keep_verify_token(&self, token: &str) -> Result<(), AppError> {
        self.keep_link_token(VERIFY_TOKEN_KEY, token)
    }

    /// The verification token kept by `keep_verify_token`, left kept.
    pub fn verify_token(&self) -> Option<String> {
        self.kept(VERIFY_TOKEN_KEY)
    }

    /// The verification token kept by `keep_verify_token`, taken once.
    pub fn take_verify_token(&self) -> Option<String> {
        self.take(VERIFY_TOKEN_KEY)
    }

    /// Remembers, for a short while, the account whose right password was
    /// refused for its unverified address: its 403 page may ask for a new
    /// link without a session. Only the user's id (and until when).
    pub fn remember_unverified(&self, user_id: &str) {
        let until = crate::clock::now_ms().saturating_add(UNVERIFIED_FOR_MS);
        // Losing it only hides the resend button's effect; not worth failing for.
        let _ = self.0.insert(UNVERIFIED_KEY, (user_id, until));
    }

    /// The account `remember_unverified` kept, while it holds.
    pub fn unverified(&self) -> Option<String> {
        let (user_id, until) = self.0.get::<(String, i64)>(UNVERIFIED_KEY).ok().flatten()?;
        (crate::clock::now_ms() < until).then_some(user_id)
    }

    /// Keeps a "this wasn't me" link's token, as `keep_reset_token` does.
    pub fn keep_not_me_token(&self, token: &str) -> Result<(), AppError> {
        self.keep_link_token(NOT_ME_TOKEN_KEY, token)
    }

    /// The token kept by `keep_not_me_token`, left kept.
    pub fn not_me_token(&self) -> Option<String> {
        self.kept(NOT_ME_TOKEN_KEY)
    }

    /// The token kept by `keep_not_me_token`, taken once.
    pub fn take_not_me_token(&self) -> Option<String> {
        self.take(NOT_ME_TOKEN_KEY)
    }

    /// A mailed link's token kept under `key`.
    fn kept(&self, key: &str) -> Option<String> {
        self.0.get::<String>(key).ok().flatten()
    }

    /// A mailed link's token kept under `key`, forgotten here.
    fn take(&self, key: &str) -> Option<String> {
        self.0.remove_as::<String>(key).and_then(Result::ok)
    }

    /// A mailed link's token, under `key`; one too long to be ours is
    /// forgotten instead.
    fn keep_link_token(&self, key: &str, token: &str) -> Result<(), AppError> {
        if token.len() > MAX_RESET_TOKEN_CHARS {
            self.0.remove(key);
            return Ok(());
        }
        self.0
            .insert(key, token)
            .map_err(|e| AppError::unexpected(e.to_string()))
    }
}
