//! Refreshing: a presented refresh token is decided on (`rotation::decide`)
//! and acted on in one write transaction, with the clock read under the
//! write lock.

use super::rotation::{decide, Decision, Spent};
use super::{Changed, Sessions, SignIn};
use crate::auth::refresh_token::{self, RefreshKey};
use crate::clock::{now_ms, Millis};
use crate::db::refresh_tokens::{self, RefreshToken, TokenRotation};
use crate::db::sessions::Session;
use crate::db::users::User;
use crate::db::{Conn, SessionWriter};
use crate::error::AppError;

/// What a refresh did, decided and written in one transaction.
enum Refreshed {
    /// The session (advanced, or as it was: `resent`) and its user, as of `at`.
    Issued {
        found: Box<(Session, User)>,
        at: Millis,
        resent: bool,
    },
    Reused {
        session_id: String,
        user_id: String,
    },
    Refused,
}

impl Sessions {
    /// Exchanges a refresh token of one of sesame's own sessions for a new
    /// access token and the session's current refresh token, rotating it
    /// when it was the current one.
    pub async fn refresh(&self, token: &str) -> Result<SignIn, AppError> {
        self.refresh_for(token, None).await
    }

    /// `refresh`, for the sessions of the app `client_id` (`None`: sesame's
    /// own): a token of any other session is refused, untouched, so no app
    /// can rotate (and so end) another's session, or sesame's.
    pub async fn refresh_for(
        &self,
        token: &str,
        client_id: Option<&str>,
    ) -> Result<SignIn, AppError> {
        let refreshed = self.rotate(token, client_id).await;
        // A reuse is `refused` here, and counted apart as a detection.
        let result = match &refreshed {
            Ok(_) => "success",
            Err(AppError::InvalidRefreshToken) => "refused",
            Err(AppError::Busy) => "busy",
            Err(_) => "error",
        };
        self.db.metrics().refresh(result);
        refreshed
    }

    /// `refresh_for`, uncounted.
    async fn rotate(&self, token: &str, client_id: Option<&str>) -> Result<SignIn, AppError> {
        let expected_client = client_id.map(str::to_owned);
        let Some(presented) = self.refresh_key.open(token) else {
            return Err(AppError::InvalidRefreshToken);
        };
        let token_hash = refresh_token::hash(token);
        let (key, lifetimes) = (self.refresh_key.clone(), self.lifetimes);
        let changed = Changed::Sessions(vec![presented.session_id.clone()]);
        let outcome = self
            .change(changed, move |conn, writer| {
                // The session is locked for the decision (on any instance),
                // and the clock read only once it is: waiting for the lock
                // must not stretch the grace window or a session's life.
                // The presented token's row comes with it, as of the lock.
                let Some((session, user, token)) =
                    writer.lock_with_user_and_token(conn, &presented.session_id, &token_hash)?
                else {
                    return Ok(Refreshed::Refused);
                };
                if session.client_id != expected_client {
                    return Ok(Refreshed::Refused);
                }
                let now = now_ms();
                // Disabling ends the sessions in its own transaction; this
                // is decided on the rows as they are, so a refresh racing
                // it either ran first (and its session ended then) or sees
                // the account disabled here and ends the session itself.
                if user.disabled_at.is_some() {
                    writer.revoke_session(conn, &session.id, now)?;
                    return Ok(Refreshed::Refused);
                }
                let spent = spent_of(token);
                let decision = decide(
                    presented.generation,
                    spent,
                    &session,
                    now,
                    lifetimes.reuse_grace,
                );
                Ok(match decision {
                    Decision::Rotate => {
                        let idle_expires_at = now.saturating_add(lifetimes.idle);
                        let rotation = Rotation {
                            spent_hash: &token_hash,
                            key: &key,
                            now,
                            idle_expires_at,
                        };
                        let session = rotation.apply(conn, writer, session)?;
                        issued(session, user, now, false)
                    }
                    Decision::ResendCurrent => issued(session, user, now, true),
                    Decision::Reuse => {
                        writer.revoke_session(conn, &session.id, now)?;
                        Refreshed::Reused {
                            session_id: session.id,
                            user_id: user.id,
                        }
                    }
                    Decision::Refuse => Refreshed::Refused,
                })
            })
            .await?;
        match outcome {
            Refreshed::Issued { found, at, resent } => {
                let (session, user) = *found;
                if resent {
                    self.audit.event(
                        "refresh_grace_resend",
                        &[("user", &user.id), ("session", &session.id)],
                    );
                }
                self.sign_in(user, &session, at)
            }
            Refreshed::Reused {
                session_id,
                user_id,
            } => {
                self.db.metrics().reuse_detected();
                self.audit.event(
                    "refresh_reuse_detected",
                    &[("user", &user_id), ("session", &session_id)],
                );
                self.audit.event(
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
}

fn issued(session: Session, user: User, at: Millis, resent: bool) -> Refreshed {
    Refreshed::Issued {
        found: Box::new((session, user)),
        at,
        resent,
    }
}

/// Whether and when the token with this hash was spent.
pub(super) fn spending(conn: &mut Conn, token_hash: &[u8]) -> Result<Spent, AppError> {
    Ok(spent_of(refresh_tokens::find(conn, token_hash)?))
}

/// Whether and when the token whose row this is (`None`: gone) was spent.
fn spent_of(row: Option<RefreshToken>) -> Spent {
    match row {
        Some(row) => row.spent_at.map_or(Spent::No, Spent::At),
        None => Spent::LongAgo,
    }
}

/// Spending the session's current token and issuing the next.
struct Rotation<'a> {
    spent_hash: &'a [u8],
    key: &'a RefreshKey,
    now: Millis,
    idle_expires_at: Millis,
}

impl Rotation<'_> {
    /// Four writes in the caller's transaction, all or none: spend, advance,
    /// prune what is older than the token spent, insert the next
    /// (`SessionWriter::rotate`: on PostgreSQL in one statement).
    fn apply(
        &self,
        conn: &mut Conn,
        writer: &SessionWriter,
        mut session: Session,
    ) -> Result<Session, AppError> {
        let next = self.key.token_for(&session.id, session.generation + 1);
        let rotated = writer.rotate(
            conn,
            TokenRotation {
                spent_hash: self.spent_hash,
                from_generation: session.generation,
                now: self.now,
                idle_expires_at: self.idle_expires_at,
                app_ends_at: session
                    .client_id
                    .is_some()
                    .then(|| self.idle_expires_at.min(session.expires_at)),
                next: RefreshToken {
                    token_hash: refresh_token::hash(&next),
                    session_id: session.id.clone(),
                    generation: session.generation + 1,
                    created_at: self.now,
                    spent_at: None,
                },
            },
        )?;
        if !(rotated.spent && rotated.advanced) {
            // Cannot happen under the lock; never half-rotate (the caller's
            // transaction rolls back whatever was written).
            return Err(AppError::unexpected("refresh token rotated concurrently"));
        }
        session.generation += 1;
        session.last_used_at = self.now;
        session.idle_expires_at = self.idle_expires_at;
        if session.client_id.is_some() {
            session.app_ends_at = Some(session.ends_at());
        }
        Ok(session)
    }
}
