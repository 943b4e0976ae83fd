//! App sessions that run out: a session ends by idling past `refresh-ttl`
//! or reaching `session-max-age` without any write, so nothing would tell
//! its app. For the apps that listen (a `backchannel_logout_uri`), the
//! back-channel sender looks each second (`any_run_out`) and, when there
//! are some, ends them as revoked (`end_run_out`), which queues their
//! logouts in the same transaction as every other end does. Apps that do
//! not listen are left to the purge, as sesame's own sessions are.
//!
//! Both queries use the partial indexes of the open app sessions by their
//! two ends (migration `app_session_ends`), so the look each second reads
//! only what ran out, however many sessions are open.

use diesel::prelude::*;

use super::backchannel_logouts::EndedSession;
use super::schema::{oauth_clients, sessions};
use super::{Conn, SessionWriter};
use crate::clock::Millis;
use crate::error::AppError;

/// The open app sessions of listening apps that ran out by `now`, by one of
/// their two ends (each its own index).
macro_rules! run_out {
    ($end:expr, $now:expr) => {
        sessions::table
            .filter(sessions::client_id.is_not_null())
            .filter(sessions::revoked_at.is_null())
            .filter($end.le($now))
            .filter(
                sessions::client_id.eq_any(
                    oauth_clients::table
                        .filter(oauth_clients::backchannel_logout_uri.is_not_null())
                        .select(oauth_clients::id.nullable()),
                ),
            )
            .select(sessions::id)
    };
}

/// Whether a session of a listening app ran out by `now` and is not ended
/// yet (two reads on the indexes: the sender asks before it takes a write).
pub fn any_run_out(conn: &mut Conn, now: Millis) -> Result<bool, AppError> {
    let idle = run_out!(sessions::idle_expires_at, now)
        .first::<String>(conn)
        .optional()?;
    if idle.is_some() {
        return Ok(true);
    }
    Ok(run_out!(sessions::expires_at, now)
        .first::<String>(conn)
        .optional()?
        .is_some())
}

impl SessionWriter {
    /// Ends, as revoked at `now`, up to `limit` of the sessions of listening
    /// apps that ran out by `now` (twice `limit` at most: by either end),
    /// and queues their back-channel logouts; the ids of those it ended. Of
    /// two instances doing it at once, each session is ended, and so
    /// announced, by one (`revoked_at IS NULL`, as every revoke).
    pub fn end_run_out_app_sessions(
        &self,
        conn: &mut Conn,
        now: Millis,
        limit: i64,
    ) -> Result<Vec<String>, AppError> {
        let mut ids: Vec<String> = run_out!(sessions::idle_expires_at, now)
            .limit(limit)
            .load(conn)?;
        ids.extend(
            run_out!(sessions::expires_at, now)
                .limit(limit)
                .load::<String>(conn)?,
        );
        if ids.is_empty() {
            return Ok(ids);
        }
        ids.sort_unstable();
        ids.dedup();
        let ended = super::each_backend!(conn, |c| diesel::update(
            sessions::table
                .filter(sessions::id.eq_any(&ids))
                .filter(sessions::revoked_at.is_null()),
        )
        .set(sessions::revoked_at.eq(now))
        .returning((sessions::id, sessions::user_id, sessions::client_id))
        .load::<EndedSession>(c))?;
        self.ended(conn, &ended, now)?;
        Ok(ended.into_iter().map(|session| session.id).collect())
    }
}
