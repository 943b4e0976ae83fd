//! Keeping the access-token signing keys: loaded at start, looked at again
//! every second (another instance, or `sesame keys rotate` or `revoke`, may
//! have changed them), and kept to the schedule `signing_keys::upkeep`
//! decides: the next key made ahead of its time, replaced keys retired.
//! With `SESAME_SIGNING_KEY` that key is the only one, never rotated.

use std::sync::Arc;

use super::access_token::AccessTokens;
use super::signing_keys::{self, upkeep, SigningKey};
use crate::clock::{ms, now_ms, Millis};
use crate::config::Settings;
use crate::db::signing_keys as key_rows;
use crate::db::{Conn, Db};
use crate::error::AppError;

pub struct KeyRing {
    db: Db,
    access: Arc<AccessTokens>,
    /// `None` when the key was given: no rotation.
    every: Option<Millis>,
    given: Option<SigningKey>,
}

impl KeyRing {
    /// Installs the keys in `access`, making the first one if there is none
    /// (and whatever else the schedule asks). Blocks: it runs at start.
    pub fn start(
        db: Db,
        access: Arc<AccessTokens>,
        settings: &Settings,
    ) -> Result<KeyRing, AppError> {
        let given =
            match &settings.signing_key {
                Some(der) => Some(SigningKey::given(der).ok_or_else(|| {
                    AppError::unexpected("SESAME_SIGNING_KEY is not an Ed25519 key")
                })?),
                None => None,
            };
        let ring = KeyRing {
            db,
            access,
            every: given.is_none().then(|| ms(settings.key_rotation)),
            given,
        };
        let keys = match (&ring.given, ring.every) {
            (Some(given), _) => vec![given.clone()],
            (None, every) => {
                let every = every.unwrap_or(Millis::MAX);
                ring.db
                    .write_blocking(move |conn| keep_up(conn, now_ms(), every))?
            }
        };
        ring.access.install(&keys, now_ms());
        Ok(ring)
    }

    /// Looks at the stored keys again (run every second): installs what
    /// changed (a revoked key leaves the set here), and keeps to the
    /// schedule.
    pub async fn tick(&self) -> Result<(), AppError> {
        let Some(every) = self.every else {
            return Ok(());
        };
        let now = now_ms();
        let mut keys = self.db.read(stored).await?;
        if !upkeep(&keys, now, every).is_nothing() {
            keys = self
                .db
                .write(move |conn| keep_up(conn, now_ms(), every))
                .await?;
        }
        self.access.install(&keys, now_ms());
        Ok(())
    }
}

/// `sesame keys rotate`: a new key signs from now on, unannounced (for a key
/// that may have leaked); every other key is retired, and stays published
/// until its tokens have expired.
pub fn rotate_now(db: &Db) -> Result<SigningKey, AppError> {
    db.write_blocking(|conn| {
        key_rows::lock_for_rotation(conn)?;
        switch_now(conn, now_ms())
    })
}

/// What `sesame keys revoke` did.
pub struct Revocation {
    /// The key made to sign in its place, when the revoked one signed.
    pub replaced_by: Option<SigningKey>,
}

/// `sesame keys revoke KID`: the key leaves the published and accepted set
/// (every server's within a second or two) and its private half is deleted;
/// if it signed, a new key signs from now on, as `rotate_now` makes it.
/// `None` when no key has that kid. A revoked key stays revoked.
pub fn revoke(db: &Db, kid: &str) -> Result<Option<Revocation>, AppError> {
    let kid = kid.to_owned();
    db.write_blocking(move |conn| {
        key_rows::lock_for_rotation(conn)?;
        let now = now_ms();
        let keys = stored(conn)?;
        if !keys.iter().any(|k| k.kid == kid) {
            return Ok(None);
        }
        let signs = signing_keys::signing(&keys, now).is_some_and(|k| k.kid == kid);
        let replaced_by = if signs {
            Some(switch_now(conn, now)?)
        } else {
            None
        };
        key_rows::revoke(conn, &kid, now)?;
        log::info!("revoked the access-token signing key {kid}");
        Ok(Some(Revocation { replaced_by }))
    })
}

/// A new key that signs from `now`; every other key not retired yet
/// (including one waiting to sign) is retired. Under the rotation lock.
fn switch_now(conn: &mut Conn, now: Millis) -> Result<SigningKey, AppError> {
    let next = SigningKey::generate(now)?;
    let others: Vec<String> = stored(conn)?
        .into_iter()
        .filter(|k| k.retired_at.is_none() && k.revoked_at.is_none())
        .map(|k| k.kid)
        .collect();
    key_rows::retire(conn, &others, now)?;
    key_rows::add(conn, &next.to_row())?;
    log::info!("made a new access-token signing key {}", next.kid);
    Ok(next)
}

/// `sesame keys list`: every stored key, oldest first.
pub fn list(db: &Db) -> Result<Vec<SigningKey>, AppError> {
    db.write_blocking(stored)
}

fn stored(conn: &mut Conn) -> Result<Vec<SigningKey>, AppError> {
    Ok(key_rows::all(conn)?
        .into_iter()
        .filter_map(|row| {
            let kid = row.kid.clone();
            let key = SigningKey::from_row(row);
            if key.is_none() {
                log::warn!("the stored signing key {kid} is damaged; it is not used");
            }
            key
        })
        .collect())
}

/// In one write transaction, one instance at a time: what the schedule asks
/// (decided again under the lock: another instance may just have done it);
/// the keys as they then are. It asks twice at most: a key that signs (a
/// first start), then the next one (a rotation shorter than the lead).
fn keep_up(conn: &mut Conn, now: Millis, every: Millis) -> Result<Vec<SigningKey>, AppError> {
    key_rows::lock_for_rotation(conn)?;
    let mut keys = stored(conn)?;
    for _ in 0..2 {
        let asked = upkeep(&keys, now, every);
        if asked.is_nothing() {
            break;
        }
        key_rows::retire(conn, &asked.retire, now)?;
        if let Some(signs_from) = asked.make {
            let made = SigningKey::generate(now)?.signing_from(signs_from);
            key_rows::add(conn, &made.to_row())?;
            log::info!(
                "made a new access-token signing key {}, signing from {}",
                made.kid,
                crate::clock::rfc3339(signs_from)
            );
        }
        keys = stored(conn)?;
    }
    Ok(keys)
}
