//! The SQLite writer: writes asked together share a commit, and each keeps
//! its own outcome.

use std::time::Duration;

use diesel::connection::SimpleConnection;
use diesel::RunQueryDsl;
use futures::future::join_all;

use crate::config::Database;
use crate::db::{each_backend, Conn, Db};
use crate::error::AppError;
use crate::metrics::Gauges;

async fn db_with_table(folder: &tempfile::TempDir) -> Db {
    let (db, _) = Db::open(&Database::sqlite(folder.path().join("test.db"))).unwrap();
    db.write(|conn| {
        each_backend!(conn, |c| c.batch_execute("CREATE TABLE t (x INTEGER)"))
            .map_err(AppError::from)
    })
    .await
    .unwrap();
    db
}

fn insert(conn: &mut Conn, x: i32) -> Result<(), AppError> {
    each_backend!(conn, |c| c
        .batch_execute(&format!("INSERT INTO t VALUES ({x})")))
    .map_err(AppError::from)
}

async fn stored(db: &Db) -> Vec<i32> {
    #[derive(diesel::QueryableByName)]
    struct Row {
        #[diesel(sql_type = diesel::sql_types::Integer)]
        x: i32,
    }
    db.read(|conn| {
        let rows: Vec<Row> =
            each_backend!(conn, |c| diesel::sql_query("SELECT x FROM t ORDER BY x")
                .load(c))?;
        Ok(rows.into_iter().map(|r| r.x).collect())
    })
    .await
    .unwrap()
}

/// The `sesame_database_…_total` counter `name`, as scraped.
fn counted(db: &Db, name: &str) -> u64 {
    let text = db.metrics().render(Gauges {
        mail_outbox: 0,
        sessions_alive: 0,
    });
    text.lines()
        .find_map(|line| line.strip_prefix(&format!("{name} ")))
        .and_then(|value| value.parse().ok())
        .unwrap_or_else(|| panic!("{name} in {text}"))
}

/// A write that holds the writer for `ms`, asked first; the writes asked
/// while it runs queue behind it.
fn slow_write(db: &Db, ms: u64) -> actix_web::rt::task::JoinHandle<()> {
    let db = db.clone();
    actix_web::rt::spawn(async move {
        db.write(move |_| {
            std::thread::sleep(Duration::from_millis(ms));
            Ok(())
        })
        .await
        .unwrap();
    })
}

#[actix_web::test]
async fn writes_asked_while_one_commits_share_the_next_commit() {
    let folder = tempfile::tempdir().unwrap();
    let db = db_with_table(&folder).await;
    let commits_before = counted(&db, "sesame_database_commits_total");
    let slow = slow_write(&db, 300);
    actix_web::rt::time::sleep(Duration::from_millis(50)).await;
    let writes = (0..50).map(|x| db.write(move |conn| insert(conn, x)));
    for written in join_all(writes).await {
        written.unwrap();
    }
    slow.await.unwrap();
    assert_eq!(stored(&db).await, (0..50).collect::<Vec<_>>());
    // The slow write's commit, then one for the fifty.
    let commits = counted(&db, "sesame_database_commits_total") - commits_before;
    assert_eq!(commits, 2, "commits for 51 writes");
    assert_eq!(counted(&db, "sesame_database_writes_total"), 52);
}

#[actix_web::test]
async fn a_failed_write_rolls_back_its_own_changes_alone() {
    let folder = tempfile::tempdir().unwrap();
    let db = db_with_table(&folder).await;
    let slow = slow_write(&db, 200);
    actix_web::rt::time::sleep(Duration::from_millis(50)).await;
    let (one, two, three) = futures::join!(
        db.write(|conn| insert(conn, 1)),
        db.write(|conn| {
            insert(conn, 2)?;
            Err::<(), _>(AppError::InvalidRefreshToken)
        }),
        db.write(|conn| insert(conn, 3)),
    );
    slow.await.unwrap();
    assert!(one.is_ok() && three.is_ok());
    assert!(matches!(two, Err(AppError::InvalidRefreshToken)), "{two:?}");
    assert_eq!(stored(&db).await, vec![1, 3]);
}

#[actix_web::test]
async fn a_write_that_panics_fails_alone_and_the_writer_goes_on() {
    let folder = tempfile::tempdir().unwrap();
    let db = db_with_table(&folder).await;
    let slow = slow_write(&db, 200);
    actix_web::rt::time::sleep(Duration::from_millis(50)).await;
    let (one, two, three) = futures::join!(
        db.write(|conn| insert(conn, 1)),
        db.write(|conn| -> Result<(), AppError> {
            insert(conn, 2)?;
            panic!("a bug in one write");
        }),
        db.write(|conn| insert(conn, 3)),
    );
    slow.await.unwrap();
    assert!(one.is_ok() && three.is_ok());
    assert!(matches!(two, Err(AppError::Unexpected(_))), "{two:?}");
    db.write(|conn| insert(conn, 4)).await.unwrap();
    assert_eq!(stored(&db).await, vec![1, 3, 4]);
}

#[actix_web::test]
async fn a_lone_write_is_committed_at_once() {
    let folder = tempfile::tempdir().unwrap();
    let db = db_with_table(&folder).await;
    let before = counted(&db, "sesame_database_commits_total");
    for x in 0..3 {
        db.write(move |conn| insert(conn, x)).await.unwrap();
        assert_eq!(
            counted(&db, "sesame_database_commits_total"),
            before + 1 + x as u64
        );
    }
}

#[actix_web::test]
async fn idle_only_once_every_queued_write_is_answered() {
    let folder = tempfile::tempdir().unwrap();
    let db = db_with_table(&folder).await;
    let slow = slow_write(&db, 200);
    actix_web::rt::time::sleep(Duration::from_millis(50)).await;
    let queued = {
        let db = db.clone();
        actix_web::rt::spawn(async move { db.write(|conn| insert(conn, 7)).await })
    };
    actix_web::rt::time::sleep(Duration::from_millis(20)).await;
    db.until_idle().await;
    assert_eq!(stored(&db).await, vec![7]);
    slow.await.unwrap();
    queued.await.unwrap().unwrap();
}
