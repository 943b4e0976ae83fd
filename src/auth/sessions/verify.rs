//! Who a request's tokens prove it to be, without changing anything.

use std::sync::Arc;

use super::cache::{KnownSession, Lookup};
use super::refresh::spending;
use super::rotation::{decide, Decision};
use super::{Principal, Sessions};
use crate::auth::access_token::AccessClaims;
use crate::auth::refresh_token;
use crate::clock::{now_ms, Millis};
use crate::db::sessions::{self as session_rows, Session};
use crate::error::AppError;

/// The session a token presented by an app belongs to (RFC 7009
/// revocation, RFC 7662 introspection), as read now.
pub struct TokenSession {
    /// Its row: whose it is, and which app's (`client_id`, `scope`).
    pub session: Session,
    /// The user's email.
    pub email: String,
    /// Whether the token works right now: an access token `authenticate`
    /// accepts, or the session's current refresh token.
    pub active: bool,
    pub issued_at: Millis,
    pub expires_at: Millis,
}

/// What memory alone says of an access token (`authenticate_from_memory`).
pub enum FromMemory {
    /// The answer `authenticate` gives.
    Answer(Result<Principal, AppError>),
    /// A valid token whose session must be read (`read_session`).
    ReadSession {
        claims: Arc<AccessClaims>,
        epoch: u64,
    },
}

/// The principal of a valid token whose session is as `session` says.
fn accept(session: &KnownSession, claims: Arc<AccessClaims>) -> Result<Principal, AppError> {
    // A disabled account's sessions are ended with it; one read just
    // before that (within the cache's freshness) is refused too.
    let user = &session.user;
    if user.id == claims.sub && !user.disabled && session.is_active(now_ms()) {
        Ok(Principal {
            user: Arc::clone(user),
            claims,
        })
    } else {
        Err(AppError::Unauthenticated { token_sent: true })
    }
}

impl Sessions {
    /// The user and session behind an access token, if it is valid and its
    /// session is still active (a revoked session's tokens stop at once).
    /// The session comes from memory when it can (see `cache`).
    pub async fn authenticate(&self, access_token: &str) -> Result<Principal, AppError> {
        match self.authenticate_from_memory(access_token) {
            FromMemory::Answer(answer) => answer,
            FromMemory::ReadSession { claims, epoch } => self.read_session(claims, epoch).await,
        }
    }

    /// `authenticate`'s answer when memory has it: the token checked (or
    /// remembered as checked) and its session known; else what to read.
    /// Neither awaits nor copies the token: most requests end here.
    pub fn authenticate_from_memory(&self, access_token: &str) -> FromMemory {
        let Some(claims) = self.access.verify(access_token, now_ms()) else {
            return FromMemory::Answer(Err(AppError::Unauthenticated { token_sent: true }));
        };
        match self.cache.get(&claims.sid) {
            Lookup::Known(session) => FromMemory::Answer(accept(&session, claims)),
            Lookup::Unknown { epoch } => FromMemory::ReadSession { claims, epoch },
        }
    }

    /// The rest of `authenticate` for a session not in memory.
    pub async fn read_session(
        &self,
        claims: Arc<AccessClaims>,
        epoch: u64,
    ) -> Result<Principal, AppError> {
        let session_id = claims.sid.clone();
        let found = self
            .db
            .read(move |conn| session_rows::find_with_user(conn, &session_id))
            .await?;
        let Some((session, user)) = found else {
            return Err(AppError::Unauthenticated { token_sent: true });
        };
        let known = Arc::new(KnownSession {
            revoked: session.revoked_at.is_some(),
            ends_at: session.ends_at(),
            user: Arc::new(user.into()),
            read_at: std::time::Instant::now(),
        });
        self.cache
            .remember(claims.sid.clone(), Arc::clone(&known), epoch);
        accept(&known, claims)
    }

    /// The user a request is signed in as: by a valid access token, else by
    /// its session's current refresh token (sesame's own sessions, never an
    /// app's), so that ending sessions works
    /// from a page whose access token expired a moment ago. Nothing is
    /// rotated. A spent token proves nothing, even within the grace window
    /// (that window is for fetching the current token, not for acting).
    pub async fn owner(
        &self,
        access_token: Option<&str>,
        refresh_token: Option<&str>,
    ) -> Result<String, AppError> {
        if let Some(token) = access_token {
            match self.authenticate(token).await {
                Ok(principal) if principal.claims.client_id.is_none() => {
                    return Ok(principal.user.id.clone())
                }
                // An app's token proves nothing about ending sesame's sessions.
                Ok(_) | Err(AppError::Unauthenticated { .. }) => {}
                Err(other) => return Err(other),
            }
        }
        let refused = AppError::Unauthenticated {
            token_sent: access_token.is_some(),
        };
        let Some(token) = refresh_token else {
            return Err(refused);
        };
        let Some(presented) = self.refresh_key.open(token) else {
            return Err(refused);
        };
        let token_hash = refresh_token::hash(token);
        let grace = self.lifetimes.reuse_grace;
        let owner = self
            .db
            .read(move |conn| {
                let now = now_ms();
                let Some((session, user)) =
                    session_rows::find_with_user(conn, &presented.session_id)?
                else {
                    return Ok(None);
                };
                let spent = spending(conn, &token_hash)?;
                Ok(
                    match decide(presented.generation, spent, &session, now, grace) {
                        Decision::Rotate if session.client_id.is_none() => Some(user.id),
                        Decision::Rotate => None,
                        Decision::ResendCurrent | Decision::Reuse | Decision::Refuse => None,
                    },
                )
            })
            .await?;
        owner.ok_or(refused)
    }
}

impl Sessions {
    /// The session of a well-signed, unexpired access token, and whether
    /// it works now (its session ended, at once on every instance:
    /// `authenticate`). `None`: not such a token, or no such session.
    pub async fn access_token_session(
        &self,
        access_token: &str,
    ) -> Result<Option<TokenSession>, AppError> {
        let Some(claims) = self.access.verify(access_token, now_ms()) else {
            return Ok(None);
        };
        let accepted = match self.authenticate(access_token).await {
            Ok(_) => true,
            Err(AppError::Unauthenticated { .. }) => false,
            Err(other) => return Err(other),
        };
        let session_id = claims.sid.clone();
        let found = self
            .db
            .read(move |conn| session_rows::find_with_user(conn, &session_id))
            .await?;
        Ok(found
            .filter(|(_, user)| user.id == claims.sub)
            .map(|(session, user)| TokenSession {
                // The row, read after `authenticate`, may know of an end it missed.
                active: accepted && session.is_active(now_ms()),
                email: user.email,
                issued_at: claims.iat.saturating_mul(1000),
                expires_at: claims.exp.saturating_mul(1000),
                session,
            }))
    }

    /// The session a refresh token names, spent or not, and whether it is
    /// the one a refresh would take now; nothing is rotated. `None`: not a
    /// refresh token of this server's, or no such session.
    pub async fn refresh_token_session(
        &self,
        refresh_token: &str,
    ) -> Result<Option<TokenSession>, AppError> {
        let Some(presented) = self.refresh_key.open(refresh_token) else {
            return Ok(None);
        };
        let token_hash = refresh_token::hash(refresh_token);
        let grace = self.lifetimes.reuse_grace;
        self.db
            .read(move |conn| {
                let Some((session, user)) =
                    session_rows::find_with_user(conn, &presented.session_id)?
                else {
                    return Ok(None);
                };
                let spent = spending(conn, &token_hash)?;
                let decision = decide(presented.generation, spent, &session, now_ms(), grace);
                Ok(Some(TokenSession {
                    active: decision == Decision::Rotate,
                    email: user.email,
                    // The current token was issued at the session's last use.
                    issued_at: session.last_used_at,
                    expires_at: session.ends_at(),
                    session,
                }))
            })
            .await
    }
}
