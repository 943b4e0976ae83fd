//! Forgotten passwords: a request sends a link by mail, the link's token
//! sets a new password once.
//!
//! A request does the same work whatever the account: the limits, then
//! one row in the outbox for the address as given, and it is answered;
//! nothing about the account is looked up. The outbox's sender then calls
//! `link_mail`: the lookup, the token, the link and the mail, made anew at
//! each attempt. Each account has at most one open link (a newer one
//! replaces it); a link works once, for `--reset-ttl`; a reset ends every
//! session of the account.

use std::sync::Arc;
use std::time::Duration;

use super::accounts::rate_limited;
use super::limits::{ForgotLimits, LimitStore};
use super::link_token::LinkToken;
use super::outbox::{MailKind, Outbox};
use super::password::PasswordHasher;
use super::{Ending, Sessions};
use crate::auth::takeover_links;
use crate::clock::{ms, now_ms};
use crate::config::Settings;
use crate::db::password_resets::{self, PasswordReset};
use crate::db::{users, Conn, Db};
use crate::domain::{Client, Email, Password};
use crate::error::AppError;
use crate::mail::{Mail, ResetMail};

#[derive(Clone)]
pub struct PasswordResets(Arc<Inner>);

struct Inner {
    db: Db,
    sessions: Arc<Sessions>,
    hasher: PasswordHasher,
    limits: ForgotLimits,
    outbox: Outbox,
    /// `--public-url`, without a trailing slash.
    public_url: String,
    ttl: Duration,
}

impl PasswordResets {
    pub fn new(
        db: Db,
        sessions: Arc<Sessions>,
        hasher: PasswordHasher,
        settings: &Settings,
        limits: &LimitStore,
        outbox: Outbox,
        public_url: String,
    ) -> Self {
        PasswordResets(Arc::new(Inner {
            db,
            sessions,
            hasher,
            limits: ForgotLimits::new(settings, limits),
            outbox,
            public_url,
            ttl: settings.reset_ttl,
        }))
    }

    /// Counts the request against the limits (per email, per address),
    /// then puts the link's mail in the outbox for the email as given: the
    /// same work whether or not an account has it.
    pub async fn request(&self, email: Email, client: &Client) -> Result<(), AppError> {
        self.0
            .limits
            .take(email.as_str(), client.address_key())
            .await
            .map_err(|refusal| {
                rate_limited(
                    &self.0.sessions.audit(),
                    self.0.db.metrics(),
                    "forgot",
                    Some(email.as_str()),
                    client,
                    refusal,
                )
            })?;
        self.0
            .outbox
            .put(MailKind::PasswordReset, &email, &client.address_text())
            .await
    }

    /// The reset mail for `email`, asked for from `address`, with a new
    /// link that replaces the account's open one (the outbox's sender
    /// calls it at each attempt); none when no account has that email.
    pub async fn link_mail(&self, email: &str, address: &str) -> Result<Option<Mail>, AppError> {
        self.0.link_mail(email, address).await
    }

    /// A new link for the user, written in the caller's transaction (it
    /// replaces the user's open one, as a mailed one does); its token. A
    /// sign-in disowned opens the reset page with it, no mail needed.
    pub fn new_link_in(&self, conn: &mut Conn, user_id: &str) -> Result<LinkToken, AppError> {
        let token = LinkToken::generate()?;
        write_link(conn, user_id, token.hash(), ms(self.0.ttl))?;
        Ok(token)
    }

    /// How long a link works.
    pub fn valid_for(&self) -> Duration {
        self.0.ttl
    }

    /// Whether the link with this token still works (the reset page asks
    /// before showing its form).
    pub async fn is_open(&self, token: &LinkToken) -> Result<bool, AppError> {
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
        token: &LinkToken,
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
                        users::set_password_hash(conn, &owner, &new_hash)?;
                        let email = users::find_by_id(conn, &owner)?.map(|u| u.email);
                        takeover_links::void(conn, &owner, email.as_deref().unwrap_or(""))
                    }
                    _ => Err(AppError::InvalidResetToken),
                }
            })
            .await?;
        self.0.sessions.audit().event(
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
    async fn link_mail(&self, email: &str, address: &str) -> Result<Option<Mail>, AppError> {
        let token = LinkToken::generate()?;
        let (lookup, token_hash, ttl) = (email.to_owned(), token.hash(), ms(self.ttl));
        // The lookup and the new link in one transaction: a password
        // change, which voids open links, comes wholly before or after.
        let user = self
            .db
            .write(move |conn| {
                let Some(user) = users::find_by_email(conn, &lookup)? else {
                    return Ok(None);
                };
                write_link(conn, &user.id, token_hash, ttl)?;
                Ok(Some(user))
            })
            .await?;
        let Some(user) = user else {
            self.sessions.audit().event(
                "password_reset_requested",
                &[("email", &email), ("ip", &address), ("account", &"none")],
            );
            return Ok(None);
        };
        self.sessions.audit().event(
            "password_reset_requested",
            &[("email", &email), ("ip", &address), ("user", &user.id)],
        );
        let link = format!(
            "{}/password/reset?token={}",
            self.public_url,
            token.expose()
        );
        let mail = ResetMail {
            email: &user.email,
            link: &link,
            valid_for: self.ttl,
        }
        .render();
        match mail {
            Ok(mail) => Ok(Some(mail)),
            // Trying again would not make it: nothing is sent.
            Err(error) => {
                log::warn!(
                    "the password-reset mail for user {} cannot be made: {error}",
                    user.id
                );
                Ok(None)
            }
        }
    }
}

/// Makes the link with this token hash the user's open one, for `ttl` ms.
fn write_link(
    conn: &mut Conn,
    user_id: &str,
    token_hash: Vec<u8>,
    ttl: i64,
) -> Result<(), AppError> {
    let now = now_ms();
    password_resets::replace(
        conn,
        &PasswordReset {
            user_id: user_id.to_owned(),
            token_hash,
            created_at: now,
            expires_at: now.saturating_add(ttl),
        },
    )
}
