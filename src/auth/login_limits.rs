//! Brute-force protection for sign-in: failed logins are counted per account
//! and per client address with governor's GCRA limiter, and past the limit a
//! login is refused before any password is checked.
//!
//! A limit of N failures in a window W is a burst of N, earning one more try
//! every W/N. Governor has no way to look without counting, nor to forget one
//! key, both of which this needs (look before checking a password, count only
//! failures, forget an account on success), so its state lives in a map that
//! two limiters share: one that counts, one that only looks.

use std::collections::HashMap;
use std::hash::Hash;
use std::net::IpAddr;
use std::num::NonZeroU32;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use governor::clock::{Clock, DefaultClock};
use governor::nanos::Nanos;
use governor::state::keyed::ShrinkableKeyedStateStore;
use governor::state::StateStore;
use governor::{Quota, RateLimiter};

/// Accounts and addresses tracked at most; past it the oldest states that
/// are back to full are dropped (see `LoginLimits::forget_idle`).
const MAX_TRACKED: usize = 100_000;

pub struct LoginLimits {
    accounts: Limiter<String>,
    addresses: Limiter<IpAddr>,
}

impl LoginLimits {
    pub fn new(max_per_account: u32, max_per_address: u32, window: Duration) -> Self {
        LoginLimits {
            accounts: Limiter::new(max_per_account, window),
            addresses: Limiter::new(max_per_address, window),
        }
    }

    /// How long this account or address must wait before another try, if
    /// it has used up its failures.
    pub fn wait(&self, account: &str, address: Option<IpAddr>) -> Option<Duration> {
        let by_account = self.accounts.wait(&account.to_owned());
        let by_address = address.and_then(|a| self.addresses.wait(&a));
        by_account.into_iter().chain(by_address).max()
    }

    pub fn record_failure(&self, account: &str, address: Option<IpAddr>) {
        self.accounts.count(&account.to_owned());
        if let Some(address) = address {
            self.addresses.count(&address);
        }
    }

    /// A successful login clears the account's failures (not the address's:
    /// one good password must not buy an address more guesses elsewhere).
    pub fn record_success(&self, account: &str) {
        self.accounts.forget(&account.to_owned());
    }

    /// Drops every state that is back to full (nothing to remember), so
    /// memory holds only the keys that failed within the window.
    pub fn forget_idle(&self) {
        self.accounts.counting.retain_recent();
        self.addresses.counting.retain_recent();
    }
}

struct Limiter<K: Hash + Eq + Clone> {
    counting: RateLimiter<K, SharedStore<K>, DefaultClock>,
    looking: RateLimiter<K, SharedStore<K>, DefaultClock>,
    states: Arc<Mutex<HashMap<K, Nanos>>>,
    clock: DefaultClock,
}

impl<K: Hash + Eq + Clone> Limiter<K> {
    fn new(max_failures: u32, window: Duration) -> Self {
        let burst = NonZeroU32::new(max_failures.max(1)).unwrap_or(NonZeroU32::MIN);
        let period = (window / burst.get()).max(Duration::from_nanos(1));
        // `with_period` is `None` only for a zero period, excluded above.
        let quota = Quota::with_period(period)
            .unwrap_or_else(|| Quota::per_second(burst))
            .allow_burst(burst);
        let states = Arc::new(Mutex::new(HashMap::new()));
        let clock = DefaultClock::default();
        let store = |commit| SharedStore {
            states: Arc::clone(&states),
            commit,
        };
        Limiter {
            counting: RateLimiter::new(quota, store(true), clock.clone()),
            looking: RateLimiter::new(quota, store(false), clock.clone()),
            states,
            clock,
        }
    }

    fn wait(&self, key: &K) -> Option<Duration> {
        match self.looking.check_key(key) {
            Ok(()) => None,
            Err(not_until) => Some(not_until.wait_time_from(self.clock.now())),
        }
    }

    fn count(&self, key: &K) {
        if lock(&self.states).len() >= MAX_TRACKED {
            self.counting.retain_recent();
        }
        let _ = self.counting.check_key(key);
    }

    fn forget(&self, key: &K) {
        lock(&self.states).remove(key);
    }
}

/// Governor's per-key states in a map shared by a counting and a looking
/// limiter; the looking one computes the decision but never stores it.
struct SharedStore<K> {
    states: Arc<Mutex<HashMap<K, Nanos>>>,
    commit: bool,
}

fn lock<K>(states: &Mutex<HashMap<K, Nanos>>) -> MutexGuard<'_, HashMap<K, Nanos>> {
    // The map stays consistent whatever panicked while holding it.
    states
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

impl<K: Hash + Eq + Clone> StateStore for SharedStore<K> {
    type Key = K;

    fn measure_and_replace<T, F, E>(&self, key: &K, decide: F) -> Result<T, E>
    where
        F: Fn(Option<Nanos>) -> Result<(T, Nanos), E>,
    {
        let mut states = lock(&self.states);
        let (outcome, next) = decide(states.get(key).copied())?;
        if self.commit {
            states.insert(key.clone(), next);
        }
        Ok(outcome)
    }
}

impl<K: Hash + Eq + Clone> ShrinkableKeyedStateStore<K> for SharedStore<K> {
    fn retain_recent(&self, drop_below: Nanos) {
        lock(&self.states).retain(|_, state| *state > drop_below);
    }

    fn len(&self) -> usize {
        lock(&self.states).len()
    }

    fn is_empty(&self) -> bool {
        lock(&self.states).is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const HOUR: Duration = Duration::from_secs(3600);

    #[test]
    fn refuses_after_the_allowed_failures_and_says_how_long_to_wait() {
        let limits = LoginLimits::new(3, 50, HOUR);
        for _ in 0..3 {
            assert_eq!(
                limits.wait("a@example.com", None),
                None,
                "looking does not count"
            );
            assert_eq!(limits.wait("a@example.com", None), None);
            limits.record_failure("a@example.com", None);
        }
        let wait = limits
            .wait("a@example.com", None)
            .expect("blocked after 3 failures");
        assert!(
            wait > Duration::from_secs(19 * 60) && wait <= Duration::from_secs(20 * 60),
            "{wait:?}"
        );
        assert_eq!(
            limits.wait("b@example.com", None),
            None,
            "other accounts are not affected"
        );
    }

    #[test]
    fn success_clears_the_account_but_not_the_address() {
        let address: IpAddr = "192.0.2.1".parse().unwrap();
        let limits = LoginLimits::new(2, 2, HOUR);
        limits.record_failure("a@example.com", Some(address));
        limits.record_success("a@example.com");
        limits.record_failure("a@example.com", Some(address));
        assert_eq!(limits.wait("a@example.com", None), None);
        assert!(
            limits.wait("c@example.com", Some(address)).is_some(),
            "the address used its 2"
        );
    }

    #[test]
    fn idle_states_are_forgotten() {
        let limits = LoginLimits::new(5, 5, Duration::from_millis(50));
        limits.record_failure("a@example.com", None);
        assert_eq!(lock(&limits.accounts.states).len(), 1);
        std::thread::sleep(Duration::from_millis(80));
        limits.forget_idle();
        assert_eq!(lock(&limits.accounts.states).len(), 0);
    }
}
