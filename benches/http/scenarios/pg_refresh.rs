//! `refresh` on PostgreSQL (one instance) against PostgreSQL's own rotation
//! loop (`pg_rotation`: the same transaction, no HTTP and no sesame): what
//! sesame costs on a request that writes to a shared database.

use std::time::Duration;

use super::{percent, summary, Row, CONNECTIONS};
use crate::load::Stats;
use crate::pg_rotation::rotations_per_second;
use crate::setup::{sessions, start_with_user};

/// `refresh`: what the one-instance PostgreSQL run measured; `url`: a new
/// database for the loop, which sesame migrates and signs in to first.
pub async fn measure(url: &str, flags: &[&str], refresh: &Stats, seconds: Duration) -> Row {
    let email = "rotation@example.com";
    let (sesame, _) = start_with_user(url, flags, email).await;
    sessions(sesame.address, email, CONNECTIONS, "refreshToken").await;
    sesame.stop();
    // 64 of its 65 sessions (the registration made one), a thread each.
    let rate = tokio::task::block_in_place(|| rotations_per_second(url, CONNECTIONS, seconds));
    let ratio = refresh.throughput() / rate;
    println!(
        "pg loop   {rate:.0} rotations/s | sesame on PostgreSQL {:.0} req/s",
        refresh.throughput()
    );
    Row {
        name: "`refresh` on PostgreSQL, one instance (64 sessions), against PostgreSQL's own rotation",
        measured: summary(refresh),
        baseline: format!(
            "the rotation's statements in a loop on PostgreSQL, 64 connections, no HTTP: {rate:.0} rotations/s"
        ),
        ratio: percent(ratio),
        goal: "≥ 60 %",
        met: ratio >= 0.60 && refresh.errors == 0,
    }
}
