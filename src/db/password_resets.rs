//! The `password_resets` table: at most one open reset link per user, kept
//! as the SHA-256 of its token.

use diesel::prelude::*;

use super::schema::password_resets;
use super::Conn;
use crate::clock::Millis;
use crate::error::AppError;

#[derive(Queryable, Selectable, Insertable, Debug, Clone)]
#[diesel(table_name = password_resets, check_for_backend(diesel::sqlite::Sqlite, diesel::pg::Pg))]
pub struct PasswordReset {
    pub user_id: String,
    pub token_hash: Vec<u8>,
    pub created_at: Millis,
    pub expires_at: Millis,
}

/// Makes `reset` the user's only open link: an older one stops working.
pub fn replace(conn: &mut Conn, reset: &PasswordReset) -> Result<(), AppError> {
    super::each_backend!(conn, |c| diesel::insert_into(password_resets::table)
        .values(reset)
        .on_conflict(password_resets::user_id)
        .do_update()
        .set((
            password_resets::token_hash.eq(&reset.token_hash),
            password_resets::created_at.eq(reset.created_at),
            password_resets::expires_at.eq(reset.expires_at),
        ))
        .execute(c))?;
    Ok(())
}

/// The user whose link has this token hash, if it still works at `now`.
pub fn find_live(
    conn: &mut Conn,
    token_hash: &[u8],
    now: Millis,
) -> Result<Option<String>, AppError> {
    Ok(password_resets::table
        .filter(password_resets::token_hash.eq(token_hash))
        .filter(password_resets::expires_at.gt(now))
        .select(password_resets::user_id)
        .get_result(conn)
        .optional()?)
}

/// Uses the link up: deletes it and names its user, if it still worked at
/// `now`. Of two uses at once, one gets the user and the other nothing.
pub fn take(conn: &mut Conn, token_hash: &[u8], now: Millis) -> Result<Option<String>, AppError> {
    Ok(super::each_backend!(conn, |c| diesel::delete(
        password_resets::table
            .filter(password_resets::token_hash.eq(token_hash))
            .filter(password_resets::expires_at.gt(now))
    )
    .returning(password_resets::user_id)
    .get_result(c)
    .optional())?)
}

/// Deletes links that no longer work; how many.
pub fn delete_expired(conn: &mut Conn, now: Millis) -> Result<usize, AppError> {
    Ok(
        diesel::delete(password_resets::table.filter(password_resets::expires_at.le(now)))
            .execute(conn)?,
    )
}

/// Deletes the user's open link, if any (their password just changed).
pub fn delete_of_user(conn: &mut Conn, user_id: &str) -> Result<(), AppError> {
    diesel::delete(password_resets::table.find(user_id)).execute(conn)?;
    Ok(())
}
