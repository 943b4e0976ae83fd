//! The `audit_events` table: the audit trail kept in the database
//! (`auth::audit` writes and reads it).

use diesel::prelude::*;
use serde::Serialize;

use super::schema::audit_events;
use super::Conn;
use crate::clock::Millis;
use crate::error::AppError;

/// One stored event, as the admin console shows it. `count` is how many
/// events one row stands for (events of no user are aggregated).
#[derive(Debug, Clone, Queryable, Selectable, Serialize)]
#[diesel(table_name = audit_events, check_for_backend(diesel::sqlite::Sqlite, diesel::pg::Pg))]
pub struct StoredEvent {
    pub id: i64,
    pub at: Millis,
    pub event: String,
    pub user_id: Option<String>,
    pub email: Option<String>,
    pub actor_id: Option<String>,
    pub address: Option<String>,
    pub device: Option<String>,
    pub detail: Option<String>,
    pub count: i64,
}

#[derive(Insertable)]
#[diesel(table_name = audit_events)]
pub struct NewEvent<'a> {
    pub at: Millis,
    pub event: &'a str,
    pub user_id: Option<&'a str>,
    pub email: Option<&'a str>,
    pub actor_id: Option<&'a str>,
    pub address: Option<&'a str>,
    pub device: Option<&'a str>,
    pub detail: Option<&'a str>,
    pub count: i64,
}

pub fn insert(conn: &mut Conn, event: &NewEvent) -> Result<(), AppError> {
    diesel::insert_into(audit_events::table)
        .values(event)
        .execute(conn)?;
    Ok(())
}

/// Adds `by` to the row of no user for this event and address at `at`
/// (the row's bucket starts there). False when there is none yet.
pub fn add_to_anonymous(
    conn: &mut Conn,
    event: &str,
    address: Option<&str>,
    at: Millis,
    by: i64,
) -> Result<bool, AppError> {
    let rows = audit_events::table
        .filter(audit_events::at.eq(at))
        .filter(audit_events::event.eq(event))
        .filter(audit_events::user_id.is_null())
        .filter(audit_events::actor_id.is_null());
    let changed = match address {
        Some(address) => diesel::update(rows.filter(audit_events::address.eq(address)))
            .set(audit_events::count.eq(audit_events::count + by))
            .execute(conn)?,
        None => diesel::update(rows.filter(audit_events::address.is_null()))
            .set(audit_events::count.eq(audit_events::count + by))
            .execute(conn)?,
    };
    Ok(changed > 0)
}

/// How many rows of no user (overflow rows aside) start in `[from, to)`.
pub fn count_anonymous(
    conn: &mut Conn,
    from: Millis,
    to: Millis,
    overflow: &str,
) -> Result<i64, AppError> {
    Ok(audit_events::table
        .filter(audit_events::at.ge(from))
        .filter(audit_events::at.lt(to))
        .filter(audit_events::user_id.is_null())
        .filter(audit_events::actor_id.is_null())
        .filter(audit_events::event.ne(overflow))
        .count()
        .get_result(conn)?)
}

/// Newest first: of one user, of one event, before an event id.
pub fn list(
    conn: &mut Conn,
    user_id: Option<&str>,
    event: Option<&str>,
    before: Option<i64>,
    limit: i64,
) -> Result<Vec<StoredEvent>, AppError> {
    let before = before.unwrap_or(i64::MAX);
    // Boxed per backend (the macro writes the body once for each).
    Ok(super::each_backend!(conn, |c| {
        let mut query = audit_events::table
            .select(StoredEvent::as_select())
            .filter(audit_events::id.lt(before))
            .order(audit_events::id.desc())
            .limit(limit)
            .into_boxed();
        if let Some(user_id) = user_id {
            query = query.filter(audit_events::user_id.eq(user_id));
        }
        if let Some(event) = event {
            query = query.filter(audit_events::event.eq(event));
        }
        query.load(c)
    })?)
}

/// Deletes up to `batch` events from before `before`; how many went.
pub fn delete_older_than(conn: &mut Conn, before: Millis, batch: i64) -> Result<usize, AppError> {
    let oldest: Vec<i64> = audit_events::table
        .filter(audit_events::at.lt(before))
        .select(audit_events::id)
        .order(audit_events::id.asc())
        .limit(batch)
        .load(conn)?;
    if oldest.is_empty() {
        return Ok(0);
    }
    Ok(
        diesel::delete(audit_events::table.filter(audit_events::id.eq_any(oldest)))
            .execute(conn)?,
    )
}
