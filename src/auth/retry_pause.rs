//! When something sent to another server that failed is tried again (a
//! mail, a back-channel logout): pauses that double from 1 s, at most
//! `longest`, and never past its `give_up_at`; none once that is reached.

use crate::clock::Millis;

const FIRST_PAUSE_MS: Millis = 1_000;

/// What to do after the `attempts`-th attempt failed at `now`.
#[derive(Debug, PartialEq, Eq)]
pub enum AfterFailure {
    /// Try again at this time.
    RetryAt(Millis),
    /// Its time is up: give it up.
    GiveUp,
}

pub fn after_failure(
    attempts: i32,
    now: Millis,
    give_up_at: Millis,
    longest: Millis,
) -> AfterFailure {
    if now >= give_up_at {
        return AfterFailure::GiveUp;
    }
    let doublings = u32::try_from(attempts.saturating_sub(1))
        .unwrap_or(0)
        .min(20);
    let pause = FIRST_PAUSE_MS.saturating_mul(1 << doublings).min(longest);
    AfterFailure::RetryAt(now.saturating_add(pause).min(give_up_at))
}

#[cfg(test)]
mod tests {
    use super::*;

    const DAY: Millis = 24 * 3600 * 1000;
    const TEN_MINUTES: Millis = 10 * 60 * 1000;

    #[test]
    fn pauses_double_from_one_second() {
        let pauses: Vec<_> = (1..=5)
            .map(|n| match after_failure(n, 0, DAY, TEN_MINUTES) {
                AfterFailure::RetryAt(at) => at,
                AfterFailure::GiveUp => panic!("gave up"),
            })
            .collect();
        assert_eq!(pauses, [1_000, 2_000, 4_000, 8_000, 16_000]);
    }

    #[test]
    fn a_pause_is_at_most_ten_minutes_even_after_many_attempts() {
        for attempts in [11, 40, i32::MAX] {
            assert_eq!(
                after_failure(attempts, 5, DAY, TEN_MINUTES),
                AfterFailure::RetryAt(5 + 600_000)
            );
        }
    }

    #[test]
    fn the_last_try_is_at_the_give_up_time_and_after_it_none() {
        assert_eq!(
            after_failure(3, 1_000, 2_500, TEN_MINUTES),
            AfterFailure::RetryAt(2_500)
        );
        assert_eq!(
            after_failure(4, 2_500, 2_500, TEN_MINUTES),
            AfterFailure::GiveUp
        );
        // --mail-retry-for 0s: one attempt only.
        assert_eq!(after_failure(1, 7, 7, TEN_MINUTES), AfterFailure::GiveUp);
    }
}
