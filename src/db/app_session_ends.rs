//! App sessions that run out: a session ends by idling past `refresh-ttl`
//! or reaching `session-max-age` without any write, so nothing would tell
//! its app. The back-channel sender looks each half second (`any_run_out`)
//! and, when there are some, ends them as revoked (`end_run_out`), which
//! queues, in the same transaction as every other end does, the logouts of
//! those whose app listens (a `backchannel_logout_uri`). The others are
//! ended too, so that none stays in the index to be looked at again.
//!
//! Both queries use the partial index of the open app sessions by
//! `app_ends_at` (migration `app_session_ends`): the look reads only what
//! ran out, however many sessions are open. The column is NULL for
//! sesame's own sessions, so their refreshes never touch an indexed column.

use diesel::prelude::*;

use super::backchannel_logouts::EndedSession;
use super::schema::sessions;
use super::{Conn, SessionWriter};
use crate::clock::Millis;
use crate::error::AppError;

/// The open app sessions that ran out by `now`.
macro_rules! run_out {
    ($now:expr) => {
        sessions::table
            .filter(sessions::app_ends_at.is_not_null())
            .filter(sessions::revoked_at.is_null())
            .filter(sessions::app_ends_at.le($now))
    };
}

/// Whether an app session ran out by `now` and is not ended yet (one read
/// on the index: the sender asks before it takes a write).
pub fn any_run_out(conn: &mut Conn, now: Millis) -> Result<bool, AppError> {
    Ok(run_out!(now)
        .select(sessions::id)
        .first::<String>(conn)
        .optional()?
        .is_some())
}

impl SessionWriter {
    /// Ends, as revoked at `now`, up to `limit` of the app sessions that ran
    /// out by `now`, and queues the back-channel logouts of those whose app
    /// listens; the ids of those it ended. The update reads their end again
    /// as it locks each row: a refresh made in time that committed after
    /// the read keeps its session; and of two instances doing it at once,
    /// each session is ended, and so announced, by one (`revoked_at IS
    /// NULL`, as every revoke).
    pub fn end_run_out_app_sessions(
        &self,
        conn: &mut Conn,
        now: Millis,
        limit: i64,
    ) -> Result<Vec<String>, AppError> {
        let ids: Vec<String> = run_out!(now).select(sessions::id).limit(limit).load(conn)?;
        if ids.is_empty() {
            return Ok(ids);
        }
        let ended = super::each_backend!(conn, |c| diesel::update(
            run_out!(now).filter(sessions::id.eq_any(&ids))
        )
        .set(sessions::revoked_at.eq(now))
        .returning((sessions::id, sessions::user_id, sessions::client_id))
        .load::<EndedSession>(c))?;
        self.ended(conn, &ended, now)?;
        Ok(ended.into_iter().map(|session| session.id).collect())
    }
}
