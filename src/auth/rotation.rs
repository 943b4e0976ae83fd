//! The rule for a presented refresh token, apart from any storage.

use crate::clock::Millis;
use crate::db::sessions::Session;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decision {
    /// The session's current token: spend it, issue the next one.
    Rotate,
    /// The token spent last, within the grace window (a second tab, a lost
    /// response): rotate nothing, hand out the current token again.
    ResendCurrent,
    /// A spent token outside the window, or an older one: someone holds a
    /// stolen copy. Revoke the whole session.
    Reuse,
    /// The session has ended already: nothing to do but refuse.
    Refuse,
}

/// What to do with the refresh token of `generation` (spent at `spent_at`,
/// if it was) presented for `session` at `now`.
pub fn decide(
    generation: i64,
    spent_at: Option<Millis>,
    session: &Session,
    now: Millis,
    grace: Millis,
) -> Decision {
    // A session in its last second is over: a token issued now would be
    // expired on arrival.
    if !session.is_active(now) || session.ends_at() - now < 1000 {
        return Decision::Refuse;
    }
    match spent_at {
        None if generation == session.generation => Decision::Rotate,
        // An unspent token that is not the current one cannot be produced by
        // rotation; refuse it rather than guess.
        None => Decision::Refuse,
        Some(spent)
            if generation + 1 == session.generation && grace > 0 && now - spent <= grace =>
        {
            Decision::ResendCurrent
        }
        Some(_) => Decision::Reuse,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const NOW: Millis = 1_000_000;
    const GRACE: Millis = 10_000;

    fn session(generation: i64) -> Session {
        Session {
            id: "s".into(),
            user_id: "u".into(),
            user_agent: None,
            generation,
            created_at: 0,
            last_used_at: 0,
            idle_expires_at: NOW + 60_000,
            expires_at: NOW + 60_000,
            revoked_at: None,
        }
    }

    #[test]
    fn the_current_token_rotates() {
        assert_eq!(decide(3, None, &session(3), NOW, GRACE), Decision::Rotate);
    }

    #[test]
    fn the_last_spent_token_within_grace_gets_the_current_one() {
        assert_eq!(
            decide(2, Some(NOW - GRACE), &session(3), NOW, GRACE),
            Decision::ResendCurrent
        );
    }

    #[test]
    fn late_or_older_spent_tokens_are_reuse() {
        assert_eq!(
            decide(2, Some(NOW - GRACE - 1), &session(3), NOW, GRACE),
            Decision::Reuse
        );
        assert_eq!(
            decide(1, Some(NOW - 1), &session(3), NOW, GRACE),
            Decision::Reuse
        );
        assert_eq!(decide(2, Some(NOW), &session(3), NOW, 0), Decision::Reuse);
    }

    #[test]
    fn a_session_in_its_last_second_refuses_to_rotate() {
        let mut ending = session(3);
        ending.expires_at = NOW + 999;
        assert_eq!(decide(3, None, &ending, NOW, GRACE), Decision::Refuse);
    }

    #[test]
    fn an_ended_session_refuses_everything() {
        let mut revoked = session(3);
        revoked.revoked_at = Some(NOW - 1);
        assert_eq!(decide(3, None, &revoked, NOW, GRACE), Decision::Refuse);
        let mut idle = session(3);
        idle.idle_expires_at = NOW;
        assert_eq!(decide(3, None, &idle, NOW, GRACE), Decision::Refuse);
        let mut old = session(3);
        old.expires_at = NOW;
        assert_eq!(decide(2, Some(NOW - 1), &old, NOW, GRACE), Decision::Refuse);
    }
}
