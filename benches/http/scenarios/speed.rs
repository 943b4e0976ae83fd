//! BENCH_ONLY=speed, issue 24's rows: `me` against bare Actix, the
//! fsync-per-commit ceiling, and durable refresh at 1 to 128 sessions, the
//! servers pinned to one CPU and the load to another (`pinned.rs`), each
//! figure the median of ROUNDS runs.

use std::time::Duration;

use super::{durable_refresh, fsync, me_pinned, Row, CONNECTIONS};
use crate::server::{temp_database, Sesame};
use crate::setup::{register, sessions};

/// Default flags (fsync on), but cost 4: sign-ins only make the sessions
/// here, they are not measured; and limits high enough for the 200-odd
/// sign-ins of one user.
const FLAGS: [&str; 6] = [
    "--bcrypt-cost",
    "4",
    "--login-max-failures",
    "1000000",
    "--login-max-failures-per-ip",
    "1000000",
];

pub async fn measure(
    folder: &tempfile::TempDir,
    email: &str,
    cpu: Option<usize>,
    seconds: Duration,
) -> Vec<Row> {
    println!("speed rows: bcrypt cost 4 here (the sessions' sign-ins are not measured)");
    let sesame = Sesame::start_pinned(temp_database(folder, "speed.db"), &FLAGS, cpu);
    register(sesame.address, email).await;
    let access = sessions(sesame.address, email, CONNECTIONS, "accessToken").await;
    let mut rows = vec![me_pinned::measure(sesame.address, &access, cpu, seconds).await];
    let ceiling = fsync::measure(folder, cpu, seconds).await;
    rows.push(fsync::row(&ceiling));
    rows.extend(durable_refresh::measure(sesame.address, email, &ceiling, seconds).await);
    sesame.stop();
    rows
}
