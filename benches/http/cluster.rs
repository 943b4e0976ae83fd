//! A throwaway PostgreSQL cluster for the PostgreSQL rows, made and started
//! by `tests/postgres.sh` in a temporary folder; stopped and removed when
//! dropped.

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use diesel::{Connection, PgConnection, QueryableByName, RunQueryDsl};

const SCRIPT: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/postgres.sh");

pub struct Cluster {
    /// `postgres://postgres@127.0.0.1:PORT/postgres`
    admin: String,
    folder: tempfile::TempDir,
}

impl Cluster {
    pub fn start() -> Cluster {
        assert!(
            Path::new(SCRIPT).exists(),
            "the PostgreSQL rows need {SCRIPT} (BENCH_ONLY=sqlite leaves them out)"
        );
        let folder = tempfile::tempdir().expect("a temporary folder");
        let started = script("start", folder.path());
        assert!(started.status.success(), "{SCRIPT} start failed");
        let admin = String::from_utf8(started.stdout).expect("a URL");
        Cluster {
            admin: admin.trim().to_owned(),
            folder,
        }
    }

    /// A new, empty database's URL.
    pub fn database(&self, name: &str) -> String {
        let mut admin = PgConnection::establish(&self.admin).expect("the cluster answers");
        diesel::sql_query(format!("CREATE DATABASE {name}"))
            .execute(&mut admin)
            .expect("a new database");
        let base = self.admin.strip_suffix("/postgres").expect("an admin URL");
        format!("{base}/{name}")
    }
}

impl Drop for Cluster {
    /// Stopped before its folder goes.
    fn drop(&mut self) {
        script("stop", self.folder.path());
    }
}

fn script(command: &str, folder: &Path) -> std::process::Output {
    Command::new("bash")
        .arg(SCRIPT)
        .arg(command)
        .arg(folder)
        .stderr(Stdio::inherit())
        .output()
        .expect("bash runs")
}

/// Until `n` instances on the database at `url` hear each other's session
/// changes (their listeners are connected): before that none answers from
/// memory.
pub async fn wait_for_listeners(url: &str, n: i64) {
    #[derive(QueryableByName)]
    struct Listening {
        #[diesel(sql_type = diesel::sql_types::BigInt)]
        count: i64,
    }
    let mut conn = PgConnection::establish(url).expect("the database answers");
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let listening = diesel::sql_query(
            "SELECT count(*) AS count FROM pg_stat_activity \
             WHERE datname = current_database() AND application_name = 'sesame-listener'",
        )
        .get_result::<Listening>(&mut conn)
        .expect("a count")
        .count;
        if listening >= n {
            break;
        }
        assert!(Instant::now() < deadline, "the listeners did not connect");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    // Each says it hears right after its connection is seen.
    tokio::time::sleep(Duration::from_millis(50)).await;
}
