//! `login` with a second step (a TOTP code) against a password sign-in at
//! the same bcrypt cost, measured alternately: the second step (a ticket
//! written, a code checked, one more request) should cost little beside
//! the bcrypt work both do.

use std::collections::VecDeque;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use serde_json::{json, Value};
use totp_rs::TOTP;

use super::{alternately, percent, summary, Row};
use crate::clients::logins;
use crate::load::{drive, request, KeepAlive, Stats};
use crate::PASSWORD;

/// Connections signing in at once, as the `login` row.
const CONNECTIONS: usize = 16;
const STEP: u64 = 30;

/// An account with TOTP on, and the newest step a code of it was used for.
struct Account {
    email: String,
    totp: TOTP,
    last_step: u64,
}

/// Accounts taken in turn; one whose codes of this step and the next are
/// used waits at the back (sesame refuses a code of a step used before).
type Pool = Arc<Mutex<VecDeque<Account>>>;

/// `None` when the binary measured has no second factors (`BENCH_SESAME`
/// set to an older build, to compare the other rows).
pub async fn measure(sesame: SocketAddr, password_user: &str, seconds: Duration) -> Option<Row> {
    if !has_second_factors(sesame).await {
        println!("second step: skipped, this binary has no /auth/totp");
        return None;
    }
    // Enough accounts that each signs in once over every round, at the
    // password rate (measured first, briefly), with room to spare: an
    // account's next code is of a step it has not used.
    let probe = drive(
        sesame,
        logins(password_user, CONNECTIONS),
        Duration::from_secs(2),
    )
    .await;
    let total = probe.throughput() * (seconds.as_secs_f64() + 1.0) * super::ROUNDS as f64;
    let count = (total * 1.2).ceil() as usize + 2 * CONNECTIONS;
    println!("second step: enrolling {count} accounts with TOTP");
    let pool: Pool = Arc::new(Mutex::new(enrol(sesame, count).await));
    let (totp, password) = alternately(
        async || second_steps(sesame, &pool, seconds).await,
        async || drive(sesame, logins(password_user, CONNECTIONS), seconds).await,
        Stats::throughput,
    )
    .await;
    let ratio = totp.throughput() / password.throughput();
    println!(
        "second step {} | password sign-in {}",
        summary(&totp),
        summary(&password)
    );
    Some(Row {
        name: "`login` + TOTP second step (16 connections)",
        measured: summary(&totp),
        baseline: format!("password sign-in, same cost: {}", summary(&password)),
        ratio: percent(ratio),
        goal: "≥ 98 %",
        met: ratio >= 0.98 && totp.errors == 0 && password.errors == 0,
    })
}

/// Whether `/auth/totp` exists (401 without a token, where an older build
/// answers 404).
async fn has_second_factors(sesame: SocketAddr) -> bool {
    let mut connection = KeepAlive::open(sesame).await;
    let (status, _) = post(&mut connection, "/auth/totp", None, json!({})).await;
    status != hyper::StatusCode::NOT_FOUND
}

/// `count` new accounts, each with TOTP confirmed.
async fn enrol(sesame: SocketAddr, count: usize) -> VecDeque<Account> {
    let mut connection = KeepAlive::open(sesame).await;
    let mut accounts = VecDeque::new();
    for n in 0..count {
        let email = format!("totp{n}@example.com");
        let body = json!({"name": "Bench", "email": email, "password": PASSWORD});
        let (_, registered) = post(&mut connection, "/auth/register", None, body).await;
        let access = registered["accessToken"]
            .as_str()
            .expect("a token")
            .to_owned();
        let body = json!({ "password": PASSWORD });
        let (_, enrolment) = post(&mut connection, "/auth/totp", Some(&access), body).await;
        let uri = enrolment["uri"].as_str().expect("an otpauth URI");
        let totp = TOTP::from_url_unchecked(uri).expect("a TOTP URI");
        let step = now_step();
        let code = totp.generate(step * STEP);
        let (status, _) = post(
            &mut connection,
            "/auth/totp/confirm",
            Some(&access),
            json!({ "code": code }),
        )
        .await;
        assert!(status.is_success(), "confirm: {status}");
        accounts.push_back(Account {
            email,
            totp,
            last_step: step,
        });
    }
    accounts
}

/// Sign-ins with a second step on `CONNECTIONS` connections for `duration`:
/// each one (password, then code) counted once, as `Stats`.
async fn second_steps(sesame: SocketAddr, pool: &Pool, duration: Duration) -> Stats {
    let started = Instant::now();
    let deadline = started + duration;
    let tasks: Vec<_> = (0..CONNECTIONS)
        .map(|_| {
            let pool = Arc::clone(pool);
            tokio::spawn(async move {
                let mut connection = KeepAlive::open(sesame).await;
                let mut stats = Stats::default();
                while Instant::now() < deadline {
                    let (mut account, step) = take(&pool);
                    let begun = Instant::now();
                    let body = json!({"email": account.email, "password": PASSWORD});
                    let (_, asked) = post(&mut connection, "/auth/login", None, body).await;
                    let ticket = asked["ticket"].as_str().unwrap_or_default().to_owned();
                    let code = account.totp.generate(step * STEP);
                    let body = json!({ "ticket": ticket, "code": code });
                    let (status, _) =
                        post(&mut connection, "/auth/login/second-factor", None, body).await;
                    if status.is_success() {
                        stats.ok += 1;
                        stats.latencies.push(begun.elapsed());
                    } else {
                        stats.errors += 1;
                    }
                    account.last_step = step;
                    pool.lock().expect("the pool").push_back(account);
                }
                stats
            })
        })
        .collect();
    let mut total = Stats::default();
    for task in tasks {
        let stats = task.await.expect("a connection");
        total.ok += stats.ok;
        total.errors += stats.errors;
        total.latencies.extend(stats.latencies);
    }
    total.elapsed = started.elapsed();
    total.latencies.sort();
    total
}

/// The next account with a step it has not used (sesame accepts one step
/// either side of the current one), and that step. Should every account
/// have used its steps (too few enrolled), it waits for the next step.
fn take(pool: &Pool) -> (Account, u64) {
    loop {
        {
            let mut pool = pool.lock().expect("the pool");
            for _ in 0..pool.len() {
                let account = pool.pop_front().expect("an account");
                let step = (account.last_step + 1).max(now_step().saturating_sub(1));
                if step <= now_step() + 1 {
                    return (account, step);
                }
                pool.push_back(account);
            }
        }
        eprintln!("second step: every account used its codes of this step; waiting");
        std::thread::sleep(Duration::from_millis(200));
    }
}

fn now_step() -> u64 {
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .expect("after 1970");
    now.as_secs() / STEP
}

async fn post(
    connection: &mut KeepAlive,
    path: &str,
    bearer: Option<&str>,
    body: Value,
) -> (hyper::StatusCode, Value) {
    let host = connection.host.clone();
    let (status, bytes) = connection
        .send(request("POST", &host, path, bearer, Some(body.to_string())))
        .await;
    (
        status,
        serde_json::from_slice(&bytes).unwrap_or(Value::Null),
    )
}
