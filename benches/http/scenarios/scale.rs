//! `refresh` with BENCH_SESSIONS sessions already stored, against `refresh`
//! on an empty database: lookups and rotations must not slow as sessions
//! pile up.

use std::time::Duration;

use super::refresh::rotations;
use super::{percent, summary, with_errors, Row};
use crate::load::Stats;
use crate::server::temp_database;
use crate::setup::start_with_user;
use crate::storage::fill;

/// `flags` as the `refresh` row's server had, `empty` what that row measured.
pub async fn measure(
    folder: &tempfile::TempDir,
    flags: &[&str],
    bulk: u64,
    seconds: Duration,
    empty: &Stats,
) -> Row {
    let db = temp_database(folder, "scale.db");
    let (inserted_in, bytes_per_session) = fill(&db, bulk);
    let (sesame, _) = start_with_user(&db, flags, "scale@example.com").await;
    let scaled = rotations(sesame.address, "scale@example.com", seconds).await;
    sesame.stop();
    let ratio = scaled.throughput() / empty.throughput();
    println!(
        "scale     {} with {bulk} sessions (made in {:.1}s, {bytes_per_session:.0} B each) | empty {}",
        with_errors(&scaled),
        inserted_in.as_secs_f64(),
        summary(empty)
    );
    Row {
        name: "`refresh` with 1,000,000 sessions stored",
        measured: format!(
            "{} ({bytes_per_session:.0} B of database per session)",
            summary(&scaled)
        ),
        baseline: format!(
            "`refresh` on an empty database: {:.0} req/s",
            empty.throughput()
        ),
        ratio: percent(ratio),
        goal: "≥ 80 %",
        met: ratio >= 0.80 && scaled.errors == 0,
    }
}
