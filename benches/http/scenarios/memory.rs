//! Peak resident memory of a fresh server answering `me` on 256 connections.

use std::time::Duration;

use super::{summary, Row};
use crate::clients::Same;
use crate::load::drive;
use crate::server::temp_database;
use crate::setup::start_with_user;

pub async fn measure(folder: &tempfile::TempDir, seconds: Duration) -> Row {
    let db = temp_database(folder, "memory.db");
    // Its own server, so the peak is this load's alone; cost 4 as no login is timed.
    let (sesame, registered) =
        start_with_user(&db, &["--bcrypt-cost", "4"], "memory@example.com").await;
    let token = registered["accessToken"].as_str().expect("an access token");
    let clients = (0..256).map(|_| Same::me(token)).collect();
    let busy = drive(sesame.address, clients, seconds).await;
    let peak = sesame.peak_memory() as f64 / (1024.0 * 1024.0);
    sesame.stop();
    println!("memory    peak {peak:.1} MiB under {}", summary(&busy));
    Row {
        name: "peak memory, `me` at 256 connections",
        measured: format!("{peak:.1} MiB ({} errors)", busy.errors),
        baseline: "—".into(),
        ratio: "—".into(),
        goal: "≤ 50 MiB",
        met: peak <= 50.0 && busy.errors == 0,
    }
}
