//! `cargo bench --bench http`: sesame over real HTTP, each figure next to a
//! baseline measured in the same run. See docs/PERFORMANCE.md.
//!
//! Settings (environment): BENCH_ONLY (postgres, sqlite or core: `me`,
//! `verify`, `refresh`, `login`, the second step, `forgot` alone; tokens: the
//! token endpoint's rows alone), BENCH_SESAME (the binary to measure
//! instead of this build's; `second_step` needs one with second factors), BENCH_SECONDS (5) per measurement, BENCH_COST
//! (10) the bcrypt cost, BENCH_SESSIONS (1000000) rows for the scale test,
//! BENCH_LIMITER_ATTEMPTS (1000000) sign-ins for the login limits' memory,
//! BENCH_ONLY (unset: every row) `postgres` for the PostgreSQL rows and the
//! SQLite `me`, `refresh` and `login` rows they compare to, or `sqlite` for
//! every row but the PostgreSQL ones, or `metrics` for `me` with metrics on
//! and off alone, or `speed` for issue 24's rows alone: each server under
//! test pinned to one CPU (one worker) and this load generator to another
//! (unpinned, and said, on fewer than 2 CPUs), `me` against bare Actix in a
//! pinned process of its own, the fsync-per-commit ceiling on the same disk,
//! and durable refresh at 1, 8, 32 and 128 sessions against it and Express;
//! medians of three runs (`scenarios/speed.rs`). The other modes are unpinned.
//!
//! `run` is the order of the measurements; each row is measured in
//! `scenarios/`, `storage.rs` holds what uses sesame's library directly,
//! `pg_rotation.rs` what uses PostgreSQL directly, `cluster.rs` the
//! PostgreSQL server the PostgreSQL rows start (with `tests/postgres.sh`).

mod clients;
mod cluster;
mod load;
mod pg_rotation;
mod scenarios;
mod server;
mod setup;
mod storage;

use std::time::Duration;

use cluster::{wait_for_listeners, Cluster};
use scenarios::postgres::Figures;
use scenarios::{
    backchannel, disk, forgot, limiter, login, me, memory, metrics, oidc_tokens, pg_refresh,
    pinned, postgres, print_table, propagation, refresh, scale, second_step, speed, startup, storm,
    verify, Row, CONNECTIONS,
};
use server::{temp_database, Sesame};
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
    // This binary re-run as the pinned bare Actix server (BENCH_ONLY=speed).
    if std::env::var_os(pinned::SERVE_BASELINE).is_some() {
        pinned::serve_baseline();
        return;
    }
    // Pinned before the runtime is built, so its threads inherit the CPU.
    let server_cpu = match std::env::var("BENCH_ONLY").as_deref() {
        Ok("speed") => pinned::pin_load_generator(),
        _ => None,
    };
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("a runtime");
    runtime.block_on(run(server_cpu));
}

/// Which rows a run measures (BENCH_ONLY).
#[derive(PartialEq, Eq)]
enum Only {
    All,
    Postgres,
    Sqlite,
    /// `me`, `verify`, `refresh` and `login` on SQLite only.
    Core,
    /// The token endpoint's rows alone (`/oauth/token` beside `refresh`).
    Tokens,
    /// `me` with metrics on beside `me` with them off.
    Metrics,
    /// Issue 24's pinned rows alone.
    Speed,
}

/// `server_cpu`: where BENCH_ONLY=speed pins the servers (None: unpinned).
async fn run(server_cpu: Option<usize>) {
    let seconds = Duration::from_secs(setting("BENCH_SECONDS", 5));
    let cost = u32::try_from(setting("BENCH_COST", 10)).expect("a bcrypt cost");
    let bulk = setting("BENCH_SESSIONS", 1_000_000);
    let attempts = setting("BENCH_LIMITER_ATTEMPTS", 1_000_000);
    let only = match std::env::var("BENCH_ONLY").as_deref() {
        Err(_) | Ok("") => Only::All,
        Ok("postgres") => Only::Postgres,
        Ok("sqlite") => Only::Sqlite,
        Ok("core") => Only::Core,
        Ok("tokens") => Only::Tokens,
        Ok("metrics") => Only::Metrics,
        Ok("speed") => Only::Speed,
        Ok(other) => {
            panic!(
                "BENCH_ONLY={other}: give postgres, sqlite, core, tokens, metrics or speed, or leave it unset"
            )
        }
    };
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
        // The second step's row makes hundreds of accounts from one address.
        "--register-max-per-ip",
        "1000000",
    ];

    if only == Only::Speed {
        print_table(&speed::measure(&folder, USER, server_cpu, seconds).await);
        return;
    }
    if only == Only::Metrics {
        print_table(&[metrics::measure(&folder, &flags, USER, seconds).await]);
        return;
    }
    // One server for the first four rows, in this order: the storm's idle
    // baseline reuses `me`'s sessions, and start-up then reopens its database.
    let db = temp_database(&folder, "main.db");
    let (sesame, _) = start_with_user(&db, &flags, USER).await;
    if only == Only::Tokens {
        let tokens = oidc_tokens::measure(sesame.address, &db, USER, seconds).await;
        sesame.stop();
        print_table(&tokens.unwrap_or_default());
        return;
    }
    let access = sessions(sesame.address, USER, CONNECTIONS, "accessToken").await;
    let (me, me_figure) = me::measure(sesame.address, &access, seconds).await;
    let (refresh, empty) = refresh::measure(sesame.address, USER, &folder, seconds).await;
    let (login, login_figure) = login::measure(sesame.address, USER, cost, seconds).await;
    let verify = verify::measure(sesame.address, &access, seconds).await;
    let second = second_step::measure(sesame.address, USER, seconds).await;
    let tokens = oidc_tokens::measure(sesame.address, &db, USER, seconds).await;
    let logouts = backchannel::measure(sesame.address, &db, USER).await;
    let mut rows = vec![me, verify, refresh, login];
    rows.extend(second);
    rows.extend(tokens.into_iter().flatten());
    rows.extend(logouts);
    rows.extend(forgot::measure(sesame.address, USER, seconds).await);
    if only == Only::Core {
        sesame.stop();
        print_table(&rows);
        return;
    }
    if only != Only::Postgres {
        rows.push(storm::measure(sesame.address, &access[..8], USER, seconds).await);
    }
    sesame.stop();
    // Right after the SQLite rows they compare to, shown after the others.
    let sqlite = Figures {
        me: me_figure,
        refresh: empty.clone(),
        login: login_figure,
    };
    let postgres = match only {
        Only::Sqlite => Vec::new(),
        _ => postgres_rows(&flags, seconds, &sqlite).await,
    };

    if only != Only::Postgres {
        rows.push(metrics::measure(&folder, &flags, USER, seconds).await);
        rows.push(startup::measure(&db));
        rows.push(memory::measure(&folder, seconds).await);
        rows.push(scale::measure(&folder, &flags, bulk, seconds, &empty).await);
        rows.push(limiter::measure(&folder, attempts).await);
        rows.push(disk::measure(&folder, seconds).await);
    }
    rows.extend(postgres);
    print_table(&rows);
}

/// On a PostgreSQL cluster of their own (a database each): `me`, `refresh`
/// and `login` on one instance and on two, `refresh` against PostgreSQL's
/// own rotation loop, and revocation between the two instances.
async fn postgres_rows(flags: &[&str], seconds: Duration, sqlite: &Figures) -> Vec<Row> {
    let cluster = Cluster::start();
    let url = cluster.database("one_instance");
    let (sesame, _) = start_with_user(&url, flags, USER).await;
    wait_for_listeners(&url, 1).await;
    let one = postgres::measure(&[sesame.address], USER, seconds).await;
    sesame.stop();
    let rotation = cluster.database("rotation_loop");
    let looped = pg_refresh::measure(&rotation, flags, &one.refresh, seconds).await;

    let url = cluster.database("two_instances");
    let (a, _) = start_with_user(&url, flags, USER).await;
    let b = Sesame::start(&url, flags);
    wait_for_listeners(&url, 2).await;
    let two = postgres::measure(&[a.address, b.address], USER, seconds).await;
    let propagated = propagation::measure(a.address, b.address, USER).await;
    a.stop();
    b.stop();

    let mut rows = postgres::rows(1, &one, sqlite);
    rows.extend(postgres::rows(2, &two, sqlite));
    rows.extend([looped, propagated]);
    rows
}
