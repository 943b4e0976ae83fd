//! Sign-in alerts, the mailing half (the deciding half is in
//! `accounts/alerts.rs`): the alert mail, made by the outbox's sender at
//! each attempt with a fresh "this wasn't me" link, and that link used.
//!
//! The link is a `LinkToken` of which only the SHA-256 is kept
//! (`sign_in_alerts`), one per session, working once, for `LINK_TTL`.
//! Opening it ends that session (through `Sessions`, so every instance
//! forgets it at once) and, in the same transaction, makes a reset link
//! for the account, whose form the browser is sent on to: the password
//! that let someone in is the next thing to change.

use std::sync::Arc;
use std::time::Duration;

use super::accounts::REMEMBERED_FOR;
use super::link_token::LinkToken;
use super::resets::PasswordResets;
use super::Sessions;
use crate::auth::takeover_links;
use crate::clock::{ms, now_ms};
use crate::db::mail_outbox::OutboxRow;
use crate::db::sign_in_alerts::{self, SignInAlertLink};
use crate::db::{known_devices, passkeys, sessions as session_rows, users, Db};
use crate::domain::{Client, Device};
use crate::error::AppError;
use crate::mail::{Mail, SignInAlertMail};

/// How long a "this wasn't me" link works.
const LINK_TTL: Duration = Duration::from_secs(7 * 24 * 3600);

#[derive(Clone)]
pub struct SignInAlerts(Arc<Inner>);

struct Inner {
    db: Db,
    sessions: Arc<Sessions>,
    resets: PasswordResets,
    /// `--public-url`, without a trailing slash.
    public_url: String,
}

impl SignInAlerts {
    pub fn new(
        db: Db,
        sessions: Arc<Sessions>,
        resets: PasswordResets,
        public_url: String,
    ) -> Self {
        SignInAlerts(Arc::new(Inner {
            db,
            sessions,
            resets,
            public_url,
        }))
    }

    /// The alert about the session the outbox row names (its subject), to
    /// the address it names, with a new link that replaces the session's
    /// last one (the sender calls it at each attempt). None when there is
    /// nothing to say: the session is gone, or the account's address is
    /// no longer that verified one.
    pub async fn mail(&self, row: &OutboxRow) -> Result<Option<Mail>, AppError> {
        let token = LinkToken::generate()?;
        let (session_id, recipient) = (row.subject.clone(), row.recipient.clone());
        let token_hash = token.hash();
        let session = self
            .0
            .db
            .write(move |conn| {
                let Some((session, user)) = session_rows::find_with_user(conn, &session_id)? else {
                    return Ok(None);
                };
                if user.email != recipient || !user.email_verified {
                    return Ok(None);
                }
                let now = now_ms();
                sign_in_alerts::replace(
                    conn,
                    &SignInAlertLink {
                        token_hash,
                        user_id: user.id,
                        session_id,
                        created_at: now,
                        expires_at: now.saturating_add(ms(LINK_TTL)),
                    },
                )?;
                Ok(Some(session))
            })
            .await?;
        let Some(session) = session else {
            return Ok(None);
        };
        let device = Device::of_user_agent(session.user_agent.as_deref());
        let link = format!(
            "{}/sign-in/not-me?token={}",
            self.0.public_url,
            token.expose()
        );
        let mail = SignInAlertMail {
            email: &row.recipient,
            at: session.created_at,
            device: device.as_str(),
            address: &row.requested_from,
            link: &link,
            valid_for: LINK_TTL,
        }
        .render();
        match mail {
            Ok(mail) => Ok(Some(mail)),
            // Trying again would not make it: nothing is sent.
            Err(error) => {
                log::warn!(
                    "the sign-in alert about session {} cannot be made: {error}",
                    session.id
                );
                Ok(None)
            }
        }
    }

    /// Uses the link up: ends its session and makes a reset link for the
    /// account, in one transaction; the reset link's token, for the reset
    /// page. `InvalidResetToken` when the link is unknown, used or expired.
    pub async fn disown(&self, token: &LinkToken, client: &Client) -> Result<LinkToken, AppError> {
        let hash = token.hash();
        let lookup = hash.clone();
        let link = self
            .0
            .db
            .read(move |conn| sign_in_alerts::find_live(conn, &lookup, now_ms()))
            .await?
            .ok_or(AppError::InvalidResetToken)?;
        let (resets, session_id) = (self.0.resets.clone(), link.session_id.clone());
        let owner = link.user_id.clone();
        let ((reset, passkeys_removed), ended) = self
            .0
            .sessions
            .revoke_with(&link.session_id, move |conn| {
                // The user's row first, as every write to the account
                // takes it: a passkey being added is in, or waits.
                users::lock(conn, &owner)?;
                // Taken in the transaction: of two uses at once, one wins.
                match sign_in_alerts::take(conn, &hash, now_ms())? {
                    Some(taken) if taken.session_id == session_id => {
                        // Someone else got in: whatever was mailed before
                        // (a change of address they asked for) goes.
                        let email = users::find_by_id(conn, &taken.user_id)?.map(|u| u.email);
                        takeover_links::void(conn, &taken.user_id, email.as_deref().unwrap_or(""))?;
                        // A passkey they added would let them back in
                        // after the reset: those added since go too.
                        let removed =
                            match session_rows::find_of_user(conn, &session_id, &taken.user_id)? {
                                Some(session) => passkeys::delete_added_since(
                                    conn,
                                    &taken.user_id,
                                    session.created_at,
                                )?,
                                None => 0,
                            };
                        Ok((resets.new_link_in(conn, &taken.user_id)?, removed))
                    }
                    _ => Err(AppError::InvalidResetToken),
                }
            })
            .await?;
        self.0.sessions.audit().event(
            "sign_in_disowned",
            &[
                ("user", &link.user_id),
                ("session", &link.session_id),
                ("ip", &client.address_text()),
                ("session_ended", &ended),
                ("passkeys_removed", &passkeys_removed),
            ],
        );
        if passkeys_removed > 0 {
            // The user's other sessions show their passkeys' count again.
            self.0
                .sessions
                .user_changed_with(&link.user_id, |_| Ok(()))
                .await?;
        }
        Ok(reset)
    }

    /// Deletes links that no longer work and devices not seen for
    /// `REMEMBERED_FOR` (run periodically).
    pub async fn tidy(&self) -> Result<(), AppError> {
        self.0
            .db
            .write(|conn| {
                let now = now_ms();
                sign_in_alerts::delete_expired(conn, now)?;
                known_devices::delete_unseen_since(conn, now.saturating_sub(ms(REMEMBERED_FOR)))
            })
            .await?;
        Ok(())
    }

    /// Whether a "this wasn't me" link with this token still works; reads
    /// only (the page behind the link shows its button only then).
    pub async fn is_open(&self, token: &LinkToken) -> Result<bool, AppError> {
        let hash = token.hash();
        let link = self
            .0
            .db
            .read(move |conn| sign_in_alerts::find_live(conn, &hash, now_ms()))
            .await?;
        Ok(link.is_some())
    }
}
