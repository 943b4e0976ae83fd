//! Start-up on an existing database: exec to the first 200 from `/healthz`.

use std::path::Path;
use std::time::Duration;

use super::{ms, Row};
use crate::server::time_to_healthy;

/// `database` must exist and no server may be using it.
pub fn measure(database: &Path) -> Row {
    let mut startups: Vec<Duration> = (0..5).map(|_| time_to_healthy(database)).collect();
    startups.sort();
    let startup = startups[2];
    println!("start-up  median {} of {:?}", ms(startup), startups);
    Row {
        name: "start-up (exec to `/healthz` 200, existing database)",
        measured: format!("median {} of 5", ms(startup)),
        baseline: "—".into(),
        ratio: "—".into(),
        goal: "< 200 ms",
        met: startup < Duration::from_millis(200),
    }
}
