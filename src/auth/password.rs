//! Password hashing and checking with bcrypt, always on its own threads
//! (see `offload::BcryptPool`), where client addresses take turns and each
//! holds at most a share of the queue.
//!
//! An unknown email is checked against a dummy hash, so it costs what a
//! known one costs. Hashes keep the cost they were made at until their
//! owner's next sign-in rehashes them (`Accounts::login`), so after a change
//! of `--bcrypt-cost` stored costs differ. The dummy is made at the highest
//! stored cost (`use_dummy_cost`), and a check against a cheaper stored hash
//! is padded with dummies of the costs in between, whose work adds up to the
//! difference: every check then costs about the same, whether the email is
//! unknown, known and rehashed, or known and not yet.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{Arc, PoisonError, RwLock};

use crate::domain::password::MAX_BYTES;
use crate::domain::{AddressKey, Password};
use crate::error::AppError;
use crate::metrics::BcryptMetrics;
use crate::offload::BcryptPool;

/// Hashes waiting for a core beyond those running; past it logins get 503.
const MAX_QUEUED_PER_CORE: usize = 32;
/// What one client address may have waiting in that queue: a quarter.
const SHARE_PER_CORE: usize = MAX_QUEUED_PER_CORE / 4;

#[derive(Clone)]
pub struct PasswordHasher {
    cost: u32,
    /// Jobs queued by client address (`None`: unknown).
    pool: BcryptPool<Option<AddressKey>>,
    dummy_cost: Arc<AtomicU32>,
    /// A hash of nothing in particular, by cost.
    dummies: Arc<RwLock<HashMap<u32, Arc<str>>>>,
}

impl PasswordHasher {
    pub fn new(cost: u32, metrics: BcryptMetrics) -> Self {
        let cores = std::thread::available_parallelism().map_or(2, |n| n.get());
        PasswordHasher {
            cost,
            pool: BcryptPool::new(cores, cores * MAX_QUEUED_PER_CORE, cores * SHARE_PER_CORE)
                .counted_in(metrics),
            dummy_cost: Arc::new(AtomicU32::new(cost)),
            dummies: Arc::default(),
        }
    }

    /// The cost new hashes are made at.
    pub fn cost(&self) -> u32 {
        self.cost
    }

    /// Unknown emails are checked at `cost` from now on; its dummy hash is
    /// made now, in the background, so no login pays for it.
    pub fn use_dummy_cost(&self, cost: u32) {
        let cost = cost.clamp(4, 31);
        let hasher = self.clone();
        // The hash first, then the switch: no login makes its own meanwhile.
        std::thread::spawn(move || {
            hasher.dummy_hash(cost);
            hasher.dummy_cost.store(cost, Ordering::Relaxed);
        });
    }

    pub async fn hash(
        &self,
        password: Password,
        client: Option<AddressKey>,
    ) -> Result<String, AppError> {
        let cost = self.cost;
        self.pool
            .run(client, move || bcrypt::hash(password.expose(), cost))
            .await?
            .map_err(bcrypt_failure)
    }

    /// Whether `candidate` matches `hash`; with no hash (unknown account)
    /// always false, after the same bcrypt work.
    pub async fn verify(
        &self,
        candidate: String,
        hash: Option<String>,
        client: Option<AddressKey>,
    ) -> Result<bool, AppError> {
        let hasher = self.clone();
        let dummy_cost = self.dummy_cost.load(Ordering::Relaxed);
        self.pool
            .run(client, move || match hash {
                // bcrypt reads 72 bytes at most: a longer candidate would be
                // checked by its prefix, so it is refused (after the same work).
                Some(hash) if candidate.len() <= MAX_BYTES => {
                    let matched = bcrypt::verify(candidate.as_bytes(), &hash);
                    // bcrypt's work doubles with each cost step: 2^s for the
                    // stored hash, plus 2^s + … + 2^(d-1) of dummies, is 2^d.
                    let stored = cost_of(&hash).unwrap_or(dummy_cost);
                    for cost in stored..dummy_cost {
                        let _ = bcrypt::verify(candidate.as_bytes(), &hasher.dummy_hash(cost));
                    }
                    matched
                }
                _ => bcrypt::verify(candidate.as_bytes(), &hasher.dummy_hash(dummy_cost))
                    .map(|_| false),
            })
            .await?
            .map_err(bcrypt_failure)
    }

    fn dummy_hash(&self, cost: u32) -> Arc<str> {
        let known = self.dummies.read().unwrap_or_else(PoisonError::into_inner);
        if let Some(hash) = known.get(&cost) {
            return Arc::clone(hash);
        }
        drop(known);
        // Hashing a short constant at a cost in 4..=31 cannot fail.
        let hash: Arc<str> = bcrypt::hash("sesame: no such account", cost)
            .expect("bcrypt hash of a constant")
            .into();
        self.dummies
            .write()
            .unwrap_or_else(PoisonError::into_inner)
            .insert(cost, Arc::clone(&hash));
        hash
    }
}

/// The cost a stored bcrypt hash was made at, if it is one.
pub fn cost_of(hash: &str) -> Option<u32> {
    hash.parse::<bcrypt::HashParts>()
        .ok()
        .map(|parts| parts.get_cost())
}

/// A bcrypt failure, described without its details: some (an invalid
/// hash) would put a password hash in the log.
fn bcrypt_failure(error: bcrypt::BcryptError) -> AppError {
    let kind = match error {
        bcrypt::BcryptError::InvalidHash(_) => "a stored password hash is not a bcrypt hash",
        bcrypt::BcryptError::InvalidCost(_) => "the bcrypt cost is out of range",
        _ => "bcrypt failed",
    };
    AppError::unexpected(kind)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[actix_web::test]
    async fn verifies_only_the_right_password() {
        let hasher = PasswordHasher::new(4, crate::metrics::Metrics::new().bcrypt());
        let hash = hasher
            .hash(Password::parse("correct horse".into()).unwrap(), None)
            .await
            .unwrap();
        assert_eq!(cost_of(&hash), Some(4));
        assert!(hasher
            .verify("correct horse".into(), Some(hash.clone()), None)
            .await
            .unwrap());
        assert!(!hasher
            .verify("wrong horse".into(), Some(hash), None)
            .await
            .unwrap());
        assert!(!hasher
            .verify("sesame: no such account".into(), None, None)
            .await
            .unwrap());
        // Its first 72 bytes match, but the password given is longer.
        let long = "y".repeat(72);
        let hash = hasher
            .hash(Password::parse(long.clone()).unwrap(), None)
            .await
            .unwrap();
        assert!(!hasher
            .verify(format!("{long}zz"), Some(hash), None)
            .await
            .unwrap());
    }

    #[test]
    fn the_dummy_is_made_at_the_cost_asked_for() {
        let hasher = PasswordHasher::new(4, crate::metrics::Metrics::new().bcrypt());
        assert_eq!(cost_of(&hasher.dummy_hash(5)), Some(5));
        assert_eq!(cost_of("not a hash"), None);
    }
}
