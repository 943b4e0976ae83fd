//! A limiter in this process's memory (SQLite: one server), GCRA by
//! governor: a limit of N in a window W is a burst of N, earning one more
//! try every W/N. governor can neither forget a key nor return a try, so its
//! states live in a store of ours, which does both, and which is bounded:
//!
//! - keys are 64-bit keyed hashes (`Limiter::key`), never the text (an email);
//! - at most `capacity` states: when full, the half that is closest to its
//!   full allowance (the lowest theoretical arrival times) is forgotten, which
//!   loses the least; a key under heavy guessing is the last to go;
//! - states back to full carry nothing and are dropped by `forget_idle`.

use std::collections::HashMap;
use std::num::NonZeroU32;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use governor::clock::{Clock, DefaultClock};
use governor::nanos::Nanos;
use governor::state::keyed::ShrinkableKeyedStateStore;
use governor::state::StateStore;
use governor::{Quota, RateLimiter};

/// States one limiter keeps at most (about 32 bytes each).
pub const CAPACITY: usize = 65_536;

pub struct LocalLimiter {
    limiter: RateLimiter<u64, SharedStore, DefaultClock>,
    states: Arc<Mutex<States>>,
    clock: DefaultClock,
    /// How much one try weighs in GCRA's state (window / N).
    period: Nanos,
}

struct States {
    map: HashMap<u64, Nanos>,
    capacity: usize,
}

impl LocalLimiter {
    pub fn new(max: u32, window: Duration) -> Self {
        Self::with_capacity(max, window, CAPACITY)
    }

    pub fn with_capacity(max: u32, window: Duration, capacity: usize) -> Self {
        let burst = NonZeroU32::new(max.max(1)).unwrap_or(NonZeroU32::MIN);
        let period = (window / burst.get()).max(Duration::from_nanos(1));
        // `with_period` is `None` only for a zero period, excluded above.
        let quota = Quota::with_period(period)
            .unwrap_or_else(|| Quota::per_second(burst))
            .allow_burst(burst);
        let states = Arc::new(Mutex::new(States {
            map: HashMap::new(),
            capacity: capacity.max(2),
        }));
        let clock = DefaultClock::default();
        let store = SharedStore(Arc::clone(&states));
        LocalLimiter {
            limiter: RateLimiter::new(quota, store, clock.clone()),
            states,
            clock,
            period: Nanos::from(period),
        }
    }

    /// Takes one try; `Err(wait)` when none is left (then nothing is taken).
    pub fn take(&self, key: u64) -> Result<(), Duration> {
        self.limiter
            .check_key(&key)
            .map_err(|not_until| not_until.wait_time_from(self.clock.now()))
    }

    /// Returns one try taken earlier.
    pub fn give_back(&self, key: u64) {
        if let Some(state) = lock(&self.states).map.get_mut(&key) {
            *state = state.saturating_sub(self.period);
        }
    }

    /// Forgets the key: its full allowance again.
    pub fn forget(&self, key: u64) {
        lock(&self.states).map.remove(&key);
    }

    /// Drops every state that is back to full.
    pub fn forget_idle(&self) {
        self.limiter.retain_recent();
    }

    #[cfg(test)]
    pub fn len(&self) -> usize {
        lock(&self.states).map.len()
    }
}

/// governor's per-key states, in a map we can also edit.
struct SharedStore(Arc<Mutex<States>>);

fn lock(states: &Mutex<States>) -> MutexGuard<'_, States> {
    // The map stays consistent whatever panicked while holding it.
    states
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

impl States {
    /// Forgets the half of the states closest to their full allowance.
    fn make_room(&mut self) {
        let mut arrivals: Vec<Nanos> = self.map.values().copied().collect();
        let middle = arrivals.len() / 2;
        let (_, median, _) = arrivals.select_nth_unstable(middle);
        let median = *median;
        self.map.retain(|_, state| *state > median);
    }
}

impl StateStore for SharedStore {
    type Key = u64;

    fn measure_and_replace<T, F, E>(&self, key: &u64, decide: F) -> Result<T, E>
    where
        F: Fn(Option<Nanos>) -> Result<(T, Nanos), E>,
    {
        let mut states = lock(&self.0);
        let (outcome, next) = decide(states.map.get(key).copied())?;
        if !states.map.contains_key(key) && states.map.len() >= states.capacity {
            states.make_room();
        }
        states.map.insert(*key, next);
        Ok(outcome)
    }
}

impl ShrinkableKeyedStateStore<u64> for SharedStore {
    fn retain_recent(&self, drop_below: Nanos) {
        lock(&self.0).map.retain(|_, state| *state > drop_below);
    }

    fn len(&self) -> usize {
        lock(&self.0).map.len()
    }

    fn is_empty(&self) -> bool {
        lock(&self.0).map.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const HOUR: Duration = Duration::from_secs(3600);

    fn key(value: impl std::hash::Hash) -> u64 {
        use std::hash::BuildHasher;
        std::hash::BuildHasherDefault::<std::hash::DefaultHasher>::default().hash_one(value)
    }

    #[test]
    fn refuses_after_the_allowed_tries_and_says_how_long_to_wait() {
        let limiter = LocalLimiter::new(3, HOUR);
        let (a, b) = (key("a"), key("b"));
        for _ in 0..3 {
            assert!(limiter.take(a).is_ok());
        }
        let wait = limiter.take(a).expect_err("blocked after 3");
        assert!(
            wait > Duration::from_secs(19 * 60) && wait <= Duration::from_secs(20 * 60),
            "{wait:?}"
        );
        assert!(limiter.take(b).is_ok(), "other keys are not affected");
    }

    #[test]
    fn a_try_given_back_can_be_taken_again_and_a_forgotten_key_starts_afresh() {
        let limiter = LocalLimiter::new(1, HOUR);
        let a = key("a");
        limiter.take(a).unwrap();
        limiter.give_back(a);
        limiter.take(a).unwrap();
        assert!(limiter.take(a).is_err());
        limiter.forget(a);
        assert!(limiter.take(a).is_ok());
    }

    #[test]
    fn idle_states_are_forgotten() {
        let limiter = LocalLimiter::new(5, Duration::from_millis(50));
        limiter.take(key("a")).unwrap();
        assert_eq!(limiter.len(), 1);
        std::thread::sleep(Duration::from_millis(80));
        limiter.forget_idle();
        assert_eq!(limiter.len(), 0);
    }

    #[test]
    fn it_never_holds_more_than_its_capacity_and_keeps_the_most_limited() {
        let limiter = LocalLimiter::with_capacity(3, HOUR, 100);
        let guessed = key("guessed");
        for _ in 0..3 {
            limiter.take(guessed).unwrap();
        }
        for n in 0..10_000 {
            limiter.take(key(n)).unwrap();
            assert!(limiter.len() <= 100);
        }
        assert!(
            limiter.take(guessed).is_err(),
            "the key with no tries left was not the one forgotten"
        );
    }
}
