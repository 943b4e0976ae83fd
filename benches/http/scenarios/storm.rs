//! `me` while 16 connections sign in without pause, against `me` alone on
//! the same connections: bcrypt must not make the cheap requests wait.

use std::net::SocketAddr;
use std::time::Duration;

use super::{alternately, summary, with_errors, Row};
use crate::clients::{logins, me_each};
use crate::load::{drive, Stats};

/// `access`: one token per `me` connection; `email`: whom the storm signs in.
pub async fn measure(sesame: SocketAddr, access: &[String], email: &str, seconds: Duration) -> Row {
    let (idle, during) = alternately(
        async || {
            // Logins still queued from before must not be part of "idle".
            tokio::time::sleep(Duration::from_secs(2)).await;
            drive(sesame, me_each(access), seconds).await
        },
        async || {
            // The storm outlasts the measurement on both ends.
            let storm = drive(sesame, logins(email, 16), seconds + Duration::from_secs(1));
            let during = async {
                tokio::time::sleep(Duration::from_millis(500)).await;
                drive(sesame, me_each(access), seconds).await
            };
            tokio::join!(storm, during).1
        },
        Stats::p99,
    )
    .await;
    let ratio = during.p99() / idle.p99();
    println!(
        "storm     {} | idle {}",
        with_errors(&during),
        summary(&idle)
    );
    Row {
        name: "`me` during a login storm (8 + 16 connections)",
        measured: with_errors(&during),
        baseline: format!("idle `me`, 8 connections: {}", summary(&idle)),
        ratio: format!("p99 × {ratio:.2}"),
        goal: "p99 ≤ × 3, no errors",
        met: ratio <= 3.0 && during.errors == 0,
    }
}
