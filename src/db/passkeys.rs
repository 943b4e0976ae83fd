//! The `passkeys` table: each user's WebAuthn credentials, the library's
//! stored form (public key, counter) as JSON, keyed by credential id.
//! Every insert and delete keeps `users.passkey_count` in step, in the
//! caller's transaction.

use diesel::prelude::*;

use super::schema::{passkeys, users};
use super::Conn;
use crate::clock::Millis;
use crate::error::AppError;

#[derive(Queryable, Selectable, Insertable, Debug, Clone)]
#[diesel(table_name = passkeys, check_for_backend(diesel::sqlite::Sqlite, diesel::pg::Pg))]
pub struct PasskeyRow {
    /// The credential id, base64url.
    pub id: String,
    pub user_id: String,
    pub name: String,
    /// The library's `Passkey`, serialised.
    pub credential: String,
    pub created_at: Millis,
    pub last_used_at: Option<Millis>,
}

/// The user's passkeys, oldest first.
pub fn of_user(conn: &mut Conn, user_id: &str) -> Result<Vec<PasskeyRow>, AppError> {
    Ok(passkeys::table
        .filter(passkeys::user_id.eq(user_id))
        .order((passkeys::created_at.asc(), passkeys::id.asc()))
        .select(PasskeyRow::as_select())
        .load(conn)?)
}

pub fn find(conn: &mut Conn, id: &str) -> Result<Option<PasskeyRow>, AppError> {
    Ok(passkeys::table
        .find(id)
        .select(PasskeyRow::as_select())
        .get_result(conn)
        .optional()?)
}

/// Adds the passkey; `false` when its credential id is taken already
/// (by this account or another), and nothing changes.
pub fn insert(conn: &mut Conn, row: &PasskeyRow) -> Result<bool, AppError> {
    let inserted = super::each_backend!(conn, |c| diesel::insert_into(passkeys::table)
        .values(row)
        .on_conflict_do_nothing()
        .execute(c))?;
    if inserted == 1 {
        count(conn, &row.user_id, 1)?;
    }
    Ok(inserted == 1)
}

/// Renames the user's passkey; `false` when the user has no such passkey.
pub fn rename(conn: &mut Conn, user_id: &str, id: &str, name: &str) -> Result<bool, AppError> {
    let updated = diesel::update(
        passkeys::table
            .find(id)
            .filter(passkeys::user_id.eq(user_id)),
    )
    .set(passkeys::name.eq(name))
    .execute(conn)?;
    Ok(updated == 1)
}

/// Deletes the user's passkey; `false` when the user has no such passkey.
pub fn delete(conn: &mut Conn, user_id: &str, id: &str) -> Result<bool, AppError> {
    let deleted = diesel::delete(
        passkeys::table
            .find(id)
            .filter(passkeys::user_id.eq(user_id)),
    )
    .execute(conn)?;
    if deleted == 1 {
        count(conn, user_id, -1)?;
    }
    Ok(deleted == 1)
}

/// Deletes the user's passkeys added at `since` or later (what a sign-in
/// its owner disowned may have added); how many.
pub fn delete_added_since(
    conn: &mut Conn,
    user_id: &str,
    since: Millis,
) -> Result<usize, AppError> {
    let deleted = diesel::delete(
        passkeys::table
            .filter(passkeys::user_id.eq(user_id))
            .filter(passkeys::created_at.ge(since)),
    )
    .execute(conn)?;
    if deleted > 0 {
        count(conn, user_id, -(deleted as i32))?;
    }
    Ok(deleted)
}

/// A sign-in with the passkey: its new stored form (counter) and when.
pub fn record_use(conn: &mut Conn, id: &str, credential: &str, at: Millis) -> Result<(), AppError> {
    diesel::update(passkeys::table.find(id))
        .set((
            passkeys::credential.eq(credential),
            passkeys::last_used_at.eq(at),
        ))
        .execute(conn)?;
    Ok(())
}

/// Keeps `users.passkey_count` (what the user's row says) in step.
fn count(conn: &mut Conn, user_id: &str, by: i32) -> Result<(), AppError> {
    diesel::update(users::table.find(user_id))
        .set(users::passkey_count.eq(users::passkey_count + by))
        .execute(conn)?;
    Ok(())
}
