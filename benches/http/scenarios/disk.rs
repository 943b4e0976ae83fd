//! The database's bytes on disk per session after every session has rotated
//! its refresh token for BENCH_SECONDS, against right after sign-in: a
//! session must keep at most its current and its last spent refresh token,
//! and the file must give the space back.

use std::path::Path;
use std::time::Duration;

use super::refresh::rotate;
use super::{with_errors, Row, CONNECTIONS};
use crate::server::{database_bytes, temp_database, Sesame};
use crate::setup::{sessions, start_with_user};

/// Default limits; cost 4, as no sign-in is timed.
const FLAGS: [&str; 2] = ["--bcrypt-cost", "4"];

pub async fn measure(folder: &tempfile::TempDir, seconds: Duration) -> Row {
    let db = temp_database(folder, "disk.db");
    let email = "disk@example.com";
    let (sesame, _) = start_with_user(&db, &FLAGS, email).await;
    let tokens = sessions(sesame.address, email, CONNECTIONS, "refreshToken").await;
    // The registration's session too.
    let stored = (CONNECTIONS + 1) as f64;
    let per_session = || database_bytes(&db) as f64 / stored;
    let unfolded = per_session();
    // The baseline is measured as the after-restart figure is, just after a
    // restart: a clean shutdown checkpoints the WAL (here the migrations' and
    // sign-ins' pages) into the file. Sessions outlive a restart.
    let sesame = restart(sesame, &db);
    let fresh = per_session();
    let refreshed = rotate(sesame.address, tokens, seconds).await;
    let looped = per_session();
    let again = restart(sesame, &db);
    let restarted = per_session();
    again.stop();
    let rotations = refreshed.ok;
    let (ratio, before_restart) = (restarted / fresh, looped / fresh);
    println!(
        "disk      {looped:.0} B/session after {rotations} rotations, {restarted:.0} B after \
         restart | fresh {fresh:.0} B/session after a restart ({unfolded:.0} B before; \
         file + -wal) | refresh {}",
        with_errors(&refreshed)
    );
    Row {
        name: "database on disk per session after a refresh loop (64 sessions)",
        measured: format!(
            "{looped:.0} B/session after {rotations} rotations; after restart {restarted:.0} B"
        ),
        baseline: format!(
            "right after sign-in and a restart: {fresh:.0} B/session (file + -wal, {stored} sessions)"
        ),
        ratio: format!("× {ratio:.2} after restart (× {before_restart:.2} before)"),
        goal: "≤ × 2 of a fresh session's",
        met: ratio <= 2.0 && refreshed.errors == 0,
    }
}

/// Stops `sesame` (cleanly) and starts it again on the same file.
fn restart(sesame: Sesame, db: &Path) -> Sesame {
    sesame.stop();
    Sesame::start(db, &FLAGS)
}
