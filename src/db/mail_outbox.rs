//! The `mail_outbox` table: mail accepted for sending, until it is sent,
//! refused or given up. A row holds what the mail is about (its kind and
//! recipient), never a link: the instance that sends it makes that.
//!
//! A row is waiting (`claimed_until` NULL) or being sent by one instance
//! (`claimed_until` its lease: past it, the row may be claimed again, as
//! when that instance died). At most one row per kind and recipient waits
//! (a partial unique index), so a flood of requests for one address adds
//! one row, plus the one being sent.

use std::collections::HashMap;

use diesel::prelude::*;

use super::schema::mail_outbox;
use super::Conn;
use crate::clock::Millis;
use crate::error::AppError;

#[derive(Queryable, Selectable, Insertable, Debug, Clone)]
#[diesel(table_name = mail_outbox, check_for_backend(diesel::sqlite::Sqlite, diesel::pg::Pg))]
pub struct OutboxRow {
    pub id: String,
    pub kind: String,
    pub recipient: String,
    pub recipient_domain: String,
    pub requested_from: String,
    pub created_at: Millis,
    pub next_attempt_at: Millis,
    pub attempts: i32,
    pub give_up_at: Millis,
    pub claimed_until: Option<Millis>,
    /// What the mail is about beyond its recipient (a user's or a
    /// session's id), '' for nothing more.
    pub subject: String,
}

/// Adds `row` unless one of its kind and recipient is already waiting;
/// whether it was added.
pub fn enqueue(conn: &mut Conn, row: &OutboxRow) -> Result<bool, AppError> {
    let added = super::each_backend!(conn, |c| diesel::insert_into(mail_outbox::table)
        .values(row)
        .on_conflict_do_nothing()
        .execute(c))?;
    Ok(added == 1)
}

/// Rows that may be claimed at `now`: due, and waiting or with a lapsed lease.
macro_rules! claimable {
    ($now:expr) => {
        mail_outbox::next_attempt_at.le($now).and(
            mail_outbox::claimed_until
                .is_null()
                .or(mail_outbox::claimed_until.le($now)),
        )
    };
}

/// The recipient domains with mail due at `now`, the one waiting longest
/// first (at most `limit`).
pub fn due_domains(conn: &mut Conn, now: Millis, limit: i64) -> Result<Vec<String>, AppError> {
    use diesel::dsl::min;
    let mut due: Vec<(String, Option<Millis>)> = mail_outbox::table
        .filter(claimable!(now))
        .group_by(mail_outbox::recipient_domain)
        .select((
            mail_outbox::recipient_domain,
            min(mail_outbox::next_attempt_at),
        ))
        .load(conn)?;
    due.sort_by_key(|(_, at)| *at);
    due.truncate(usize::try_from(limit).unwrap_or(0));
    Ok(due.into_iter().map(|(domain, _)| domain).collect())
}

/// Claims, until `lease_until`, up to `room[domain]` due rows of each
/// domain, oldest due first, and gives them. Run in a write transaction:
/// on PostgreSQL the rows are locked (`FOR UPDATE SKIP LOCKED`), so two
/// instances never claim the same one; SQLite's writer holds the file.
pub fn claim(
    conn: &mut Conn,
    now: Millis,
    lease_until: Millis,
    room: &HashMap<String, usize>,
) -> Result<Vec<OutboxRow>, AppError> {
    let mut claimed = Vec::new();
    for (domain, &n) in room {
        if n == 0 {
            continue;
        }
        let n = i64::try_from(n).unwrap_or(i64::MAX);
        let due = mail_outbox::table
            .filter(mail_outbox::recipient_domain.eq(domain))
            .filter(claimable!(now))
            .order((mail_outbox::next_attempt_at, mail_outbox::id))
            .select(mail_outbox::id)
            .limit(n);
        let ids: Vec<String> = match conn {
            Conn::Postgres(pg) => due.for_update().skip_locked().load(pg)?,
            Conn::Sqlite(sqlite) => due.load(sqlite)?,
        };
        if ids.is_empty() {
            continue;
        }
        diesel::update(mail_outbox::table.filter(mail_outbox::id.eq_any(&ids)))
            .set(mail_outbox::claimed_until.eq(lease_until))
            .execute(conn)?;
        let rows: Vec<OutboxRow> = mail_outbox::table
            .filter(mail_outbox::id.eq_any(&ids))
            .select(OutboxRow::as_select())
            .load(conn)?;
        claimed.extend(rows);
    }
    claimed.sort_by_key(|row| row.next_attempt_at);
    Ok(claimed)
}

/// Deletes the row (sent, refused, given up or about no account).
pub fn delete(conn: &mut Conn, id: &str) -> Result<(), AppError> {
    diesel::delete(mail_outbox::table.find(id)).execute(conn)?;
    Ok(())
}

/// Puts a row that failed back to wait until `next_attempt_at`, after
/// `attempts` attempts; unless another request for the same mail (kind,
/// recipient and subject) is waiting already, which then stands for it:
/// this one is deleted. A mail about another subject (another session's
/// alert) stands for nothing but itself.
pub fn retry_later(
    conn: &mut Conn,
    row: &OutboxRow,
    attempts: i32,
    next_attempt_at: Millis,
) -> Result<(), AppError> {
    let twin_waiting = mail_outbox::table
        .filter(mail_outbox::kind.eq(&row.kind))
        .filter(mail_outbox::recipient.eq(&row.recipient))
        .filter(mail_outbox::subject.eq(&row.subject))
        .filter(mail_outbox::claimed_until.is_null())
        .filter(mail_outbox::id.ne(&row.id))
        .select(mail_outbox::id)
        .first::<String>(conn)
        .optional()?
        .is_some();
    if twin_waiting {
        return delete(conn, &row.id);
    }
    diesel::update(mail_outbox::table.find(&row.id))
        .set((
            mail_outbox::attempts.eq(attempts),
            mail_outbox::next_attempt_at.eq(next_attempt_at),
            mail_outbox::claimed_until.eq(None::<Millis>),
        ))
        .execute(conn)?;
    Ok(())
}

/// Deletes the mail of this kind to `recipient`, waiting or being sent (a password change
/// voids the links asked for before it).
pub fn delete_of_recipient(conn: &mut Conn, kind: &str, recipient: &str) -> Result<(), AppError> {
    diesel::delete(
        mail_outbox::table
            .filter(mail_outbox::kind.eq(kind))
            .filter(mail_outbox::recipient.eq(recipient)),
    )
    .execute(conn)?;
    Ok(())
}

/// Deletes the mail of this kind about `subject` (a user's id), waiting
/// or being sent, whatever its recipient.
pub fn delete_about(conn: &mut Conn, kind: &str, subject: &str) -> Result<(), AppError> {
    diesel::delete(
        mail_outbox::table
            .filter(mail_outbox::kind.eq(kind))
            .filter(mail_outbox::subject.eq(subject)),
    )
    .execute(conn)?;
    Ok(())
}

/// Whether the row is still in the outbox (a builder asks, in the write
/// that makes the mail's link: a row deleted meanwhile, by a change that
/// voids it, makes no link).
pub fn still_there(conn: &mut Conn, id: &str) -> Result<bool, AppError> {
    let found: i64 = mail_outbox::table.find(id).count().get_result(conn)?;
    Ok(found == 1)
}

/// How many mails of this kind to `recipient` are in the outbox, waiting
/// or being sent.
pub fn count_of_recipient(conn: &mut Conn, kind: &str, recipient: &str) -> Result<i64, AppError> {
    Ok(mail_outbox::table
        .filter(mail_outbox::kind.eq(kind))
        .filter(mail_outbox::recipient.eq(recipient))
        .count()
        .get_result(conn)?)
}

/// How long from `now` until the next row not being sent is due (none:
/// there is none).
pub fn next_due(conn: &mut Conn, now: Millis) -> Result<Option<Millis>, AppError> {
    let next: Option<Millis> = mail_outbox::table
        .filter(
            mail_outbox::claimed_until
                .is_null()
                .or(mail_outbox::claimed_until.le(now)),
        )
        .select(diesel::dsl::min(mail_outbox::next_attempt_at))
        .first(conn)?;
    Ok(next.map(|at| at.saturating_sub(now)))
}

/// How many mails wait in the outbox, due or not (for the metrics' scrape).
pub fn count(conn: &mut Conn) -> Result<i64, AppError> {
    Ok(mail_outbox::table.count().get_result(conn)?)
}
