//! Storage bounded by live state: a session keeps at most two refresh-token
//! rows, the purge never takes what the server still honours, and (SQLite)
//! the file gives freed space back and its files are private.

use diesel::connection::SimpleConnection;
use diesel::Connection;
use reqwest::StatusCode;

use crate::helpers::*;
use crate::process::run;

#[derive(diesel::QueryableByName)]
struct Count {
    #[diesel(sql_type = diesel::sql_types::BigInt)]
    n: i64,
}

#[actix_web::test]
async fn a_session_keeps_at_most_two_refresh_tokens_however_often_it_rotates() {
    let app = spawn_app().await;
    let user = app.new_user().await;
    let mut token = user.refresh_token.clone();
    for _ in 0..30 {
        token = app.rotate(&token).await;
    }
    let session = session_of(&user.access_token);
    let rows = app
        .database()
        .row::<Count>(&format!(
            "SELECT count(*) AS n FROM refresh_tokens WHERE session_id = '{session}'"
        ))
        .n;
    assert_eq!(rows, 2, "the current token and the one spent last");
    // Both still do their job.
    assert_eq!(app.refresh_with_body(&token).await.status(), StatusCode::OK);
}

/// The database file's size once its write-ahead log is folded into it
/// (a checkpoint, which is also when SQLite cuts the file shorter).
fn file_size(app: &TestApp) -> u64 {
    let mut conn = diesel::SqliteConnection::establish(&app.database_path()).unwrap();
    conn.batch_execute("PRAGMA busy_timeout = 5000; PRAGMA wal_checkpoint(TRUNCATE)")
        .unwrap();
    std::fs::metadata(app.database_path()).unwrap().len()
}

#[actix_web::test]
async fn the_file_gives_space_back_once_ended_sessions_are_purged() {
    let app = spawn_sqlite_app().await;
    let user = app.new_user().await;
    // What the schema and one user take: the part sessions cannot give back.
    let empty = file_size(&app);
    for _ in 0..400 {
        app.sign_in(&user.email).await;
    }
    let full = file_size(&app);
    let all = app.logout_all(Headers::new().bearer(&app.sign_in(&user.email).await.access_token));
    assert_eq!(all.await.status(), StatusCode::NO_CONTENT);
    let database = app.database_path();
    let output = run(
        app.folder.path(),
        &["purge", "--database-url", &database],
        &[("RUST_LOG", "warn")],
    )
    .await;
    assert!(output.status.success(), "{output:?}");
    let purged = file_size(&app);
    println!(
        "database file: {empty} B with one user, {full} B with 401 sessions, {purged} B once they were purged"
    );
    assert!(
        (purged - empty) * 2 < full - empty,
        "{empty} B, then {full} B, then {purged} B"
    );
}

#[actix_web::test]
async fn a_purge_with_a_shorter_grace_keeps_the_token_the_server_still_honours() {
    let app = spawn_app().await; // the server's grace: 10 s
    let user = app.new_user().await;
    let current = app.rotate(&user.refresh_token).await;
    let output = run(
        app.folder.path(),
        &[
            "purge",
            "--database-url",
            app.database_url(),
            "--reuse-grace",
            "0s",
        ],
        &[("RUST_LOG", "warn")],
    )
    .await;
    assert!(output.status.success(), "{output:?}");
    // Within the server's grace, the token just spent gets the current one.
    let again = app.refresh_with_body(&user.refresh_token).await;
    assert_eq!(again.status(), StatusCode::OK, "taken for reuse");
    let body: SignInBody = again.json().await.unwrap();
    assert_eq!(body.refresh_token(), current);
}

#[cfg(unix)]
#[actix_web::test]
async fn the_database_and_its_wal_and_shm_are_readable_by_their_owner_only() {
    use std::os::unix::fs::PermissionsExt;
    let app = spawn_sqlite_app().await;
    app.new_user().await;
    for suffix in ["", "-wal", "-shm"] {
        let path = format!("{}{suffix}", app.database_path());
        let mode = std::fs::metadata(&path).unwrap().permissions().mode();
        assert_eq!(mode & 0o077, 0, "{path}: {mode:o}");
    }
}

#[actix_web::test]
async fn a_database_in_memory_is_refused_at_start() {
    let folder = tempfile::tempdir().unwrap();
    for url in [":memory:", "sqlite::memory:"] {
        let output = run(
            folder.path(),
            &["--bind", "127.0.0.1:0"],
            &[("DATABASE_URL", url)],
        )
        .await;
        assert_eq!(output.status.code(), Some(2), "{url}: {output:?}");
        let said = String::from_utf8_lossy(&output.stderr);
        assert!(said.contains("--database-url"), "{said}");
    }
    assert_eq!(
        std::fs::read_dir(folder.path()).unwrap().count(),
        0,
        "nothing written"
    );
}
