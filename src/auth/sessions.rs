//! Using, rotating and ending sessions.

use std::sync::Arc;

use super::rotation::{decide, Decision, Spent};
use super::session_cache::{KnownSession, Lookup};
use super::{audit, refresh_token, Auth, Principal, SignIn};
use crate::clock::{now_ms, Millis};
use crate::db::refresh_tokens::{self, RefreshToken};
use crate::db::sessions::{self, Session};
use crate::db::users::User;
use crate::db::Conn;
use crate::error::AppError;

/// What a refresh did, decided and written in one transaction.
enum Refreshed {
    /// The session (advanced, or as it was) and its user, as of `at`.
    Issued {
        found: Box<(Session, User)>,
        at: Millis,
    },
    Reused {
        session_id: String,
        user_id: String,
    },
    Refused,
}

impl Auth {
    /// Exchanges a refresh token for a new access token and the session's
    /// current refresh token, rotating it when it was the current one.
    pub async fn refresh(&self, token: &str) -> Result<SignIn, AppError> {
        let Some(presented) = self.refresh_key.open(token) else {
            return Err(AppError::InvalidRefreshToken);
        };
        let token_hash = refresh_token::hash(token);
        let key = self.refresh_key.clone();
        let lifetimes = self.lifetimes;
        let changed = self.forget_after(vec![presented.session_id.clone()]);
        let outcome = self
            .db
            .write_then(
                move |conn| {
                    // Read the clock only once the write lock is held: waiting for
                    // it must not stretch the grace window or a session's life.
                    let now = now_ms();
                    let Some((session, user)) =
                        sessions::find_with_user(conn, &presented.session_id)?
                    else {
                        return Ok(Refreshed::Refused);
                    };
                    let spent = spending(conn, &token_hash)?;
                    match decide(
                        presented.generation,
                        spent,
                        &session,
                        now,
                        lifetimes.reuse_grace,
                    ) {
                        Decision::Rotate => {
                            let session = rotate(
                                conn,
                                session,
                                &token_hash,
                                &key,
                                now,
                                now.saturating_add(lifetimes.idle),
                            )?;
                            Ok(Refreshed::Issued {
                                found: Box::new((session, user)),
                                at: now,
                            })
                        }
                        Decision::ResendCurrent => Ok(Refreshed::Issued {
                            found: Box::new((session, user)),
                            at: now,
                        }),
                        Decision::Reuse => {
                            sessions::revoke(conn, &session.id, now)?;
                            Ok(Refreshed::Reused {
                                session_id: session.id,
                                user_id: user.id,
                            })
                        }
                        Decision::Refuse => Ok(Refreshed::Refused),
                    }
                },
                changed,
            )
            .await?;
        match outcome {
            Refreshed::Issued { found, at } => {
                let (session, user) = *found;
                self.sign_in(user, &session, at)
            }
            Refreshed::Reused {
                session_id,
                user_id,
            } => {
                audit::event(
                    "refresh_reuse_detected",
                    &[("user", &user_id), ("session", &session_id)],
                );
                audit::event(
                    "session_revoked",
                    &[
                        ("user", &user_id),
                        ("session", &session_id),
                        ("reason", &"reuse"),
                    ],
                );
                Err(AppError::InvalidRefreshToken)
            }
            Refreshed::Refused => Err(AppError::InvalidRefreshToken),
        }
    }

    /// The user and session behind an access token, if it is valid and its
    /// session is still active (a revoked session's tokens stop at once).
    /// The session comes from memory when it can (see `session_cache`).
    pub async fn authenticate(&self, access_token: &str) -> Result<Principal, AppError> {
        let invalid = AppError::Unauthenticated { token_sent: true };
        let Some(claims) = self.access.verify(access_token, now_ms()) else {
            return Err(invalid);
        };
        let session = match self.sessions.get(&claims.sid) {
            Lookup::Known(session) => session,
            Lookup::Unknown { epoch } => {
                let session_id = claims.sid.clone();
                let found = self
                    .db
                    .read(move |conn| sessions::find_with_user(conn, &session_id))
                    .await?;
                let Some((session, user)) = found else {
                    return Err(invalid);
                };
                let known = Arc::new(KnownSession {
                    revoked: session.revoked_at.is_some(),
                    ends_at: session.ends_at(),
                    user: Arc::new(user.into()),
                });
                self.sessions
                    .remember(claims.sid.clone(), Arc::clone(&known), epoch);
                known
            }
        };
        if session.user.id == claims.sub && session.is_active(now_ms()) {
            Ok(Principal {
                user: Arc::clone(&session.user),
                claims,
            })
        } else {
            Err(invalid)
        }
    }

    /// What to run once a write that changes these sessions is over.
    fn forget_after(&self, session_ids: Vec<String>) -> impl FnOnce() + Send + 'static {
        let cache = Arc::clone(&self.sessions);
        move || cache.forget(&session_ids)
    }

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
        let changed = self.forget_after(session_ids.clone());
        let ended = self
            .db
            .write_then(
                move |conn| {
                    let now = now_ms();
                    let mut ended = Vec::new();
                    for session_id in session_ids {
                        if sessions::revoke(conn, &session_id, now)? {
                            ended.push(session_id);
                        }
                    }
                    Ok(ended)
                },
                changed,
            )
            .await?;
        for session_id in ended {
            audit::event(
                "session_revoked",
                &[("session", &session_id), ("reason", &"logout")],
            );
        }
        Ok(())
    }

    /// Ends every session of the user.
    pub async fn logout_all(&self, user_id: &str) -> Result<(), AppError> {
        let owner = user_id.to_owned();
        let (cache, forgotten) = (Arc::clone(&self.sessions), user_id.to_owned());
        let count = self
            .db
            .write_then(
                move |conn| sessions::revoke_all_of_user(conn, &owner, now_ms()),
                move || cache.forget_user(&forgotten),
            )
            .await?;
        audit::event("logout_all", &[("user", &user_id), ("sessions", &count)]);
        Ok(())
    }

    /// The user's active sessions, newest first.
    pub async fn active_sessions(&self, user_id: &str) -> Result<Vec<Session>, AppError> {
        let owner = user_id.to_owned();
        self.db
            .read(move |conn| sessions::list_active_of_user(conn, &owner, now_ms()))
            .await
    }

    /// Revokes one of the user's sessions; `NotFound` when it is not theirs.
    pub async fn revoke_session(&self, user_id: &str, session_id: &str) -> Result<(), AppError> {
        let (owner, id) = (user_id.to_owned(), session_id.to_owned());
        let changed = self.forget_after(vec![id.clone()]);
        let revoked = self
            .db
            .write_then(
                move |conn| {
                    if sessions::find_of_user(conn, &id, &owner)?.is_none() {
                        return Err(AppError::NotFound);
                    }
                    sessions::revoke(conn, &id, now_ms())
                },
                changed,
            )
            .await?;
        if revoked {
            audit::event(
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

    /// The user whose session a refresh token is current for (or was, within
    /// the grace window), without rotating anything: lets a form that ends
    /// sessions work when the access token has just expired.
    pub async fn user_of_refresh_token(&self, token: &str) -> Result<Option<String>, AppError> {
        let Some(presented) = self.refresh_key.open(token) else {
            return Ok(None);
        };
        let token_hash = refresh_token::hash(token);
        let grace = self.lifetimes.reuse_grace;
        self.db
            .read(move |conn| {
                let now = now_ms();
                let Some((session, user)) = sessions::find_with_user(conn, &presented.session_id)?
                else {
                    return Ok(None);
                };
                let spent = spending(conn, &token_hash)?;
                Ok(
                    match decide(presented.generation, spent, &session, now, grace) {
                        Decision::Rotate | Decision::ResendCurrent => Some(user.id),
                        Decision::Reuse | Decision::Refuse => None,
                    },
                )
            })
            .await
    }
}

/// Whether and when the token with this hash was spent.
fn spending(conn: &mut Conn, token_hash: &[u8]) -> Result<Spent, AppError> {
    Ok(match refresh_tokens::find(conn, token_hash)? {
        Some(row) => row.spent_at.map_or(Spent::No, Spent::At),
        None => Spent::LongAgo,
    })
}

/// Spends the session's current token and issues the next: three writes in
/// the caller's transaction, all or none.
fn rotate(
    conn: &mut Conn,
    mut session: Session,
    spent_hash: &[u8],
    key: &refresh_token::RefreshKey,
    now: Millis,
    idle_expires_at: Millis,
) -> Result<Session, AppError> {
    let spent = refresh_tokens::mark_spent(conn, spent_hash, now)?;
    let advanced = sessions::advance(conn, &session.id, session.generation, now, idle_expires_at)?;
    if !(spent && advanced) {
        // Cannot happen under the write lock; never half-rotate.
        return Err(AppError::unexpected("refresh token rotated concurrently"));
    }
    session.generation += 1;
    session.last_used_at = now;
    session.idle_expires_at = idle_expires_at;
    let next = key.token_for(&session.id, session.generation);
    refresh_tokens::insert(
        conn,
        &RefreshToken {
            token_hash: refresh_token::hash(&next),
            session_id: session.id.clone(),
            generation: session.generation,
            created_at: now,
            spent_at: None,
        },
    )?;
    Ok(session)
}
