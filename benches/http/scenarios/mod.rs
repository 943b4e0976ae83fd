//! One module per row of the table, each measuring sesame and its baseline
//! and returning the row; what they share is here.

pub mod backchannel;
pub mod disk;
pub mod durable_refresh;
pub mod forgot;
pub mod fsync;
pub mod limiter;
pub mod login;
pub mod me;
pub mod me_pinned;
pub mod memory;
pub mod metrics;
pub mod oidc_tokens;
pub mod pg_refresh;
pub mod pinned;
pub mod postgres;
pub mod propagation;
pub mod refresh;
pub mod scale;
pub mod second_step;
pub mod speed;
pub mod startup;
pub mod storm;
pub mod verify;

use std::time::Duration;

use crate::load::{median_by, Stats};

/// Connections (each with its own session) for `me`, `refresh` and scale.
pub const CONNECTIONS: usize = 64;

/// `me` and its baseline, and idle `me` and `me` in a storm, are measured
/// this many times, alternately, and the median round kept.
pub const ROUNDS: usize = 3;

/// One line of the table.
pub struct Row {
    pub name: &'static str,
    pub measured: String,
    pub baseline: String,
    pub ratio: String,
    pub goal: &'static str,
    pub met: bool,
}

/// The table as docs/PERFORMANCE.md shows it.
pub fn print_table(rows: &[Row]) {
    println!();
    println!("| measurement | sesame | baseline (same run) | ratio | goal | met |");
    println!("|---|---|---|---|---|---|");
    for row in rows {
        let met = if row.met { "yes" } else { "**no**" };
        println!(
            "| {} | {} | {} | {} | {} | {met} |",
            row.name, row.measured, row.baseline, row.ratio, row.goal
        );
    }
}

/// Measures `first` then `second`, ROUNDS times over, and keeps the median
/// round of each by `key` (with every round's errors): on a noisy machine,
/// alternating makes both sides see the same conditions.
pub async fn alternately(
    first: impl AsyncFnMut() -> Stats,
    second: impl AsyncFnMut() -> Stats,
    key: fn(&Stats) -> f64,
) -> (Stats, Stats) {
    let (firsts, seconds) = every_round(first, second).await;
    (median_by(firsts, key), median_by(seconds, key))
}

/// `alternately`'s ROUNDS rounds of each, all kept (in the order measured).
pub async fn every_round(
    mut first: impl AsyncFnMut() -> Stats,
    mut second: impl AsyncFnMut() -> Stats,
) -> (Vec<Stats>, Vec<Stats>) {
    let (mut firsts, mut seconds) = (Vec::new(), Vec::new());
    for _ in 0..ROUNDS {
        firsts.push(first().await);
        seconds.push(second().await);
    }
    (firsts, seconds)
}

/// Each round's throughput, as the progress lines show a median's rounds.
pub fn each_rate(rounds: &[Stats]) -> String {
    let rates: Vec<String> = rounds
        .iter()
        .map(|r| format!("{:.0}", r.throughput()))
        .collect();
    format!("rounds {} req/s", rates.join(" / "))
}

pub fn ms(d: Duration) -> String {
    format!("{:.2} ms", d.as_secs_f64() * 1000.0)
}

pub fn percent(ratio: f64) -> String {
    format!("{:.0} %", ratio * 100.0)
}

pub fn summary(stats: &Stats) -> String {
    format!(
        "{:.0} req/s, p50 {}, p99 {}",
        stats.throughput(),
        ms(stats.percentile(0.5)),
        ms(stats.percentile(0.99))
    )
}

/// `summary` and the error count, as the progress lines show them.
pub fn with_errors(stats: &Stats) -> String {
    format!("{} ({} errors)", summary(stats), stats.errors)
}
