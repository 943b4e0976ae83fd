use super::*;

fn session(user: &str) -> Arc<KnownSession> {
    Arc::new(KnownSession {
        user: Arc::new(Profile {
            id: user.into(),
            name: "Ada".into(),
            email: "ada@example.com".into(),
            email_verified: false,
            second_factor: Default::default(),
            disabled: false,
            last_sign_in_at: None,
            created_at: 0,
            roles: Vec::new(),
        }),
        revoked: false,
        ends_at: 1_000,
        read_at: Instant::now(),
    })
}

fn epoch(cache: &SessionCache, id: &str) -> u64 {
    match cache.get(id) {
        Lookup::Unknown { epoch } => epoch,
        Lookup::Known(_) => panic!("{id} should not be known"),
    }
}

fn is_known(cache: &SessionCache, id: &str) -> bool {
    matches!(cache.get(id), Lookup::Known(_))
}

#[test]
fn remembers_what_was_read_and_forgets_it_after_a_write() {
    let cache = SessionCache::default();
    let at = epoch(&cache, "s1");
    cache.remember("s1".into(), session("u1"), at);
    assert!(is_known(&cache, "s1"));
    cache.forget(&["s1".into()]);
    assert!(!is_known(&cache, "s1"));
}

#[test]
fn a_read_older_than_a_write_is_not_kept() {
    let cache = SessionCache::default();
    let read_before = epoch(&cache, "s1");
    // The write ends while the read is still on its way back.
    cache.forget(&["s1".into()]);
    cache.remember("s1".into(), session("u1"), read_before);
    assert!(!is_known(&cache, "s1"));
    // Ending every session of a user: their ids are not known, so any.
    let read_before = epoch(&cache, "s1");
    cache.forget_user("u2");
    cache.remember("s1".into(), session("u1"), read_before);
    assert!(!is_known(&cache, "s1"));
}

#[test]
fn writes_to_other_sessions_do_not_stop_one_from_being_remembered() {
    let cache = SessionCache::default();
    let other = (0..1000)
        .map(|n| format!("s{n}"))
        .find(|id| share(id) != share("s1"))
        .unwrap();
    let read_before = epoch(&cache, "s1");
    cache.forget(&[other]);
    cache.remember("s1".into(), session("u1"), read_before);
    assert!(is_known(&cache, "s1"));
}

#[test]
fn forgetting_a_user_forgets_all_their_sessions_only() {
    let cache = SessionCache::default();
    for (id, user) in [("a", "u1"), ("b", "u1"), ("c", "u2")] {
        let at = epoch(&cache, id);
        cache.remember(id.into(), session(user), at);
    }
    cache.forget_user("u1");
    assert!(!is_known(&cache, "a"));
    assert!(!is_known(&cache, "b"));
    assert!(is_known(&cache, "c"));
}

#[test]
fn while_changes_may_go_unheard_nothing_is_remembered_nor_answered() {
    let cache = SessionCache::default();
    let at = epoch(&cache, "s1");
    cache.remember("s1".into(), session("u1"), at);
    let read_before = epoch(&cache, "s2");
    cache.lost();
    assert!(!is_known(&cache, "s1"), "answered from memory while deaf");
    let at = epoch(&cache, "s1");
    cache.remember("s1".into(), session("u1"), at);
    assert!(!is_known(&cache, "s1"), "remembered while deaf");
    cache.listening();
    // A read begun before the listener heard again is not kept either.
    cache.remember("s2".into(), session("u1"), read_before);
    assert!(!is_known(&cache, "s2"));
    let at = epoch(&cache, "s1");
    cache.remember("s1".into(), session("u1"), at);
    assert!(is_known(&cache, "s1"));
    cache.changed(SessionsChanged::Sessions(vec!["s1".into()]));
    assert!(!is_known(&cache, "s1"));
}

#[test]
fn what_was_read_is_used_for_a_short_while_only() {
    let cache = SessionCache::default();
    let fresh = session("u1");
    let stale = Arc::new(KnownSession {
        user: Arc::clone(&fresh.user),
        revoked: false,
        ends_at: fresh.ends_at,
        read_at: Instant::now() - FRESH_FOR,
    });
    let at = epoch(&cache, "s1");
    cache.remember("s1".into(), stale, at);
    assert!(!is_known(&cache, "s1"), "read again once stale");
}

#[test]
fn a_known_session_is_active_until_revoked_or_ended() {
    let s = session("u1");
    assert!(s.is_active(999));
    assert!(!s.is_active(1_000));
    let revoked = KnownSession {
        user: Arc::clone(&s.user),
        revoked: true,
        ends_at: 1_000,
        read_at: Instant::now(),
    };
    assert!(!revoked.is_active(0));
}
