//! `me` against a plain Actix handler answering the same JSON: what sesame's
//! own work costs on top of the framework.

use std::net::SocketAddr;
use std::time::Duration;

use super::{alternately, percent, summary, with_errors, Row};
use crate::clients::{me_each, Same};
use crate::load::{drive, Stats};
use crate::server::start_baseline;

/// One connection per token in `access` (one session per connection, as
/// that many clients would have), and as many to the baseline. Also the
/// measured `Stats`: the PostgreSQL rows compare against them.
pub async fn measure(sesame: SocketAddr, access: &[String], seconds: Duration) -> (Row, Stats) {
    let baseline = start_baseline();
    // Give its workers time to start before the first round.
    tokio::time::sleep(Duration::from_millis(200)).await;
    let (me, ceiling) = alternately(
        async || drive(sesame, me_each(access), seconds).await,
        async || {
            let clients = access.iter().map(|_| Same::baseline()).collect();
            drive(baseline, clients, seconds).await
        },
        Stats::throughput,
    )
    .await;
    let ratio = me.throughput() / ceiling.throughput();
    println!(
        "me        {} | plain Actix {}",
        with_errors(&me),
        summary(&ceiling)
    );
    let row = Row {
        name: "`me` (64 connections, one session each)",
        measured: summary(&me),
        baseline: format!("plain Actix handler: {}", summary(&ceiling)),
        ratio: percent(ratio),
        goal: "≥ 70 %",
        met: ratio >= 0.70 && me.errors == 0,
    };
    (row, me)
}
