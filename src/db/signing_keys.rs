//! The `signing_keys` table: the Ed25519 keys access tokens are signed with
//! (private keys never leave the server: a SQLite file is mode 0600, and
//! PostgreSQL is the database every instance shares).

use diesel::prelude::*;

use super::schema::signing_keys;
use super::Conn;
use crate::clock::Millis;
use crate::error::AppError;

/// Any number works, the same in every instance ("keys" in ASCII).
const ROTATION_LOCK: i64 = 0x6b65_7973;

/// A stored key. Not `Debug`: it holds the private key.
#[derive(Queryable, Selectable, Insertable, Clone)]
#[diesel(table_name = signing_keys, check_for_backend(diesel::sqlite::Sqlite, diesel::pg::Pg))]
pub struct KeyRow {
    pub kid: String,
    pub private_key: Vec<u8>,
    pub public_key: Vec<u8>,
    pub created_at: Millis,
    pub retired_at: Option<Millis>,
}

/// Every key, oldest first.
pub fn all(conn: &mut Conn) -> Result<Vec<KeyRow>, AppError> {
    Ok(signing_keys::table
        .order((signing_keys::created_at, signing_keys::kid))
        .select(KeyRow::as_select())
        .load(conn)?)
}

/// Taken first in a transaction that may make a key: one instance at a
/// time decides (SQLite's write transaction holds the whole file already).
pub fn lock_for_rotation(conn: &mut Conn) -> Result<(), AppError> {
    if let Conn::Postgres(pg) = conn {
        diesel::sql_query("SELECT pg_advisory_xact_lock($1)")
            .bind::<diesel::sql_types::BigInt, _>(ROTATION_LOCK)
            .execute(pg)?;
    }
    Ok(())
}

/// Retires the key that signs (if any) at `now` and adds `next`, which
/// signs from now on.
pub fn rotate(conn: &mut Conn, next: &KeyRow, now: Millis) -> Result<(), AppError> {
    diesel::update(signing_keys::table.filter(signing_keys::retired_at.is_null()))
        .set(signing_keys::retired_at.eq(now))
        .execute(conn)?;
    diesel::insert_into(signing_keys::table)
        .values(next)
        .execute(conn)?;
    Ok(())
}
