//! Email addresses: proving that an account's address is its owner's
//! (`verify.rs`: the link mailed at sign-up, or again on request), and
//! moving an account to a new address (`change.rs`: the change happens
//! when the link mailed to the new address is opened).
//!
//! Both are links like a reset link: a `LinkToken` of which only the
//! SHA-256 is kept (`email_links`), at most one open per account and
//! purpose (a newer one replaces it), working once, for `--verify-ttl`.
//! As for resets, the link is made by the outbox's sender at each attempt,
//! never stored in clear.

mod change;
mod factor_notice;
mod link_address;
mod verify;

use std::sync::Arc;
use std::time::Duration;

use super::limits::{ForgotLimits, LimitStore};
use super::link_token::LinkToken;
use super::outbox::Outbox;
use super::Sessions;
use crate::clock::{ms, now_ms};
use crate::config::Settings;
use crate::db::email_links::{self, EmailLink};
use crate::db::{Conn, Db};
use crate::error::AppError;

pub use change::OpenedChange;

#[derive(Clone)]
pub struct Addresses(Arc<Inner>);

struct Inner {
    db: Db,
    sessions: Arc<Sessions>,
    outbox: Outbox,
    /// A resend and a change are limited like a forgot request.
    limits: ForgotLimits,
    /// `--public-url`, without a trailing slash.
    public_url: String,
    ttl: Duration,
    /// `--require-verified-email`.
    required: bool,
}

impl Addresses {
    pub fn new(
        db: Db,
        sessions: Arc<Sessions>,
        settings: &Settings,
        limits: &LimitStore,
        outbox: Outbox,
        public_url: String,
    ) -> Self {
        Addresses(Arc::new(Inner {
            db,
            sessions,
            outbox,
            limits: ForgotLimits::new(settings, limits),
            public_url,
            ttl: settings.verify_ttl,
            required: settings.require_verified_email,
        }))
    }

    /// Whether sign-in needs a verified address (`--require-verified-email`).
    pub fn required(&self) -> bool {
        self.0.required
    }

    /// How long a link works.
    pub fn valid_for(&self) -> Duration {
        self.0.ttl
    }
}

impl Addresses {
    /// Uses up the open link of `purpose` with this token and runs `then`
    /// on it, in one write after which every instance reads the user again
    /// (`Sessions::user_changed_with`); the user's id and what `then` gave.
    /// `invalid()` when no link of that purpose works with this token; an
    /// error from `then` leaves the link as it was.
    async fn use_link<T, F>(
        &self,
        token: &LinkToken,
        purpose: &'static str,
        invalid: fn() -> AppError,
        then: F,
    ) -> Result<(String, T), AppError>
    where
        T: Send + 'static,
        F: FnOnce(&mut Conn, EmailLink) -> Result<T, AppError> + Send + 'static,
    {
        let hash = token.hash();
        let lookup = hash.clone();
        let link = self
            .0
            .db
            .read(move |conn| email_links::find_live(conn, &lookup, now_ms()))
            .await?
            .filter(|link| link.purpose == purpose)
            .ok_or_else(invalid)?;
        let owner = link.user_id.clone();
        let done = self
            .0
            .sessions
            .user_changed_with(&link.user_id, move |conn| {
                // Taken in the transaction: of two uses at once, one wins.
                let taken = email_links::take(conn, &hash, now_ms())?
                    .filter(|taken| taken.purpose == purpose && taken.user_id == owner)
                    .ok_or_else(invalid)?;
                then(conn, taken)
            })
            .await?;
        Ok((link.user_id, done))
    }
}

impl Inner {
    /// A new link of `purpose` (`email_links::VERIFY` or `CHANGE`) proving
    /// `email` for the user, written in the caller's transaction (it
    /// replaces the user's open one); the token, for the mail.
    fn new_link(
        &self,
        conn: &mut Conn,
        user_id: &str,
        purpose: &str,
        email: &str,
    ) -> Result<LinkToken, AppError> {
        let token = LinkToken::generate()?;
        let now = now_ms();
        email_links::replace(
            conn,
            &EmailLink {
                token_hash: token.hash(),
                user_id: user_id.to_owned(),
                purpose: purpose.to_owned(),
                email: email.to_owned(),
                created_at: now,
                expires_at: now.saturating_add(ms(self.ttl)),
            },
        )?;
        Ok(token)
    }

    /// The address a link opens: `<public-url><path>?token=…`.
    fn link(&self, path: &str, token: &LinkToken) -> String {
        format!("{}{path}?token={}", self.public_url, token.expose())
    }
}
