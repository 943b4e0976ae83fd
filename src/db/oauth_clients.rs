//! The `oauth_clients` table: the apps registered by `sesame clients add`.
//! A confidential client's secret is kept as its SHA-256 (it is 256 random
//! bits: no slow hash needed); a public one has none. URI lists are one URI
//! per line, each kept exactly as registered.

use diesel::prelude::*;

use super::schema::oauth_clients;
use super::Conn;
use crate::clock::Millis;
use crate::error::AppError;

#[derive(Queryable, Selectable, Insertable, Debug, Clone)]
#[diesel(table_name = oauth_clients, check_for_backend(diesel::sqlite::Sqlite, diesel::pg::Pg))]
pub struct ClientRow {
    pub id: String,
    pub name: String,
    pub secret_hash: Option<Vec<u8>>,
    pub redirect_uris: String,
    pub post_logout_redirect_uris: String,
    pub backchannel_logout_uri: Option<String>,
    pub skip_consent: bool,
    pub id_token_alg: String,
    pub created_at: Millis,
}

pub fn insert(conn: &mut Conn, row: &ClientRow) -> Result<(), AppError> {
    diesel::insert_into(oauth_clients::table)
        .values(row)
        .execute(conn)?;
    Ok(())
}

pub fn find(conn: &mut Conn, id: &str) -> Result<Option<ClientRow>, AppError> {
    Ok(oauth_clients::table
        .find(id)
        .select(ClientRow::as_select())
        .first(conn)
        .optional()?)
}

/// Whether any client is registered.
pub fn any(conn: &mut Conn) -> Result<bool, AppError> {
    Ok(oauth_clients::table
        .select(oauth_clients::id)
        .first::<String>(conn)
        .optional()?
        .is_some())
}

/// Every client, oldest first.
pub fn all(conn: &mut Conn) -> Result<Vec<ClientRow>, AppError> {
    Ok(oauth_clients::table
        .order((oauth_clients::created_at, oauth_clients::id))
        .select(ClientRow::as_select())
        .load(conn)?)
}

/// Deletes the client (its codes, consents and waiting back-channel
/// logouts go with it: ON DELETE CASCADE); whether it was there.
pub fn delete(conn: &mut Conn, id: &str) -> Result<bool, AppError> {
    Ok(diesel::delete(oauth_clients::table.find(id)).execute(conn)? == 1)
}

/// The names of these clients, for the profile's list of sessions.
pub fn names(conn: &mut Conn, ids: &[String]) -> Result<Vec<(String, String)>, AppError> {
    Ok(oauth_clients::table
        .filter(oauth_clients::id.eq_any(ids))
        .select((oauth_clients::id, oauth_clients::name))
        .load(conn)?)
}
