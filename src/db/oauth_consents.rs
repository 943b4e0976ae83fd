//! The `oauth_consents` table: the scopes each user allowed each app, one
//! row per user and app (the union of every grant).

use diesel::prelude::*;

use super::schema::oauth_consents;
use super::Conn;
use crate::clock::Millis;
use crate::error::AppError;

/// The scopes (space-separated) the user allowed the app, if any.
pub fn granted(
    conn: &mut Conn,
    user_id: &str,
    client_id: &str,
) -> Result<Option<String>, AppError> {
    Ok(oauth_consents::table
        .find((user_id, client_id))
        .select(oauth_consents::scope)
        .first(conn)
        .optional()?)
}

/// Keeps `scope` as what the user allowed the app.
pub fn put(
    conn: &mut Conn,
    user_id: &str,
    client_id: &str,
    scope: &str,
    now: Millis,
) -> Result<(), AppError> {
    super::each_backend!(conn, |c| diesel::insert_into(oauth_consents::table)
        .values((
            oauth_consents::user_id.eq(user_id),
            oauth_consents::client_id.eq(client_id),
            oauth_consents::scope.eq(scope),
            oauth_consents::granted_at.eq(now),
        ))
        .on_conflict((oauth_consents::user_id, oauth_consents::client_id))
        .do_update()
        .set((
            oauth_consents::scope.eq(scope),
            oauth_consents::granted_at.eq(now),
        ))
        .execute(c))?;
    Ok(())
}
