//! Back-channel logout for the app sessions that end by running out: idle
//! past `refresh-ttl`, or at `session-max-age` however refreshed. No write
//! ends them, yet their apps are told within the second, as for any other
//! end ("when a session ends for any reason").

use std::time::{Duration, Instant};

use reqwest::StatusCode;
use serde_json::Value;

use super::backchannel::{assert_logout_of, wait_for_listeners, QUIET, WITHIN};
use super::receiver::{Delivery, Receiver};
use crate::helpers::*;
use crate::process::run;

const IDLE: Duration = Duration::from_secs(2);
const MAX_AGE: Duration = Duration::from_secs(3);
/// How soon after its end a session's logout must arrive.
const TOLD_WITHIN: Duration = Duration::from_secs(1);

/// A server, an app listening for logouts at `receiver`, and a user.
struct Listening {
    app: TestApp,
    receiver: Receiver,
    client: TestClient,
    user: TestUser,
}

async fn listening(app: TestApp) -> Listening {
    let receiver = Receiver::start(0).await;
    let client = app
        .confidential_client(&["--backchannel-logout-uri", &receiver.uri])
        .await;
    let user = app.new_user().await;
    Listening {
        app,
        receiver,
        client,
        user,
    }
}

fn sid_of(tokens: &AppTokens) -> String {
    claims_of(&tokens.id_token)["sid"]
        .as_str()
        .expect("a sid")
        .to_owned()
}

/// Signs `user` in to `client`: the tokens, and the instants just before
/// and just after the app's session opened (its ends are counted from it).
async fn opened(
    app: &TestApp,
    user: &TestUser,
    client: &TestClient,
    scope: &str,
) -> (AppTokens, Instant, Instant) {
    let code = app.code_for(user, client, scope, "n").await;
    exchanged(app, client, &code).await
}

/// `code` exchanged: the tokens, and the instants around the exchange.
async fn exchanged(
    app: &TestApp,
    client: &TestClient,
    code: &(String, String),
) -> (AppTokens, Instant, Instant) {
    let before = Instant::now();
    let tokens = app.exchange(client, code).await;
    (tokens, before, Instant::now())
}

/// Refreshes the app session of `refresh_token` every 300 ms until a
/// logout arrives (`give_up` after `opened_before`); the delivery, when it
/// came, and the refresh token last given.
async fn refreshing_until_a_logout(
    listening: &mut Listening,
    mut refresh_token: String,
    opened_before: Instant,
    give_up: Duration,
) -> (Delivery, Instant, String) {
    let Listening {
        app,
        receiver,
        client,
        ..
    } = listening;
    loop {
        assert!(opened_before.elapsed() < give_up, "no logout came");
        let refreshed = app.refresh_app(client, &refresh_token).await;
        // Refused past its maximum age, its logout then on its way.
        if refreshed.status() == StatusCode::OK {
            refresh_token = AppTokens::of(refreshed)
                .await
                .refresh_token
                .expect("a rotated refresh token");
        }
        if let Some(delivery) = receiver.next(Duration::from_millis(300)).await {
            return (delivery, Instant::now(), refresh_token);
        }
    }
}

fn assert_told_in_time(arrived: Instant, before: Instant, after: Instant, end: Duration) {
    assert!(
        arrived >= before + end,
        "told {:?} after it opened, before it ran out",
        arrived - before
    );
    assert!(
        arrived <= after + end + TOLD_WITHIN,
        "told {:?} after it ran out",
        arrived - (after + end)
    );
    eprintln!(
        "told at most {:?} after it ran out",
        arrived - (before + end)
    );
}

#[actix_web::test]
async fn an_app_session_that_idles_out_is_told_within_a_second_and_a_used_one_is_not() {
    let _cpu = cpu_to_myself().await;
    let mut l = listening(spawn_app_with(|s| s.refresh_ttl = IDLE).await).await;
    // Both codes first: the browser's own sign-in idles out too.
    let scope = "openid offline_access";
    let codes = [
        l.app.code_for(&l.user, &l.client, scope, "n").await,
        l.app.code_for(&l.user, &l.client, scope, "n").await,
    ];
    let (idle, before, after) = exchanged(&l.app, &l.client, &codes[0]).await;
    let (used, _, _) = exchanged(&l.app, &l.client, &codes[1]).await;
    let used_token = used.refresh_token.clone().expect("offline_access");
    let (delivery, arrived, refresh_token) =
        refreshing_until_a_logout(&mut l, used_token, before, IDLE + WITHIN).await;
    assert_told_in_time(arrived, before, after, IDLE);
    assert_logout_of(&l.app, &delivery, &l.client, &l.user, &sid_of(&idle)).await;
    // The session kept in use is not told, and still refreshes.
    let refreshed = l.app.refresh_app(&l.client, &refresh_token).await;
    assert_eq!(refreshed.status(), StatusCode::OK);
    assert!(l.receiver.next(QUIET).await.is_none(), "more than the one");
}

#[actix_web::test]
async fn an_app_session_at_its_maximum_age_is_told_however_it_was_refreshed() {
    let _cpu = cpu_to_myself().await;
    let mut l = listening(spawn_app_with(|s| s.session_max_age = MAX_AGE).await).await;
    let (tokens, before, after) = opened(&l.app, &l.user, &l.client, "openid offline_access").await;
    let first_token = tokens.refresh_token.clone().expect("offline_access");
    let (delivery, arrived, refresh_token) =
        refreshing_until_a_logout(&mut l, first_token, before, MAX_AGE + WITHIN).await;
    assert_told_in_time(arrived, before, after, MAX_AGE);
    assert_logout_of(&l.app, &delivery, &l.client, &l.user, &sid_of(&tokens)).await;
    let refused = l.app.refresh_app(&l.client, &refresh_token).await;
    assert_eq!(refused.status(), StatusCode::BAD_REQUEST);
    let body: Value = refused.json().await.unwrap();
    assert_eq!(body["error"], "invalid_grant");
    assert!(l.receiver.next(QUIET).await.is_none(), "told twice");
}

/// PostgreSQL, two instances both looking for what ran out: told once.
#[actix_web::test]
async fn with_two_instances_a_session_that_ran_out_is_told_once() {
    let _cpu = cpu_to_myself().await;
    let url = fresh_database();
    let settings = |s: &mut sesame::config::Settings| {
        s.public_url = Some("https://sesame.example".into());
        s.refresh_ttl = IDLE;
    };
    let a = spawn_app_at(&url, settings).await;
    let _b = spawn_app_at(&url, settings).await;
    wait_for_listeners(&url, 2).await;
    let Listening {
        app: a,
        mut receiver,
        client,
        user,
    } = listening(a).await;
    let (tokens, before, after) = opened(&a, &user, &client, "openid offline_access").await;
    let delivery = receiver.next(IDLE + WITHIN).await.expect("a logout");
    assert_told_in_time(Instant::now(), before, after, IDLE);
    assert_logout_of(&a, &delivery, &client, &user, &sid_of(&tokens)).await;
    assert!(receiver.next(QUIET).await.is_none(), "told twice");
}

/// A session that ran out while no server ran: `sesame purge` ends it (and
/// queues its logout) before it deletes it; the next server tells the app.
#[actix_web::test]
async fn a_purge_while_no_server_runs_loses_no_logout() {
    let Listening {
        app,
        mut receiver,
        client,
        user,
    } = listening(spawn_app_with(|s| s.refresh_ttl = IDLE).await).await;
    let (tokens, _, _) = opened(&app, &user, &client, "openid offline_access").await;
    let (url, folder) = (app.database_url().to_owned(), app.folder.path().to_owned());
    let app = app
        .restart_after(async move {
            tokio::time::sleep(IDLE + Duration::from_millis(200)).await;
            let purge = ["purge", "--database-url", url.as_str()];
            let output = run(&folder, &purge, &[("RUST_LOG", "warn")]).await;
            assert_eq!(output.status.code(), Some(0), "{output:?}");
        })
        .await;
    let delivery = receiver.next(WITHIN).await.expect("a logout");
    assert_logout_of(&app, &delivery, &client, &user, &sid_of(&tokens)).await;
    assert!(receiver.next(QUIET).await.is_none(), "told twice");
}

/// How many statements of the database `conn` is connected to wait for a lock.
fn lock_waiters(conn: &mut diesel::PgConnection) -> i64 {
    use diesel::{QueryableByName, RunQueryDsl};
    #[derive(QueryableByName)]
    struct Count {
        #[diesel(sql_type = diesel::sql_types::BigInt)]
        count: i64,
    }
    let sql = "SELECT count(*) AS count FROM pg_stat_activity \
               WHERE datname = current_database() AND wait_event_type = 'Lock'";
    diesel::sql_query(sql)
        .get_result::<Count>(conn)
        .unwrap()
        .count
}

/// Waits until `n` statements of the database at `url` wait for a lock.
async fn wait_for_lock_waiters(url: &str, n: i64) {
    use diesel::{Connection, PgConnection};
    let mut conn = PgConnection::establish(url).expect("the test database");
    let deadline = Instant::now() + Duration::from_secs(10);
    while lock_waiters(&mut conn) != n {
        assert!(Instant::now() < deadline, "never {n} statements waiting");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

/// PostgreSQL: a refresh made in time (its session more than a second from
/// its idle end) whose commit comes only after the sweep read the session
/// as run out (held up here by a lock of the test's on the token it
/// prunes; in life, a slow disk or a lock) keeps its session: the sweep's
/// end must not undo a refresh the app was answered with.
#[actix_web::test]
async fn a_refresh_in_time_that_commits_after_the_sweep_looked_keeps_its_session() {
    use diesel::connection::SimpleConnection;
    use diesel::{Connection, PgConnection, RunQueryDsl};
    const IDLE: Duration = Duration::from_secs(6);
    let _cpu = cpu_to_myself().await;
    let url = fresh_database();
    let app = spawn_app_at(&url, |s| s.refresh_ttl = IDLE).await;
    let mut receiver = Receiver::start(0).await;
    let client = app
        .confidential_client(&["--backchannel-logout-uri", &receiver.uri])
        .await;
    let user = app.new_user().await;
    let (tokens, _, _) = opened(&app, &user, &client, "openid offline_access").await;
    let sid = sid_of(&tokens);
    // Two rotations: the session then keeps the token of generation 1,
    // spent, which the next rotation deletes.
    let mut refresh_token = tokens.refresh_token.clone().expect("offline_access");
    for i in 0..2 {
        let refreshed = app.refresh_app(&client, &refresh_token).await;
        assert_eq!(refreshed.status(), StatusCode::OK, "rotation {i}");
        refresh_token = AppTokens::of(refreshed)
            .await
            .refresh_token
            .expect("rotated");
    }
    let rotated = Instant::now();
    // Half-way to its idle end, a refresh: in time, it moves the end on.
    tokio::time::sleep(IDLE / 2).await;
    let mut held = PgConnection::establish(&url).expect("the test database");
    held.batch_execute("BEGIN").unwrap();
    diesel::sql_query(format!(
        "SELECT 1 FROM refresh_tokens WHERE session_id = '{sid}' AND generation = 1 FOR UPDATE"
    ))
    .execute(&mut held)
    .unwrap();
    let release = async {
        // The refresh waits for the test's lock, holding its session's; the
        // sweep, once the old idle end has passed, for the refresh's.
        wait_for_lock_waiters(&url, 2).await;
        assert!(rotated.elapsed() >= IDLE, "the old idle end passed");
        held.batch_execute("COMMIT").unwrap();
        wait_for_lock_waiters(&url, 0).await;
    };
    let (refreshed, ()) = tokio::join!(app.refresh_app(&client, &refresh_token), release);
    assert_eq!(
        refreshed.status(),
        StatusCode::OK,
        "the refresh was in time"
    );
    let refresh_token = AppTokens::of(refreshed)
        .await
        .refresh_token
        .expect("rotated");

    let again = app.refresh_app(&client, &refresh_token).await;
    assert_eq!(again.status(), StatusCode::OK, "its session was ended");
    assert!(
        receiver.next(QUIET).await.is_none(),
        "a session refreshed in time was logged out"
    );
}
