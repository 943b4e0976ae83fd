//! Password hashing and checking with bcrypt, always on its own threads
//! (see `bcrypt_pool`).

use std::sync::{Arc, OnceLock};

use crate::domain::password::MAX_BYTES;
use crate::domain::Password;
use crate::error::AppError;
use crate::offload::BcryptPool;

/// Hashes waiting for a core beyond those running; past it logins get 503.
const MAX_QUEUED_PER_CORE: usize = 32;

#[derive(Clone)]
pub struct PasswordHasher {
    cost: u32,
    pool: BcryptPool,
    /// A hash of nothing in particular at the configured cost: an unknown
    /// email is checked against it, so it costs what a wrong password costs.
    dummy: Arc<OnceLock<String>>,
}

impl PasswordHasher {
    pub fn new(cost: u32) -> Self {
        let cores = std::thread::available_parallelism().map_or(2, |n| n.get());
        PasswordHasher {
            cost,
            pool: BcryptPool::new(cores, cores * MAX_QUEUED_PER_CORE),
            dummy: Arc::new(OnceLock::new()),
        }
    }

    /// Computes the dummy hash now, in the background, so the first login
    /// with an unknown email does not pay for it.
    pub fn warm_up(&self) {
        let hasher = self.clone();
        std::thread::spawn(move || {
            hasher.dummy_hash();
        });
    }

    pub async fn hash(&self, password: Password) -> Result<String, AppError> {
        let cost = self.cost;
        self.pool
            .run(move || bcrypt::hash(password.expose(), cost))
            .await?
            .map_err(bcrypt_failure)
    }

    /// Whether `candidate` matches `hash`; with no hash (unknown account)
    /// always false, after the same bcrypt work.
    pub async fn verify(&self, candidate: String, hash: Option<String>) -> Result<bool, AppError> {
        let hasher = self.clone();
        self.pool
            .run(move || match hash {
                // bcrypt reads 72 bytes at most: a longer candidate would be
                // checked by its prefix, so it is refused (after the same work).
                Some(hash) if candidate.len() <= MAX_BYTES => {
                    bcrypt::verify(candidate.as_bytes(), &hash)
                }
                _ => bcrypt::verify(candidate.as_bytes(), hasher.dummy_hash()).map(|_| false),
            })
            .await?
            .map_err(bcrypt_failure)
    }

    fn dummy_hash(&self) -> &str {
        self.dummy.get_or_init(|| {
            bcrypt::hash("sesame: no such account", self.cost)
                // Hashing a short constant at a cost already checked to be in
                // 4..=31 cannot fail.
                .expect("bcrypt hash of a constant")
        })
    }
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
        let hasher = PasswordHasher::new(4);
        let hash = hasher
            .hash(Password::parse("correct horse".into()).unwrap())
            .await
            .unwrap();
        assert!(hasher
            .verify("correct horse".into(), Some(hash.clone()))
            .await
            .unwrap());
        assert!(!hasher
            .verify("wrong horse".into(), Some(hash))
            .await
            .unwrap());
        assert!(!hasher
            .verify("sesame: no such account".into(), None)
            .await
            .unwrap());
        // Its first 72 bytes match, but the password given is longer.
        let long = "y".repeat(72);
        let hash = hasher
            .hash(Password::parse(long.clone()).unwrap())
            .await
            .unwrap();
        assert!(!hasher
            .verify(format!("{long}zz"), Some(hash))
            .await
            .unwrap());
    }
}
