//! `cargo bench --bench http`: sesame over real HTTP, each figure next to a
//! baseline measured in the same run. See README.md, "Performance".
//!
//! Settings (environment): BENCH_SECONDS (5) per measurement, BENCH_COST
//! (10) the bcrypt cost, BENCH_SESSIONS (1000000) rows for the scale test,
//! BENCH_LIMITER_ATTEMPTS (1000000) sign-ins for the login limits' memory.
//!
//! `run` is the order of the measurements; each row is measured in
//! `scenarios/`, `storage.rs` holds what uses sesame's library directly.

mod clients;
mod load;
mod scenarios;
mod server;
mod setup;
mod storage;

use std::time::Duration;

use scenarios::{
    disk, limiter, login, me, memory, print_table, refresh, scale, startup, storm, CONNECTIONS,
};
use server::temp_database;
use setup::{sessions, start_with_user};

const PASSWORD: &str = "correct horse battery";

/// The user whom `me`, `refresh`, `login` and the storm act as.
const USER: &str = "bench@example.com";

fn setting(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

fn main() {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("a runtime");
    runtime.block_on(run());
}

async fn run() {
    let seconds = Duration::from_secs(setting("BENCH_SECONDS", 5));
    let cost = u32::try_from(setting("BENCH_COST", 10)).expect("a bcrypt cost");
    let bulk = setting("BENCH_SESSIONS", 1_000_000);
    let attempts = setting("BENCH_LIMITER_ATTEMPTS", 1_000_000);
    let folder = tempfile::tempdir().expect("a temporary folder");
    println!(
        "sesame benchmark: {}s per measurement, bcrypt cost {cost}, release build",
        seconds.as_secs()
    );
    let cost_flag = cost.to_string();
    // Limits high enough for 16 concurrent sign-ins of one user: each takes
    // a try before its password is checked (the default is 5 per account).
    let flags = [
        "--bcrypt-cost",
        cost_flag.as_str(),
        "--login-max-failures",
        "1000000",
        "--login-max-failures-per-ip",
        "1000000",
    ];

    // One server for the first four rows, in this order: the storm's idle
    // baseline reuses `me`'s sessions, and start-up then reopens its database.
    let db = temp_database(&folder, "main.db");
    let (sesame, _) = start_with_user(&db, &flags, USER).await;
    let access = sessions(sesame.address, USER, CONNECTIONS, "accessToken").await;
    let me = me::measure(sesame.address, &access, seconds).await;
    let (refresh, empty) = refresh::measure(sesame.address, USER, &folder, seconds).await;
    let login = login::measure(sesame.address, USER, cost, seconds).await;
    let storm = storm::measure(sesame.address, &access[..8], USER, seconds).await;
    sesame.stop();

    let startup = startup::measure(&db);
    let memory = memory::measure(&folder, seconds).await;
    let scale = scale::measure(&folder, &flags, bulk, seconds, &empty).await;
    let limiter = limiter::measure(&folder, attempts).await;
    let disk = disk::measure(&folder, seconds).await;
    print_table(&[
        me, refresh, login, storm, startup, memory, scale, limiter, disk,
    ]);
}
