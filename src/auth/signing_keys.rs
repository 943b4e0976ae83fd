//! The Ed25519 keys access tokens are signed with: how each one stands,
//! which one signs, and what the rotation schedule asks for. Pure rules over
//! the stored keys and a time; `keys.rs` does the reading and writing.
//!
//! - A key signs from `signs_from`; of the keys that can sign (a private
//!   half, neither retired nor revoked) and whose time has come, the last to
//!   come signs. The key it replaced is retired (its private half deleted)
//!   and stays published (in the JWKS, and accepted here) until
//!   `--access-ttl` after it was retired: its last token has expired by then.
//! - A scheduled rotation makes the next key ahead of time (`upkeep`), so
//!   it is published `publish_ahead` before it signs: verifiers that cache
//!   the JWKS never meet an unknown `kid`. The first key, or one made when
//!   none can sign, signs at once.
//! - A revoked key is neither published nor accepted, at once.
//!
//! A key's id (`kid`) is its JWK thumbprint (SHA-256 of its canonical
//! public JWK), so the same key always has the same id.

use base64::engine::general_purpose::URL_SAFE_NO_PAD as BASE64URL;
use base64::Engine;
use ed25519_dalek::pkcs8::{DecodePrivateKey, EncodePrivateKey};
use serde::Serialize;
use sha2::{Digest, Sha256};

use crate::clock::Millis;
use crate::config::Secret;
use crate::db::signing_keys::KeyRow;
use crate::error::AppError;

/// How long before it signs a scheduled key is published: the contract's
/// 10 minutes (twice the JWKS's `max-age`), and a minute to spare for the
/// instances that load it a second later and for clocks that differ.
pub const PUBLISHED_AHEAD: Millis = 11 * 60 * 1000;
const _: () = assert!(PUBLISHED_AHEAD >= 10 * 60 * 1000, "the contract's floor");

/// One signing key. Not `Debug`: it holds the private key.
#[derive(Clone)]
pub struct SigningKey {
    pub kid: String,
    /// PKCS#8 DER; `None` once retired or revoked.
    private: Option<Secret>,
    public: [u8; 32],
    pub created_at: Millis,
    /// When it starts signing: when it was made, or, made by the schedule,
    /// once it has been published long enough.
    pub signs_from: Millis,
    pub retired_at: Option<Millis>,
    pub revoked_at: Option<Millis>,
}

/// How a key stands at a given time.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyState {
    /// Published, and signs from its `signs_from`.
    Next,
    Signs,
    /// Still published and accepted: tokens it signed may be unexpired.
    Retired,
    Gone,
    /// Neither published nor accepted, whatever its tokens say.
    Revoked,
}

impl KeyState {
    pub fn as_str(self) -> &'static str {
        match self {
            KeyState::Next => "next",
            KeyState::Signs => "signs",
            KeyState::Retired => "retired",
            KeyState::Gone => "gone",
            KeyState::Revoked => "revoked",
        }
    }

    /// In the JWKS, and its tokens accepted.
    pub fn is_published(self) -> bool {
        matches!(self, KeyState::Next | KeyState::Signs | KeyState::Retired)
    }
}

/// A public key as the JWKS publishes it.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct Jwk {
    pub kty: &'static str,
    pub crv: &'static str,
    pub x: String,
    pub kid: String,
    pub alg: &'static str,
    #[serde(rename = "use")]
    pub use_: &'static str,
}

impl SigningKey {
    /// A new random key, signing from `now` (see `signing_from`).
    pub fn generate(now: Millis) -> Result<SigningKey, AppError> {
        let mut seed = [0u8; 32];
        getrandom::fill(&mut seed).map_err(|e| AppError::unexpected(e.to_string()))?;
        let key = ed25519_dalek::SigningKey::from_bytes(&seed);
        let der = key
            .to_pkcs8_der()
            .map_err(|e| AppError::unexpected(e.to_string()))?;
        Ok(SigningKey::new(
            Some(Secret::new(der.as_bytes().to_vec())),
            key.verifying_key().to_bytes(),
            now,
        ))
    }

    /// The same key, signing from `at` instead.
    pub fn signing_from(self, at: Millis) -> SigningKey {
        SigningKey {
            signs_from: at,
            ..self
        }
    }

    /// The key given in PKCS#8 DER (`SESAME_SIGNING_KEY`, checked when the
    /// settings were read).
    pub fn given(der: &Secret) -> Option<SigningKey> {
        let key = ed25519_dalek::SigningKey::from_pkcs8_der(der.expose()).ok()?;
        Some(SigningKey::new(
            Some(der.clone()),
            key.verifying_key().to_bytes(),
            0,
        ))
    }

    /// A stored key; `None` for a damaged row.
    pub fn from_row(row: KeyRow) -> Option<SigningKey> {
        let public: [u8; 32] = row.public_key.as_slice().try_into().ok()?;
        let key = SigningKey {
            signs_from: row.signs_from,
            retired_at: row.retired_at,
            revoked_at: row.revoked_at,
            ..SigningKey::new(row.private_key.map(Secret::new), public, row.created_at)
        };
        (key.kid == row.kid).then_some(key)
    }

    pub fn to_row(&self) -> KeyRow {
        KeyRow {
            kid: self.kid.clone(),
            private_key: self.private.as_ref().map(|p| p.expose().to_vec()),
            public_key: self.public.to_vec(),
            created_at: self.created_at,
            retired_at: self.retired_at,
            signs_from: self.signs_from,
            revoked_at: self.revoked_at,
        }
    }

    fn new(private: Option<Secret>, public: [u8; 32], created_at: Millis) -> Self {
        SigningKey {
            kid: thumbprint(&public),
            private,
            public,
            created_at,
            signs_from: created_at,
            retired_at: None,
            revoked_at: None,
        }
    }

    /// `None` once retired or revoked.
    pub fn private_der(&self) -> Option<&[u8]> {
        self.private.as_ref().map(Secret::expose)
    }

    /// It has its private half, and is neither retired nor revoked.
    fn can_sign(&self) -> bool {
        self.private.is_some() && self.retired_at.is_none() && self.revoked_at.is_none()
    }

    pub fn public_bytes(&self) -> &[u8; 32] {
        &self.public
    }

    pub fn jwk(&self) -> Jwk {
        Jwk {
            kty: "OKP",
            crv: "Ed25519",
            x: BASE64URL.encode(self.public),
            kid: self.kid.clone(),
            alg: "EdDSA",
            use_: "sig",
        }
    }

    /// Its state at `now`, when tokens live `access_ttl` and `signer` is
    /// the kid of the key that signs (`signing`).
    fn state(&self, signer: Option<&str>, now: Millis, access_ttl: Millis) -> KeyState {
        if self.revoked_at.is_some() {
            return KeyState::Revoked;
        }
        if signer == Some(self.kid.as_str()) {
            return KeyState::Signs;
        }
        let retired_at = match self.retired_at {
            Some(at) => at,
            None if now < self.signs_from => return KeyState::Next,
            // Replaced, and retired at the next look at the keys.
            None => now,
        };
        if now < retired_at.saturating_add(access_ttl) {
            KeyState::Retired
        } else {
            KeyState::Gone
        }
    }
}

/// RFC 7638's thumbprint of an Ed25519 public key (RFC 8037's members, in
/// lexical order, no spaces), base64url.
fn thumbprint(public: &[u8; 32]) -> String {
    let canonical = format!(
        r#"{{"crv":"Ed25519","kty":"OKP","x":"{}"}}"#,
        BASE64URL.encode(public)
    );
    BASE64URL.encode(Sha256::digest(canonical.as_bytes()))
}

/// The key that signs at `now`, if any: of those that can sign and whose
/// time has come, the last to come; when none has come, the key waiting to
/// sign (an instance whose clock is a little ahead retired the one before
/// already; the waiting key has been published since long before).
pub fn signing(keys: &[SigningKey], now: Millis) -> Option<&SigningKey> {
    let order = |k: &&SigningKey| (k.signs_from, k.created_at);
    let (come, waiting): (Vec<&SigningKey>, Vec<&SigningKey>) = keys
        .iter()
        .filter(|k| k.can_sign())
        .partition(|k| k.signs_from <= now);
    come.into_iter()
        .max_by_key(order)
        .or_else(|| waiting.into_iter().min_by_key(order))
}

/// How each of `keys` stands at `now`, when tokens live `access_ttl`.
pub fn states(keys: &[SigningKey], now: Millis, access_ttl: Millis) -> Vec<KeyState> {
    let signer = signing(keys, now).map(|k| k.kid.as_str());
    keys.iter()
        .map(|k| k.state(signer, now, access_ttl))
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

/// With keys rotated `every`: when none can sign (the first start), a key
/// that signs at once; when the one that signs has `publish_ahead(every)`
/// or less left and no key waits, the next one, signing when it is due but
/// never sooner than `publish_ahead` from now (a late look at the keys, or
/// a server that was stopped, delays the switch rather than skip the
/// publication). Keys the one that signs has replaced are retired.
pub fn upkeep(keys: &[SigningKey], now: Millis, every: Millis) -> Upkeep {
    let signer = signing(keys, now);
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_key_survives_its_row_and_its_kid_is_its_thumbprint() {
        let key = SigningKey::generate(5).unwrap();
        let back = SigningKey::from_row(key.to_row()).unwrap();
        assert_eq!(back.kid, key.kid);
        assert_eq!(back.public_bytes(), key.public_bytes());
        assert_eq!(key.kid.len(), 43, "SHA-256, base64url");
        let mut damaged = key.to_row();
        damaged.kid = "other".into();
        assert!(SigningKey::from_row(damaged).is_none());
        let jwk = serde_json::to_value(key.jwk()).unwrap();
        assert_eq!(jwk["kty"], "OKP");
        assert_eq!(jwk["use"], "sig");
        assert!(jwk.get("d").is_none(), "never the private part");
    }

    #[test]
    fn rfc_8037_example_thumbprint() {
        // RFC 8037, appendix A.3.
        let x = BASE64URL
            .decode("11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo")
            .unwrap();
        let public: [u8; 32] = x.try_into().unwrap();
        assert_eq!(
            thumbprint(&public),
            "kPrK_qmxVWaYVA9wwBF6Iuo3vVzz7TxHCTwXBygrS4k"
        );
    }

    const MINUTE: Millis = 60_000;
    const DAY: Millis = 24 * 60 * MINUTE;

    fn retired(key: &SigningKey, at: Millis) -> SigningKey {
        let mut key = key.clone();
        key.retired_at = Some(at);
        key.private = None;
        key
    }

    #[test]
    fn the_newest_unretired_key_signs_and_a_retired_one_stays_for_the_access_ttl() {
        let old = SigningKey::generate(0).unwrap();
        let new = SigningKey::generate(10).unwrap();
        let keys = vec![retired(&old, 10), new.clone()];
        assert_eq!(signing(&keys, 10).unwrap().kid, new.kid);
        assert_eq!(
            states(&keys, 10 + 99, 100),
            [KeyState::Retired, KeyState::Signs]
        );
        assert_eq!(
            states(&keys, 10 + 100, 100),
            [KeyState::Gone, KeyState::Signs]
        );
    }

    #[test]
    fn the_first_key_signs_at_once() {
        assert_eq!(upkeep(&[], 5, 30 * DAY).make, Some(5));
        let first = SigningKey::generate(5).unwrap();
        assert!(upkeep(&[first], 6, 30 * DAY).is_nothing());
    }

    #[test]
    fn a_key_rotated_every_30_days_is_published_11_minutes_before_it_signs() {
        let first = SigningKey::generate(0).unwrap();
        let keys = vec![first.clone()];
        let due = 30 * DAY;
        assert!(upkeep(&keys, due - 11 * MINUTE - 1, 30 * DAY).is_nothing());
        let plan = upkeep(&keys, due - 11 * MINUTE, 30 * DAY);
        assert_eq!(plan.make, Some(due));

        let next = SigningKey::generate(due - 11 * MINUTE)
            .unwrap()
            .signing_from(due);
        let keys = vec![first.clone(), next.clone()];
        assert!(
            upkeep(&keys, due - MINUTE, 30 * DAY).is_nothing(),
            "one waits"
        );
        assert_eq!(signing(&keys, due - 1).unwrap().kid, first.kid);
        assert_eq!(
            states(&keys, due - 1, 15 * MINUTE),
            [KeyState::Signs, KeyState::Next]
        );
        assert_eq!(signing(&keys, due).unwrap().kid, next.kid);
        assert_eq!(
            states(&keys, due, 15 * MINUTE),
            [KeyState::Retired, KeyState::Signs]
        );
        assert_eq!(upkeep(&keys, due, 30 * DAY).retire, [first.kid]);
    }

    #[test]
    fn an_overdue_key_signs_on_until_its_successor_has_been_published_long_enough() {
        let first = SigningKey::generate(0).unwrap();
        let late = 40 * DAY;
        let plan = upkeep(&[first], late, 30 * DAY);
        assert_eq!(plan.make, Some(late + PUBLISHED_AHEAD));
        assert!(plan.retire.is_empty());
    }

    #[test]
    fn a_short_rotation_publishes_the_next_key_as_soon_as_the_one_before_signs() {
        assert_eq!(publish_ahead(3_000), 3_000);
        assert_eq!(publish_ahead(30 * DAY), PUBLISHED_AHEAD);
        let first = SigningKey::generate(100).unwrap();
        assert_eq!(upkeep(&[first], 100, 3_000).make, Some(3_100));
    }

    #[test]
    fn no_key_that_can_sign_means_one_that_signs_at_once() {
        let only = SigningKey::generate(0).unwrap();
        let mut revoked = only.clone();
        revoked.revoked_at = Some(7);
        revoked.private = None;
        let keys = vec![revoked];
        assert!(signing(&keys, 8).is_none());
        assert_eq!(states(&keys, 8, 100), [KeyState::Revoked]);
        assert_eq!(upkeep(&keys, 8, 30 * DAY).make, Some(8));
        let keys = vec![retired(&only, 7)];
        assert_eq!(upkeep(&keys, 8, 30 * DAY).make, Some(8));
    }

    #[test]
    fn a_waiting_key_signs_early_when_another_clock_retired_the_one_before() {
        let first = SigningKey::generate(0).unwrap();
        let next = SigningKey::generate(1).unwrap().signing_from(50);
        let keys = vec![retired(&first, 50), next.clone()];
        assert_eq!(signing(&keys, 49).unwrap().kid, next.kid);
        assert_eq!(states(&keys, 49, 100), [KeyState::Retired, KeyState::Signs]);
        assert!(
            upkeep(&keys, 49, 30 * DAY).is_nothing(),
            "no key made at once"
        );
    }

    #[test]
    fn a_revoked_key_is_never_published_and_a_waiting_one_is() {
        let first = SigningKey::generate(0).unwrap();
        let next = SigningKey::generate(1).unwrap().signing_from(50);
        let mut gone = SigningKey::generate(2).unwrap();
        gone.revoked_at = Some(3);
        let keys = vec![first, next, gone];
        let published: Vec<bool> = states(&keys, 10, 100)
            .into_iter()
            .map(KeyState::is_published)
            .collect();
        assert_eq!(published, [true, true, false]);
    }
}
