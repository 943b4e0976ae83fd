//! `me`, `refresh` and `login` on PostgreSQL, on one instance or several
//! (each a sesame process on the same database, the connections shared out
//! in turn), against the same requests on SQLite in this run: what the
//! shared database costs. No goal: the ratio is for reading, and a row is
//! met when no request failed.

use std::net::SocketAddr;
use std::time::Duration;

use super::{percent, summary, with_errors, Row, CONNECTIONS, ROUNDS};
use crate::clients::{logins, me_each, Refresher};
use crate::load::{drive_over, median_by, Stats};
use crate::setup::sessions;

/// What `me`, `refresh` and `login` measured on one backend.
pub struct Figures {
    pub me: Stats,
    pub refresh: Stats,
    pub login: Stats,
}

/// The three on `instances` (the first holds `email`'s account): `me` as its
/// SQLite row is (the median of ROUNDS runs), the others once each.
pub async fn measure(instances: &[SocketAddr], email: &str, seconds: Duration) -> Figures {
    let access = sessions(instances[0], email, CONNECTIONS, "accessToken").await;
    let mut rounds = Vec::new();
    for _ in 0..ROUNDS {
        rounds.push(drive_over(instances, me_each(&access), seconds).await);
    }
    let me = median_by(rounds, Stats::throughput);
    let tokens = sessions(instances[0], email, CONNECTIONS, "refreshToken").await;
    let refreshers = tokens.into_iter().map(Refresher).collect();
    let refresh = drive_over(instances, refreshers, seconds).await;
    let login = drive_over(instances, logins(email, 16), seconds).await;
    println!(
        "postgres  {} instance(s): me {} | refresh {} | login {}",
        instances.len(),
        with_errors(&me),
        with_errors(&refresh),
        with_errors(&login)
    );
    Figures { me, refresh, login }
}

/// The three rows of `postgres` (on `instances` instances) beside `sqlite`.
pub fn rows(instances: usize, postgres: &Figures, sqlite: &Figures) -> Vec<Row> {
    let names: [&'static str; 3] = if instances == 1 {
        [
            "`me` on PostgreSQL, one instance (64 connections)",
            "`refresh` on PostgreSQL, one instance (64 sessions)",
            "`login` on PostgreSQL, one instance (16 connections)",
        ]
    } else {
        [
            "`me` on PostgreSQL, two instances (32 connections each)",
            "`refresh` on PostgreSQL, two instances (32 sessions each)",
            "`login` on PostgreSQL, two instances (8 connections each)",
        ]
    };
    let pairs = [
        (&postgres.me, &sqlite.me, "`me`"),
        (&postgres.refresh, &sqlite.refresh, "`refresh`"),
        (&postgres.login, &sqlite.login, "`login`"),
    ];
    names
        .into_iter()
        .zip(pairs)
        .map(|(name, (measured, baseline, what))| Row {
            name,
            measured: with_errors(measured),
            baseline: format!("{what} on SQLite (its row above): {}", summary(baseline)),
            ratio: percent(measured.throughput() / baseline.throughput()),
            goal: "none (for reading); no errors",
            met: measured.errors == 0,
        })
        .collect()
}
