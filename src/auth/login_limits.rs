//! Brute-force protection for sign-in: login attempts are counted per account
//! and per client address with governor's GCRA limiter, and past the limit a
//! login is refused before any password is checked.
//!
//! A limit of N failures in a window W is a burst of N, earning one more try
//! every W/N. Each attempt takes its try *before* the password is checked, so
//! concurrent guesses cannot slip past the limit while earlier ones are still
//! being checked; a success then gives its tries back (the account's count
//! is cleared, the address gets its one try back), so only failures count.
//! governor has no way to forget a key or return a try, so its state lives in
//! a store of ours, which does both.

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

    /// Takes one try for this account and address; `Err(wait)` when either
    /// has none left (and then nothing is taken).
    pub fn begin(&self, account: &str, address: Option<IpAddr>) -> Result<(), Duration> {
        let account = account.to_owned();
        self.accounts.take(&account)?;
        if let Some(address) = address {
            if let Err(wait) = self.addresses.take(&address) {
                self.accounts.give_back(&account);
                return Err(wait);
            }
        }
        Ok(())
    }

    /// The password was right: the account's failures are forgotten and the
    /// address gets its try back (its earlier failures still count: one good
    /// password must not buy an address more guesses elsewhere).
    pub fn succeeded(&self, account: &str, address: Option<IpAddr>) {
        self.accounts.forget(&account.to_owned());
        if let Some(address) = address {
            self.addresses.give_back(&address);
        }
    }

    /// Drops every state that is back to full (nothing to remember), so
    /// memory holds only the keys that failed within the window.
    pub fn forget_idle(&self) {
        self.accounts.limiter.retain_recent();
        self.addresses.limiter.retain_recent();
    }
}

struct Limiter<K: Hash + Eq + Clone> {
    limiter: RateLimiter<K, SharedStore<K>, DefaultClock>,
    states: Arc<Mutex<HashMap<K, Nanos>>>,
    clock: DefaultClock,
    /// How much one try weighs in GCRA's state (window / N).
    period: Nanos,
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
        let store = SharedStore {
            states: Arc::clone(&states),
        };
        Limiter {
            limiter: RateLimiter::new(quota, store, clock.clone()),
            states,
            clock,
            period: Nanos::from(period),
        }
    }

    fn take(&self, key: &K) -> Result<(), Duration> {
        self.limiter
            .check_key(key)
            .map_err(|not_until| not_until.wait_time_from(self.clock.now()))
    }

    fn give_back(&self, key: &K) {
        if let Some(state) = lock(&self.states).get_mut(key) {
            *state = state.saturating_sub(self.period);
        }
    }

    fn forget(&self, key: &K) {
        lock(&self.states).remove(key);
    }
}

/// governor's per-key states, in a map we can also edit.
struct SharedStore<K> {
    states: Arc<Mutex<HashMap<K, Nanos>>>,
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
        states.insert(key.clone(), next);
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
    fn refuses_after_the_allowed_tries_and_says_how_long_to_wait() {
        let limits = LoginLimits::new(3, 50, HOUR);
        for _ in 0..3 {
            assert!(limits.begin("a@example.com", None).is_ok());
        }
        let wait = limits
            .begin("a@example.com", None)
            .expect_err("blocked after 3 failures");
        assert!(
            wait > Duration::from_secs(19 * 60) && wait <= Duration::from_secs(20 * 60),
            "{wait:?}"
        );
        assert!(
            limits.begin("b@example.com", None).is_ok(),
            "other accounts are not affected"
        );
    }

    #[test]
    fn success_clears_the_account_and_returns_the_addresss_try() {
        let address: IpAddr = "192.0.2.1".parse().unwrap();
        let limits = LoginLimits::new(2, 2, HOUR);
        limits.begin("a@example.com", Some(address)).unwrap(); // fails
        limits.begin("a@example.com", Some(address)).unwrap();
        limits.succeeded("a@example.com", Some(address));
        // The account starts again; the address has one failure left.
        limits.begin("c@example.com", Some(address)).unwrap(); // fails
        assert!(
            limits.begin("a@example.com", Some(address)).is_err(),
            "the address used its 2"
        );
        assert!(
            limits.begin("a@example.com", None).is_ok(),
            "the account was cleared"
        );
    }

    #[test]
    fn a_refused_address_takes_nothing_from_the_account() {
        let address: IpAddr = "192.0.2.9".parse().unwrap();
        let limits = LoginLimits::new(1, 1, HOUR);
        limits.begin("x@example.com", Some(address)).unwrap();
        assert!(limits.begin("y@example.com", Some(address)).is_err());
        assert!(
            limits.begin("y@example.com", None).is_ok(),
            "y's try was given back"
        );
    }

    #[test]
    fn idle_states_are_forgotten() {
        let limits = LoginLimits::new(5, 5, Duration::from_millis(50));
        limits.begin("a@example.com", None).unwrap();
        assert_eq!(lock(&limits.accounts.states).len(), 1);
        std::thread::sleep(Duration::from_millis(80));
        limits.forget_idle();
        assert_eq!(lock(&limits.accounts.states).len(), 0);
    }
}
