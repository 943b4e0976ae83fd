//! The commands that open the database without serving: `sesame keys
//! rotate`, `sesame keys list`, `sesame purge`.

use super::{open_existing, Opened};
use crate::auth::keys;
use crate::auth::signing_keys::{KeyState, SigningKey};
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
    Ok(keys::list(&db)?
        .into_iter()
        .map(|key| {
            let state = key.state(now, access_ttl);
            (key, state)
        })
        .collect())
}

/// `sesame purge`: one purge, without serving.
pub async fn purge_once(settings: &Settings) -> Result<Purged, Box<dyn std::error::Error>> {
    let Opened { sessions, .. } = open_existing(settings)?;
    Ok(sessions.purge().await?)
}
