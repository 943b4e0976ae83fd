//! The `totp_secrets` table: one TOTP secret per account, pending until a
//! code confirms it; `last_step` is the newest step a code was accepted for
//! (no code of that step or an older one is accepted again).

use diesel::prelude::*;

use super::schema::{totp_secrets, users};
use super::Conn;
use crate::clock::Millis;
use crate::error::AppError;

#[derive(Queryable, Selectable, Insertable, Debug, Clone)]
#[diesel(table_name = totp_secrets, check_for_backend(diesel::sqlite::Sqlite, diesel::pg::Pg))]
pub struct TotpSecret {
    pub user_id: String,
    pub secret: Vec<u8>,
    pub created_at: Millis,
    pub confirmed_at: Option<Millis>,
    pub last_step: i64,
}

impl TotpSecret {
    pub fn is_on(&self) -> bool {
        self.confirmed_at.is_some()
    }
}

pub fn find(conn: &mut Conn, user_id: &str) -> Result<Option<TotpSecret>, AppError> {
    Ok(totp_secrets::table
        .find(user_id)
        .select(TotpSecret::as_select())
        .get_result(conn)
        .optional()?)
}

/// Whether the user has TOTP on (confirmed).
pub fn is_on(conn: &mut Conn, user_id: &str) -> Result<bool, AppError> {
    Ok(find(conn, user_id)?.is_some_and(|secret| secret.is_on()))
}

/// Makes `secret` the user's pending one, replacing a pending one; never
/// one that is on (`false` then, and nothing changes).
pub fn put_pending(conn: &mut Conn, secret: &TotpSecret) -> Result<bool, AppError> {
    diesel::delete(
        totp_secrets::table
            .find(&secret.user_id)
            .filter(totp_secrets::confirmed_at.is_null()),
    )
    .execute(conn)?;
    let inserted = super::each_backend!(conn, |c| diesel::insert_into(totp_secrets::table)
        .values(secret)
        .on_conflict_do_nothing()
        .execute(c))?;
    Ok(inserted == 1)
}

/// Turns the pending secret on, `step` used; `false` when none is pending.
pub fn confirm(conn: &mut Conn, user_id: &str, step: i64, now: Millis) -> Result<bool, AppError> {
    let updated = diesel::update(
        totp_secrets::table
            .find(user_id)
            .filter(totp_secrets::confirmed_at.is_null()),
    )
    .set((
        totp_secrets::confirmed_at.eq(now),
        totp_secrets::last_step.eq(step),
    ))
    .execute(conn)?;
    set_on(conn, user_id, updated == 1)?;
    Ok(updated == 1)
}

/// Keeps `users.totp_on` (what the user's row says of it) in step.
fn set_on(conn: &mut Conn, user_id: &str, on: bool) -> Result<(), AppError> {
    diesel::update(users::table.find(user_id))
        .set(users::totp_on.eq(on))
        .execute(conn)?;
    Ok(())
}

/// Records `step` as used, if it is newer than every step used before:
/// `false` means the code was used already (a replay).
pub fn use_step(conn: &mut Conn, user_id: &str, step: i64) -> Result<bool, AppError> {
    let updated = diesel::update(
        totp_secrets::table
            .find(user_id)
            .filter(totp_secrets::confirmed_at.is_not_null())
            .filter(totp_secrets::last_step.lt(step)),
    )
    .set(totp_secrets::last_step.eq(step))
    .execute(conn)?;
    Ok(updated == 1)
}

/// Deletes the user's secret, pending or on; whether there was one on.
pub fn delete(conn: &mut Conn, user_id: &str) -> Result<bool, AppError> {
    let deleted =
        super::each_backend!(conn, |c| diesel::delete(totp_secrets::table.find(user_id))
            .returning(totp_secrets::confirmed_at)
            .get_result::<Option<Millis>>(c)
            .optional())?;
    set_on(conn, user_id, false)?;
    Ok(matches!(deleted, Some(Some(_))))
}
