//! Forgotten passwords: a request sends a link by mail, the link's token
//! sets a new password once.
//!
//! A request is answered as soon as the limits let it through, before
//! anything about the account is looked up: the lookup, the token and the
//! mail happen in the background, so the answer is the same, in the same
//! time, whether or not the account exists. Each account has at most one
//! open link (a newer one replaces it); a link works once, for
//! `--reset-ttl`; a reset ends every session of the account.

mod token;

use std::sync::Arc;
use std::time::Duration;

use tokio::sync::Semaphore;

use super::accounts::rate_limited;
use super::limits::{ForgotLimits, LimitStore};
use super::password::PasswordHasher;
use super::{audit, Ending, Sessions};
use crate::clock::{ms, now_ms};
use crate::config::Settings;
use crate::db::password_resets::{self, PasswordReset};
use crate::db::{users, Db};
use crate::domain::{Client, Email, Password};
use crate::error::AppError;
use crate::mail::{Mailer, ResetMail};
pub use token::ResetToken;

/// Requests whose mail may be waiting at once (a slow or down SMTP server);
/// past it, a request is dropped with a warning rather than queued.
const MAX_PENDING: usize = 256;

#[derive(Clone)]
pub struct PasswordResets(Arc<Inner>);

struct Inner {
    db: Db,
    sessions: Arc<Sessions>,
    hasher: PasswordHasher,
    limits: ForgotLimits,
    mailer: Mailer,
    /// `--public-url`, without a trailing slash.
    public_url: String,
    ttl: Duration,
    pending: Arc<Semaphore>,
}

impl PasswordResets {
    pub fn new(
        db: Db,
        sessions: Arc<Sessions>,
        hasher: PasswordHasher,
        settings: &Settings,
        limits: &LimitStore,
        mailer: Mailer,
        public_url: String,
    ) -> Self {
        PasswordResets(Arc::new(Inner {
            db,
            sessions,
            hasher,
            limits: ForgotLimits::new(settings, limits),
            mailer,
            public_url,
            ttl: settings.reset_ttl,
            pending: Arc::new(Semaphore::new(MAX_PENDING)),
        }))
    }

    /// Counts the request against the limits (per email, per address),
    /// then leaves the rest to the background and returns.
    pub async fn request(&self, email: Email, client: &Client) -> Result<(), AppError> {
        self.0
            .limits
            .take(email.as_str(), client.address_key())
            .await
            .map_err(|refusal| rate_limited("forgot", Some(email.as_str()), client, refusal))?;
        let Ok(permit) = Arc::clone(&self.0.pending).try_acquire_owned() else {
            log::warn!("{MAX_PENDING} password-reset mails are waiting: a request was dropped");
            return Ok(());
        };
        let (inner, address) = (Arc::clone(&self.0), client.address_text());
        tokio::spawn(async move {
            if let Err(error) = inner.send_link(email, &address).await {
                log::warn!("a password-reset request failed: {error}");
            }
            drop(permit);
        });
        Ok(())
    }

    /// How long a link works.
    pub fn valid_for(&self) -> Duration {
        self.0.ttl
    }

    /// Whether the link with this token still works (the reset page asks
    /// before showing its form).
    pub async fn is_open(&self, token: &ResetToken) -> Result<bool, AppError> {
        let hash = token.hash();
        let user = self
            .0
            .db
            .read(move |conn| password_resets::find_live(conn, &hash, now_ms()))
            .await?;
        Ok(user.is_some())
    }

    /// Sets the new password and ends every session of the account, using
    /// the link up, in one transaction. A bad password never gets here
    /// (it is refused while parsing), so the link stays usable after one.
    pub async fn reset(
        &self,
        token: &ResetToken,
        password: Password,
        client: &Client,
    ) -> Result<(), AppError> {
        let hash = token.hash();
        let lookup = hash.clone();
        let user_id = self
            .0
            .db
            .read(move |conn| password_resets::find_live(conn, &lookup, now_ms()))
            .await?
            .ok_or(AppError::InvalidResetToken)?;
        let new_hash = self.0.hasher.hash(password, client.address_key()).await?;
        let owner = user_id.clone();
        let ((), ended) = self
            .0
            .sessions
            .end_of_user_with(&user_id, Ending::All, move |conn, _| {
                // Taken in the transaction: of two uses at once, one wins.
                match password_resets::take(conn, &hash, now_ms())? {
                    Some(taken) if taken == owner => {
                        users::set_password_hash(conn, &owner, &new_hash)
                    }
                    _ => Err(AppError::InvalidResetToken),
                }
            })
            .await?;
        audit::event(
            "password_reset",
            &[
                ("user", &user_id),
                ("ip", &client.address_text()),
                ("sessions_ended", &ended),
            ],
        );
        Ok(())
    }

    /// Forgets limit states that are back to full, and deletes links that
    /// no longer work (run periodically).
    pub async fn tidy(&self) -> Result<(), AppError> {
        self.0.limits.forget_idle().await?;
        self.0
            .db
            .write(|conn| password_resets::delete_expired(conn, now_ms()))
            .await?;
        Ok(())
    }
}

impl Inner {
    /// The background half of a request: look the account up, replace its
    /// link, send the mail.
    async fn send_link(&self, email: Email, address: &str) -> Result<(), AppError> {
        let lookup = email.as_str().to_owned();
        let user = self
            .db
            .read(move |conn| users::find_by_email(conn, &lookup))
            .await?;
        let Some(user) = user else {
            audit::event(
                "password_reset_requested",
                &[
                    ("email", &email.as_str()),
                    ("ip", &address),
                    ("account", &"none"),
                ],
            );
            return Ok(());
        };
        let token = ResetToken::generate()?;
        let now = now_ms();
        let reset = PasswordReset {
            user_id: user.id.clone(),
            token_hash: token.hash(),
            created_at: now,
            expires_at: now.saturating_add(ms(self.ttl)),
        };
        // Only while the password is still the one looked up: a change in
        // between voided open links, and this one was asked for before it.
        let password_then = user.password_hash.clone();
        let written = self
            .db
            .write(move |conn| {
                let current = users::find_by_id(conn, &reset.user_id)?;
                if current.is_none_or(|u| u.password_hash != password_then) {
                    return Ok(false);
                }
                password_resets::replace(conn, &reset).map(|()| true)
            })
            .await?;
        if !written {
            return Ok(());
        }
        audit::event(
            "password_reset_requested",
            &[
                ("email", &email.as_str()),
                ("ip", &address),
                ("user", &user.id),
            ],
        );
        let link = format!(
            "{}/password/reset?token={}",
            self.public_url,
            token.expose()
        );
        let mail = ResetMail {
            name: &user.name,
            email: &user.email,
            link: &link,
            valid_for: self.ttl,
        }
        .render()
        .map_err(AppError::unexpected)?;
        if let Err(error) = self.mailer.deliver(&mail).await {
            log::warn!(
                "the password-reset mail for user {} was not sent: {error}",
                user.id
            );
        }
        Ok(())
    }
}
