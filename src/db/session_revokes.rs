//! Revoking sessions: the writes that end sessions without deleting them
//! (their rows stay until the purge, so a replayed token is still known).
//! Each one queues, in its own transaction, the back-channel logouts of the
//! sessions it ended (`ended`).

use diesel::prelude::*;

use super::backchannel_logouts::{self, EndedSession};
use super::schema::{sessions, users};
use super::{Conn, SessionWriter};
use crate::clock::Millis;
use crate::error::AppError;

/// What a revoke gives back of each session it ended.
macro_rules! ended_columns {
    () => {
        (sessions::id, sessions::user_id, sessions::client_id)
    };
}

impl SessionWriter {
    /// Revokes the session if it is not revoked already; true when it was revoked now.
    pub fn revoke_session(&self, conn: &mut Conn, id: &str, now: Millis) -> Result<bool, AppError> {
        let ended = super::each_backend!(conn, |c| diesel::update(
            sessions::table
                .find(id)
                .filter(sessions::revoked_at.is_null()),
        )
        .set(sessions::revoked_at.eq(now))
        .returning(ended_columns!())
        .load::<EndedSession>(c))?;
        Ok(self.ended(conn, &ended, now)? == 1)
    }

    /// Revokes every session of the user still open; how many were.
    pub fn revoke_sessions_of_user(
        &self,
        conn: &mut Conn,
        user_id: &str,
        now: Millis,
    ) -> Result<usize, AppError> {
        let ended = super::each_backend!(conn, |c| diesel::update(
            sessions::table
                .filter(sessions::user_id.eq(user_id))
                .filter(sessions::revoked_at.is_null()),
        )
        .set(sessions::revoked_at.eq(now))
        .returning(ended_columns!())
        .load::<EndedSession>(c))?;
        self.ended(conn, &ended, now)
    }

    /// Revokes every open session of an account whose address is not
    /// verified; how many were.
    pub fn revoke_sessions_of_unverified(
        &self,
        conn: &mut Conn,
        now: Millis,
    ) -> Result<usize, AppError> {
        let unverified = users::table
            .filter(users::email_verified.eq(false))
            .select(users::id);
        let ended = super::each_backend!(conn, |c| diesel::update(
            sessions::table
                .filter(sessions::user_id.eq_any(unverified))
                .filter(sessions::revoked_at.is_null()),
        )
        .set(sessions::revoked_at.eq(now))
        .returning(ended_columns!())
        .load::<EndedSession>(c))?;
        self.ended(conn, &ended, now)
    }

    /// Revokes every open session of the user but `keep`; how many were.
    pub fn revoke_other_sessions_of_user(
        &self,
        conn: &mut Conn,
        user_id: &str,
        keep: &str,
        now: Millis,
    ) -> Result<usize, AppError> {
        let ended = super::each_backend!(conn, |c| diesel::update(
            sessions::table
                .filter(sessions::user_id.eq(user_id))
                .filter(sessions::id.ne(keep))
                .filter(sessions::revoked_at.is_null()),
        )
        .set(sessions::revoked_at.eq(now))
        .returning(ended_columns!())
        .load::<EndedSession>(c))?;
        self.ended(conn, &ended, now)
    }

    /// Every write that ends sessions ends here, in its transaction: the
    /// back-channel logouts of the `ended` sessions are queued, and the
    /// sender is woken (on SQLite its claim waits for this write's turn, so
    /// it sees the rows; on PostgreSQL the announcement wakes it after the
    /// commit). How many ended.
    pub(super) fn ended(
        &self,
        conn: &mut Conn,
        ended: &[EndedSession],
        now: Millis,
    ) -> Result<usize, AppError> {
        if backchannel_logouts::queue(conn, ended, now)? > 0 {
            self.backchannel_queued.notify_one();
        }
        Ok(ended.len())
    }
}

impl SessionWriter {
    /// Revokes every open session of the app (`sessions.client_id`); the
    /// ids of those it revoked, for the change to announce.
    pub fn revoke_sessions_of_client(
        &self,
        conn: &mut Conn,
        client_id: &str,
        now: Millis,
    ) -> Result<Vec<String>, AppError> {
        let ended = super::each_backend!(conn, |c| diesel::update(
            sessions::table
                .filter(sessions::client_id.eq(client_id))
                .filter(sessions::revoked_at.is_null()),
        )
        .set(sessions::revoked_at.eq(now))
        .returning(ended_columns!())
        .load::<EndedSession>(c))?;
        // Queued like any other end (the client's removal, in the same
        // write, then deletes them with it: ON DELETE CASCADE).
        self.ended(conn, &ended, now)?;
        Ok(ended.into_iter().map(|session| session.id).collect())
    }
}
