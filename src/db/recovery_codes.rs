//! The `recovery_codes` table: the SHA-256 of each of a user's recovery
//! codes; a code works once (its row is deleted).

use diesel::prelude::*;

use super::schema::{recovery_codes, users};
use super::Conn;
use crate::clock::Millis;
use crate::error::AppError;

/// Replaces the user's codes with these hashes.
pub fn replace(
    conn: &mut Conn,
    user_id: &str,
    hashes: &[Vec<u8>],
    now: Millis,
) -> Result<(), AppError> {
    delete_of_user(conn, user_id)?;
    let rows: Vec<_> = hashes
        .iter()
        .map(|hash| {
            (
                recovery_codes::user_id.eq(user_id),
                recovery_codes::code_hash.eq(hash),
                recovery_codes::created_at.eq(now),
            )
        })
        .collect();
    super::each_backend!(conn, |c| diesel::insert_into(recovery_codes::table)
        .values(&rows)
        .execute(c))?;
    set_left(conn, user_id, hashes.len() as i32)
}

/// Uses the code up; `false` when the user has no such code (left).
pub fn take(conn: &mut Conn, user_id: &str, hash: &[u8]) -> Result<bool, AppError> {
    let deleted = diesel::delete(recovery_codes::table.find((user_id, hash))).execute(conn)?;
    if deleted == 1 {
        diesel::update(users::table.find(user_id))
            .set(users::recovery_codes_left.eq(users::recovery_codes_left - 1))
            .execute(conn)?;
    }
    Ok(deleted == 1)
}

pub fn delete_of_user(conn: &mut Conn, user_id: &str) -> Result<(), AppError> {
    diesel::delete(recovery_codes::table.filter(recovery_codes::user_id.eq(user_id)))
        .execute(conn)?;
    set_left(conn, user_id, 0)
}

/// Keeps `users.recovery_codes_left` (what the user's row says) in step.
fn set_left(conn: &mut Conn, user_id: &str, left: i32) -> Result<(), AppError> {
    diesel::update(users::table.find(user_id))
        .set(users::recovery_codes_left.eq(left))
        .execute(conn)?;
    Ok(())
}
