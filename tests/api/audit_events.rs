//! Audit events kept in the database (issue 23): each event is stored with
//! its user, address and device; events of no user are bounded; events
//! older than `--audit-retention` go with a purge. Read back from the
//! database the server writes (the events are shown by no public route
//! yet).

use std::time::{Duration, Instant};

use diesel::{QueryableByName, RunQueryDsl};
use futures::future::join_all;
use reqwest::StatusCode;
use sesame::config::TrustedProxies;

use crate::helpers::*;
use crate::process::run;

const FIREFOX: &str = "Mozilla/5.0 (X11; Linux x86_64; rv:120.0) Gecko/20100101 Firefox/120.0";

#[derive(QueryableByName)]
struct Count {
    #[diesel(sql_type = diesel::sql_types::BigInt)]
    count: i64,
}

fn count(app: &TestApp, sql: &str) -> i64 {
    app.database().row::<Count>(sql).count
}

/// Until `sql` counts at least `at_least`; fails after 10 s (the events
/// are written in the background).
async fn until_counted(app: &TestApp, sql: &str, at_least: i64) -> i64 {
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let seen = count(app, sql);
        if seen >= at_least {
            return seen;
        }
        assert!(Instant::now() < deadline, "{sql}: {seen}, not {at_least}");
        sleep_ms(50).await;
    }
}

#[actix_web::test]
async fn sign_up_sign_ins_logout_all_and_disable_are_stored_with_user_address_and_device() {
    let app = spawn_app().await;
    let user = app.new_user().await;
    let firefox = Headers::new().header("User-Agent", FIREFOX);
    let signed_in = app.login_with(firefox.clone(), &user.email, PASSWORD).await;
    assert_eq!(signed_in.status(), StatusCode::OK);
    let wrong = app
        .login_with(firefox, &user.email, "not the password")
        .await;
    assert_eq!(wrong.status(), StatusCode::UNAUTHORIZED);
    let all = app
        .logout_all(Headers::new().bearer(&user.access_token))
        .await;
    assert!(all.status().is_success(), "{}", all.status());

    let id = &user.id;
    let of_user = |event: &str| {
        format!("SELECT count(*) AS count FROM audit_events WHERE event = '{event}' AND user_id = '{id}'")
    };
    until_counted(&app, &of_user("sign_up"), 1).await;
    let sign_in = format!(
        "{} AND address = '127.0.0.1' AND device = 'Firefox on Linux'",
        of_user("sign_in")
    );
    until_counted(&app, &sign_in, 1).await;
    // A wrong password for an account is that account's event (its own
    // login limit bounds them), with where it came from.
    let failed = format!(
        "{} AND address = '127.0.0.1' AND device = 'Firefox on Linux'",
        of_user("sign_in_failed")
    );
    until_counted(&app, &failed, 1).await;
    until_counted(&app, &of_user("logout_all"), 1).await;

    let output = run(
        app.folder.path(),
        &[
            "users",
            "disable",
            &user.email,
            "--database-url",
            app.database_url(),
        ],
        &[],
    )
    .await;
    assert_eq!(output.status.code(), Some(0));
    // Stored in the disable's own write: there as soon as the command ends.
    let disabled = format!(
        "{} AND email = '{}' AND actor_id IS NULL",
        of_user("user_disabled"),
        user.email
    );
    assert_eq!(count(&app, &disabled), 1);
}

#[actix_web::test]
async fn a_flood_of_failed_sign_ins_for_unknown_emails_from_many_addresses_adds_a_bounded_number_of_rows(
) {
    let app = spawn_app_with(|s| {
        s.trusted_proxies = TrustedProxies::parse("127.0.0.1, ::1").unwrap();
    })
    .await;
    const FLOOD: usize = 5_000;
    for chunk in (0..FLOOD).collect::<Vec<_>>().chunks(8) {
        let sent = chunk.iter().map(|i| {
            let address = format!("10.{}.{}.{}", i / 65536, (i / 256) % 256, i % 256);
            let email = format!("nobody-{i}@example.com");
            app.login_with(
                Headers::new().forwarded_for(&address),
                &email,
                "a wrong password",
            )
            .try_send()
        });
        for answer in join_all(sent).await {
            assert_eq!(answer.unwrap().status(), StatusCode::UNAUTHORIZED);
        }
    }

    // Every failure is counted, in at most 1 000 rows an hour and one
    // overflow row (an hour boundary crossed during the test: twice that).
    let counted = "SELECT CAST(COALESCE(SUM(count), 0) AS BIGINT) AS count FROM audit_events \
                   WHERE user_id IS NULL AND event IN ('sign_in_failed', 'anonymous_overflow')";
    assert_eq!(
        until_counted(&app, counted, FLOOD as i64).await,
        FLOOD as i64
    );
    let rows = count(
        &app,
        "SELECT count(*) AS count FROM audit_events WHERE user_id IS NULL",
    );
    assert!(rows <= 2 * 1_001, "{rows} rows for {FLOOD} failures");
    let emails = "SELECT count(*) AS count FROM audit_events WHERE email LIKE 'nobody-%'";
    assert_eq!(count(&app, emails), 0, "a stranger's typing is not kept");
}

#[actix_web::test]
async fn an_event_older_than_the_audit_retention_is_gone_after_a_purge() {
    let app = spawn_app().await;
    let user = app.new_user().await;
    let recent = format!(
        "SELECT count(*) AS count FROM audit_events WHERE event = 'sign_up' AND user_id = '{}'",
        user.id
    );
    until_counted(&app, &recent, 1).await;
    let two_days_ago = sesame::clock::now_ms() - 2 * 86_400_000;
    let old = format!(
        "INSERT INTO audit_events (at, event, user_id, count) VALUES ({two_days_ago}, 'sign_in', '{}', 1)",
        user.id
    );
    match &mut app.database() {
        TestDb::Sqlite(conn) => diesel::sql_query(&old).execute(conn),
        TestDb::Postgres(conn) => diesel::sql_query(&old).execute(conn),
    }
    .expect("an old event");

    let args = [
        "purge",
        "--database-url",
        app.database_url(),
        "--audit-retention",
        "1d",
    ];
    let output = run(app.folder.path(), &args, &[("RUST_LOG", "warn")]).await;
    assert_eq!(output.status.code(), Some(0), "{output:?}");

    let olds = format!("SELECT count(*) AS count FROM audit_events WHERE at = {two_days_ago}");
    assert_eq!(count(&app, &olds), 0, "the old event went");
    assert_eq!(count(&app, &recent), 1, "the recent one stays");
}
