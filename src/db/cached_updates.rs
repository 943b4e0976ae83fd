//! The two updates of every rotation, as statements SQLite and PostgreSQL
//! keep prepared. Diesel prepares every `UPDATE` it builds anew at each
//! execution (a changeset may skip its `None` fields, so its SQL may
//! differ); these two always have the same SQL, so they are found in the
//! connection's statement cache by their type, like its other queries.

use diesel::backend::Backend;
use diesel::query_builder::{AstPass, QueryFragment, QueryId};
use diesel::serialize::ToSql;
use diesel::sql_types::{BigInt, Binary, HasSqlType, Nullable, Text};
use diesel::{QueryResult, RunQueryDsl};

use crate::clock::Millis;

/// Spends a token if it is unspent: one row updated, or none.
pub(super) struct SpendToken<'a> {
    pub token_hash: &'a [u8],
    pub at: Millis,
}

/// Moves a session to its next generation if it is still at `from`: one
/// row updated, or none.
pub(super) struct AdvanceSession<'a> {
    pub id: &'a str,
    pub from: i64,
    pub next: i64,
    pub now: Millis,
    pub idle_expires_at: Millis,
    pub app_ends_at: Option<Millis>,
}

impl QueryId for SpendToken<'_> {
    type QueryId = SpendToken<'static>;
    const HAS_STATIC_QUERY_ID: bool = true;
}

impl QueryId for AdvanceSession<'_> {
    type QueryId = AdvanceSession<'static>;
    const HAS_STATIC_QUERY_ID: bool = true;
}

impl<DB> QueryFragment<DB> for SpendToken<'_>
where
    DB: Backend + HasSqlType<BigInt> + HasSqlType<Binary>,
    i64: ToSql<BigInt, DB>,
    [u8]: ToSql<Binary, DB>,
{
    fn walk_ast<'b>(&'b self, mut out: AstPass<'_, 'b, DB>) -> QueryResult<()> {
        out.push_sql("UPDATE refresh_tokens SET spent_at = ");
        out.push_bind_param::<BigInt, _>(&self.at)?;
        out.push_sql(" WHERE token_hash = ");
        out.push_bind_param::<Binary, _>(self.token_hash)?;
        out.push_sql(" AND spent_at IS NULL");
        Ok(())
    }
}

impl<DB> QueryFragment<DB> for AdvanceSession<'_>
where
    DB: Backend + HasSqlType<BigInt> + HasSqlType<Text>,
    i64: ToSql<BigInt, DB>,
    str: ToSql<Text, DB>,
{
    fn walk_ast<'b>(&'b self, mut out: AstPass<'_, 'b, DB>) -> QueryResult<()> {
        let advance = Advance {
            id: self.id,
            from: &self.from,
            next: &self.next,
            now: &self.now,
            idle_expires_at: &self.idle_expires_at,
            app_ends_at: &self.app_ends_at,
        };
        push_advance(&mut out, advance)
    }
}

/// `UPDATE sessions SET … WHERE id = … AND generation = …`, the advance's
/// SQL, also written inside PostgreSQL's one-statement rotation
/// (`sessions/pg_refresh.rs`).
pub(super) fn push_advance<'b, DB>(
    out: &mut AstPass<'_, 'b, DB>,
    advance: Advance<'b>,
) -> QueryResult<()>
where
    DB: Backend + HasSqlType<BigInt> + HasSqlType<Text>,
    i64: ToSql<BigInt, DB>,
    str: ToSql<Text, DB>,
{
    out.push_sql("UPDATE sessions SET generation = ");
    out.push_bind_param::<BigInt, _>(advance.next)?;
    out.push_sql(", last_used_at = ");
    out.push_bind_param::<BigInt, _>(advance.now)?;
    out.push_sql(", idle_expires_at = ");
    out.push_bind_param::<BigInt, _>(advance.idle_expires_at)?;
    out.push_sql(", app_ends_at = ");
    out.push_bind_param::<Nullable<BigInt>, _>(advance.app_ends_at)?;
    out.push_sql(" WHERE id = ");
    out.push_bind_param::<Text, _>(advance.id)?;
    out.push_sql(" AND generation = ");
    out.push_bind_param::<BigInt, _>(advance.from)?;
    Ok(())
}

/// The values `push_advance` binds, borrowed from the statement that
/// writes it.
pub(super) struct Advance<'b> {
    pub id: &'b str,
    pub from: &'b i64,
    pub next: &'b i64,
    pub now: &'b Millis,
    pub idle_expires_at: &'b Millis,
    pub app_ends_at: &'b Option<Millis>,
}

impl<C> RunQueryDsl<C> for SpendToken<'_> {}
impl<C> RunQueryDsl<C> for AdvanceSession<'_> {}
