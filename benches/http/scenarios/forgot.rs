//! `POST /auth/password/forgot` for an account that exists against one
//! that does not: the answer must not tell them apart, by its content (the
//! tests) or by its time (these rows).
//!
//! Paced, as one probing an email sees it: requests a few milliseconds
//! apart, the two emails alternately on one connection, each answer timed.
//! Back to back: one connection each, as fast as answered, where the work
//! an existing account's request leaves for after its answer (the link's
//! row, the mail) slows the requests that follow it.

use std::net::SocketAddr;
use std::time::{Duration, Instant};

use super::{alternately, ms, percent, summary, with_errors, Row};
use crate::clients::Same;
use crate::load::{drive, Client, KeepAlive, Stats};

const UNKNOWN: &str = "nobody@example.com";
/// The pause between two paced requests.
const PACE: Duration = Duration::from_millis(3);

pub async fn measure(sesame: SocketAddr, known: &str, seconds: Duration) -> Vec<Row> {
    let (existing, unknown) = paced(sesame, known, seconds).await;
    let (p50_existing, p50_unknown) = (median(&existing), median(&unknown));
    let paced_ratio = p50_existing.as_secs_f64() / p50_unknown.as_secs_f64();
    println!(
        "forgot    paced: known p50 {} | unknown p50 {} ({} each)",
        ms(p50_existing),
        ms(p50_unknown),
        existing.len()
    );
    let p50 = |stats: &Stats| stats.percentile(0.5).as_secs_f64();
    let (flood_known, flood_unknown) = alternately(
        async || drive(sesame, vec![Same::forgot(known)], seconds).await,
        async || drive(sesame, vec![Same::forgot(UNKNOWN)], seconds).await,
        p50,
    )
    .await;
    let flood_ratio = p50(&flood_known) / p50(&flood_unknown);
    println!(
        "forgot    back to back: known {} | unknown {}",
        with_errors(&flood_known),
        summary(&flood_unknown)
    );
    vec![
        Row {
            name: "`forgot`, an existing account's email, paced (3 ms apart): answer time",
            measured: format!("p50 {}", ms(p50_existing)),
            baseline: format!("an unknown email, interleaved: p50 {}", ms(p50_unknown)),
            ratio: percent(paced_ratio),
            goal: "90–110 %",
            met: (0.9..=1.1).contains(&paced_ratio),
        },
        Row {
            name: "`forgot`, an existing account's email, back to back (1 connection)",
            measured: summary(&flood_known),
            baseline: format!("an unknown email, same run: {}", summary(&flood_unknown)),
            ratio: percent(flood_ratio),
            goal: "shown (see docs/PERFORMANCE.md)",
            met: flood_known.errors == 0 && flood_unknown.errors == 0,
        },
    ]
}

/// Each email's answer times, asked alternately (which goes first changes
/// every pair) with `PACE` between requests, for `seconds`.
async fn paced(
    sesame: SocketAddr,
    known: &str,
    seconds: Duration,
) -> (Vec<Duration>, Vec<Duration>) {
    let mut connection = KeepAlive::open(sesame).await;
    let (mut existing, mut unknown) = (Vec::new(), Vec::new());
    let (mut ask_known, mut ask_unknown) = (Same::forgot(known), Same::forgot(UNKNOWN));
    let end = Instant::now() + seconds;
    let mut known_first = true;
    while Instant::now() < end {
        for known_now in [known_first, !known_first] {
            let client = if known_now {
                &mut ask_known
            } else {
                &mut ask_unknown
            };
            let asked = client.next(&connection.host);
            let started = Instant::now();
            let (status, _) = connection.send(asked).await;
            let took = started.elapsed();
            assert!(status.is_success(), "forgot answered {status}");
            if known_now {
                existing.push(took);
            } else {
                unknown.push(took);
            }
            tokio::time::sleep(PACE).await;
        }
        known_first = !known_first;
    }
    (existing, unknown)
}

fn median(times: &[Duration]) -> Duration {
    let mut sorted = times.to_vec();
    sorted.sort();
    sorted[sorted.len() / 2]
}
