//! The throwaway PostgreSQL clusters the tests use (`tests/postgres.sh`,
//! through `Cluster`): one can be stopped under its users and comes back at
//! the same address with its data, and none is left running.

use diesel::connection::SimpleConnection;
use diesel::{Connection, PgConnection, RunQueryDsl};

use crate::helpers::*;

#[derive(diesel::QueryableByName)]
struct Word {
    #[diesel(sql_type = diesel::sql_types::Text)]
    word: String,
}

#[actix_web::test]
async fn a_cluster_stopped_comes_back_at_its_address_with_its_data_and_stops_when_dropped() {
    let mut cluster = Cluster::start().await;
    let url = cluster.fresh_database();
    let (server, name) = url.rsplit_once('/').unwrap();
    assert_eq!(cluster.url(), format!("{server}/postgres"));
    assert!(name.starts_with("sesame_"), "{url}");
    let mut conn = PgConnection::establish(&url).expect("the new database");
    conn.batch_execute(
        "CREATE TABLE kept (word TEXT NOT NULL); INSERT INTO kept VALUES ('still here')",
    )
    .unwrap();

    cluster.stop().await;
    assert!(
        diesel::sql_query("SELECT 1").execute(&mut conn).is_err(),
        "a connection open at the stop is cut"
    );
    assert!(PgConnection::establish(&url).is_err(), "stopped");

    cluster.start_again().await;
    let mut conn = PgConnection::establish(&url).expect("the same URL after the restart");
    let row: Word = diesel::sql_query("SELECT word FROM kept")
        .get_result(&mut conn)
        .unwrap();
    assert_eq!(row.word, "still here");

    drop(conn);
    drop(cluster);
    assert!(
        PgConnection::establish(&url).is_err(),
        "stopped when dropped"
    );
}
