//! Whether an authorization request may use the browser's sign-in as it is
//! (OpenID Connect Core 3.1.2.1 and 3.1.2.2): `prompt=login` wants a new
//! sign-in, `max_age` one at most that many seconds old (`0`: a new one).
//!
//! A request that sent the user to sign in again is met by any sign-in made
//! since it did: without that, `max_age=0` could never be met and the user
//! would go round forever. When it sent them is kept by the caller in the
//! signed form session, never in the return address the browser could
//! edit; and the sign-in's time always comes from its session row, so the
//! ID token's `auth_time` tells the truth even to a user who skipped a step.

use super::OpenIdProvider;
use crate::clock::{now_ms, Millis};
use crate::db::sessions as session_rows;
use crate::error::AppError;

/// What a request asks of the age of the sign-in it is answered with.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct FreshSignIn {
    /// `prompt=login`: a sign-in made for this request.
    pub login: bool,
    /// `max_age`, in seconds.
    pub max_age: Option<u64>,
}

impl FreshSignIn {
    /// Whether the request asks anything of the sign-in's age.
    pub fn asked(&self) -> bool {
        self.login || self.max_age.is_some()
    }
}

/// How long a request's trip to the sign-in page counts: a sign-in page
/// left open longer is asked for again.
pub const SIGN_IN_TRIP_MS: Millis = 10 * 60_000;

/// What the browser's sign-in is for a request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SignInAge {
    /// Good as it is.
    Fresh,
    /// The user must sign in again first (`login_required` for `prompt=none`).
    SignInAgain,
}

/// The rule. `signed_in_at`: when the browser's session signed in;
/// `sent_at`: when this very request sent the user to sign in again, if it
/// did.
pub fn decide(
    asked: FreshSignIn,
    signed_in_at: Millis,
    now: Millis,
    sent_at: Option<Millis>,
) -> SignInAge {
    let signed_in_since_sent =
        sent_at.is_some_and(|sent| signed_in_at >= sent && now - sent <= SIGN_IN_TRIP_MS);
    if !asked.asked() || signed_in_since_sent {
        return SignInAge::Fresh;
    }
    let too_old = match asked.max_age {
        Some(0) => true,
        Some(seconds) => {
            let limit = Millis::try_from(seconds).unwrap_or(Millis::MAX);
            now - signed_in_at > limit.saturating_mul(1000)
        }
        None => false,
    };
    if asked.login || too_old {
        SignInAge::SignInAgain
    } else {
        SignInAge::Fresh
    }
}

impl OpenIdProvider {
    /// `decide` for the browser's session `session_id` of `user_id`, read
    /// only when the request asks; `None` when that session has ended.
    pub async fn sign_in_age(
        &self,
        asked: FreshSignIn,
        (session_id, user_id): (&str, &str),
        sent_at: Option<Millis>,
    ) -> Result<Option<SignInAge>, AppError> {
        if !asked.asked() {
            return Ok(Some(SignInAge::Fresh));
        }
        let (session_id, user_id) = (session_id.to_owned(), user_id.to_owned());
        let now = now_ms();
        let signed_in_at = self
            .db
            .read(move |conn| {
                let session = session_rows::find_of_user(conn, &session_id, &user_id)?;
                Ok(session
                    .filter(|s| s.is_active(now))
                    .map(|s| s.auth_time.unwrap_or(s.created_at)))
            })
            .await?;
        Ok(signed_in_at.map(|at| decide(asked, at, now, sent_at)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const NOW: Millis = 1_800_000_000_000;
    const AN_HOUR_AGO: Millis = NOW - 3_600_000;

    fn max_age(seconds: u64) -> FreshSignIn {
        FreshSignIn {
            login: false,
            max_age: Some(seconds),
        }
    }

    const LOGIN: FreshSignIn = FreshSignIn {
        login: true,
        max_age: None,
    };

    #[test]
    fn a_request_that_asks_nothing_takes_any_sign_in() {
        let asked = FreshSignIn::default();
        assert_eq!(decide(asked, 0, NOW, None), SignInAge::Fresh);
    }

    #[test]
    fn prompt_login_and_max_age_zero_ask_again_whatever_the_age() {
        for asked in [LOGIN, max_age(0)] {
            assert_eq!(decide(asked, NOW, NOW, None), SignInAge::SignInAgain);
        }
    }

    #[test]
    fn max_age_takes_a_sign_in_as_old_as_it_and_no_older() {
        assert_eq!(
            decide(max_age(3600), AN_HOUR_AGO, NOW, None),
            SignInAge::Fresh
        );
        assert_eq!(
            decide(max_age(3599), AN_HOUR_AGO, NOW, None),
            SignInAge::SignInAgain
        );
        assert_eq!(decide(max_age(u64::MAX), 0, NOW, None), SignInAge::Fresh);
    }

    #[test]
    fn a_sign_in_since_the_request_sent_the_user_meets_it_so_there_is_no_loop() {
        let sent = NOW - 30_000;
        for asked in [LOGIN, max_age(0), max_age(1)] {
            assert_eq!(decide(asked, sent + 1, NOW, Some(sent)), SignInAge::Fresh);
            assert_eq!(
                decide(asked, sent - 1, NOW, Some(sent)),
                SignInAge::SignInAgain,
                "a sign-in from before the trip does not count"
            );
        }
    }

    #[test]
    fn a_trip_to_the_sign_in_page_counts_for_ten_minutes() {
        let sent = NOW - SIGN_IN_TRIP_MS - 1;
        assert_eq!(
            decide(LOGIN, sent + 1, NOW, Some(sent)),
            SignInAge::SignInAgain
        );
    }
}
