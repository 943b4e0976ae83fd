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

/// What is known of a presented token's spending.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Spent {
    No,
    At(Millis),
    /// Its row is gone: each rotation deletes the session's tokens older
    /// than the one it spends, so only the last spent one is ever asked for.
    LongAgo,
}

/// What to do with the refresh token of `generation` presented for
/// `session` at `now`.
pub fn decide(
    generation: i64,
    spent: Spent,
    session: &Session,
    now: Millis,
    grace: Millis,
) -> Decision {
    // A session in its last second is over: a token issued now would be
    // expired on arrival.
    if !session.is_active(now) || session.ends_at() - now < 1000 {
        return Decision::Refuse;
    }
    if generation > session.generation {
        // Never issued: only a forger with the key could make one.
        return Decision::Refuse;
    }
    match spent {
        Spent::No if generation == session.generation => Decision::Rotate,
        Spent::At(at) if generation + 1 == session.generation && grace > 0 && now - at <= grace => {
            Decision::ResendCurrent
        }
        // Unspent but not current, or purged while current: cannot happen
        // through rotation; refuse rather than guess.
        Spent::No | Spent::LongAgo if generation == session.generation => Decision::Refuse,
        _ => Decision::Reuse,
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
            amr: "pwd".into(),
            client_id: None,
            scope: None,
            auth_time: None,
            app_ends_at: None,
        }
    }

    #[test]
    fn the_current_token_rotates() {
        assert_eq!(
            decide(3, Spent::No, &session(3), NOW, GRACE),
            Decision::Rotate
        );
    }

    #[test]
    fn the_last_spent_token_within_grace_gets_the_current_one() {
        assert_eq!(
            decide(2, Spent::At(NOW - GRACE), &session(3), NOW, GRACE),
            Decision::ResendCurrent
        );
    }

    #[test]
    fn late_older_or_purged_spent_tokens_are_reuse() {
        assert_eq!(
            decide(2, Spent::At(NOW - GRACE - 1), &session(3), NOW, GRACE),
            Decision::Reuse
        );
        assert_eq!(
            decide(1, Spent::At(NOW - 1), &session(3), NOW, GRACE),
            Decision::Reuse
        );
        assert_eq!(
            decide(2, Spent::At(NOW), &session(3), NOW, 0),
            Decision::Reuse
        );
        assert_eq!(
            decide(1, Spent::LongAgo, &session(3), NOW, GRACE),
            Decision::Reuse
        );
    }

    #[test]
    fn tokens_never_issued_are_refused() {
        assert_eq!(
            decide(4, Spent::No, &session(3), NOW, GRACE),
            Decision::Refuse
        );
        assert_eq!(
            decide(3, Spent::LongAgo, &session(3), NOW, GRACE),
            Decision::Refuse
        );
    }

    #[test]
    fn a_session_in_its_last_second_refuses_to_rotate() {
        let mut ending = session(3);
        ending.expires_at = NOW + 999;
        assert_eq!(decide(3, Spent::No, &ending, NOW, GRACE), Decision::Refuse);
    }

    #[test]
    fn an_ended_session_refuses_everything() {
        let mut revoked = session(3);
        revoked.revoked_at = Some(NOW - 1);
        assert_eq!(decide(3, Spent::No, &revoked, NOW, GRACE), Decision::Refuse);
        let mut idle = session(3);
        idle.idle_expires_at = NOW;
        assert_eq!(decide(3, Spent::No, &idle, NOW, GRACE), Decision::Refuse);
        let mut old = session(3);
        old.expires_at = NOW;
        assert_eq!(
            decide(2, Spent::At(NOW - 1), &old, NOW, GRACE),
            Decision::Refuse
        );
    }
}
