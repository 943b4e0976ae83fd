//! Revoking sessions: the writes that end sessions without deleting them
//! (their rows stay until the purge, so a replayed token is still known).

use diesel::prelude::*;

use super::schema::{sessions, users};
use super::{Conn, SessionWriter};
use crate::clock::Millis;
use crate::error::AppError;

impl SessionWriter {
    /// Revokes the session if it is not revoked already; true when it was revoked now.
    pub fn revoke_session(&self, conn: &mut Conn, id: &str, now: Millis) -> Result<bool, AppError> {
        let updated = diesel::update(
            sessions::table
                .find(id)
                .filter(sessions::revoked_at.is_null()),
        )
        .set(sessions::revoked_at.eq(now))
        .execute(conn)?;
        Ok(updated == 1)
    }

    /// Revokes every session of the user still open; how many were.
    pub fn revoke_sessions_of_user(
        &self,
        conn: &mut Conn,
        user_id: &str,
        now: Millis,
    ) -> Result<usize, AppError> {
        Ok(diesel::update(
            sessions::table
                .filter(sessions::user_id.eq(user_id))
                .filter(sessions::revoked_at.is_null()),
        )
        .set(sessions::revoked_at.eq(now))
        .execute(conn)?)
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
        Ok(diesel::update(
            sessions::table
                .filter(sessions::user_id.eq_any(unverified))
                .filter(sessions::revoked_at.is_null()),
        )
        .set(sessions::revoked_at.eq(now))
        .execute(conn)?)
    }

    /// Revokes every open session of the user but `keep`; how many were.
    pub fn revoke_other_sessions_of_user(
        &self,
        conn: &mut Conn,
        user_id: &str,
        keep: &str,
        now: Millis,
    ) -> Result<usize, AppError> {
        Ok(diesel::update(
            sessions::table
                .filter(sessions::user_id.eq(user_id))
                .filter(sessions::id.ne(keep))
                .filter(sessions::revoked_at.is_null()),
        )
        .set(sessions::revoked_at.eq(now))
        .execute(conn)?)
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
        Ok(diesel::update(
            sessions::table
                .filter(sessions::client_id.eq(client_id))
                .filter(sessions::revoked_at.is_null()),
        )
        .set(sessions::revoked_at.eq(now))
        .returning(sessions::id)
        .get_results(conn)?)
    }
}
