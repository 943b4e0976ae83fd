//! The `rate_limits` table (PostgreSQL only): the login and register limits'
//! state shared by every instance, so N instances do not allow N times the
//! guesses. The same GCRA as the in-memory limiter: each key's "theoretical
//! arrival time" (`tat`, ms) moves on by `period` per try taken, and a try
//! is refused when that would put it more than `window` ahead of now. Each
//! change is one statement, atomic whatever other instances do meanwhile.

use diesel::prelude::*;
use diesel::sql_types::BigInt;

use super::pg_schema::rate_limits;
use super::Conn;
use crate::clock::Millis;
use crate::error::AppError;

/// A limit: `window / period` tries, one earned back every `period`.
#[derive(Debug, Clone, Copy)]
pub struct Quota {
    pub period: Millis,
    pub window: Millis,
}

fn postgres(conn: &mut Conn) -> Result<&mut diesel::PgConnection, AppError> {
    match conn {
        Conn::Postgres(conn) => Ok(conn),
        Conn::Sqlite(_) => Err(AppError::unexpected("limits are kept in memory on SQLite")),
    }
}

/// Takes one try of `key` at `now`: `Ok(None)` when taken, `Ok(Some(wait))`
/// when none is left (nothing is taken then), with the ms until one is.
pub fn take(
    conn: &mut Conn,
    key: i64,
    now: Millis,
    quota: Quota,
) -> Result<Option<Millis>, AppError> {
    let conn = postgres(conn)?;
    let taken = diesel::sql_query(
        "INSERT INTO rate_limits (key, tat) VALUES ($1, $2 + $3)
         ON CONFLICT (key) DO UPDATE SET tat = GREATEST(rate_limits.tat, $2) + $3
         WHERE GREATEST(rate_limits.tat, $2) + $3 - $2 <= $4",
    )
    .bind::<BigInt, _>(key)
    .bind::<BigInt, _>(now)
    .bind::<BigInt, _>(quota.period)
    .bind::<BigInt, _>(quota.window)
    .execute(conn)?;
    if taken == 1 {
        return Ok(None);
    }
    let tat: Option<Millis> = rate_limits::table
        .find(key)
        .select(rate_limits::tat)
        .get_result(conn)
        .optional()?;
    Ok(Some(
        tat.map_or(0, |tat| tat + quota.period - quota.window - now)
            .max(1),
    ))
}

/// Gives back one try taken earlier.
pub fn give_back(conn: &mut Conn, key: i64, quota: Quota) -> Result<(), AppError> {
    diesel::update(rate_limits::table.find(key))
        .set(rate_limits::tat.eq(rate_limits::tat - quota.period))
        .execute(postgres(conn)?)?;
    Ok(())
}

/// Forgets the key: its full allowance again.
pub fn forget(conn: &mut Conn, key: i64) -> Result<(), AppError> {
    diesel::delete(rate_limits::table.find(key)).execute(postgres(conn)?)?;
    Ok(())
}

/// Drops every state back to full allowance (it carries nothing).
pub fn forget_idle(conn: &mut Conn, now: Millis) -> Result<usize, AppError> {
    Ok(
        diesel::delete(rate_limits::table.filter(rate_limits::tat.le(now)))
            .execute(postgres(conn)?)?,
    )
}
