//! `/auth/verify` (what a reverse proxy asks before every request to an app
//! behind it) against `/api/me`: the same check, so nearly the same rate.

use std::net::SocketAddr;
use std::time::Duration;

use super::{alternately, percent, summary, with_errors, Row};
use crate::clients::{me_each, verify_each};
use crate::load::{drive, Stats};

pub async fn measure(sesame: SocketAddr, access: &[String], seconds: Duration) -> Row {
    let (verify, me) = alternately(
        async || drive(sesame, verify_each(access), seconds).await,
        async || drive(sesame, me_each(access), seconds).await,
        Stats::throughput,
    )
    .await;
    let ratio = verify.throughput() / me.throughput();
    println!("verify    {} | me {}", with_errors(&verify), summary(&me));
    Row {
        name: "`/auth/verify` (64 connections, one session each)",
        measured: summary(&verify),
        baseline: format!("`/api/me`, same sessions: {}", summary(&me)),
        ratio: percent(ratio),
        goal: "≥ 90 %",
        met: ratio >= 0.90 && verify.errors == 0,
    }
}
