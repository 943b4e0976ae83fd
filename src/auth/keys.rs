//! Keeping the signing keys, of both algorithms (EdDSA: access tokens;
//! RS256: ID tokens): loaded at start, looked at again every second (another
//! instance, or `sesame keys rotate` or `revoke`, may have changed them), and
//! kept to the schedule `signing_keys::upkeep` decides for each algorithm:
//! the next key made ahead of its time, replaced keys retired. With
//! `SESAME_SIGNING_KEY` that key is the only Ed25519 one, never rotated; the
//! ring keeps the RSA keys alone.
//!
//! A new key is made before the write that stores it, off the async
//! workers: an RSA key takes a fraction of a second (0.2 to 0.5 s measured
//! in a debug build), too long to hold the database's write turn for. If
//! another instance stored one meanwhile, the one made here is dropped
//! unused. A start makes no RSA key, nor does a server no app signs in
//! through: the first look at the keys after an app is registered (or an ID
//! token is asked for, `AccessTokens::want`) makes it, on a blocking thread.

use std::sync::Arc;

use super::access_token::AccessTokens;
use super::signing_keys::{upkeep, SigningKey, ALGORITHMS};
use crate::clock::{ms, now_ms, Millis};
use crate::config::Settings;
use crate::db::signing_keys as key_rows;
use crate::db::{Conn, Db};
use crate::domain::IdTokenAlg;
use crate::error::AppError;

mod commands;

pub use commands::{list, revoke, rotate_now, Revocation};

pub struct KeyRing {
    db: Db,
    access: Arc<AccessTokens>,
    every: Millis,
    /// `SESAME_SIGNING_KEY`: the Ed25519 key, never rotated.
    given: Option<SigningKey>,
}

impl KeyRing {
    /// Installs the keys in `access`, making the first Ed25519 key if there
    /// is none (and whatever else its schedule asks); the RSA keys are left
    /// to the first `tick`. Blocks: it runs at start.
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
            every: ms(settings.key_rotation),
            given,
        };
        let every = ring.every;
        let now_kept: &[IdTokenAlg] = match ring.given {
            Some(_) => &[],
            None => &[IdTokenAlg::EdDsa],
        };
        let keys = ring.db.write_blocking(stored)?;
        let mut made = Made::ahead(&keys, now_kept, now_ms(), every)?;
        let keys = ring
            .db
            .write_blocking(move |conn| keep_up(conn, now_ms(), every, now_kept, &mut made))?;
        ring.install(keys);
        Ok(ring)
    }

    /// The algorithms whose keys the ring keeps in the database.
    fn kept(&self) -> &'static [IdTokenAlg] {
        match self.given {
            Some(_) => &[IdTokenAlg::Rs256],
            None => &ALGORITHMS,
        }
    }

    /// Looks at the stored keys again (run every second): installs what
    /// changed (a revoked key leaves the set here), and keeps to the
    /// schedule.
    pub async fn tick(&self) -> Result<(), AppError> {
        let every = self.every;
        let now = now_ms();
        let mut keys = self.db.read(stored).await?;
        let kept = self.in_use(&keys).await?;
        if kept
            .iter()
            .any(|&alg| !upkeep(&keys, alg, now, every).is_nothing())
        {
            let mut made = {
                let (keys, kept) = (keys.clone(), kept.clone());
                actix_web::web::block(move || Made::ahead(&keys, &kept, now, every))
                    .await
                    .map_err(AppError::unexpected)??
            };
            keys = self
                .db
                .write(move |conn| keep_up(conn, now_ms(), every, &kept, &mut made))
                .await?;
        }
        self.install(keys);
        Ok(())
    }

    /// The algorithms to keep to the schedule now: RS256 only once it is
    /// used (a key of it stored, an ID token asked for, or an app
    /// registered), so a server no app signs in through makes no RSA key.
    async fn in_use(&self, keys: &[SigningKey]) -> Result<Vec<IdTokenAlg>, AppError> {
        let mut kept = self.kept().to_vec();
        let rsa_used = keys.iter().any(|k| k.alg() == IdTokenAlg::Rs256)
            || self.access.is_wanted(IdTokenAlg::Rs256)
            || self.db.read(crate::db::oauth_clients::any).await?;
        if !rsa_used {
            kept.retain(|&alg| alg != IdTokenAlg::Rs256);
        }
        Ok(kept)
    }

    /// The stored keys, with the given Ed25519 key in place of the stored
    /// ones when there is one.
    fn install(&self, mut keys: Vec<SigningKey>) {
        if let Some(given) = &self.given {
            keys.retain(|k| k.alg() != IdTokenAlg::EdDsa);
            keys.insert(0, given.clone());
        }
        self.access.install(&keys, now_ms());
    }
}

/// Keys made ahead of the write that may store them: one for each
/// algorithm whose schedule asks for one.
struct Made(Vec<SigningKey>);

impl Made {
    fn ahead(
        keys: &[SigningKey],
        kept: &[IdTokenAlg],
        now: Millis,
        every: Millis,
    ) -> Result<Made, AppError> {
        let mut made = Vec::new();
        for &alg in kept {
            if upkeep(keys, alg, now, every).make.is_some() {
                made.push(SigningKey::generate(alg, now)?);
            }
        }
        Ok(Made(made))
    }

    /// A new key of `alg`: one made ahead, or else made now.
    fn take(&mut self, alg: IdTokenAlg, now: Millis) -> Result<SigningKey, AppError> {
        match self.0.iter().position(|k| k.alg() == alg) {
            Some(at) => Ok(self.0.swap_remove(at)),
            None => SigningKey::generate(alg, now),
        }
    }
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
/// for each algorithm `kept` (decided again under the lock: another
/// instance may just have done it); the keys as they then are. It asks
/// twice at most: a key that signs (a first start), then the next one (a
/// rotation shorter than the lead).
fn keep_up(
    conn: &mut Conn,
    now: Millis,
    every: Millis,
    kept: &[IdTokenAlg],
    made: &mut Made,
) -> Result<Vec<SigningKey>, AppError> {
    key_rows::lock_for_rotation(conn)?;
    let mut keys = stored(conn)?;
    for &alg in kept {
        for _ in 0..2 {
            let asked = upkeep(&keys, alg, now, every);
            if asked.is_nothing() {
                break;
            }
            key_rows::retire(conn, &asked.retire, now)?;
            if let Some(signs_from) = asked.make {
                let mut key = made.take(alg, now)?;
                key.created_at = now;
                let key = key.signing_from(signs_from);
                key_rows::add(conn, &key.to_row())?;
                log::info!(
                    "made a new {alg} signing key {}, signing from {}",
                    key.kid,
                    crate::clock::rfc3339(signs_from)
                );
            }
            keys = stored(conn)?;
        }
    }
    Ok(keys)
}
