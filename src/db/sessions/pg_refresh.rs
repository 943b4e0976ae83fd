//! A refresh on PostgreSQL in two statements where SQLite runs seven: the
//! session locked and read with its user and the presented token's row,
//! then the rotation's four writes at once. On PostgreSQL each statement
//! is a round trip to the server, most of what a rotation costs there (it
//! shares WAL flushes between concurrent commits already); SQLite runs in
//! the process and keeps the statements one by one (`sessions.rs`,
//! `refresh_tokens.rs`: these do the same, together).
//!
//! Both are written as Diesel queries of their own, not `sql_query`, so
//! that each connection prepares them once and the server plans them once.

use diesel::pg::Pg;
use diesel::prelude::*;
use diesel::query_builder::{AstPass, Query, QueryFragment, QueryId};
use diesel::sql_types::{BigInt, Binary, Bool, Nullable, Text};

use crate::db::cached_updates::{push_advance, Advance};
use crate::db::refresh_tokens::{RefreshToken, TokenRotation};
use crate::db::schema::{refresh_tokens, sessions, users};
use crate::db::sessions::Session;
use crate::db::users::User;
use crate::error::AppError;

/// The session `id` locked, with its user and the row of the token
/// `token_hash` (if still there), in one round trip:
///
/// ```sql
/// WITH locked AS MATERIALIZED (SELECT * FROM sessions WHERE id = $1 FOR UPDATE)
/// SELECT sessions.*, users.*, refresh_tokens.*
/// FROM locked AS sessions JOIN users ON users.id = sessions.user_id
/// LEFT JOIN LATERAL (
///     SELECT * FROM refresh_tokens
///     WHERE token_hash = $2 AND session_id = sessions.id FOR UPDATE
/// ) AS refresh_tokens ON true
/// ```
///
/// The statement's snapshot is taken before it waits for the lock, so what
/// it read then could be stale once it has the lock. The session's row is
/// not (a locked row is read anew once its locker commits), nor the
/// token's: it is read after the session is locked (the lateral join needs
/// the session first; locks are taken session first, as every writer of
/// tokens does, so none waits on the other) and is locked too, which reads
/// it anew, or finds it gone (pruned: `None`). The user's row may be as it
/// was when the statement began: a refresh then acts as if it had read it
/// before that change; what decides (disabling) ends the session's row too.
pub(in crate::db) fn lock_with_user_and_token(
    conn: &mut PgConnection,
    id: &str,
    token_hash: &[u8],
) -> Result<Option<(Session, User, Option<RefreshToken>)>, AppError> {
    Ok(LockWithUserAndToken { id, token_hash }
        .get_result(conn)
        .optional()?)
}

struct LockWithUserAndToken<'a> {
    id: &'a str,
    token_hash: &'a [u8],
}

impl QueryFragment<Pg> for LockWithUserAndToken<'_> {
    fn walk_ast<'b>(&'b self, mut out: AstPass<'_, 'b, Pg>) -> QueryResult<()> {
        out.push_sql("WITH locked AS MATERIALIZED (SELECT * FROM sessions WHERE id = ");
        out.push_bind_param::<Text, _>(self.id)?;
        out.push_sql(" FOR UPDATE) SELECT ");
        // The columns as Diesel names them everywhere (`"sessions"."id"`,
        // …), in the order `Session`, `User` and `RefreshToken` load them.
        sessions::all_columns.walk_ast(out.reborrow())?;
        out.push_sql(", ");
        users::all_columns.walk_ast(out.reborrow())?;
        out.push_sql(", ");
        refresh_tokens::all_columns.walk_ast(out.reborrow())?;
        out.push_sql(
            " FROM locked AS sessions \
             JOIN users ON users.id = sessions.user_id \
             LEFT JOIN LATERAL (SELECT * FROM refresh_tokens WHERE token_hash = ",
        );
        out.push_bind_param::<Binary, _>(self.token_hash)?;
        out.push_sql(" AND session_id = sessions.id FOR UPDATE) AS refresh_tokens ON true");
        Ok(())
    }
}

impl QueryId for LockWithUserAndToken<'_> {
    type QueryId = LockWithUserAndToken<'static>;
    const HAS_STATIC_QUERY_ID: bool = true;
}

impl Query for LockWithUserAndToken<'_> {
    type SqlType = (
        sessions::SqlType,
        users::SqlType,
        Nullable<refresh_tokens::SqlType>,
    );
}

impl RunQueryDsl<PgConnection> for LockWithUserAndToken<'_> {}

/// The rotation's four writes in one statement: whether the spend and the
/// advance each touched their row (the caller rolls back unless both did):
///
/// ```sql
/// WITH spent AS (  -- the presented token, if still unspent
///     UPDATE refresh_tokens SET spent_at = $now
///     WHERE token_hash = $spent AND spent_at IS NULL RETURNING 1
/// ), advanced AS (  -- the session, if still at the token's generation
///     UPDATE sessions SET generation = $from + 1, last_used_at = $now,
///         idle_expires_at = $idle, app_ends_at = $app_ends  -- NULL for sesame's own
///     WHERE id = $session AND generation = $from RETURNING 1
/// ), pruned AS (  -- what is older than the token spent
///     DELETE FROM refresh_tokens
///     WHERE session_id = $session AND generation < $from AND token_hash <> $spent
/// ), issued AS (  -- the next token
///     INSERT INTO refresh_tokens VALUES ($next, $session, $from + 1, $now, NULL)
/// )
/// SELECT (SELECT count(*) FROM spent) = 1, (SELECT count(*) FROM advanced) = 1
/// ```
///
/// The four see one snapshot and touch four different rows (`token_hash
/// <> $spent`: a statement must never write one row twice, even one that
/// cannot be both current and older); each runs whether or not the others
/// touched anything, which the caller's rollback undoes.
pub(in crate::db) fn rotate(
    conn: &mut PgConnection,
    rotation: TokenRotation,
) -> Result<(bool, bool), AppError> {
    Ok(rotation.get_result(conn)?)
}

impl QueryFragment<Pg> for TokenRotation<'_> {
    fn walk_ast<'b>(&'b self, mut out: AstPass<'_, 'b, Pg>) -> QueryResult<()> {
        let next = &self.next;
        out.push_sql("WITH spent AS (UPDATE refresh_tokens SET spent_at = ");
        out.push_bind_param::<BigInt, _>(&self.now)?;
        out.push_sql(" WHERE token_hash = ");
        out.push_bind_param::<Binary, _>(self.spent_hash)?;
        out.push_sql(" AND spent_at IS NULL RETURNING 1), ");

        out.push_sql("advanced AS (");
        let advance = Advance {
            id: &next.session_id,
            from: &self.from_generation,
            next: &next.generation,
            now: &self.now,
            idle_expires_at: &self.idle_expires_at,
            app_ends_at: &self.app_ends_at,
        };
        push_advance(&mut out, advance)?;
        out.push_sql(" RETURNING 1), ");

        out.push_sql("pruned AS (DELETE FROM refresh_tokens WHERE session_id = ");
        out.push_bind_param::<Text, _>(&next.session_id)?;
        out.push_sql(" AND generation < ");
        out.push_bind_param::<BigInt, _>(&self.from_generation)?;
        out.push_sql(" AND token_hash <> ");
        out.push_bind_param::<Binary, _>(self.spent_hash)?;
        out.push_sql("), ");

        out.push_sql(
            "issued AS (INSERT INTO refresh_tokens \
             (token_hash, session_id, generation, created_at, spent_at) VALUES (",
        );
        out.push_bind_param::<Binary, _>(&next.token_hash)?;
        out.push_sql(", ");
        out.push_bind_param::<Text, _>(&next.session_id)?;
        out.push_sql(", ");
        out.push_bind_param::<BigInt, _>(&next.generation)?;
        out.push_sql(", ");
        out.push_bind_param::<BigInt, _>(&next.created_at)?;
        out.push_sql(", ");
        out.push_bind_param::<Nullable<BigInt>, _>(&next.spent_at)?;
        out.push_sql(")) ");

        out.push_sql(
            "SELECT (SELECT count(*) FROM spent) = 1, (SELECT count(*) FROM advanced) = 1",
        );
        Ok(())
    }
}

impl QueryId for TokenRotation<'_> {
    type QueryId = TokenRotation<'static>;
    const HAS_STATIC_QUERY_ID: bool = true;
}

impl Query for TokenRotation<'_> {
    type SqlType = (Bool, Bool);
}

impl RunQueryDsl<PgConnection> for TokenRotation<'_> {}
