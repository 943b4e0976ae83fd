//! `me` on a server with `--metrics-bind` beside `me` on one without, on
//! databases of their own, alternately: what timing every request costs.

use std::time::Duration;

use super::{alternately, percent, summary, with_errors, Row, CONNECTIONS};
use crate::clients::me_each;
use crate::load::{drive, Stats};
use crate::server::temp_database;
use crate::setup::{sessions, start_with_user};

pub async fn measure(
    folder: &tempfile::TempDir,
    flags: &[&str],
    email: &str,
    seconds: Duration,
) -> Row {
    let off = temp_database(folder, "metrics_off.db");
    let (plain, _) = start_with_user(&off, flags, email).await;
    let on = temp_database(folder, "metrics_on.db");
    let counted_flags: Vec<&str> = flags
        .iter()
        .copied()
        .chain(["--metrics-bind", "127.0.0.1:0"])
        .collect();
    let (counted, _) = start_with_user(&on, &counted_flags, email).await;
    let plain_access = sessions(plain.address, email, CONNECTIONS, "accessToken").await;
    let counted_access = sessions(counted.address, email, CONNECTIONS, "accessToken").await;
    let (with, without) = alternately(
        async || drive(counted.address, me_each(&counted_access), seconds).await,
        async || drive(plain.address, me_each(&plain_access), seconds).await,
        Stats::throughput,
    )
    .await;
    plain.stop();
    counted.stop();
    let ratio = with.throughput() / without.throughput();
    println!(
        "me, metrics on {} | metrics off {}",
        with_errors(&with),
        summary(&without)
    );
    Row {
        name: "`me` with `--metrics-bind` (64 connections)",
        measured: summary(&with),
        baseline: format!("`me` without metrics: {}", summary(&without)),
        ratio: percent(ratio),
        goal: "≥ 97 %",
        met: ratio >= 0.97 && with.errors == 0,
    }
}
