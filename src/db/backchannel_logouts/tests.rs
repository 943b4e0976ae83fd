//! Every write that ends sessions queues the logouts of the apps' sessions
//! it ended, in its own transaction, and only those.

use super::*;
use crate::config::Database;
use crate::db::oauth_clients::{self, ClientRow};
use crate::db::sessions::Session;
use crate::db::users::{self, NewUser};
use crate::db::{Db, SessionWriter};

const NOW: Millis = 1_000_000;

struct Fixture {
    _folder: tempfile::TempDir,
    db: Db,
    writer: SessionWriter,
}

fn fixture() -> Fixture {
    let folder = tempfile::tempdir().unwrap();
    let (db, writer) = Db::open(&Database::sqlite(folder.path().join("test.db"))).unwrap();
    let f = Fixture {
        _folder: folder,
        db,
        writer,
    };
    f.db.write_blocking(|conn| {
        for id in ["ann", "bob"] {
            users::insert(
                conn,
                &NewUser {
                    id,
                    name: id,
                    email: &format!("{id}@example.com"),
                    password_hash: "x",
                    created_at: 0,
                },
            )?;
        }
        for (id, uri) in [("listens", Some("https://app.example/bc")), ("deaf", None)] {
            oauth_clients::insert(
                conn,
                &ClientRow {
                    id: id.into(),
                    name: id.into(),
                    secret_hash: None,
                    redirect_uris: "https://app.example/cb".into(),
                    post_logout_redirect_uris: String::new(),
                    backchannel_logout_uri: uri.map(str::to_owned),
                    skip_consent: false,
                    id_token_alg: "RS256".into(),
                    created_at: 0,
                },
            )?;
        }
        Ok(())
    })
    .unwrap();
    f
}

impl Fixture {
    /// A session of `user`, of the app `client` (`None`: sesame's own).
    fn session(&self, id: &str, user: &str, client: Option<&str>) {
        self.session_ending(id, user, client, (NOW * 10, NOW * 10));
    }

    /// `session`, with its two ends: (idle, maximum age).
    fn session_ending(&self, id: &str, user: &str, client: Option<&str>, ends: (Millis, Millis)) {
        let (idle_expires_at, expires_at) = ends;
        let session = Session {
            id: id.into(),
            user_id: user.into(),
            user_agent: None,
            generation: 0,
            created_at: 0,
            last_used_at: 0,
            idle_expires_at,
            expires_at,
            revoked_at: None,
            amr: "pwd".into(),
            client_id: client.map(str::to_owned),
            scope: client.map(|_| "openid".to_owned()),
            auth_time: None,
            app_ends_at: client.map(|_| idle_expires_at.min(expires_at)),
        };
        self.db
            .write_blocking(|conn| self.writer.insert_session(conn, &session))
            .unwrap();
    }

    /// The queued (client, user, session) triples, sorted.
    fn queued(&self) -> Vec<(String, String, String)> {
        let mut rows: Vec<_> = self
            .db
            .write_blocking(|conn| {
                Ok(backchannel_logouts::table
                    .select(BackchannelLogout::as_select())
                    .load(conn)?)
            })
            .unwrap()
            .into_iter()
            .map(|r: BackchannelLogout| (r.client_id, r.user_id, r.session_id))
            .collect();
        rows.sort();
        rows
    }
}

fn row(client: &str, user: &str, session: &str) -> (String, String, String) {
    (client.into(), user.into(), session.into())
}

#[test]
fn revoking_an_apps_session_queues_its_logout_once() {
    let f = fixture();
    f.session("s1", "ann", Some("listens"));
    let ended =
        f.db.write_blocking(|conn| f.writer.revoke_session(conn, "s1", NOW))
            .unwrap();
    assert!(ended);
    // Revoked already: nothing more.
    f.db.write_blocking(|conn| f.writer.revoke_session(conn, "s1", NOW))
        .unwrap();
    assert_eq!(f.queued(), [row("listens", "ann", "s1")]);
}

#[test]
fn sesame_own_sessions_and_apps_without_a_uri_queue_nothing() {
    let f = fixture();
    f.session("own", "ann", None);
    f.session("deaf", "ann", Some("deaf"));
    f.db.write_blocking(|conn| f.writer.revoke_sessions_of_user(conn, "ann", NOW))
        .unwrap();
    assert!(f.queued().is_empty());
}

#[test]
fn every_write_that_ends_sessions_queues_the_apps_ones() {
    let f = fixture();
    f.session("a-own", "ann", None);
    f.session("a-app", "ann", Some("listens"));
    f.session("a-kept", "ann", Some("listens"));
    f.session("b-app", "bob", Some("listens"));
    f.session("b-app2", "bob", Some("listens"));
    f.db.write_blocking(|conn| {
        f.writer
            .revoke_other_sessions_of_user(conn, "ann", "a-kept", NOW)
    })
    .unwrap();
    assert_eq!(f.queued(), [row("listens", "ann", "a-app")]);
    f.db.write_blocking(|conn| f.writer.delete_sessions_of_user(conn, "bob", NOW))
        .unwrap();
    f.db.write_blocking(|conn| f.writer.revoke_sessions_of_unverified(conn, NOW))
        .unwrap();
    assert_eq!(
        f.queued(),
        [
            row("listens", "ann", "a-app"),
            row("listens", "ann", "a-kept"),
            row("listens", "bob", "b-app"),
            row("listens", "bob", "b-app2"),
        ]
    );
}

#[test]
fn a_write_rolled_back_queues_nothing() {
    let f = fixture();
    f.session("s1", "ann", Some("listens"));
    let failed = f.db.write_blocking(|conn| {
        f.writer.revoke_session(conn, "s1", NOW)?;
        Err::<(), _>(AppError::NotFound)
    });
    assert!(failed.is_err());
    assert!(f.queued().is_empty());
}

#[test]
fn a_queued_logout_is_claimed_once_and_comes_back_when_its_lease_lapses() {
    let f = fixture();
    f.session("s1", "ann", Some("listens"));
    f.db.write_blocking(|conn| f.writer.revoke_session(conn, "s1", NOW))
        .unwrap();
    let claim = |at: Millis| {
        f.db.write_blocking(|conn| claim(conn, at, at + 60_000, 10))
            .unwrap()
    };
    assert_eq!(claim(NOW).len(), 1);
    assert!(claim(NOW + 1).is_empty(), "claimed twice");
    let again = claim(NOW + 60_000);
    assert_eq!(again.len(), 1);
    f.db.write_blocking(|conn| retry_later(conn, &again[0].id, 1, NOW + 70_000))
        .unwrap();
    assert!(claim(NOW + 69_999).is_empty());
    assert_eq!(f.db.write_blocking(next_due).unwrap(), Some(NOW + 70_000));
    assert_eq!(claim(NOW + 70_000)[0].attempts, 1);
}

#[test]
fn the_app_sessions_that_ran_out_are_ended_once_and_the_listening_ones_queued() {
    use crate::db::app_session_ends::any_run_out;
    let f = fixture();
    f.session_ending("idle", "ann", Some("listens"), (NOW, NOW * 10));
    f.session_ending("aged", "bob", Some("listens"), (NOW * 10, NOW));
    f.session_ending("alive", "ann", Some("listens"), (NOW + 1, NOW * 10));
    f.session_ending("deaf", "ann", Some("deaf"), (NOW, NOW));
    f.session_ending("own", "ann", None, (NOW, NOW));
    f.session_ending("revoked", "bob", Some("listens"), (NOW, NOW));
    f.db.write_blocking(|conn| f.writer.revoke_session(conn, "revoked", 0))
        .unwrap();
    let queued_by_revoke = f.queued();
    let any = |at: Millis| f.db.write_blocking(|conn| any_run_out(conn, at)).unwrap();
    assert!(!any(NOW - 1));
    assert!(any(NOW));
    let end = || {
        let mut ended =
            f.db.write_blocking(|conn| f.writer.end_run_out_app_sessions(conn, NOW, 100))
                .unwrap();
        ended.sort();
        ended
    };
    // The deaf app's too (it leaves the index), never sesame's own.
    assert_eq!(end(), ["aged", "deaf", "idle"]);
    let mut expected = queued_by_revoke;
    expected.extend([row("listens", "ann", "idle"), row("listens", "bob", "aged")]);
    expected.sort();
    assert_eq!(f.queued(), expected);
    assert!(!any(NOW), "they stay ended");
    assert!(end().is_empty(), "ended twice");
}
