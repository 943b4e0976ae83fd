//! A fair share of a bounded queue: at most `per_key` jobs of one key (a
//! client address) queued or running at once, so one client flooding the
//! queue cannot keep everyone else's work out of it. Memory is one counter
//! per key with a job in flight, so it is bounded by the queue itself.

use std::collections::HashMap;
use std::hash::Hash;
use std::sync::{Arc, Mutex, PoisonError};

use crate::error::AppError;

pub struct FairShare<K> {
    in_flight: Arc<Mutex<HashMap<K, usize>>>,
    per_key: usize,
}

impl<K> Clone for FairShare<K> {
    fn clone(&self) -> Self {
        FairShare {
            in_flight: Arc::clone(&self.in_flight),
            per_key: self.per_key,
        }
    }
}

/// One job's place in its key's share, given back when dropped (also when
/// the request waiting for the job goes away).
pub struct Share<K: Hash + Eq> {
    in_flight: Arc<Mutex<HashMap<K, usize>>>,
    key: K,
}

impl<K: Hash + Eq + Clone> FairShare<K> {
    pub fn new(per_key: usize) -> Self {
        FairShare {
            in_flight: Arc::default(),
            per_key: per_key.max(1),
        }
    }

    /// A place for one more job of `key`; `Busy` when it has its share.
    pub fn enter(&self, key: K) -> Result<Share<K>, AppError> {
        let mut in_flight = self
            .in_flight
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        let count = in_flight.entry(key.clone()).or_insert(0);
        if *count >= self.per_key {
            return Err(AppError::Busy);
        }
        *count += 1;
        Ok(Share {
            in_flight: Arc::clone(&self.in_flight),
            key,
        })
    }
}

impl<K: Hash + Eq> Drop for Share<K> {
    fn drop(&mut self) {
        let mut in_flight = self
            .in_flight
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        if let Some(count) = in_flight.get_mut(&self.key) {
            *count -= 1;
            if *count == 0 {
                in_flight.remove(&self.key);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_key_gets_its_share_and_others_still_get_in() {
        let share = FairShare::new(2);
        let first = share.enter("a").unwrap();
        let _second = share.enter("a").unwrap();
        assert!(matches!(share.enter("a"), Err(AppError::Busy)));
        assert!(share.enter("b").is_ok());
        drop(first);
        assert!(share.enter("a").is_ok(), "a place given back");
    }

    #[test]
    fn keys_with_nothing_in_flight_are_forgotten() {
        let share = FairShare::new(1);
        drop(share.enter(7).unwrap());
        assert!(share.in_flight.lock().unwrap().is_empty());
    }
}
