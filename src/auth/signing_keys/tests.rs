use super::*;

#[test]
fn a_key_survives_its_row_and_its_kid_is_its_thumbprint() {
    let key = SigningKey::generate(5).unwrap();
    let back = SigningKey::from_row(key.to_row()).unwrap();
    assert_eq!(back.kid, key.kid);
    assert_eq!(back.public_bytes(), key.public_bytes());
    assert_eq!(key.kid.len(), 43, "SHA-256, base64url");
    let mut damaged = key.to_row();
    damaged.kid = "other".into();
    assert!(SigningKey::from_row(damaged).is_none());
    let jwk = serde_json::to_value(key.jwk()).unwrap();
    assert_eq!(jwk["kty"], "OKP");
    assert_eq!(jwk["use"], "sig");
    assert!(jwk.get("d").is_none(), "never the private part");
}

#[test]
fn rfc_8037_example_thumbprint() {
    // RFC 8037, appendix A.3.
    let x = BASE64URL
        .decode("11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo")
        .unwrap();
    let public: [u8; 32] = x.try_into().unwrap();
    assert_eq!(
        thumbprint(&public),
        "kPrK_qmxVWaYVA9wwBF6Iuo3vVzz7TxHCTwXBygrS4k"
    );
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
    let old = SigningKey::generate(0).unwrap();
    let new = SigningKey::generate(10).unwrap();
    let keys = vec![retired(&old, 10), new.clone()];
    assert_eq!(signing(&keys, 10).unwrap().kid, new.kid);
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
    assert_eq!(upkeep(&[], 5, 30 * DAY).make, Some(5));
    let first = SigningKey::generate(5).unwrap();
    assert!(upkeep(&[first], 6, 30 * DAY).is_nothing());
}

#[test]
fn a_key_rotated_every_30_days_is_published_11_minutes_before_it_signs() {
    let first = SigningKey::generate(0).unwrap();
    let keys = vec![first.clone()];
    let due = 30 * DAY;
    assert!(upkeep(&keys, due - 11 * MINUTE - 1, 30 * DAY).is_nothing());
    let plan = upkeep(&keys, due - 11 * MINUTE, 30 * DAY);
    assert_eq!(plan.make, Some(due));

    let next = SigningKey::generate(due - 11 * MINUTE)
        .unwrap()
        .signing_from(due);
    let keys = vec![first.clone(), next.clone()];
    assert!(
        upkeep(&keys, due - MINUTE, 30 * DAY).is_nothing(),
        "one waits"
    );
    assert_eq!(signing(&keys, due - 1).unwrap().kid, first.kid);
    assert_eq!(
        states(&keys, due - 1, 15 * MINUTE),
        [KeyState::Signs, KeyState::Next]
    );
    assert_eq!(signing(&keys, due).unwrap().kid, next.kid);
    assert_eq!(
        states(&keys, due, 15 * MINUTE),
        [KeyState::Retired, KeyState::Signs]
    );
    assert_eq!(upkeep(&keys, due, 30 * DAY).retire, [first.kid]);
}

#[test]
fn an_overdue_key_signs_on_until_its_successor_has_been_published_long_enough() {
    let first = SigningKey::generate(0).unwrap();
    let late = 40 * DAY;
    let plan = upkeep(&[first], late, 30 * DAY);
    assert_eq!(plan.make, Some(late + PUBLISHED_AHEAD));
    assert!(plan.retire.is_empty());
}

#[test]
fn a_short_rotation_publishes_the_next_key_as_soon_as_the_one_before_signs() {
    assert_eq!(publish_ahead(3_000), 3_000);
    assert_eq!(publish_ahead(30 * DAY), PUBLISHED_AHEAD);
    let first = SigningKey::generate(100).unwrap();
    assert_eq!(upkeep(&[first], 100, 3_000).make, Some(3_100));
}

#[test]
fn no_key_that_can_sign_means_one_that_signs_at_once() {
    let only = SigningKey::generate(0).unwrap();
    let mut revoked = only.clone();
    revoked.revoked_at = Some(7);
    revoked.private = None;
    let keys = vec![revoked];
    assert!(signing(&keys, 8).is_none());
    assert_eq!(states(&keys, 8, 100), [KeyState::Revoked]);
    assert_eq!(upkeep(&keys, 8, 30 * DAY).make, Some(8));
    let keys = vec![retired(&only, 7)];
    assert_eq!(upkeep(&keys, 8, 30 * DAY).make, Some(8));
}

#[test]
fn a_waiting_key_signs_early_when_another_clock_retired_the_one_before() {
    let first = SigningKey::generate(0).unwrap();
    let next = SigningKey::generate(1).unwrap().signing_from(50);
    let keys = vec![retired(&first, 50), next.clone()];
    assert_eq!(signing(&keys, 49).unwrap().kid, next.kid);
    assert_eq!(states(&keys, 49, 100), [KeyState::Retired, KeyState::Signs]);
    assert!(
        upkeep(&keys, 49, 30 * DAY).is_nothing(),
        "no key made at once"
    );
}

#[test]
fn a_revoked_key_is_never_published_and_a_waiting_one_is() {
    let first = SigningKey::generate(0).unwrap();
    let next = SigningKey::generate(1).unwrap().signing_from(50);
    let mut gone = SigningKey::generate(2).unwrap();
    gone.revoked_at = Some(3);
    let keys = vec![first, next, gone];
    let published: Vec<bool> = states(&keys, 10, 100)
        .into_iter()
        .map(KeyState::is_published)
        .collect();
    assert_eq!(published, [true, true, false]);
}
