//! The `backchannel_logouts` table: the back-channel logouts (OpenID Connect
//! Back-Channel Logout 1.0) waiting to be delivered to the apps, one row per
//! ended session of an app that has a `backchannel_logout_uri`.
//!
//! Rows are written by `queue`, inside the transaction that ends the
//! sessions (the `SessionWriter`'s revokes and deletes), so a session that
//! ends is announced to its app exactly when the end commits, and never for
//! a write rolled back. A session that simply idles out, or reaches its
//! maximum age, ends by no write: the sender ends those of listening apps
//! within the second (`app_session_ends`), which queues them here.
//!
//! A row is waiting (`claimed_until` NULL) or being sent by one instance
//! (`claimed_until` its lease: past it, another may claim it), like the mail
//! outbox. The row holds no token: the sender signs a fresh one.

use diesel::prelude::*;

use super::schema::{backchannel_logouts, oauth_clients};
use super::Conn;
use crate::clock::Millis;
use crate::error::AppError;

/// How long a logout that cannot be delivered is tried again.
pub const RETRY_FOR: Millis = 24 * 3600 * 1000;

#[derive(Queryable, Selectable, Insertable, Debug, Clone)]
#[diesel(table_name = backchannel_logouts, check_for_backend(diesel::sqlite::Sqlite, diesel::pg::Pg))]
pub struct BackchannelLogout {
    pub id: String,
    pub client_id: String,
    pub user_id: String,
    /// The ended session: the logout token's `sid`.
    pub session_id: String,
    pub created_at: Millis,
    pub next_attempt_at: Millis,
    pub attempts: i32,
    pub give_up_at: Millis,
    pub claimed_until: Option<Millis>,
}

/// A session a write has just ended: its id, its user, and its app
/// (`None`: sesame's own sign-in).
#[derive(Queryable, Debug, Clone, PartialEq, Eq)]
pub struct EndedSession {
    pub id: String,
    pub user_id: String,
    pub client_id: Option<String>,
}

/// Inside the transaction that ended `ended`: a row for each of them whose
/// app has a back-channel logout URI; how many.
pub fn queue(conn: &mut Conn, ended: &[EndedSession], now: Millis) -> Result<usize, AppError> {
    let mut apps: Vec<&str> = ended
        .iter()
        .filter_map(|session| session.client_id.as_deref())
        .collect();
    if apps.is_empty() {
        return Ok(0);
    }
    apps.sort_unstable();
    apps.dedup();
    let listening: Vec<String> = oauth_clients::table
        .filter(oauth_clients::id.eq_any(&apps))
        .filter(oauth_clients::backchannel_logout_uri.is_not_null())
        .select(oauth_clients::id)
        .load(conn)?;
    let rows: Vec<BackchannelLogout> = ended
        .iter()
        .filter_map(|session| {
            let client_id = session.client_id.as_ref()?;
            listening.contains(client_id).then(|| BackchannelLogout {
                id: uuid::Uuid::new_v4().to_string(),
                client_id: client_id.clone(),
                user_id: session.user_id.clone(),
                session_id: session.id.clone(),
                created_at: now,
                next_attempt_at: now,
                attempts: 0,
                give_up_at: now.saturating_add(RETRY_FOR),
                claimed_until: None,
            })
        })
        .collect();
    for row in &rows {
        diesel::insert_into(backchannel_logouts::table)
            .values(row)
            .execute(conn)?;
    }
    Ok(rows.len())
}

/// Rows that may be claimed at `now`: due, and waiting or with a lapsed lease.
macro_rules! claimable {
    ($now:expr) => {
        backchannel_logouts::next_attempt_at.le($now).and(
            backchannel_logouts::claimed_until
                .is_null()
                .or(backchannel_logouts::claimed_until.le($now)),
        )
    };
}

/// Whether a row may be claimed at `now` (one read on the due index: the
/// sender asks before it takes a write).
pub fn any_due(conn: &mut Conn, now: Millis) -> Result<bool, AppError> {
    Ok(backchannel_logouts::table
        .filter(claimable!(now))
        .select(backchannel_logouts::id)
        .first::<String>(conn)
        .optional()?
        .is_some())
}

/// Claims, until `lease_until`, up to `limit` due rows, oldest due first,
/// and gives them. Run in a write transaction: on PostgreSQL the rows are
/// locked (`FOR UPDATE SKIP LOCKED`), so two instances never claim the same
/// one; SQLite's writer holds the file.
pub fn claim(
    conn: &mut Conn,
    now: Millis,
    lease_until: Millis,
    limit: i64,
) -> Result<Vec<BackchannelLogout>, AppError> {
    let due = backchannel_logouts::table
        .filter(claimable!(now))
        .order((
            backchannel_logouts::next_attempt_at,
            backchannel_logouts::id,
        ))
        .select(backchannel_logouts::id)
        .limit(limit);
    let ids: Vec<String> = match conn {
        Conn::Postgres(pg) => due.for_update().skip_locked().load(pg)?,
        Conn::Sqlite(sqlite) => due.load(sqlite)?,
    };
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    diesel::update(backchannel_logouts::table.filter(backchannel_logouts::id.eq_any(&ids)))
        .set(backchannel_logouts::claimed_until.eq(lease_until))
        .execute(conn)?;
    let mut rows: Vec<BackchannelLogout> = backchannel_logouts::table
        .filter(backchannel_logouts::id.eq_any(&ids))
        .select(BackchannelLogout::as_select())
        .load(conn)?;
    rows.sort_by_key(|row| row.next_attempt_at);
    Ok(rows)
}

/// When the next row not claimed is due, if any (the index's first entry).
pub fn next_due(conn: &mut Conn) -> Result<Option<Millis>, AppError> {
    Ok(backchannel_logouts::table
        .filter(backchannel_logouts::claimed_until.is_null())
        .order(backchannel_logouts::next_attempt_at)
        .select(backchannel_logouts::next_attempt_at)
        .first::<Millis>(conn)
        .optional()?)
}

/// Deletes the row (delivered, given up, or its app gone).
pub fn delete(conn: &mut Conn, id: &str) -> Result<(), AppError> {
    diesel::delete(backchannel_logouts::table.find(id)).execute(conn)?;
    Ok(())
}

/// Puts a row that failed back to wait until `next_attempt_at`, after
/// `attempts` attempts.
pub fn retry_later(
    conn: &mut Conn,
    id: &str,
    attempts: i32,
    next_attempt_at: Millis,
) -> Result<(), AppError> {
    diesel::update(backchannel_logouts::table.find(id))
        .set((
            backchannel_logouts::attempts.eq(attempts),
            backchannel_logouts::next_attempt_at.eq(next_attempt_at),
            backchannel_logouts::claimed_until.eq(None::<Millis>),
        ))
        .execute(conn)?;
    Ok(())
}

#[cfg(test)]
mod tests;
