//! Keeping the access-token signing keys: loaded at start, looked at again
//! every second (another instance, or `sesame keys rotate`, may have made a
//! new one), and rotated when the one that signs is `--key-rotation` old.
//! With `SESAME_SIGNING_KEY` that key is the only one, and never rotated.

use std::sync::Arc;

use super::access_token::AccessTokens;
use super::signing_keys::{rotation_due, SigningKey};
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
    /// (or the one that signs is due). Blocks: it runs at start.
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
                    .write_blocking(move |conn| rotate_if_due(conn, now_ms(), every))?
            }
        };
        ring.access.install(&keys, now_ms());
        Ok(ring)
    }

    /// Looks at the stored keys again (run every second): installs what
    /// changed, and makes a new key when one is due.
    pub async fn tick(&self) -> Result<(), AppError> {
        let Some(every) = self.every else {
            return Ok(());
        };
        let now = now_ms();
        let mut keys = self.db.read(stored).await?;
        if rotation_due(&keys, now, every) {
            keys = self
                .db
                .write(move |conn| rotate_if_due(conn, now_ms(), every))
                .await?;
        }
        self.access.install(&keys, now_ms());
        Ok(())
    }
}

/// `sesame keys rotate`: a new key signs from now on; the one it replaces
/// stays published until its tokens have expired.
pub fn rotate_now(db: &Db) -> Result<SigningKey, AppError> {
    db.write_blocking(|conn| {
        key_rows::lock_for_rotation(conn)?;
        let next = SigningKey::generate(now_ms())?;
        key_rows::rotate(conn, &next.to_row(), next.created_at)?;
        Ok(next)
    })
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

/// In one write transaction, one instance at a time: a new key if one is
/// due (decided again under the lock: another instance may just have made
/// one); the keys as they then are.
fn rotate_if_due(conn: &mut Conn, now: Millis, every: Millis) -> Result<Vec<SigningKey>, AppError> {
    key_rows::lock_for_rotation(conn)?;
    let keys = stored(conn)?;
    if !rotation_due(&keys, now, every) {
        return Ok(keys);
    }
    let next = SigningKey::generate(now)?;
    key_rows::rotate(conn, &next.to_row(), now)?;
    let made = next.kid.clone();
    let keys = stored(conn)?;
    log::info!("made a new access-token signing key {made}");
    Ok(keys)
}
