//! Accounts: signing up (`sign_up`) and signing in (`password_sign_in`,
//! `passkey_sign_in`, and the second step, `steps`), changing the password
//! and deleting the account (`change`), and the name (`name`). Passwords are
//! checked here, against the limits; the sessions are opened and ended by
//! `Sessions`.

mod alerts;
mod change;
mod counted;
mod disable;
mod factor_notices;
mod name;
mod passkey_sign_in;
mod passkeys;
mod password_sign_in;
pub(super) mod refusals;
mod second_step_code;
mod sign_up;
mod steps;
mod totp;

pub(super) use alerts::REMEMBERED_FOR;
pub(in crate::auth) use change::still_in_force;
pub(crate) use disable::set_disabled;
pub use passkey_sign_in::PasskeyChallenge;
pub use passkeys::{PasskeyInfo, PendingPasskey, MAX_PASSKEYS};
pub(in crate::auth) use refusals::rate_limited;
pub use sign_up::Registered;
use std::sync::Arc;
pub use steps::{LoginStep, SecondStep};
pub use totp::TotpEnrolment;

use super::audit::Audit;
use super::factors::passkeys::RelyingParty;
use super::limits::{LimitStore, LoginLimits, RegisterLimits, SecondFactorLimits};
use super::outbox::Outbox;
use super::password::PasswordHasher;
use super::Sessions;
use crate::config::Settings;
use crate::db::users;
use crate::db::Db;
use crate::error::AppError;

pub struct Accounts {
    db: Db,
    hasher: PasswordHasher,
    login_limits: LoginLimits,
    register_limits: RegisterLimits,
    second_factor_limits: SecondFactorLimits,
    sessions: Arc<Sessions>,
    /// The audit trail (the sessions' own).
    audit: Audit,
    outbox: Outbox,
    /// `--require-verified-email`: no session for an unverified address,
    /// and sign-up does not tell whether an email is taken.
    require_verified: bool,
    /// `--sign-in-alerts`.
    sign_in_alerts: bool,
    /// Passkeys' relying party (`--public-url`'s host).
    relying_party: RelyingParty,
}

impl Accounts {
    /// `limits` says where the limits count (shared on PostgreSQL).
    pub fn new(
        db: Db,
        sessions: Arc<Sessions>,
        settings: &Settings,
        limits: &LimitStore,
        outbox: Outbox,
    ) -> Self {
        let hasher = PasswordHasher::new(settings.bcrypt_cost, db.metrics().bcrypt());
        hasher.use_dummy_cost(settings.bcrypt_cost);
        Accounts {
            db,
            hasher,
            login_limits: LoginLimits::new(settings, limits),
            register_limits: RegisterLimits::new(settings, limits),
            second_factor_limits: SecondFactorLimits::new(settings, limits),
            audit: sessions.audit(),
            sessions,
            outbox,
            require_verified: settings.require_verified_email,
            sign_in_alerts: settings.sign_in_alerts,
            relying_party: RelyingParty::off(),
        }
    }

    /// These accounts with passkeys, for the relying party given.
    pub fn with_relying_party(self, relying_party: RelyingParty) -> Self {
        Accounts {
            relying_party,
            ..self
        }
    }

    /// The hasher, shared with the password resets (one bcrypt queue).
    pub fn password_hasher(&self) -> PasswordHasher {
        self.hasher.clone()
    }

    /// Every check costs what the costliest stored hash costs (run at start
    /// and now and then: the mix changes as sign-ins rehash old hashes).
    pub async fn match_unknown_emails_to_stored_costs(&self) -> Result<(), AppError> {
        let stored = self.db.read(users::highest_cost).await?;
        self.hasher
            .use_dummy_cost(stored.unwrap_or(self.hasher.cost()));
        Ok(())
    }

    /// Forgets limit states that are back to full, and sign-in tickets
    /// that stopped working (run periodically).
    pub async fn forget_idle_limits(&self) -> Result<(), AppError> {
        self.login_limits.forget_idle().await?;
        self.register_limits.forget_idle().await?;
        self.second_factor_limits.forget_idle().await?;
        self.db
            .write(|conn| crate::db::sign_in_tickets::delete_expired(conn, crate::clock::now_ms()))
            .await?;
        Ok(())
    }
}
