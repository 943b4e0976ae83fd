//! The commands that open the database without serving: `sesame keys
//! rotate`, `sesame keys revoke`, `sesame keys list` (keys of both
//! algorithms), `sesame purge`.

use super::open::{open_existing, Opened};
use crate::auth::keys::{self, Revocation};
use crate::auth::signing_keys::{self, KeyState, SigningKey, ALGORITHMS};
use crate::auth::Purged;
use crate::config::Settings;
use crate::domain::IdTokenAlg;

/// `sesame keys rotate [--alg ALG]`: a new signing key of `alg`, or of each
/// algorithm, used by running servers within a second or two. With
/// `SESAME_SIGNING_KEY`, only the RSA key can be rotated, and only when
/// asked for by name (`--alg RS256`).
pub fn rotate_keys(
    settings: &Settings,
    alg: Option<&str>,
) -> Result<Vec<SigningKey>, Box<dyn std::error::Error>> {
    let algs = match alg {
        Some(alg) => vec![alg.parse::<IdTokenAlg>()?],
        None => ALGORITHMS.to_vec(),
    };
    if settings.signing_key.is_some() && algs.contains(&IdTokenAlg::EdDsa) {
        return Err(
            "SESAME_SIGNING_KEY is set: that Ed25519 key is never rotated \
            (`keys rotate --alg RS256` rotates the ID-token key)"
                .into(),
        );
    }
    let Opened { db, .. } = open_existing(settings)?;
    Ok(keys::rotate_now(&db, &algs)?)
}

/// `sesame keys revoke KID`: the key leaves every running server's key set
/// within a second or two, and a new one of its algorithm signs if it did.
/// An unknown kid is an error, and so is the Ed25519 key when
/// `SESAME_SIGNING_KEY` is set (its RSA keys can be revoked).
pub fn revoke_key(
    settings: &Settings,
    kid: &str,
) -> Result<Revocation, Box<dyn std::error::Error>> {
    let algs: &[IdTokenAlg] = match &settings.signing_key {
        Some(_) => &[IdTokenAlg::Rs256],
        None => &ALGORITHMS,
    };
    let Opened { db, .. } = open_existing(settings)?;
    keys::revoke(&db, kid, algs)?.ok_or_else(|| match settings.signing_key {
        Some(_) => format!(
            "no RSA signing key {kid:?} (SESAME_SIGNING_KEY is set: to drop that key, give another)"
        )
        .into(),
        None => format!("no signing key {kid:?}").into(),
    })
}

/// `sesame keys list`: each key, when it was made, and its state; with
/// `SESAME_SIGNING_KEY`, that key and the stored RSA keys.
pub fn list_keys(
    settings: &Settings,
) -> Result<Vec<(SigningKey, KeyState)>, Box<dyn std::error::Error>> {
    let now = crate::clock::now_ms();
    let given = match &settings.signing_key {
        Some(der) => {
            Some(SigningKey::given(der).ok_or("SESAME_SIGNING_KEY is not an Ed25519 key")?)
        }
        None => None,
    };
    let Opened { db, .. } = open_existing(settings)?;
    let access_ttl = crate::clock::ms(settings.access_ttl);
    let mut keys = keys::list(&db)?;
    if given.is_some() {
        keys.retain(|k| k.alg() == IdTokenAlg::Rs256);
    }
    let states = signing_keys::states(&keys, now, access_ttl);
    let given = given.map(|key| (key, KeyState::Signs));
    Ok(given
        .into_iter()
        .chain(keys.into_iter().zip(states))
        .collect())
}

/// `sesame purge`: one purge, without serving.
pub async fn purge_once(settings: &Settings) -> Result<Purged, Box<dyn std::error::Error>> {
    let Opened { sessions, .. } = open_existing(settings)?;
    sessions.audit().purge(settings.audit_retention).await?;
    Ok(sessions.purge().await?)
}
