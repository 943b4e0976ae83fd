//! The `signing_keys` table: the Ed25519 keys access tokens are signed with
//! (private keys never leave the server: a SQLite file is mode 0600, and
//! PostgreSQL is the database every instance shares; a retired or revoked
//! key's private half is deleted).

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
    /// PKCS#8 DER; `None` once the key is retired or revoked.
    pub private_key: Option<Vec<u8>>,
    pub public_key: Vec<u8>,
    pub created_at: Millis,
    pub retired_at: Option<Millis>,
    pub signs_from: Millis,
    pub revoked_at: Option<Millis>,
    /// `EdDSA` (access tokens, and ID tokens asked for with it) or `RS256`
    /// (ID tokens).
    pub alg: String,
}

/// Every key, in the order they sign (or signed): oldest first, the one
/// waiting to sign last.
pub fn all(conn: &mut Conn) -> Result<Vec<KeyRow>, AppError> {
    Ok(signing_keys::table
        .order((
            signing_keys::signs_from,
            signing_keys::created_at,
            signing_keys::kid,
        ))
        .select(KeyRow::as_select())
        .load(conn)?)
}

/// Taken first in a transaction that may make, retire or revoke a key: one
/// instance (or command) at a time decides (SQLite's write transaction holds
/// the whole file already).
pub fn lock_for_rotation(conn: &mut Conn) -> Result<(), AppError> {
    if let Conn::Postgres(pg) = conn {
        diesel::sql_query("SELECT pg_advisory_xact_lock($1)")
            .bind::<diesel::sql_types::BigInt, _>(ROTATION_LOCK)
            .execute(pg)?;
    }
    Ok(())
}

pub fn add(conn: &mut Conn, key: &KeyRow) -> Result<(), AppError> {
    diesel::insert_into(signing_keys::table)
        .values(key)
        .execute(conn)?;
    Ok(())
}

/// Retires the keys `kids` not retired yet at `now`, deleting their private
/// halves.
pub fn retire(conn: &mut Conn, kids: &[String], now: Millis) -> Result<(), AppError> {
    diesel::update(
        signing_keys::table
            .filter(signing_keys::kid.eq_any(kids))
            .filter(signing_keys::retired_at.is_null()),
    )
    .set((
        signing_keys::retired_at.eq(now),
        signing_keys::private_key.eq(None::<Vec<u8>>),
    ))
    .execute(conn)?;
    Ok(())
}

/// Revokes the key `kid` at `now` (if not revoked already), deleting its
/// private half.
pub fn revoke(conn: &mut Conn, kid: &str, now: Millis) -> Result<(), AppError> {
    diesel::update(
        signing_keys::table
            .filter(signing_keys::kid.eq(kid))
            .filter(signing_keys::revoked_at.is_null()),
    )
    .set((
        signing_keys::revoked_at.eq(now),
        signing_keys::private_key.eq(None::<Vec<u8>>),
    ))
    .execute(conn)?;
    Ok(())
}
