//! The `sessions` table: one row per login on one device.

use diesel::prelude::*;

use super::backchannel_logouts::EndedSession;
use super::cached_updates::AdvanceSession;
use super::refresh_tokens::{self as refresh_token_rows, RefreshToken};
use super::schema::{refresh_tokens, sessions, users};
use super::users::User;
use super::{each_backend, Conn, SessionWriter};
use crate::clock::Millis;
use crate::error::AppError;

#[derive(Queryable, Selectable, Insertable, Debug, Clone)]
#[diesel(table_name = sessions, check_for_backend(diesel::sqlite::Sqlite, diesel::pg::Pg))]
pub struct Session {
    pub id: String,
    pub user_id: String,
    pub user_agent: Option<String>,
    pub generation: i64,
    pub created_at: Millis,
    pub last_used_at: Millis,
    pub idle_expires_at: Millis,
    pub expires_at: Millis,
    pub revoked_at: Option<Millis>,
    /// What the sign-in proved (`domain::Amr::stored`).
    pub amr: String,
    /// The app whose sign-in this is (`oauth_clients.id`); `None`: sesame's own.
    pub client_id: Option<String>,
    /// What the app was granted (space-separated scopes); only with `client_id`.
    pub scope: Option<String>,
    /// When the user signed in, if before the session began (an app's
    /// session begins at its code's exchange); `None`: `created_at`.
    pub auth_time: Option<Millis>,
    /// An app's session: when it runs out unless refreshed (`ends_at`),
    /// kept in a column of its own, indexed (`app_session_ends.rs`); `None`
    /// for sesame's own sessions, whose refreshes thus leave every indexed
    /// column as it was (PostgreSQL then updates the row in place).
    pub app_ends_at: Option<Millis>,
}

impl Session {
    /// When the session ends unless it is used (refreshed) again before.
    pub fn ends_at(&self) -> Millis {
        self.idle_expires_at.min(self.expires_at)
    }

    pub fn is_active(&self, now: Millis) -> bool {
        self.revoked_at.is_none() && now < self.ends_at()
    }
}

/// The session and its user.
pub fn find_with_user(conn: &mut Conn, id: &str) -> Result<Option<(Session, User)>, AppError> {
    // This runs on every authenticated request. Each lookup here is by a
    // unique key, so no `LIMIT ?` (`first`): SQLite re-prepares a statement
    // whenever a LIMIT parameter is bound again. Run on the backend's own
    // connection (see `db`).
    Ok(each_backend!(conn, |c| sessions::table
        .inner_join(users::table)
        .filter(sessions::id.eq(id))
        .select((sessions::all_columns, users::all_columns))
        .get_result::<(Session, User)>(c)
        .optional())?)
}

/// The session if it belongs to the user.
pub fn find_of_user(conn: &mut Conn, id: &str, user_id: &str) -> Result<Option<Session>, AppError> {
    Ok(sessions::table
        .find(id)
        .filter(sessions::user_id.eq(user_id))
        .select(Session::as_select())
        .get_result(conn)
        .optional()?)
}

/// The user's sessions still active at `now`, newest first.
pub fn list_active_of_user(
    conn: &mut Conn,
    user_id: &str,
    now: Millis,
) -> Result<Vec<Session>, AppError> {
    Ok(sessions::table
        .filter(sessions::user_id.eq(user_id))
        .filter(sessions::revoked_at.is_null())
        .filter(sessions::idle_expires_at.gt(now))
        .filter(sessions::expires_at.gt(now))
        .order((sessions::created_at.desc(), sessions::id))
        .select(Session::as_select())
        .load(conn)?)
}

pub(super) mod pg_refresh;

/// Any number works, the same in every instance ("purge" in ASCII).
const PURGE_LOCK: i64 = 0x0070_7572_6765;

/// Writes: only `auth::Sessions` holds the writer (see `session_writer`).
impl SessionWriter {
    /// The session and its user, the session's row locked until the
    /// transaction ends, and the row of the token `token_hash` (`None`:
    /// gone) as it is once the session is locked: a decision on them (a
    /// rotation) is taken by one transaction at a time, on any instance.
    /// On PostgreSQL in one round trip (`pg_refresh`); SQLite's write
    /// transaction holds the whole database already.
    pub fn lock_with_user_and_token(
        &self,
        conn: &mut Conn,
        id: &str,
        token_hash: &[u8],
    ) -> Result<Option<(Session, User, Option<RefreshToken>)>, AppError> {
        if let Conn::Postgres(pg) = conn {
            return pg_refresh::lock_with_user_and_token(pg, id, token_hash);
        }
        let Some((session, user)) = find_with_user(conn, id)? else {
            return Ok(None);
        };
        let token = refresh_token_rows::find(conn, token_hash)?;
        Ok(Some((session, user, token)))
    }

    pub fn insert_session(&self, conn: &mut Conn, session: &Session) -> Result<(), AppError> {
        diesel::insert_into(sessions::table)
            .values(session)
            .execute(conn)?;
        Ok(())
    }

    /// Moves the session to its next refresh-token generation, if it is still at
    /// `from_generation` (false otherwise: someone else rotated it first).
    pub fn advance_session(
        &self,
        conn: &mut Conn,
        id: &str,
        from_generation: i64,
        now: Millis,
        idle_expires_at: Millis,
        app_ends_at: Option<Millis>,
    ) -> Result<bool, AppError> {
        let advance = AdvanceSession {
            id,
            from: from_generation,
            next: from_generation + 1,
            now,
            idle_expires_at,
            app_ends_at,
        };
        let updated = each_backend!(conn, |c| advance.execute(c))?;
        Ok(updated == 1)
    }

    /// Deletes every session of the user, ended or not, with their refresh
    /// tokens (ON DELETE CASCADE); how many sessions were still open (their
    /// back-channel logouts are queued: `ended`).
    pub fn delete_sessions_of_user(
        &self,
        conn: &mut Conn,
        user_id: &str,
        now: Millis,
    ) -> Result<usize, AppError> {
        let open: Vec<EndedSession> = list_active_of_user(conn, user_id, now)?
            .into_iter()
            .map(|s| EndedSession {
                id: s.id,
                user_id: s.user_id,
                client_id: s.client_id,
            })
            .collect();
        diesel::delete(sessions::table.filter(sessions::user_id.eq(user_id))).execute(conn)?;
        self.ended(conn, &open, now)
    }

    /// Deletes up to `batch` sessions that have ended (revoked, idle or past
    /// their maximum age) with their refresh tokens; how many of each.
    pub fn delete_ended_sessions(
        &self,
        conn: &mut Conn,
        now: Millis,
        batch: i64,
    ) -> Result<(usize, usize), AppError> {
        // One instance purges at a time; the others find nothing to do.
        if let Conn::Postgres(pg) = conn {
            #[derive(QueryableByName)]
            struct Locked {
                #[diesel(sql_type = diesel::sql_types::Bool)]
                locked: bool,
            }
            let locked = diesel::sql_query("SELECT pg_try_advisory_xact_lock($1) AS locked")
                .bind::<diesel::sql_types::BigInt, _>(PURGE_LOCK)
                .get_result::<Locked>(pg)?
                .locked;
            if !locked {
                return Ok((0, 0));
            }
        }
        let ended: Vec<String> = sessions::table
            .filter(
                sessions::revoked_at
                    .is_not_null()
                    .or(sessions::idle_expires_at.le(now))
                    .or(sessions::expires_at.le(now)),
            )
            .select(sessions::id)
            .limit(batch)
            .load(conn)?;
        let tokens: i64 = refresh_tokens::table
            .filter(refresh_tokens::session_id.eq_any(&ended))
            .count()
            .get_result(conn)?;
        // Their tokens go with them (ON DELETE CASCADE).
        let sessions =
            diesel::delete(sessions::table.filter(sessions::id.eq_any(&ended))).execute(conn)?;
        Ok((sessions, usize::try_from(tokens).unwrap_or(usize::MAX)))
    }
}

/// How many sessions are alive at `now`: not revoked, not past either end
/// (for the metrics' scrape).
pub fn count_alive(conn: &mut Conn, now: Millis) -> Result<i64, AppError> {
    Ok(sessions::table
        .filter(sessions::revoked_at.is_null())
        .filter(sessions::idle_expires_at.gt(now))
        .filter(sessions::expires_at.gt(now))
        .count()
        .get_result(conn)?)
}
