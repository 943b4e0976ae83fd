//! The `sign_in_alerts` table: the "this wasn't me" links of sign-in
//! alerts, kept as the SHA-256 of their token. One per session (the mail's
//! next attempt replaces it), at most `MAX_PER_USER` a user (the oldest
//! goes), working once, until `expires_at`.

use diesel::prelude::*;

use super::schema::sign_in_alerts;
use super::Conn;
use crate::clock::Millis;
use crate::error::AppError;

/// Links kept a user: a newer one beyond them replaces the oldest.
pub const MAX_PER_USER: i64 = 20;

#[derive(Queryable, Selectable, Insertable, Debug, Clone)]
#[diesel(table_name = sign_in_alerts, check_for_backend(diesel::sqlite::Sqlite, diesel::pg::Pg))]
pub struct SignInAlertLink {
    pub token_hash: Vec<u8>,
    pub user_id: String,
    /// The session the link ends.
    pub session_id: String,
    pub created_at: Millis,
    pub expires_at: Millis,
}

/// Makes `link` its session's only link, and forgets the user's oldest
/// beyond `MAX_PER_USER`.
pub fn replace(conn: &mut Conn, link: &SignInAlertLink) -> Result<(), AppError> {
    diesel::delete(sign_in_alerts::table.filter(sign_in_alerts::session_id.eq(&link.session_id)))
        .execute(conn)?;
    diesel::insert_into(sign_in_alerts::table)
        .values(link)
        .execute(conn)?;
    let last_kept = sign_in_alerts::table
        .filter(sign_in_alerts::user_id.eq(&link.user_id))
        .order(sign_in_alerts::created_at.desc())
        .offset(MAX_PER_USER - 1)
        .select(sign_in_alerts::created_at)
        .first::<Millis>(conn)
        .optional()?;
    if let Some(last_kept) = last_kept {
        diesel::delete(
            sign_in_alerts::table
                .filter(sign_in_alerts::user_id.eq(&link.user_id))
                .filter(sign_in_alerts::created_at.lt(last_kept)),
        )
        .execute(conn)?;
    }
    Ok(())
}

/// The link with this token hash, if it still works at `now`.
pub fn find_live(
    conn: &mut Conn,
    token_hash: &[u8],
    now: Millis,
) -> Result<Option<SignInAlertLink>, AppError> {
    Ok(sign_in_alerts::table
        .find(token_hash)
        .filter(sign_in_alerts::expires_at.gt(now))
        .select(SignInAlertLink::as_select())
        .get_result(conn)
        .optional()?)
}

/// Uses the link up: deletes it and gives it back, if it still worked at
/// `now`. Of two uses at once, one gets it and the other nothing.
pub fn take(
    conn: &mut Conn,
    token_hash: &[u8],
    now: Millis,
) -> Result<Option<SignInAlertLink>, AppError> {
    Ok(super::each_backend!(conn, |c| diesel::delete(
        sign_in_alerts::table
            .filter(sign_in_alerts::token_hash.eq(token_hash))
            .filter(sign_in_alerts::expires_at.gt(now))
    )
    .returning(SignInAlertLink::as_returning())
    .get_result(c)
    .optional())?)
}

/// Deletes links that no longer work; how many.
pub fn delete_expired(conn: &mut Conn, now: Millis) -> Result<usize, AppError> {
    Ok(
        diesel::delete(sign_in_alerts::table.filter(sign_in_alerts::expires_at.le(now)))
            .execute(conn)?,
    )
}

/// Deletes every "this wasn't me" link of the user (a new password or a
/// new address: links mailed before it must not reset the account).
pub fn delete_of_user(conn: &mut Conn, user_id: &str) -> Result<(), AppError> {
    diesel::delete(sign_in_alerts::table.filter(sign_in_alerts::user_id.eq(user_id)))
        .execute(conn)?;
    Ok(())
}
