//! The fsync-per-commit ceiling, in the same run and on the same disk as the
//! durable refresh rows: one thread, pinned where the servers run, commits
//! one small write per transaction to a SQLite file in the benchmark's
//! folder with sesame's pragmas (WAL, `synchronous = FULL`, as
//! `src/db/open/sqlite.rs` sets them). What one fsync per rotation allows.

use std::time::{Duration, Instant};

use diesel::connection::SimpleConnection;
use diesel::sql_types::BigInt;
use diesel::{Connection, RunQueryDsl, SqliteConnection};

use super::{pinned::pin_this_thread, Row, ROUNDS};
use crate::server::temp_database;

/// Commits per second: the median of ROUNDS loops, with every round's.
pub struct Ceiling {
    pub per_second: f64,
    pub rounds: Vec<f64>,
}

impl Ceiling {
    /// One commit's time at that rate.
    pub fn commit(&self) -> Duration {
        Duration::from_secs_f64(1.0 / self.per_second)
    }
}

pub async fn measure(folder: &tempfile::TempDir, cpu: Option<usize>, seconds: Duration) -> Ceiling {
    let path = temp_database(folder, "fsync.db");
    let path = path.to_str().expect("a UTF-8 path").to_owned();
    let mut rounds = Vec::new();
    for _ in 0..ROUNDS {
        let path = path.clone();
        // A thread of its own, so pinning it leaves the runtime's alone.
        let looped = std::thread::spawn(move || commits_per_second(&path, cpu, seconds));
        let rate = tokio::task::spawn_blocking(move || looped.join().expect("the commit loop"))
            .await
            .expect("joined");
        rounds.push(rate);
    }
    let mut sorted = rounds.clone();
    sorted.sort_by(f64::total_cmp);
    let ceiling = Ceiling {
        per_second: sorted[sorted.len() / 2],
        rounds,
    };
    println!(
        "fsync     {:.0} commits/s, one commit {:.3} ms (rounds {})",
        ceiling.per_second,
        ceiling.commit().as_secs_f64() * 1000.0,
        each(&ceiling.rounds)
    );
    ceiling
}

/// The ceiling's own row, for the table.
pub fn row(ceiling: &Ceiling) -> Row {
    Row {
        name: "one fsync per commit (SQLite, WAL, synchronous = FULL, same disk, pinned)",
        measured: format!(
            "{:.0} commits/s ({:.3} ms each)",
            ceiling.per_second,
            ceiling.commit().as_secs_f64() * 1000.0
        ),
        baseline: format!("rounds {} commits/s", each(&ceiling.rounds)),
        ratio: "—".to_owned(),
        goal: "the durable refresh rows' ceiling",
        met: ceiling.per_second > 0.0,
    }
}

fn each(rounds: &[f64]) -> String {
    let rates: Vec<String> = rounds.iter().map(|r| format!("{r:.0}")).collect();
    rates.join(" / ")
}

/// One small row inserted per transaction for `seconds`, on `cpu` if given.
fn commits_per_second(path: &str, cpu: Option<usize>, seconds: Duration) -> f64 {
    if let Some(cpu) = cpu {
        pin_this_thread(cpu);
    }
    let mut conn = SqliteConnection::establish(path).expect("a SQLite file");
    conn.batch_execute(
        "PRAGMA journal_mode = WAL;
         PRAGMA synchronous = FULL;
         PRAGMA journal_size_limit = 4194304;
         CREATE TABLE IF NOT EXISTS commits (id INTEGER PRIMARY KEY, at BIGINT NOT NULL);",
    )
    .expect("the pragmas and the table");
    let started = Instant::now();
    let mut commits = 0u64;
    while started.elapsed() < seconds {
        conn.immediate_transaction(|conn| {
            diesel::sql_query("INSERT INTO commits (at) VALUES (?)")
                .bind::<BigInt, _>(commits as i64)
                .execute(conn)
        })
        .expect("a commit");
        commits += 1;
    }
    commits as f64 / started.elapsed().as_secs_f64()
}
