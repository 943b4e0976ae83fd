//! `login` against bcrypt itself on every core: sign-in should cost little
//! beyond the hash it must verify.

use std::net::SocketAddr;
use std::time::{Duration, Instant};

use super::{percent, summary, with_errors, Row};
use crate::clients::logins;
use crate::load::{drive, Stats};
use crate::PASSWORD;

/// Also the measured `Stats`: the PostgreSQL rows compare against them.
pub async fn measure(
    sesame: SocketAddr,
    email: &str,
    cost: u32,
    seconds: Duration,
) -> (Row, Stats) {
    let cores = std::thread::available_parallelism().map_or(2, |n| n.get());
    let login = drive(sesame, logins(email, 16), seconds).await;
    let bcrypt_rate = bcrypt_ceiling(cost, cores, seconds);
    let ratio = login.throughput() / bcrypt_rate;
    println!(
        "login     {} | bcrypt {bcrypt_rate:.1}/s on {cores} cores",
        with_errors(&login)
    );
    let row = Row {
        name: "`login` (16 connections)",
        measured: summary(&login),
        baseline: format!("bcrypt verify at cost {cost} on {cores} cores: {bcrypt_rate:.1}/s"),
        ratio: percent(ratio),
        goal: "≥ 90 %",
        met: ratio >= 0.90 && login.errors == 0,
    };
    (row, login)
}

/// bcrypt verifications per second at `cost`, one thread per core.
fn bcrypt_ceiling(cost: u32, cores: usize, duration: Duration) -> f64 {
    let hash = bcrypt::hash(PASSWORD, cost).expect("a hash");
    let started = Instant::now();
    let threads: Vec<_> = (0..cores)
        .map(|_| {
            let hash = hash.clone();
            std::thread::spawn(move || {
                let mut done = 0u64;
                while started.elapsed() < duration {
                    assert!(bcrypt::verify(PASSWORD, &hash).expect("verifies"));
                    done += 1;
                }
                done
            })
        })
        .collect();
    let done: u64 = threads
        .into_iter()
        .map(|t| t.join().expect("a thread"))
        .sum();
    done as f64 / started.elapsed().as_secs_f64()
}
