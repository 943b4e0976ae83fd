//! The `email_links` table: the links that prove an address, at most one
//! open per user and purpose, kept as the SHA-256 of their token.

use diesel::prelude::*;

use super::schema::email_links;
use super::Conn;
use crate::clock::Millis;
use crate::error::AppError;

/// What opening a link does.
pub const VERIFY: &str = "verify";
/// Opening it makes `email` the account's address.
pub const CHANGE: &str = "change";

#[derive(Queryable, Selectable, Insertable, Debug, Clone)]
#[diesel(table_name = email_links, check_for_backend(diesel::sqlite::Sqlite, diesel::pg::Pg))]
pub struct EmailLink {
    pub token_hash: Vec<u8>,
    pub user_id: String,
    /// `VERIFY` or `CHANGE`.
    pub purpose: String,
    /// The address the link was sent to, which opening it proves.
    pub email: String,
    pub created_at: Millis,
    pub expires_at: Millis,
}

/// Makes `link` the user's only open link of its purpose: an older one
/// stops working.
pub fn replace(conn: &mut Conn, link: &EmailLink) -> Result<(), AppError> {
    delete_of_user(conn, &link.user_id, &link.purpose)?;
    diesel::insert_into(email_links::table)
        .values(link)
        .execute(conn)?;
    Ok(())
}

/// The link with this token hash, if it still works at `now`.
pub fn find_live(
    conn: &mut Conn,
    token_hash: &[u8],
    now: Millis,
) -> Result<Option<EmailLink>, AppError> {
    Ok(email_links::table
        .find(token_hash)
        .filter(email_links::expires_at.gt(now))
        .select(EmailLink::as_select())
        .get_result(conn)
        .optional()?)
}

/// Uses the link up: deletes it and gives it back, if it still worked at
/// `now`. Of two uses at once, one gets it and the other nothing.
pub fn take(
    conn: &mut Conn,
    token_hash: &[u8],
    now: Millis,
) -> Result<Option<EmailLink>, AppError> {
    Ok(super::each_backend!(conn, |c| diesel::delete(
        email_links::table
            .filter(email_links::token_hash.eq(token_hash))
            .filter(email_links::expires_at.gt(now))
    )
    .returning(EmailLink::as_returning())
    .get_result(c)
    .optional())?)
}

/// Deletes the user's open link of this purpose, if any.
pub fn delete_of_user(conn: &mut Conn, user_id: &str, purpose: &str) -> Result<(), AppError> {
    diesel::delete(
        email_links::table
            .filter(email_links::user_id.eq(user_id))
            .filter(email_links::purpose.eq(purpose)),
    )
    .execute(conn)?;
    Ok(())
}

/// Deletes links that no longer work; how many.
pub fn delete_expired(conn: &mut Conn, now: Millis) -> Result<usize, AppError> {
    Ok(diesel::delete(email_links::table.filter(email_links::expires_at.le(now))).execute(conn)?)
}
