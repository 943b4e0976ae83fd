//! One limit, kept where the deployment needs it: in this process's memory
//! (SQLite: one server, `local`), or in the database (PostgreSQL: shared by
//! every instance, `db::rate_limits`), with the same GCRA either way.
//!
//! What is counted (an email, an address) is kept only as a 64-bit keyed
//! hash: HMAC with a random key of this process's own when local, with the
//! shared refresh key when shared (every instance must count an email under
//! the same key, and no one outside can aim at a key).

use std::hash::{Hash, Hasher};
use std::sync::Arc;
use std::time::Duration;

use hmac::{Hmac, Mac};
use sha2::Sha256;

use super::local::LocalLimiter;
use crate::clock::{now_ms, Millis};
use crate::config::Secret;
use crate::db::rate_limits::{self, Quota};
use crate::db::Db;
use crate::error::AppError;

/// Where the limits keep their state.
#[derive(Clone)]
pub enum LimitStore {
    Local,
    Shared { db: Db, key: Secret },
}

/// Why a try was not taken.
#[derive(Debug)]
pub enum Refusal {
    /// None left: this long until there is one.
    Wait(Duration),
    /// The shared state could not be reached (503): nothing was taken.
    Unavailable(AppError),
}

pub struct Limiter {
    name: &'static str,
    /// The HMAC, keyed once here and cloned for each value counted.
    keyed: Hmac<Sha256>,
    kind: Kind,
}

enum Kind {
    Local(LocalLimiter),
    Shared { db: Db, quota: Quota },
}

/// The bytes `Hash` feeds a hasher, collected for the HMAC.
struct Bytes(Vec<u8>);

impl Hasher for Bytes {
    fn write(&mut self, bytes: &[u8]) {
        self.0.extend_from_slice(bytes);
    }

    fn finish(&self) -> u64 {
        0
    }
}

impl Limiter {
    /// `max` tries per `window`; `name` tells this limit's keys from others'.
    pub fn new(name: &'static str, max: u32, window: Duration, store: &LimitStore) -> Self {
        let (hash_key, kind): (Arc<[u8]>, Kind) = match store {
            LimitStore::Local => {
                let mut key = [0u8; 32];
                // Without the OS's randomness the key is merely predictable
                // to someone who knows this is the case; counting still works.
                let _ = getrandom::fill(&mut key);
                (key.into(), Kind::Local(LocalLimiter::new(max, window)))
            }
            LimitStore::Shared { db, key } => {
                let max = Millis::from(max.max(1));
                let period = (window.as_millis() as Millis / max).max(1);
                let quota = Quota {
                    period,
                    window: period * max,
                };
                (
                    key.expose().into(),
                    Kind::Shared {
                        db: db.clone(),
                        quota,
                    },
                )
            }
        };
        // HMAC takes a key of any length: this cannot fail, and it runs
        // once, at start-up, not on each request.
        let keyed = Hmac::<Sha256>::new_from_slice(&hash_key).expect("any key length");
        Limiter { name, keyed, kind }
    }

    /// The key a value is counted under.
    pub fn key(&self, value: impl Hash) -> u64 {
        let mut bytes = Bytes(Vec::with_capacity(64));
        value.hash(&mut bytes);
        let mut mac = self.keyed.clone();
        mac.update(self.name.as_bytes());
        mac.update(&[0]);
        mac.update(&bytes.0);
        let digest = mac.finalize().into_bytes();
        let mut first = [0u8; 8];
        first.copy_from_slice(&digest[..8]);
        u64::from_be_bytes(first)
    }

    /// Takes one try; refused when none is left (then nothing is taken).
    pub async fn take(&self, key: u64) -> Result<(), Refusal> {
        match &self.kind {
            Kind::Local(local) => local.take(key).map_err(Refusal::Wait),
            Kind::Shared { db, quota } => {
                let quota = *quota;
                let waited = db
                    .write(move |conn| rate_limits::take(conn, key as i64, now_ms(), quota))
                    .await
                    .map_err(Refusal::Unavailable)?;
                match waited {
                    None => Ok(()),
                    Some(wait) => Err(Refusal::Wait(Duration::from_millis(wait as u64))),
                }
            }
        }
    }

    /// Returns one try taken earlier; at once when local, else as soon as the
    /// database takes it (a failure leaves the try taken: the safe side).
    pub fn give_back(&self, key: u64) {
        match &self.kind {
            Kind::Local(local) => local.give_back(key),
            Kind::Shared { db, quota } => {
                let quota = *quota;
                in_background(db, move |conn| {
                    rate_limits::give_back(conn, key as i64, quota)
                });
            }
        }
    }

    /// Forgets the key: its full allowance again.
    pub fn forget(&self, key: u64) {
        match &self.kind {
            Kind::Local(local) => local.forget(key),
            Kind::Shared { db, .. } => {
                in_background(db, move |conn| rate_limits::forget(conn, key as i64));
            }
        }
    }

    /// Drops every state that is back to full.
    pub async fn forget_idle(&self) -> Result<(), AppError> {
        match &self.kind {
            Kind::Local(local) => local.forget_idle(),
            Kind::Shared { db, .. } => {
                db.write(|conn| rate_limits::forget_idle(conn, now_ms()))
                    .await?;
            }
        }
        Ok(())
    }

    #[cfg(test)]
    pub fn len(&self) -> usize {
        match &self.kind {
            Kind::Local(local) => local.len(),
            Kind::Shared { .. } => unimplemented!("counted in the database"),
        }
    }
}

/// A write to the shared limits that no answer waits for.
fn in_background<F>(db: &Db, work: F)
where
    F: FnOnce(&mut crate::db::Conn) -> Result<(), AppError> + Send + 'static,
{
    let db = db.clone();
    actix_web::rt::spawn(async move {
        if let Err(error) = db.write(work).await {
            log::warn!("a limit's try could not be given back: {error}");
        }
    });
}
