//! The schedule: which key of each algorithm signs, which are published
//! ahead, retired, revoked.

use super::*;

#[test]
fn each_algorithm_keeps_its_own_schedule() {
    let (old, rsa) = (ed(0), rsa(0).signing_from(0));
    let keys = vec![old.clone(), rsa.clone()];
    assert_eq!(signing(&keys, EdDsa, 5).unwrap().kid, old.kid);
    assert_eq!(signing(&keys, Rs256, 5).unwrap().kid, rsa.kid);
    assert!(upkeep(&keys, EdDsa, 5, 30 * DAY).is_nothing());
    assert!(upkeep(&keys, Rs256, 5, 30 * DAY).is_nothing());
    // A new Ed25519 key replaces the old one, never the RSA key.
    let new = ed(10);
    let keys = vec![old.clone(), rsa.clone(), new.clone()];
    assert_eq!(
        upkeep(&keys, EdDsa, 10, 30 * DAY).retire,
        std::slice::from_ref(&old.kid)
    );
    assert!(upkeep(&keys, Rs256, 10, 30 * DAY).is_nothing());
    assert_eq!(
        states(&keys, 10, 100),
        [KeyState::Retired, KeyState::Signs, KeyState::Signs]
    );
}

#[test]
fn a_store_of_ed25519_keys_alone_gets_an_rsa_key_that_signs_at_once() {
    let keys = vec![ed(0)];
    assert_eq!(upkeep(&keys, Rs256, 7, 30 * DAY).make, Some(7));
    assert!(upkeep(&keys, EdDsa, 7, 30 * DAY).is_nothing());
}

#[test]
fn the_next_rsa_key_is_published_ahead_and_a_revoked_one_is_replaced_alone() {
    let first = rsa(0).signing_from(0);
    let keys = vec![ed(0), first.clone()];
    let due = 30 * DAY;
    let plan = upkeep(&keys, Rs256, due - PUBLISHED_AHEAD, 30 * DAY);
    assert_eq!(plan.make, Some(due));
    let next = rsa(1).signing_from(due);
    let keys = vec![ed(0), first.clone(), next.clone()];
    assert_eq!(
        states(&keys, due - 1, MINUTE)[1..],
        [KeyState::Signs, KeyState::Next]
    );
    assert_eq!(upkeep(&keys, Rs256, due, 30 * DAY).retire, [first.kid]);

    let mut revoked = rsa(0);
    revoked.revoked_at = Some(3);
    revoked.private = None;
    let keys = vec![ed(0), revoked];
    assert!(signing(&keys, Rs256, 4).is_none());
    assert_eq!(upkeep(&keys, Rs256, 4, 30 * DAY).make, Some(4));
    assert!(upkeep(&keys, EdDsa, 4, 30 * DAY).is_nothing());
}

const MINUTE: Millis = 60_000;
const DAY: Millis = 24 * 60 * MINUTE;

fn retired(key: &SigningKey, at: Millis) -> SigningKey {
    let mut key = key.clone();
    key.retired_at = Some(at);
    key.private = None;
    key
}

#[test]
fn the_newest_unretired_key_signs_and_a_retired_one_stays_for_the_access_ttl() {
    let old = ed(0);
    let new = ed(10);
    let keys = vec![retired(&old, 10), new.clone()];
    assert_eq!(signing(&keys, EdDsa, 10).unwrap().kid, new.kid);
    assert_eq!(
        states(&keys, 10 + 99, 100),
        [KeyState::Retired, KeyState::Signs]
    );
    assert_eq!(
        states(&keys, 10 + 100, 100),
        [KeyState::Gone, KeyState::Signs]
    );
}

#[test]
fn the_first_key_signs_at_once() {
    assert_eq!(upkeep(&[], EdDsa, 5, 30 * DAY).make, Some(5));
    let first = ed(5);
    assert!(upkeep(&[first], EdDsa, 6, 30 * DAY).is_nothing());
}

#[test]
fn a_key_rotated_every_30_days_is_published_11_minutes_before_it_signs() {
    let first = ed(0);
    let keys = vec![first.clone()];
    let due = 30 * DAY;
    assert!(upkeep(&keys, EdDsa, due - 11 * MINUTE - 1, 30 * DAY).is_nothing());
    let plan = upkeep(&keys, EdDsa, due - 11 * MINUTE, 30 * DAY);
    assert_eq!(plan.make, Some(due));

    let next = ed(due - 11 * MINUTE).signing_from(due);
    let keys = vec![first.clone(), next.clone()];
    assert!(
        upkeep(&keys, EdDsa, due - MINUTE, 30 * DAY).is_nothing(),
        "one waits"
    );
    assert_eq!(signing(&keys, EdDsa, due - 1).unwrap().kid, first.kid);
    assert_eq!(
        states(&keys, due - 1, 15 * MINUTE),
        [KeyState::Signs, KeyState::Next]
    );
    assert_eq!(signing(&keys, EdDsa, due).unwrap().kid, next.kid);
    assert_eq!(
        states(&keys, due, 15 * MINUTE),
        [KeyState::Retired, KeyState::Signs]
    );
    assert_eq!(upkeep(&keys, EdDsa, due, 30 * DAY).retire, [first.kid]);
}

#[test]
fn an_overdue_key_signs_on_until_its_successor_has_been_published_long_enough() {
    let first = ed(0);
    let late = 40 * DAY;
    let plan = upkeep(&[first], EdDsa, late, 30 * DAY);
    assert_eq!(plan.make, Some(late + PUBLISHED_AHEAD));
    assert!(plan.retire.is_empty());
}

#[test]
fn a_short_rotation_publishes_the_next_key_as_soon_as_the_one_before_signs() {
    assert_eq!(publish_ahead(3_000), 3_000);
    assert_eq!(publish_ahead(30 * DAY), PUBLISHED_AHEAD);
    let first = ed(100);
    assert_eq!(upkeep(&[first], EdDsa, 100, 3_000).make, Some(3_100));
}

#[test]
fn no_key_that_can_sign_means_one_that_signs_at_once() {
    let only = ed(0);
    let mut revoked = only.clone();
    revoked.revoked_at = Some(7);
    revoked.private = None;
    let keys = vec![revoked];
    assert!(signing(&keys, EdDsa, 8).is_none());
    assert_eq!(states(&keys, 8, 100), [KeyState::Revoked]);
    assert_eq!(upkeep(&keys, EdDsa, 8, 30 * DAY).make, Some(8));
    let keys = vec![retired(&only, 7)];
    assert_eq!(upkeep(&keys, EdDsa, 8, 30 * DAY).make, Some(8));
}

#[test]
fn a_waiting_key_signs_early_when_another_clock_retired_the_one_before() {
    let first = ed(0);
    let next = ed(1).signing_from(50);
    let keys = vec![retired(&first, 50), next.clone()];
    assert_eq!(signing(&keys, EdDsa, 49).unwrap().kid, next.kid);
    assert_eq!(states(&keys, 49, 100), [KeyState::Retired, KeyState::Signs]);
    assert!(
        upkeep(&keys, EdDsa, 49, 30 * DAY).is_nothing(),
        "no key made at once"
    );
}

#[test]
fn a_revoked_key_is_never_published_and_a_waiting_one_is() {
    let first = ed(0);
    let next = ed(1).signing_from(50);
    let mut gone = ed(2);
    gone.revoked_at = Some(3);
    let keys = vec![first, next, gone];
    let published: Vec<bool> = states(&keys, 10, 100)
        .into_iter()
        .map(KeyState::is_published)
        .collect();
    assert_eq!(published, [true, true, false]);
}
