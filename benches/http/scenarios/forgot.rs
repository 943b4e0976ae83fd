//! `POST /auth/password/forgot` for an account that exists against one
//! that does not: the answer must not tell them apart, by its content (the
//! tests) or by its time (this row). Both are asked alternately over one
//! connection each, and their median answer times compared.

use std::net::SocketAddr;
use std::time::Duration;

use super::{alternately, ms, percent, summary, with_errors, Row};
use crate::clients::Same;
use crate::load::{drive, Stats};

pub async fn measure(sesame: SocketAddr, known: &str, seconds: Duration) -> Row {
    let median = |stats: &Stats| stats.percentile(0.5).as_secs_f64();
    let (existing, unknown) = alternately(
        async || drive(sesame, vec![Same::forgot(known)], seconds).await,
        async || drive(sesame, vec![Same::forgot("nobody@example.com")], seconds).await,
        median,
    )
    .await;
    let ratio = median(&existing) / median(&unknown);
    println!(
        "forgot    known {} | unknown {}",
        with_errors(&existing),
        summary(&unknown)
    );
    Row {
        name: "`forgot`, an existing account's email (1 connection): answer time",
        measured: format!("p50 {}", ms(existing.percentile(0.5))),
        baseline: format!(
            "an unknown email, same run: p50 {}",
            ms(unknown.percentile(0.5))
        ),
        ratio: percent(ratio),
        goal: "90–110 %",
        met: (0.9..=1.1).contains(&ratio) && existing.errors == 0 && unknown.errors == 0,
    }
}
