//! The `refresh_tokens` table: one row per refresh token issued, keyed by the
//! token's hash.

use diesel::prelude::*;

use super::cached_updates::SpendToken;
use super::schema::refresh_tokens;
use super::sessions::pg_refresh;
use super::{each_backend, Conn, SessionWriter};
use crate::clock::Millis;
use crate::error::AppError;

#[derive(Queryable, Selectable, Insertable, Debug, Clone)]
#[diesel(table_name = refresh_tokens, check_for_backend(diesel::sqlite::Sqlite, diesel::pg::Pg))]
pub struct RefreshToken {
    pub token_hash: Vec<u8>,
    pub session_id: String,
    pub generation: i64,
    pub created_at: Millis,
    pub spent_at: Option<Millis>,
}

pub fn find(conn: &mut Conn, token_hash: &[u8]) -> Result<Option<RefreshToken>, AppError> {
    // On every refresh: on the backend's own connection (see `db`).
    Ok(each_backend!(conn, |c| refresh_tokens::table
        .find(token_hash)
        .select(RefreshToken::as_select())
        .get_result(c)
        .optional())?)
}

/// A rotation's writes: the token `spent_hash` spent at `now`, its session
/// moved from `from_generation` to `next`'s, the session's tokens older
/// than the one spent pruned, and `next` issued.
pub struct TokenRotation<'a> {
    pub spent_hash: &'a [u8],
    pub from_generation: i64,
    pub now: Millis,
    pub idle_expires_at: Millis,
    /// An app's session's `app_ends_at` after the rotation; `None` for
    /// sesame's own (which keeps it NULL).
    pub app_ends_at: Option<Millis>,
    pub next: RefreshToken,
}

/// Whether a rotation's spend and advance each touched their row: if not
/// both, the caller must roll back (never half-rotate).
pub struct Rotated {
    pub spent: bool,
    pub advanced: bool,
}

/// Writes: only `auth::Sessions` holds the writer (see `session_writer`).
impl SessionWriter {
    /// The rotation's four writes in the caller's transaction: on
    /// PostgreSQL in one statement (one round trip, `pg_refresh::rotate`),
    /// all four whatever the first two found; on SQLite one by one, none
    /// after a spend or advance that found nothing.
    pub fn rotate(&self, conn: &mut Conn, rotation: TokenRotation) -> Result<Rotated, AppError> {
        if let Conn::Postgres(pg) = conn {
            let (spent, advanced) = pg_refresh::rotate(pg, rotation)?;
            return Ok(Rotated { spent, advanced });
        }
        let session_id = &rotation.next.session_id;
        let spent = self.spend_refresh_token(conn, rotation.spent_hash, rotation.now)?;
        let advanced = self.advance_session(
            conn,
            session_id,
            rotation.from_generation,
            rotation.now,
            rotation.idle_expires_at,
            rotation.app_ends_at,
        )?;
        if !(spent && advanced) {
            return Ok(Rotated { spent, advanced });
        }
        // The token spent before this one is no longer needed.
        self.prune_refresh_tokens_before(conn, session_id, rotation.from_generation)?;
        self.insert_refresh_token(conn, &rotation.next)?;
        Ok(Rotated { spent, advanced })
    }

    pub fn insert_refresh_token(
        &self,
        conn: &mut Conn,
        token: &RefreshToken,
    ) -> Result<(), AppError> {
        each_backend!(conn, |c| diesel::insert_into(refresh_tokens::table)
            .values(token)
            .execute(c))?;
        Ok(())
    }

    /// Marks an unspent token spent; false when it already was.
    pub fn spend_refresh_token(
        &self,
        conn: &mut Conn,
        token_hash: &[u8],
        at: Millis,
    ) -> Result<bool, AppError> {
        let spend = SpendToken { token_hash, at };
        let updated = each_backend!(conn, |c| spend.execute(c))?;
        Ok(updated == 1)
    }

    /// Deletes the session's tokens older than `generation`: a session
    /// keeps only its current token and the one spent last (an older one
    /// presented again is reuse whether its row is there or not).
    pub fn prune_refresh_tokens_before(
        &self,
        conn: &mut Conn,
        session_id: &str,
        generation: i64,
    ) -> Result<usize, AppError> {
        Ok(each_backend!(conn, |c| diesel::delete(
            refresh_tokens::table
                .filter(refresh_tokens::session_id.eq(session_id))
                .filter(refresh_tokens::generation.lt(generation)),
        )
        .execute(c))?)
    }
}
