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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Database;
    use crate::db::users::{self, NewUser};
    use crate::db::Db;

    fn with_a_user(test: impl FnOnce(&mut Conn, &str) -> Result<(), AppError>) {
        let folder = tempfile::tempdir().unwrap();
        let (db, _) = Db::open(&Database::sqlite(folder.path().join("test.db"))).unwrap();
        db.write_blocking(|conn| {
            let user = NewUser {
                id: "u1",
                name: "Ada",
                email: "ada@example.com",
                password_hash: "x",
                created_at: 0,
            };
            users::insert(conn, &user)?;
            test(conn, "u1")
        })
        .unwrap();
    }

    #[test]
    fn a_user_keeps_the_twenty_most_recently_seen_rows() {
        with_a_user(|conn, user| {
            for n in 0..25 {
                record(conn, user, &format!("device {n}"), "net", 1000 + n)?;
            }
            let rows: i64 = known_devices::table
                .filter(known_devices::user_id.eq(user))
                .count()
                .get_result(conn)?;
            assert_eq!(rows, MAX_PER_USER);
            assert!(!seen_since(conn, user, "device 4", "elsewhere", 0)?.device);
            assert!(seen_since(conn, user, "device 5", "elsewhere", 0)?.device);
            Ok(())
        });
    }

    #[test]
    fn only_what_was_seen_after_the_time_given_counts() {
        with_a_user(|conn, user| {
            record(conn, user, "Firefox on Linux", "192.0.2.0/24", 1000)?;
            let seen = seen_since(conn, user, "Firefox on Linux", "192.0.2.0/24", 999)?;
            assert_eq!((seen.device, seen.network), (true, true));
            let seen = seen_since(conn, user, "Firefox on Linux", "192.0.2.0/24", 1000)?;
            assert_eq!((seen.device, seen.network), (false, false));
            // Seen again: moved on, not added.
            record(conn, user, "Firefox on Linux", "192.0.2.0/24", 2000)?;
            assert!(seen_since(conn, user, "x", "192.0.2.0/24", 1500)?.network);
            assert_eq!(delete_unseen_since(conn, 2000)?, 1);
            Ok(())
        });
    }
}
