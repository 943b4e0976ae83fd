//! The `known_devices` table: the devices and networks each account signed
//! in from, and when last (sign-in alerts). Bounded: `MAX_PER_USER` rows a
//! user, the least recently seen going first; rows not seen for long are
//! deleted by the periodic tidy (`delete_unseen_since`).

use diesel::prelude::*;

use super::schema::known_devices;
use super::Conn;
use crate::clock::Millis;
use crate::error::AppError;

/// Rows kept a user: a sign-in beyond them forgets the least recent.
pub const MAX_PER_USER: i64 = 20;

/// What the account has seen since a time: the device, the network.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Seen {
    pub device: bool,
    pub network: bool,
}

/// Whether the user signed in from `device` (on any network) and from
/// `network` (with any device) after `since`.
pub fn seen_since(
    conn: &mut Conn,
    user_id: &str,
    device: &str,
    network: &str,
    since: Millis,
) -> Result<Seen, AppError> {
    let of_user = || {
        known_devices::table
            .filter(known_devices::user_id.eq(user_id))
            .filter(known_devices::last_seen_at.gt(since))
    };
    let device_seen = diesel::select(diesel::dsl::exists(
        of_user().filter(known_devices::device.eq(device)),
    ))
    .get_result(conn)?;
    let network_seen = diesel::select(diesel::dsl::exists(
        of_user().filter(known_devices::network.eq(network)),
    ))
    .get_result(conn)?;
    Ok(Seen {
        device: device_seen,
        network: network_seen,
    })
}

/// Notes a sign-in from `device` on `network` at `now`, then forgets the
/// user's least recently seen rows beyond `MAX_PER_USER`.
pub fn record(
    conn: &mut Conn,
    user_id: &str,
    device: &str,
    network: &str,
    now: Millis,
) -> Result<(), AppError> {
    super::each_backend!(conn, |c| diesel::insert_into(known_devices::table)
        .values((
            known_devices::user_id.eq(user_id),
            known_devices::device.eq(device),
            known_devices::network.eq(network),
            known_devices::last_seen_at.eq(now),
        ))
        .on_conflict((
            known_devices::user_id,
            known_devices::device,
            known_devices::network,
        ))
        .do_update()
        .set(known_devices::last_seen_at.eq(now))
        .execute(c))?;
    let last_kept = known_devices::table
        .filter(known_devices::user_id.eq(user_id))
        .order(known_devices::last_seen_at.desc())
        .offset(MAX_PER_USER - 1)
        .select(known_devices::last_seen_at)
        .first::<Millis>(conn)
        .optional()?;
    if let Some(last_kept) = last_kept {
        // Rows seen at the very time of the last one kept stay too: a
        // bound, not an exact count.
        diesel::delete(
            known_devices::table
                .filter(known_devices::user_id.eq(user_id))
                .filter(known_devices::last_seen_at.lt(last_kept)),
        )
        .execute(conn)?;
    }
    Ok(())
}

/// Deletes the rows not seen since `since`; how many.
pub fn delete_unseen_since(conn: &mut Conn, since: Millis) -> Result<usize, AppError> {
    Ok(
        diesel::delete(known_devices::table.filter(known_devices::last_seen_at.le(since)))
            .execute(conn)?,
    )
}
