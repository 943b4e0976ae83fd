//! The commands that open the database without serving: `sesame keys
//! rotate`, `sesame keys revoke`, `sesame keys list`, `sesame purge`.

use super::open::{open_existing, Opened};
use crate::auth::keys::{self, Revocation};
use crate::auth::signing_keys::{self, KeyState, SigningKey};
use crate::auth::Purged;
use crate::config::Settings;

/// `sesame keys rotate`: a new signing key, used by running servers within
/// a second or two.
pub fn rotate_keys(settings: &Settings) -> Result<SigningKey, Box<dyn std::error::Error>> {
    if settings.signing_key.is_some() {
        return Err(
            "SESAME_SIGNING_KEY is set: that key is the only one, and is never rotated".into(),
        );
    }
    let Opened { db, .. } = open_existing(settings)?;
    Ok(keys::rotate_now(&db)?)
}

/// `sesame keys revoke KID`: the key leaves every running server's key set
/// within a second or two, and a new one signs if it did. An unknown kid,
/// or `SESAME_SIGNING_KEY` set, is an error.
pub fn revoke_key(
    settings: &Settings,
    kid: &str,
) -> Result<Revocation, Box<dyn std::error::Error>> {
    if settings.signing_key.is_some() {
        return Err(
            "SESAME_SIGNING_KEY is set: that key is the only one; to drop it, give another".into(),
        );
    }
    let Opened { db, .. } = open_existing(settings)?;
    keys::revoke(&db, kid)?.ok_or_else(|| format!("no signing key {kid:?}").into())
}

/// `sesame keys list`: each key's kid, when it was made, and its state.
pub fn list_keys(
    settings: &Settings,
) -> Result<Vec<(SigningKey, KeyState)>, Box<dyn std::error::Error>> {
    let now = crate::clock::now_ms();
    if let Some(der) = &settings.signing_key {
        let given = SigningKey::given(der).ok_or("SESAME_SIGNING_KEY is not an Ed25519 key")?;
        return Ok(vec![(given, KeyState::Signs)]);
    }
    let Opened { db, .. } = open_existing(settings)?;
    let access_ttl = crate::clock::ms(settings.access_ttl);
    let keys = keys::list(&db)?;
    let states = signing_keys::states(&keys, now, access_ttl);
    Ok(keys.into_iter().zip(states).collect())
}

/// `sesame purge`: one purge, without serving.
pub async fn purge_once(settings: &Settings) -> Result<Purged, Box<dyn std::error::Error>> {
    let Opened { sessions, .. } = open_existing(settings)?;
    Ok(sessions.purge().await?)
}
