//! The rotation schedule: which key signs, how each stands, and what the
//! schedule asks of the stored keys at a time. Pure rules; `keys.rs` does
//! the reading and writing. Each algorithm has its own schedule: the keys
//! of the other never count, so an RSA key neither replaces an Ed25519 one
//! nor is retired by it.

use super::{KeyState, SigningKey};
use crate::clock::Millis;
use crate::domain::IdTokenAlg;

/// How long before it signs a scheduled key is published: the contract's
/// 10 minutes (twice the JWKS's `max-age`), and a minute to spare for the
/// instances that load it a second later and for clocks that differ.
pub const PUBLISHED_AHEAD: Millis = 11 * 60 * 1000;
const _: () = assert!(PUBLISHED_AHEAD >= 10 * 60 * 1000, "the contract's floor");

/// The key of `alg` that signs at `now`, if any: of those that can sign and
/// whose time has come, the last to come; when none has come, the key
/// waiting to sign (an instance whose clock is a little ahead retired the
/// one before already; the waiting key has been published since long
/// before).
pub fn signing(keys: &[SigningKey], alg: IdTokenAlg, now: Millis) -> Option<&SigningKey> {
    let order = |k: &&SigningKey| (k.signs_from, k.created_at);
    let (come, waiting): (Vec<&SigningKey>, Vec<&SigningKey>) = keys
        .iter()
        .filter(|k| k.alg() == alg && k.can_sign())
        .partition(|k| k.signs_from <= now);
    come.into_iter()
        .max_by_key(order)
        .or_else(|| waiting.into_iter().min_by_key(order))
}

/// How each of `keys` stands at `now`, beside the keys of its algorithm,
/// when tokens live `access_ttl`.
pub fn states(keys: &[SigningKey], now: Millis, access_ttl: Millis) -> Vec<KeyState> {
    keys.iter()
        .map(|k| {
            let signer = signing(keys, k.alg(), now).map(|s| s.kid.as_str());
            k.state(signer, now, access_ttl)
        })
        .collect()
}

/// How long before it signs the schedule publishes a key, when keys are
/// rotated `every`: `PUBLISHED_AHEAD`, or, for a shorter rotation, as soon
/// as the key before it signs (the longest lead with one key waiting).
pub fn publish_ahead(every: Millis) -> Millis {
    every.min(PUBLISHED_AHEAD)
}

/// What the rotation schedule asks of the stored keys at `now`.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Upkeep {
    /// Keys a later one has replaced (or that can no longer sign), not yet
    /// retired: to retire, their private halves deleted.
    pub retire: Vec<String>,
    /// A key to make, signing from then.
    pub make: Option<Millis>,
}

impl Upkeep {
    pub fn is_nothing(&self) -> bool {
        self.retire.is_empty() && self.make.is_none()
    }
}

/// For the keys of `alg`, rotated `every`: when none can sign (the first
/// start, or the first since RSA keys came), a key that signs at once; when
/// the one that signs has `publish_ahead(every)` or less left and no key
/// waits, the next one, signing when it is due but never sooner than
/// `publish_ahead` from now (a late look at the keys, or a server that was
/// stopped, delays the switch rather than skip the publication). Keys the
/// one that signs has replaced are retired.
pub fn upkeep(keys: &[SigningKey], alg: IdTokenAlg, now: Millis, every: Millis) -> Upkeep {
    let signer = signing(keys, alg, now);
    let keys: Vec<&SigningKey> = keys.iter().filter(|k| k.alg() == alg).collect();
    let retire = keys
        .iter()
        .filter(|k| k.retired_at.is_none() && k.revoked_at.is_none())
        .filter(|k| k.signs_from <= now && signer.is_none_or(|s| s.kid != k.kid))
        .map(|k| k.kid.clone())
        .collect();
    let waiting = keys.iter().any(|k| k.can_sign() && k.signs_from > now);
    let make = match signer {
        None => Some(now),
        Some(_) if waiting => None,
        Some(signer) => {
            let due = signer.signs_from.saturating_add(every);
            let earliest = now.saturating_add(publish_ahead(every));
            (earliest >= due).then(|| due.max(earliest))
        }
    };
    Upkeep { retire, make }
}
