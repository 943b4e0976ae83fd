//! Clean-up: what can never be used again is deleted.

use super::{audit, Auth};
use crate::clock::now_ms;
use crate::db::{refresh_tokens, sessions};
use crate::error::AppError;

/// What one purge deleted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Purged {
    pub sessions: usize,
    pub refresh_tokens: usize,
}

impl Auth {
    /// Deletes ended sessions (revoked, idle past `refresh-ttl`, or past
    /// `session-max-age`, with their tokens) and refresh tokens spent longer
    /// ago than the grace window. Nothing still valid goes: an active
    /// session, its current token, and the token spent last while it may
    /// still be presented. An older spent token of a live session is still
    /// caught as reuse after its row is gone, since it names its session.
    pub async fn purge(&self) -> Result<Purged, AppError> {
        let grace = self.lifetimes.reuse_grace;
        let purged = self
            .db
            .write(move |conn| {
                let now = now_ms();
                Ok(Purged {
                    sessions: sessions::delete_ended(conn, now)?,
                    refresh_tokens: refresh_tokens::delete_spent_before(
                        conn,
                        now.saturating_sub(grace),
                    )?,
                })
            })
            .await?;
        audit::event(
            "purge",
            &[
                ("sessions", &purged.sessions),
                ("refresh_tokens", &purged.refresh_tokens),
            ],
        );
        Ok(purged)
    }
}
