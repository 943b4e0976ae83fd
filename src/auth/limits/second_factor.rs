//! The second step's limit: 5 wrong codes per account per login window,
//! from all addresses together (a ticket already proves the password, so
//! whoever holds one is not a stranger to lock out); and, apart, 5 wrong
//! codes confirming a new key (a signed-in session, maybe a stolen one).

use super::limiter::{LimitStore, Limiter, Refusal};
use crate::config::Settings;

pub const MAX_WRONG_CODES: u32 = 5;

pub struct SecondFactorLimits(Limiter);

/// The try one code took. Dropped without an outcome (the code was never
/// checked), it gives it back.
pub struct CodeAttempt<'a> {
    limits: &'a SecondFactorLimits,
    key: u64,
    settled: bool,
}

impl SecondFactorLimits {
    pub fn new(settings: &Settings, store: &LimitStore) -> Self {
        SecondFactorLimits(Limiter::new(
            "second-factor",
            MAX_WRONG_CODES,
            settings.login_window,
            store,
        ))
    }

    /// Takes one try for the account; refused when it has none left.
    pub async fn begin(&self, user_id: &str) -> Result<CodeAttempt<'_>, Refusal> {
        self.begin_keyed(self.0.key(user_id)).await
    }

    /// Takes one try at confirming the account's new key: counted apart
    /// from its sign-in codes, so that a stolen session sending confirms
    /// (each holds a try while it runs) never leaves the owner's second
    /// step without one.
    pub async fn begin_confirm(&self, user_id: &str) -> Result<CodeAttempt<'_>, Refusal> {
        self.begin_keyed(self.0.key(("totp-confirm", user_id)))
            .await
    }

    async fn begin_keyed(&self, key: u64) -> Result<CodeAttempt<'_>, Refusal> {
        self.0.take(key).await?;
        Ok(CodeAttempt {
            limits: self,
            key,
            settled: false,
        })
    }

    pub async fn forget_idle(&self) -> Result<(), crate::error::AppError> {
        self.0.forget_idle().await
    }
}

impl CodeAttempt<'_> {
    /// A wrong code: the try stays taken.
    pub fn failed(mut self) {
        self.settled = true;
    }
}

impl Drop for CodeAttempt<'_> {
    /// A right code, or none checked: the try is given back (earlier
    /// wrong codes still count).
    fn drop(&mut self) {
        if !self.settled {
            self.limits.0.give_back(self.key);
        }
    }
}
