//! What `sesame keys rotate`, `revoke` and `list` do to the stored keys,
//! beside the running servers (which see it at their next look).

use super::stored;
use crate::auth::signing_keys::{self, SigningKey};
use crate::clock::{now_ms, Millis};
use crate::db::signing_keys as key_rows;
use crate::db::{Conn, Db};
use crate::domain::IdTokenAlg;
use crate::error::AppError;

/// `sesame keys rotate`: a new key of each of `algs` signs from now on,
/// unannounced (for a key that may have leaked); every other key of those
/// algorithms is retired, and stays published until its tokens have
/// expired.
pub fn rotate_now(db: &Db, algs: &[IdTokenAlg]) -> Result<Vec<SigningKey>, AppError> {
    let now = now_ms();
    let made = algs
        .iter()
        .map(|&alg| SigningKey::generate(alg, now))
        .collect::<Result<Vec<_>, _>>()?;
    db.write_blocking(move |conn| {
        key_rows::lock_for_rotation(conn)?;
        let now = now_ms();
        made.into_iter()
            .map(|key| switch_now(conn, key, now))
            .collect()
    })
}

/// What `sesame keys revoke` did.
pub struct Revocation {
    /// The key made to sign in its place, when the revoked one signed.
    pub replaced_by: Option<SigningKey>,
}

/// `sesame keys revoke KID`: the key (of one of `algs`) leaves the published
/// and accepted set (every server's within a second or two) and its private
/// half is deleted; if it signed, a new key of its algorithm signs from now
/// on, as `rotate_now` makes it. `None` when no key of `algs` has that kid.
/// A revoked key stays revoked.
pub fn revoke(db: &Db, kid: &str, algs: &[IdTokenAlg]) -> Result<Option<Revocation>, AppError> {
    let of_kid = |keys: &[SigningKey]| {
        keys.iter()
            .find(|k| k.kid == kid && algs.contains(&k.alg()))
            .map(SigningKey::alg)
    };
    let Some(alg) = of_kid(&db.write_blocking(stored)?) else {
        return Ok(None);
    };
    // Made before the write, in case it signs: a new RSA key takes a while.
    let spare = SigningKey::generate(alg, now_ms())?;
    let kid = kid.to_owned();
    db.write_blocking(move |conn| {
        key_rows::lock_for_rotation(conn)?;
        let now = now_ms();
        let keys = stored(conn)?;
        if of_kid(&keys).is_none() {
            return Ok(None);
        }
        let signs = signing_keys::signing(&keys, alg, now).is_some_and(|k| k.kid == kid);
        let replaced_by = if signs {
            Some(switch_now(conn, spare, now)?)
        } else {
            None
        };
        key_rows::revoke(conn, &kid, now)?;
        log::info!("revoked the {alg} signing key {kid}");
        Ok(Some(Revocation { replaced_by }))
    })
}

/// `next` signs from `now`; every other key of its algorithm not retired
/// yet (including one waiting to sign) is retired. Under the rotation lock.
fn switch_now(conn: &mut Conn, mut next: SigningKey, now: Millis) -> Result<SigningKey, AppError> {
    next.created_at = now;
    let next = next.signing_from(now);
    let others: Vec<String> = stored(conn)?
        .into_iter()
        .filter(|k| k.alg() == next.alg() && k.retired_at.is_none() && k.revoked_at.is_none())
        .map(|k| k.kid)
        .collect();
    key_rows::retire(conn, &others, now)?;
    key_rows::add(conn, &next.to_row())?;
    log::info!("made a new {} signing key {}", next.alg(), next.kid);
    Ok(next)
}

/// `sesame keys list`: every stored key, oldest first.
pub fn list(db: &Db) -> Result<Vec<SigningKey>, AppError> {
    db.write_blocking(stored)
}
