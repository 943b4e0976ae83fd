//! Several instances on one PostgreSQL database: what the contract's
//! "Several instances on PostgreSQL" promises, shown with two or three real
//! instances (in process through `Application::build`, or as processes when
//! one must die) on a fresh database of the test cluster.

use std::time::{Duration, Instant};

use diesel::{Connection, PgConnection, QueryableByName, RunQueryDsl};
use futures::future::join_all;
use reqwest::StatusCode;
use sesame::config::{Database, Settings};

use crate::helpers::{
    fresh_database, header_of, session_of, spawn_app_at, Cluster, Headers, SignInBody, SmtpServer,
    TestApp, PASSWORD,
};
use crate::process::Running;

/// `n` instances on one fresh database, each with `adjust`ed settings.
async fn instances(n: usize, adjust: impl Fn(&mut Settings)) -> (String, Vec<TestApp>) {
    instances_on(fresh_database(), n, adjust).await
}

async fn instances_on(
    url: String,
    n: usize,
    adjust: impl Fn(&mut Settings),
) -> (String, Vec<TestApp>) {
    let mut apps = Vec::new();
    for _ in 0..n {
        let app = spawn_app_at(&url, &adjust).await;
        apps.push(app);
    }
    wait_for_listeners(&url, n).await;
    (url, apps)
}

#[derive(QueryableByName)]
struct Count {
    #[diesel(sql_type = diesel::sql_types::BigInt)]
    count: i64,
}

fn count(url: &str, sql: &str) -> i64 {
    let mut conn = PgConnection::establish(url).expect("the test database");
    diesel::sql_query(sql)
        .get_result::<Count>(&mut conn)
        .expect("a count")
        .count
}

/// Until `n` instances hear each other's session changes (each one's
/// listener connection is up), so that what they remember is trusted.
async fn wait_for_listeners(url: &str, n: usize) {
    let deadline = Instant::now() + Duration::from_secs(10);
    let sql = "SELECT count(*) AS count FROM pg_stat_activity \
               WHERE datname = current_database() AND application_name = 'sesame-listener'";
    while count(url, sql) < n as i64 {
        assert!(Instant::now() < deadline, "the listeners did not connect");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    // The listener says it hears right after it is seen connected.
    tokio::time::sleep(Duration::from_millis(50)).await;
}

#[actix_web::test]
async fn a_session_made_on_one_instance_is_used_and_refreshed_on_another() {
    let (_, apps) = instances(2, |_| {}).await;
    let (a, b) = (&apps[0], &apps[1]);
    let user = a.new_user().await;
    let me = b.me(&user.access_token).await;
    assert_eq!(me.status(), StatusCode::OK);
    let rotated = b.rotate(&user.refresh_token).await;
    // Within the grace window, the token just spent on one instance gets the
    // current one back on the other (a second tab behind another instance).
    let resent = a.refresh_with_body(&user.refresh_token).await;
    assert_eq!(resent.status(), StatusCode::OK);
    let resent: SignInBody = resent.json().await.expect("sign-in JSON");
    assert_eq!(resent.refresh_token(), rotated);
    let again = a.rotate(&rotated).await;
    assert_ne!(again, rotated);
    // Logging in on one and out on the other, too.
    let second = b.sign_in(&user.email).await;
    let out = a
        .logout_with_body(Headers::new(), &second.refresh_token)
        .await;
    assert_eq!(out.status(), StatusCode::NO_CONTENT);
}

#[actix_web::test]
async fn concurrent_refreshes_of_one_token_on_three_instances_rotate_once_and_agree() {
    let (url, apps) = instances(3, |_| {}).await;
    let user = apps[0].new_user().await;
    let refreshes = (0..20).map(|n| {
        let sent = apps[n % 3]
            .refresh_with_body(&user.refresh_token)
            .try_send();
        async move {
            let response = sent.await.expect("an answer");
            assert_eq!(response.status(), StatusCode::OK);
            let body: SignInBody = response.json().await.expect("sign-in JSON");
            body.refresh_token().to_owned()
        }
    });
    let tokens = join_all(refreshes).await;
    assert_ne!(tokens[0], user.refresh_token);
    assert!(
        tokens.iter().all(|t| *t == tokens[0]),
        "every refresh must get the one current token"
    );
    let generation = count(&url, "SELECT max(generation) AS count FROM sessions");
    assert_eq!(generation, 1, "exactly one rotation");
}

/// How long after the answer that ended a session the other instance
/// refuses its access token (it answered 200 from memory just before).
async fn refused_after(other: &TestApp, access_token: &str, ended_at: Instant) -> Duration {
    loop {
        let status = other.me(access_token).await.status();
        if status == StatusCode::UNAUTHORIZED {
            return ended_at.elapsed();
        }
        assert_eq!(status, StatusCode::OK);
        assert!(
            ended_at.elapsed() < Duration::from_secs(1),
            "still accepted 1 s after the session ended elsewhere"
        );
        tokio::time::sleep(Duration::from_millis(1)).await;
    }
}

#[actix_web::test]
async fn every_way_a_session_ends_on_one_instance_is_refused_by_another_within_1_s() {
    let (_, apps) = instances(2, |s| s.reuse_grace = Duration::ZERO).await;
    let (a, b) = (&apps[0], &apps[1]);
    let mut propagation = Vec::new();
    for way in ["logout", "logout-all", "revoke", "reuse"] {
        let user = a.new_user().await;
        // Remembered by the other instance.
        for _ in 0..3 {
            assert_eq!(b.me(&user.access_token).await.status(), StatusCode::OK);
        }
        let ended = match way {
            "logout" => {
                a.logout_with_body(Headers::new(), &user.refresh_token)
                    .await
            }
            "logout-all" => {
                a.logout_all(Headers::new().bearer(&user.access_token))
                    .await
            }
            "revoke" => {
                let other = a.sign_in(&user.email).await;
                let session = session_of(&user.access_token);
                a.delete_session(&other.access_token, &session).await
            }
            "reuse" => {
                a.rotate(&user.refresh_token).await;
                // The spent token again, with no grace: its session ends.
                a.refresh_with_body(&user.refresh_token).await
            }
            _ => unreachable!(),
        };
        let ended_at = Instant::now();
        assert!(
            ended.status().is_success() || way == "reuse",
            "{way}: {}",
            ended.status()
        );
        let took = refused_after(b, &user.access_token, ended_at).await;
        propagation.push((way, took));
    }
    for (way, took) in &propagation {
        println!("revocation seen by the other instance after {way}: {took:?}");
    }
}

#[actix_web::test]
async fn an_instance_that_cannot_hear_the_others_answers_from_the_database_not_memory() {
    let (url, apps) = instances(2, |_| {}).await;
    let (a, b) = (&apps[0], &apps[1]);
    let user = a.new_user().await;
    assert_eq!(b.me(&user.access_token).await.status(), StatusCode::OK);
    // Every listener's connection cut: announcements made now go unheard.
    let mut conn = PgConnection::establish(&url).expect("the test database");
    diesel::sql_query(
        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity \
         WHERE datname = current_database() AND application_name = 'sesame-listener'",
    )
    .execute(&mut conn)
    .expect("the listeners cut");
    tokio::time::sleep(Duration::from_millis(20)).await;
    let out = a
        .logout_with_body(Headers::new(), &user.refresh_token)
        .await;
    assert_eq!(out.status(), StatusCode::NO_CONTENT);
    assert_eq!(
        b.me(&user.access_token).await.status(),
        StatusCode::UNAUTHORIZED,
        "a stale yes from memory"
    );
    // Once they hear again, sessions are remembered and ended as before.
    wait_for_listeners(&url, 2).await;
    let second = a.new_user().await;
    assert_eq!(b.me(&second.access_token).await.status(), StatusCode::OK);
    a.logout_with_body(Headers::new(), &second.refresh_token)
        .await;
    let ended_at = Instant::now();
    refused_after(b, &second.access_token, ended_at).await;
}

#[actix_web::test]
async fn a_key_rotated_beside_them_is_used_by_every_instance_within_5_s() {
    let (url, apps) = instances(2, |_| {}).await;
    let user = apps[0].new_user().await;
    let kid = |token: &str| header_of(token)["kid"].as_str().expect("a kid").to_owned();
    let old = kid(&user.access_token);
    let folder = tempfile::tempdir().expect("a folder");
    let rotated = crate::process::run(
        folder.path(),
        &["--database-url", &url, "keys", "rotate"],
        &[],
    )
    .await;
    assert!(rotated.status.success(), "{rotated:?}");
    let deadline = Instant::now() + Duration::from_secs(5);
    for app in &apps {
        loop {
            let signed_in = app.sign_in(&user.email).await;
            if kid(&signed_in.access_token) != old {
                // And the other instance accepts it.
                for other in &apps {
                    assert_eq!(
                        other.me(&signed_in.access_token).await.status(),
                        StatusCode::OK
                    );
                }
                break;
            }
            assert!(
                Instant::now() < deadline,
                "an instance still signs with the old key"
            );
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }
    // The old key's tokens still work everywhere.
    for app in &apps {
        assert_eq!(app.me(&user.access_token).await.status(), StatusCode::OK);
    }
}

#[actix_web::test]
async fn the_login_limits_count_across_instances() {
    let (_, apps) = instances(2, |s| s.login_max_failures = 2).await;
    let user = apps[0].new_user().await;
    for app in &apps {
        let wrong = app.login(&user.email, "wrong password!").await;
        assert_eq!(wrong.status(), StatusCode::UNAUTHORIZED);
    }
    for app in &apps {
        let refused = app.login(&user.email, PASSWORD).await;
        assert_eq!(refused.status(), StatusCode::TOO_MANY_REQUESTS);
        assert!(refused.headers().contains_key("retry-after"));
    }
}

#[actix_web::test]
async fn the_register_limit_counts_across_instances() {
    let (_, apps) = instances(2, |s| s.register_max_per_ip = 2).await;
    apps[0].new_user().await;
    apps[1].new_user().await;
    let refused = apps[0]
        .register("Third", "third@example.com", PASSWORD)
        .await;
    assert_eq!(refused.status(), StatusCode::TOO_MANY_REQUESTS);
}

#[actix_web::test]
async fn each_reset_mail_is_sent_once_whichever_instance_took_the_request() {
    // Its first attempts refused for now: the rows wait, and both
    // instances look at them, while they are retried.
    let smtp = SmtpServer::start_failing_first(4).await;
    let (url, apps) = instances(2, |s| smtp.configure(s)).await;
    let mut emails = Vec::new();
    for n in 0..10 {
        let email = format!("user{n}@example.com");
        let created = apps[0].register("Test User", &email, PASSWORD).await;
        assert_eq!(created.status(), StatusCode::CREATED);
        emails.push(email);
    }
    for (n, email) in emails.iter().enumerate() {
        let asked = apps[n % 2].forgot_password(email).await;
        assert_eq!(asked.status(), StatusCode::ACCEPTED);
    }
    for email in &emails {
        smtp.next_mail_to(email, Duration::from_secs(30)).await;
    }
    for email in &emails {
        smtp.no_mail_to(email, Duration::ZERO).await;
    }
    tokio::time::sleep(Duration::from_secs(3)).await;
    assert!(smtp.untaken().is_empty(), "{:#?}", smtp.untaken());
    let left = count(&url, "SELECT count(*) AS count FROM mail_outbox");
    assert_eq!(left, 0, "every row is gone once sent");
}

#[actix_web::test]
async fn a_mail_taken_by_an_instance_that_is_killed_is_sent_once_by_another() {
    // The doomed instance's mail server refuses the domain for now; the
    // survivor's accepts it.
    let refusing = SmtpServer::start_refusing("example.com").await;
    let accepting = SmtpServer::start().await;
    let url = fresh_database();
    let folder = tempfile::tempdir().expect("a folder");
    let doomed = Running::start(
        folder.path(),
        &[
            "--bind",
            "127.0.0.1:0",
            "--database-url",
            &url,
            "--bcrypt-cost",
            "4",
            "--smtp-url",
            &refusing.url(),
        ],
        &[("RUST_LOG", "warn")],
    )
    .await;
    let (_, survivors) = instances_on(url.clone(), 1, |s| accepting.configure(s)).await;
    let user = survivors[0].new_user().await;
    let asked = doomed.forgot_password(&user.email).await;
    assert_eq!(asked.status(), StatusCode::ACCEPTED);
    // Killed between two of its attempts (the next one is 1 s away).
    let deadline = Instant::now() + Duration::from_secs(15);
    while refusing.refusals_of(&user.email).is_empty() {
        if !accepting.untaken().is_empty() {
            break; // the survivor took it first
        }
        assert!(Instant::now() < deadline, "the mail is never tried");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    tokio::time::sleep(Duration::from_millis(300)).await;
    doomed.kill().await;

    accepting
        .next_mail_to(&user.email, Duration::from_secs(15))
        .await;
    accepting
        .no_mail_to(&user.email, Duration::from_secs(3))
        .await;
    let left = count(&url, "SELECT count(*) AS count FROM mail_outbox");
    assert_eq!(left, 0, "the row is gone once sent");
}

#[actix_web::test]
async fn instances_started_at_the_same_moment_migrate_once() {
    let url = fresh_database();
    let starts = (0..3).map(|_| {
        let url = url.clone();
        std::thread::spawn(move || {
            let settings = Settings {
                bind: "127.0.0.1:0".into(),
                database: Database::parse(&url).expect("a PostgreSQL URL"),
                bcrypt_cost: 4,
                ..Settings::default()
            };
            let system = actix_web::rt::System::new();
            system.block_on(async move {
                let app =
                    sesame::startup::Application::build(settings).map_err(|e| e.to_string())?;
                drop(app);
                Ok::<(), String>(())
            })
        })
    });
    let started: Vec<_> = starts.collect();
    for start in started {
        start
            .join()
            .expect("the thread")
            .expect("every instance starts");
    }
    let migrations = count(
        &url,
        "SELECT count(*) AS count FROM __diesel_schema_migrations",
    );
    let files = std::fs::read_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/migrations/postgres"))
        .expect("the migrations")
        .count() as i64;
    assert_eq!(migrations, files);
    // They share one set of keys: a token from one works on another.
    let (_, apps) = instances_on(url, 2, |_| {}).await;
    let user = apps[0].new_user().await;
    assert_eq!(
        apps[1].me(&user.access_token).await.status(),
        StatusCode::OK
    );
}

#[actix_web::test]
async fn postgresql_stopped_and_started_again_gives_503s_then_service_by_itself() {
    let mut cluster = Cluster::start().await;
    let url = cluster.fresh_database();
    let (_, apps) = instances_on(url, 1, |_| {}).await;
    let app = &apps[0];
    let user = app.new_user().await;
    assert_eq!(app.me(&user.access_token).await.status(), StatusCode::OK);

    cluster.stop().await;
    // Never a 500, never a stale yes from memory.
    assert_eq!(
        app.healthz().await.status(),
        StatusCode::SERVICE_UNAVAILABLE
    );
    let me = app.me(&user.access_token).await;
    assert_eq!(me.status(), StatusCode::SERVICE_UNAVAILABLE);
    let body: serde_json::Value = me.json().await.expect("JSON");
    assert_eq!(body["error"], "server_busy");
    let refresh = app.refresh_with_body(&user.refresh_token).await;
    assert_eq!(refresh.status(), StatusCode::SERVICE_UNAVAILABLE);
    let login = app.login(&user.email, PASSWORD).await;
    assert_eq!(login.status(), StatusCode::SERVICE_UNAVAILABLE);

    cluster.start_again().await;
    let deadline = Instant::now() + Duration::from_secs(15);
    while app.healthz().await.status() != StatusCode::OK {
        assert!(
            Instant::now() < deadline,
            "not back 15 s after the database"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(app.me(&user.access_token).await.status(), StatusCode::OK);
    let rotated = app.rotate(&user.refresh_token).await;
    assert_ne!(rotated, user.refresh_token);
    assert_eq!(
        app.login(&user.email, PASSWORD).await.status(),
        StatusCode::OK
    );
}

/// Refreshes one session until `deadline`, on whichever instance answers
/// (the first of `apps` first); the last token it got.
async fn keep_refreshing(
    apps: Vec<crate::helpers::Api>,
    first: String,
    deadline: Instant,
) -> String {
    let mut newest = first;
    let mut turn = 0;
    while Instant::now() < deadline {
        turn += 1;
        let api = &apps[turn % apps.len()];
        let Ok(response) = api.refresh_with_body(&newest).try_send().await else {
            continue; // that instance is gone
        };
        let Ok(body) = response.json::<serde_json::Value>().await else {
            continue; // cut short by the kill
        };
        match body["refreshToken"].as_str() {
            Some(token) => newest = token.to_owned(),
            None => panic!("a refresh was refused: {body}"),
        }
    }
    newest
}

#[actix_web::test]
async fn one_instance_killed_under_refresh_load_leaves_every_clients_last_token_working() {
    let url = fresh_database();
    let folder = tempfile::tempdir().expect("a folder");
    let doomed = Running::start(
        folder.path(),
        &[
            "--bind",
            "127.0.0.1:0",
            "--database-url",
            &url,
            "--bcrypt-cost",
            "4",
        ],
        &[("RUST_LOG", "warn")],
    )
    .await;
    let (_, survivors) = instances_on(url, 1, |_| {}).await;
    let survivor = &survivors[0];
    let mut users = Vec::new();
    for _ in 0..8 {
        users.push(survivor.new_user().await);
    }
    let deadline = Instant::now() + Duration::from_secs(3);
    let clients: Vec<_> = users
        .iter()
        .map(|user| {
            let apps = vec![
                doomed.with_own_connections(),
                survivor.with_own_connections(),
            ];
            tokio::spawn(keep_refreshing(apps, user.refresh_token.clone(), deadline))
        })
        .collect();
    tokio::time::sleep(Duration::from_millis(1500)).await;
    doomed.kill().await;
    for client in clients {
        let last = client.await.expect("the client");
        // Within the grace window even a token whose rotation committed on
        // the killed instance without its answer arriving still works.
        let response = survivor.refresh_with_body(&last).await;
        assert_eq!(response.status(), StatusCode::OK, "a client's last token");
    }
}
