//! The `sign_in_tickets` table: what a right password on an account with a
//! second factor gets, kept as the SHA-256 of the ticket. It works once,
//! until `expires_at`, while it has had fewer than `MAX_FAILURES` wrong
//! codes (a dead one stays until it expires, so that a try on it still
//! names its account for the limits); at most `MAX_PER_USER` a user (the
//! oldest goes).

use diesel::prelude::*;

use super::schema::sign_in_tickets;
use super::Conn;
use crate::clock::Millis;
use crate::error::AppError;

/// Wrong codes a ticket survives; the next one ends it.
pub const MAX_FAILURES: i32 = 5;
/// Tickets kept a user: a newer one beyond them replaces the oldest.
pub const MAX_PER_USER: i64 = 5;

#[derive(Queryable, Selectable, Insertable, Debug, Clone)]
#[diesel(table_name = sign_in_tickets, check_for_backend(diesel::sqlite::Sqlite, diesel::pg::Pg))]
pub struct SignInTicket {
    pub token_hash: Vec<u8>,
    pub user_id: String,
    pub failures: i32,
    pub created_at: Millis,
    pub expires_at: Millis,
}

/// Keeps `ticket`, and forgets the user's oldest beyond `MAX_PER_USER`.
pub fn insert(conn: &mut Conn, ticket: &SignInTicket) -> Result<(), AppError> {
    diesel::insert_into(sign_in_tickets::table)
        .values(ticket)
        .execute(conn)?;
    let last_kept = sign_in_tickets::table
        .filter(sign_in_tickets::user_id.eq(&ticket.user_id))
        .order(sign_in_tickets::created_at.desc())
        .offset(MAX_PER_USER - 1)
        .select(sign_in_tickets::created_at)
        .first::<Millis>(conn)
        .optional()?;
    if let Some(last_kept) = last_kept {
        diesel::delete(
            sign_in_tickets::table
                .filter(sign_in_tickets::user_id.eq(&ticket.user_id))
                .filter(sign_in_tickets::created_at.lt(last_kept)),
        )
        .execute(conn)?;
    }
    Ok(())
}

/// The ticket, if it has not expired at `now`, dead of wrong codes or not
/// (read only: see `take`).
pub fn find_unexpired(
    conn: &mut Conn,
    token_hash: &[u8],
    now: Millis,
) -> Result<Option<SignInTicket>, AppError> {
    Ok(sign_in_tickets::table
        .find(token_hash)
        .filter(sign_in_tickets::expires_at.gt(now))
        .select(SignInTicket::as_select())
        .get_result(conn)
        .optional()?)
}

impl SignInTicket {
    /// Too many wrong codes: it works no more.
    pub fn is_dead(&self) -> bool {
        self.failures >= MAX_FAILURES
    }
}

/// Uses the ticket up: deleted, and given back if it still worked at `now`.
/// Of two uses at once, one gets it.
pub fn take(
    conn: &mut Conn,
    token_hash: &[u8],
    now: Millis,
) -> Result<Option<SignInTicket>, AppError> {
    let taken = super::each_backend!(conn, |c| diesel::delete(
        sign_in_tickets::table.find(token_hash)
    )
    .returning(SignInTicket::as_returning())
    .get_result::<SignInTicket>(c)
    .optional())?;
    Ok(taken.filter(|ticket| ticket.expires_at > now && ticket.failures < MAX_FAILURES))
}

/// Counts a wrong code against the ticket; the last one allowed ends it.
pub fn count_failure(conn: &mut Conn, token_hash: &[u8]) -> Result<(), AppError> {
    diesel::update(sign_in_tickets::table.find(token_hash))
        .set(sign_in_tickets::failures.eq(sign_in_tickets::failures + 1))
        .execute(conn)?;
    Ok(())
}

/// Ends one ticket (its account is past the second-factor limit).
pub fn delete(conn: &mut Conn, token_hash: &[u8]) -> Result<(), AppError> {
    diesel::delete(sign_in_tickets::table.find(token_hash)).execute(conn)?;
    Ok(())
}

/// Ends every ticket of the user (a password change or reset: a password
/// checked before it must not finish signing in after it).
pub fn delete_of_user(conn: &mut Conn, user_id: &str) -> Result<(), AppError> {
    diesel::delete(sign_in_tickets::table.filter(sign_in_tickets::user_id.eq(user_id)))
        .execute(conn)?;
    Ok(())
}

/// Forgets the tickets that stopped working before `now` (periodic tidy).
pub fn delete_expired(conn: &mut Conn, now: Millis) -> Result<usize, AppError> {
    Ok(
        diesel::delete(sign_in_tickets::table.filter(sign_in_tickets::expires_at.le(now)))
            .execute(conn)?,
    )
}
