//! `refresh` against the storage layer's own rotation (no HTTP): what the
//! HTTP layer costs on a request that writes.

use std::net::SocketAddr;
use std::time::Duration;

use super::{percent, summary, with_errors, Row, CONNECTIONS};
use crate::clients::Refresher;
use crate::load::{drive, Stats};
use crate::setup::sessions;
use crate::storage::rotation_ceiling;

/// Also the measured `Stats`: the scale row compares against them.
pub async fn measure(
    sesame: SocketAddr,
    email: &str,
    folder: &tempfile::TempDir,
    seconds: Duration,
) -> (Row, Stats) {
    let refresh = rotations(sesame, email, seconds).await;
    let rotation = rotation_ceiling(folder, CONNECTIONS, seconds).await;
    let ratio = refresh.throughput() / rotation;
    println!(
        "refresh   {} | storage layer {rotation:.0} rotations/s",
        with_errors(&refresh)
    );
    let row = Row {
        name: "`refresh` (64 sessions, every request rotates)",
        measured: summary(&refresh),
        baseline: format!("`Sessions::refresh` in a loop, no HTTP: {rotation:.0} rotations/s"),
        ratio: percent(ratio),
        goal: "≥ 60 %",
        met: ratio >= 0.60 && refresh.errors == 0,
    };
    (row, refresh)
}

/// CONNECTIONS new sessions of `email`, each rotating its refresh token on
/// its own connection for `seconds`.
pub async fn rotations(sesame: SocketAddr, email: &str, seconds: Duration) -> Stats {
    let tokens = sessions(sesame, email, CONNECTIONS, "refreshToken").await;
    rotate(sesame, tokens, seconds).await
}

/// Each refresh token's session rotating on its own connection for `seconds`.
pub async fn rotate(sesame: SocketAddr, tokens: Vec<String>, seconds: Duration) -> Stats {
    let clients = tokens.into_iter().map(Refresher).collect();
    drive(sesame, clients, seconds).await
}
