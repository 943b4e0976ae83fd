//! Peak resident memory of a fresh server after BENCH_LIMITER_ATTEMPTS
//! (1,000,000) wrong-password sign-ins, each for a different email, all from
//! 127.0.0.1: past the per-address limit they are refused (429) before any
//! password work, so what they can still cost is the login limits' memory.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;

use super::{Row, CONNECTIONS};
use crate::clients::{guessers, Tally};
use crate::load::drive;
use crate::server::{temp_database, Sesame};

/// The most the attempts may take; whatever is unanswered by then counts
/// against the row.
const CAP: Duration = Duration::from_secs(3600);

const MIB: f64 = 1024.0 * 1024.0;

pub async fn measure(folder: &tempfile::TempDir, attempts: u64) -> Row {
    let db = temp_database(folder, "limiter.db");
    // The default limits (50 failures per address per 15 min); cost 4, as
    // only the first few attempts reach bcrypt and none is timed.
    let sesame = Sesame::start(&db, &["--bcrypt-cost", "4"]);
    let idle = sesame.peak_memory() as f64 / MIB;
    let tally = Arc::new(Tally::default());
    let clients = guessers(attempts, CONNECTIONS as u64, &tally);
    let run = drive(sesame.address, clients, CAP).await;
    let peak = sesame.peak_memory() as f64 / MIB;
    sesame.stop();

    let count = |c: &AtomicU64| c.load(Ordering::Relaxed);
    let (unauthorized, too_many) = (count(&tally.unauthorized), count(&tally.too_many));
    let (busy, other) = (count(&tally.busy), count(&tally.other));
    let answered = unauthorized + too_many + busy + other;
    let unanswered = attempts.saturating_sub(answered);
    let rate = answered as f64 / run.elapsed.as_secs_f64();
    let statuses = format!(
        "401 × {unauthorized}, 429 × {too_many}, 503 × {busy}, other × {other}, \
         unanswered × {unanswered}"
    );
    println!(
        "limiter   peak {peak:.1} MiB after {attempts} distinct-email attempts \
         ({statuses}; {rate:.0} req/s) | fresh server {idle:.1} MiB"
    );
    Row {
        name: "peak memory, one million distinct-email login attempts (64 connections)",
        measured: format!("{peak:.1} MiB after {attempts} attempts ({statuses}; {rate:.0} req/s)"),
        baseline: format!("fresh server, before the attempts: {idle:.1} MiB"),
        ratio: "—".into(),
        // 503: this one address's share of the bcrypt queue was full while
        // its first failures were being checked (those tries are given back).
        goal: "≤ 50 MiB, every answer 401, 429 or 503",
        met: peak <= 50.0 && unauthorized + too_many + busy == attempts,
    }
}
