//! `me` against bare Actix answering the same JSON, both pinned to the
//! servers' CPU (one worker each), each in its own process, the load from
//! the other CPU: issue 24's side-by-side measurement.

use std::net::SocketAddr;
use std::time::Duration;

use super::pinned::Baseline;
use super::{each_rate, every_round, percent, summary, with_errors, Row};
use crate::clients::{me_each, Same};
use crate::load::{drive, median_by, Stats};

/// One connection per token in `access` (one session each), and as many to
/// the baseline, alternately, ROUNDS times; the medians.
pub async fn measure(
    sesame: SocketAddr,
    access: &[String],
    cpu: Option<usize>,
    seconds: Duration,
) -> Row {
    let baseline = Baseline::start(cpu);
    // Give its worker time to start before the first round.
    tokio::time::sleep(Duration::from_millis(200)).await;
    let (mes, ceilings) = every_round(
        async || drive(sesame, me_each(access), seconds).await,
        async || {
            let clients = access.iter().map(|_| Same::baseline()).collect();
            drive(baseline.address, clients, seconds).await
        },
    )
    .await;
    drop(baseline);
    let (me_rounds, actix_rounds) = (each_rate(&mes), each_rate(&ceilings));
    let me = median_by(mes, Stats::throughput);
    let ceiling = median_by(ceilings, Stats::throughput);
    let ratio = me.throughput() / ceiling.throughput();
    println!(
        "me pinned {} ({me_rounds}) | bare Actix pinned {} ({actix_rounds})",
        with_errors(&me),
        summary(&ceiling)
    );
    Row {
        name: "`me`, pinned (64 connections, one session each)",
        measured: summary(&me),
        baseline: format!("bare Actix, pinned, own process: {}", summary(&ceiling)),
        ratio: percent(ratio),
        goal: "≥ 80 % of bare Actix",
        met: ratio >= 0.80 && me.errors == 0,
    }
}
