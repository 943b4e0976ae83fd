//! The `oauth_codes` table: authorization codes, kept as their SHA-256.
//! A code works once (`used_at`), until `expires_at`; the session its use
//! opened is noted (`session_id`) so a second use can end it.

use diesel::prelude::*;

use super::schema::oauth_codes;
use super::Conn;
use crate::clock::Millis;
use crate::error::AppError;

#[derive(Queryable, Selectable, Insertable, Debug, Clone)]
#[diesel(table_name = oauth_codes, check_for_backend(diesel::sqlite::Sqlite, diesel::pg::Pg))]
pub struct CodeRow {
    pub code_hash: Vec<u8>,
    pub client_id: String,
    pub user_id: String,
    pub redirect_uri: String,
    pub scope: String,
    pub nonce: Option<String>,
    pub code_challenge: Option<String>,
    pub auth_time: Millis,
    pub amr: String,
    pub created_at: Millis,
    pub expires_at: Millis,
    pub used_at: Option<Millis>,
    pub session_id: Option<String>,
}

pub fn insert(conn: &mut Conn, row: &CodeRow) -> Result<(), AppError> {
    diesel::insert_into(oauth_codes::table)
        .values(row)
        .execute(conn)?;
    Ok(())
}

/// Marks the code used by `session_id`, if it was unused; the row as it
/// was, or `None` when it was used already (or never issued). Under the
/// row's lock: of two uses at once, one gets the row.
pub fn use_up(
    conn: &mut Conn,
    code_hash: &[u8],
    session_id: &str,
    now: Millis,
) -> Result<Option<CodeRow>, AppError> {
    let updated = diesel::update(
        oauth_codes::table
            .find(code_hash)
            .filter(oauth_codes::used_at.is_null()),
    )
    .set((
        oauth_codes::used_at.eq(now),
        oauth_codes::session_id.eq(session_id),
    ))
    .execute(conn)?;
    if updated == 0 {
        return Ok(None);
    }
    Ok(oauth_codes::table
        .find(code_hash)
        .select(CodeRow::as_select())
        .first(conn)
        .optional()?)
}

/// Deletes the user's codes not used yet (their sign-ins all ended: a code
/// issued before must not open a session after); how many.
pub fn delete_unused_of_user(conn: &mut Conn, user_id: &str) -> Result<usize, AppError> {
    Ok(diesel::delete(
        oauth_codes::table
            .filter(oauth_codes::user_id.eq(user_id))
            .filter(oauth_codes::used_at.is_null()),
    )
    .execute(conn)?)
}

pub fn find(conn: &mut Conn, code_hash: &[u8]) -> Result<Option<CodeRow>, AppError> {
    Ok(oauth_codes::table
        .find(code_hash)
        .select(CodeRow::as_select())
        .first(conn)
        .optional()?)
}

/// Deletes codes that expired before `before` (a used one is kept that long
/// too, so its second use is still recognised); how many.
pub fn delete_expired(conn: &mut Conn, before: Millis) -> Result<usize, AppError> {
    Ok(
        diesel::delete(oauth_codes::table.filter(oauth_codes::expires_at.lt(before)))
            .execute(conn)?,
    )
}
