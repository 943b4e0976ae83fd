//! Ending sessions: logout, log out everywhere, revoking one, and the purge
//! of what has ended. Each goes through `change`, naming what it ends.

use std::sync::Arc;

use super::{Changed, Sessions};
use crate::clock::now_ms;
use crate::db::oauth_codes;
use crate::db::sessions as session_rows;
use crate::db::users::{self, User};
use crate::db::Conn;
use crate::error::AppError;

/// Which of a user's sessions an account change ends.
pub enum Ending {
    /// Every one but this (a password change keeps the device it came from).
    AllBut(String),
    /// Every one (a password reset).
    All,
    /// Every one, rows deleted, before the change runs (an account deleted).
    Deleted,
}

/// What one purge deleted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Purged {
    pub sessions: usize,
    pub refresh_tokens: usize,
}

impl Sessions {
    /// Ends the sessions the given tokens belong to (refresh tokens, spent or
    /// not, and a still-valid access token). Nothing to end is no error.
    pub async fn logout(
        &self,
        refresh_tokens: &[String],
        access_token: Option<&str>,
    ) -> Result<(), AppError> {
        let mut session_ids: Vec<String> = refresh_tokens
            .iter()
            .filter_map(|t| self.refresh_key.open(t))
            .map(|presented| presented.session_id)
            .collect();
        session_ids.extend(
            access_token
                .and_then(|t| self.access.verify(t, now_ms()))
                .map(|c| c.sid.clone()),
        );
        if session_ids.is_empty() {
            return Ok(());
        }
        let ended = self
            .change(
                Changed::Sessions(session_ids.clone()),
                move |conn, writer| {
                    let now = now_ms();
                    let mut ended = Vec::new();
                    for session_id in session_ids {
                        if writer.revoke_session(conn, &session_id, now)? {
                            ended.push(session_id);
                        }
                    }
                    Ok(ended)
                },
            )
            .await?;
        for session_id in ended {
            self.audit.event(
                "session_revoked",
                &[("session", &session_id), ("reason", &"logout")],
            );
        }
        Ok(())
    }

    /// Ends every session of the user.
    pub async fn logout_all(&self, user_id: &str) -> Result<(), AppError> {
        let owner = user_id.to_owned();
        let count = self
            .change(Changed::AllOfUser(owner.clone()), move |conn, writer| {
                oauth_codes::delete_unused_of_user(conn, &owner)?;
                writer.revoke_sessions_of_user(conn, &owner, now_ms())
            })
            .await?;
        self.audit
            .event("logout_all", &[("user", &user_id), ("sessions", &count)]);
        Ok(())
    }

    /// `account`, a change to the user's own rows, and the end of the
    /// user's sessions that `ending` names, in one transaction, announced
    /// to every instance. Gives what `account` gave and how many sessions
    /// it ended.
    ///
    /// The user's row is locked first and handed to `account` as it is
    /// now (`None`: deleted meanwhile), so a decision `account` takes on it
    /// (is the password still the one checked?) holds until the commit,
    /// and a sign-in waiting on the same lock sees the change.
    pub async fn end_of_user_with<T, F>(
        &self,
        user_id: &str,
        ending: Ending,
        account: F,
    ) -> Result<(T, usize), AppError>
    where
        F: FnOnce(&mut Conn, Option<User>) -> Result<T, AppError> + Send + 'static,
        T: Send + 'static,
    {
        let owner = user_id.to_owned();
        self.change(Changed::AllOfUser(owner.clone()), move |conn, writer| {
            let user = users::lock(conn, &owner)?;
            let now = now_ms();
            // An app's sign-in under way ends with the others.
            oauth_codes::delete_unused_of_user(conn, &owner)?;
            if let Ending::Deleted = ending {
                let ended = writer.delete_sessions_of_user(conn, &owner, now)?;
                return Ok((account(conn, user)?, ended));
            }
            let done = account(conn, user)?;
            let ended = match ending {
                Ending::AllBut(keep) => {
                    writer.revoke_other_sessions_of_user(conn, &owner, &keep, now)?
                }
                _ => writer.revoke_sessions_of_user(conn, &owner, now)?,
            };
            Ok((done, ended))
        })
        .await
    }

    /// Revokes one of the user's sessions; `NotFound` when it is not theirs.
    pub async fn revoke(&self, user_id: &str, session_id: &str) -> Result<(), AppError> {
        let (owner, id) = (user_id.to_owned(), session_id.to_owned());
        let revoked = self
            .change(Changed::Sessions(vec![id.clone()]), move |conn, writer| {
                if session_rows::find_of_user(conn, &id, &owner)?.is_none() {
                    return Err(AppError::NotFound);
                }
                writer.revoke_session(conn, &id, now_ms())
            })
            .await?;
        if revoked {
            self.audit.event(
                "session_revoked",
                &[
                    ("user", &user_id),
                    ("session", &session_id),
                    ("reason", &"revoked"),
                ],
            );
        }
        Ok(())
    }

    /// `work`, a write of the caller's, and the end of one session, in one
    /// transaction, announced to every instance (a sign-in disowned from
    /// its alert's link). Gives what `work` gave and whether the session
    /// ended here (`false`: it had ended already).
    pub async fn revoke_with<T, F>(&self, session_id: &str, work: F) -> Result<(T, bool), AppError>
    where
        F: FnOnce(&mut Conn) -> Result<T, AppError> + Send + 'static,
        T: Send + 'static,
    {
        let id = session_id.to_owned();
        self.change(Changed::Sessions(vec![id.clone()]), move |conn, writer| {
            let done = work(conn)?;
            Ok((done, writer.revoke_session(conn, &id, now_ms())?))
        })
        .await
    }

    /// Deletes ended sessions (revoked, idle past `refresh-ttl`, or past
    /// `session-max-age`) with their tokens, then gives the space back to
    /// the file system. Nothing of a live session goes: it holds only its
    /// current token and the one spent last (rotation deletes older ones),
    /// both still needed; so no setting of the purge's own, such as a
    /// shorter `--reuse-grace` given to `sesame purge`, can take a token the
    /// server still honours.
    /// It deletes a batch at a time, each batch a write of its own, so a
    /// large purge never holds up other writes for long.
    pub async fn purge(&self) -> Result<Purged, AppError> {
        const BATCH: usize = 1000;
        let now = now_ms();
        let mut purged = Purged {
            sessions: 0,
            refresh_tokens: 0,
        };
        // What ran out is ended first, as of the same `now`: no app that
        // listens loses its logout to the purge.
        while self.end_run_out_app_sessions(now).await? {}
        loop {
            let (sessions, refresh_tokens) = self
                .change(Changed::Nothing, move |conn, writer| {
                    writer.delete_ended_sessions(conn, now, BATCH as i64)
                })
                .await?;
            purged.sessions += sessions;
            purged.refresh_tokens += refresh_tokens;
            if sessions < BATCH {
                break;
            }
        }
        self.db.give_space_back().await?;
        self.audit.event(
            "purge",
            &[
                ("sessions", &purged.sessions),
                ("refresh_tokens", &purged.refresh_tokens),
            ],
        );
        Ok(purged)
    }

    /// Ends every session of an account whose address is not verified: at
    /// start, when `--require-verified-email` is on, so that sessions opened
    /// while it was off do not outlive it (nothing is remembered yet, so
    /// nothing is forgotten; another instance started with the setting did
    /// the same at its start). How many ended.
    pub fn end_unverified_at_start(&self) -> Result<usize, AppError> {
        let writer = Arc::clone(&self.writer);
        let ended = self
            .db
            .write_blocking(|conn| writer.revoke_sessions_of_unverified(conn, now_ms()))?;
        if ended > 0 {
            self.audit
                .event("sessions_of_unverified_ended", &[("sessions", &ended)]);
        }
        Ok(ended)
    }
}
