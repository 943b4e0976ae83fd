//! `cargo bench --bench http`: sesame over real HTTP, each figure next to a
//! baseline measured in the same run. See README.md, "Performance".
//!
//! Settings (environment): BENCH_SECONDS (5) per measurement, BENCH_COST
//! (10) the bcrypt cost, BENCH_SESSIONS (1000000) rows for the scale test.

mod load;
mod server;

use std::net::SocketAddr;
use std::time::{Duration, Instant};

use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper::{Request, StatusCode};
use hyper_util::rt::TokioIo;
use serde_json::{json, Value};

use load::{drive, median_by, request, Client, Stats};
use server::{start_baseline, temp_database, time_to_healthy, Sesame};

const PASSWORD: &str = "correct horse battery";

/// `me` and its baseline, and idle `me` and `me` in a storm, are measured
/// this many times, alternately, and the median round kept.
const ROUNDS: usize = 3;

fn setting(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

struct Me(String);
impl Client for Me {
    fn next(&mut self, host: &str) -> Request<Full<Bytes>> {
        request("GET", host, "/api/me", Some(&self.0), None)
    }
}

struct Baseline;
impl Client for Baseline {
    fn next(&mut self, host: &str) -> Request<Full<Bytes>> {
        request("GET", host, "/api/me", None, None)
    }
}

/// Always presents the newest refresh token it got: every request rotates.
struct Refresher(String);
impl Client for Refresher {
    fn next(&mut self, host: &str) -> Request<Full<Bytes>> {
        request(
            "POST",
            host,
            "/auth/refresh",
            None,
            Some(json!({ "refreshToken": self.0 }).to_string()),
        )
    }
    fn answered(&mut self, status: StatusCode, body: &[u8]) {
        let token = serde_json::from_slice::<Value>(body)
            .ok()
            .and_then(|b| b["refreshToken"].as_str().map(str::to_owned));
        match token {
            Some(token) if status == StatusCode::OK => self.0 = token,
            _ => panic!("a rotation failed ({status}): the benchmark would measure errors"),
        }
    }
}

struct Login(String);
impl Client for Login {
    fn next(&mut self, host: &str) -> Request<Full<Bytes>> {
        request(
            "POST",
            host,
            "/auth/login",
            None,
            Some(json!({"email": self.0, "password": PASSWORD}).to_string()),
        )
    }
}

/// One request on a fresh connection, for setting things up.
async fn call(address: SocketAddr, path: &str, body: Value) -> Value {
    let stream = tokio::net::TcpStream::connect(address)
        .await
        .expect("connects");
    let (mut sender, connection) = hyper::client::conn::http1::handshake(TokioIo::new(stream))
        .await
        .expect("handshake");
    tokio::spawn(connection);
    let response = sender
        .send_request(request(
            "POST",
            &address.to_string(),
            path,
            None,
            Some(body.to_string()),
        ))
        .await
        .expect("an answer");
    let bytes = response
        .into_body()
        .collect()
        .await
        .expect("a body")
        .to_bytes();
    serde_json::from_slice(&bytes).expect("JSON")
}

async fn register(address: SocketAddr, email: &str) -> Value {
    call(
        address,
        "/auth/register",
        json!({"name": "Bench User", "email": email, "password": PASSWORD}),
    )
    .await
}

/// `count` sessions of `email`, by signing in that many times: the answers.
async fn sign_ins(address: SocketAddr, email: &str, count: usize) -> Vec<Value> {
    let mut answers = Vec::new();
    for _ in 0..count {
        let body = call(
            address,
            "/auth/login",
            json!({"email": email, "password": PASSWORD}),
        )
        .await;
        answers.push(body);
    }
    answers
}

/// The `field` token of each answer.
fn field_of_each(answers: &[Value], field: &str) -> Vec<String> {
    answers
        .iter()
        .map(|a| a[field].as_str().expect("a token").to_owned())
        .collect()
}

struct Row {
    name: &'static str,
    measured: String,
    baseline: String,
    ratio: String,
    goal: &'static str,
    met: bool,
}

fn ms(d: Duration) -> String {
    format!("{:.2} ms", d.as_secs_f64() * 1000.0)
}

fn summary(stats: &Stats) -> String {
    format!(
        "{:.0} req/s, p50 {}, p99 {}",
        stats.throughput(),
        ms(stats.percentile(0.5)),
        ms(stats.percentile(0.99))
    )
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
    let cost = setting("BENCH_COST", 10).to_string();
    let bulk = setting("BENCH_SESSIONS", 1_000_000);
    let folder = tempfile::tempdir().expect("a temporary folder");
    let mut rows = Vec::new();
    let limits = [
        "--login-max-failures",
        "1000000",
        "--login-max-failures-per-ip",
        "1000000",
    ];
    println!(
        "sesame benchmark: {}s per measurement, bcrypt cost {cost}, release build",
        seconds.as_secs()
    );

    // --- me: against a plain Actix handler ---
    let db = temp_database(&folder, "main.db");
    let mut flags = vec!["--bcrypt-cost", cost.as_str()];
    flags.extend(limits);
    let sesame = Sesame::start(&db, &flags);
    register(sesame.address, "bench@example.com").await;
    let connections = 64;
    // One session per connection, as that many clients would have.
    let access = field_of_each(
        &sign_ins(sesame.address, "bench@example.com", connections).await,
        "accessToken",
    );
    let baseline_address = start_baseline();
    tokio::time::sleep(Duration::from_millis(200)).await;
    let (mut me_rounds, mut ceiling_rounds) = (Vec::new(), Vec::new());
    for _ in 0..ROUNDS {
        let clients = access.iter().map(|t| Me(t.clone())).collect();
        me_rounds.push(drive(sesame.address, clients, seconds).await);
        let clients = (0..connections).map(|_| Baseline).collect();
        ceiling_rounds.push(drive(baseline_address, clients, seconds).await);
    }
    let me = median_by(me_rounds, Stats::throughput);
    let ceiling = median_by(ceiling_rounds, Stats::throughput);
    let ratio = me.throughput() / ceiling.throughput();
    println!(
        "me        {} ({} errors) | plain Actix {}",
        summary(&me),
        me.errors,
        summary(&ceiling)
    );
    rows.push(Row {
        name: "`me` (64 connections, one session each)",
        measured: summary(&me),
        baseline: format!("plain Actix handler: {}", summary(&ceiling)),
        ratio: format!("{:.0} %", ratio * 100.0),
        goal: "≥ 70 %",
        met: ratio >= 0.70 && me.errors == 0,
    });

    // --- refresh: against the storage layer's own rotation ---
    let tokens = field_of_each(
        &sign_ins(sesame.address, "bench@example.com", connections).await,
        "refreshToken",
    );
    let refresh = drive(
        sesame.address,
        tokens.into_iter().map(Refresher).collect(),
        seconds,
    )
    .await;
    let rotation = rotation_ceiling(&folder, connections, seconds).await;
    let ratio = refresh.throughput() / rotation;
    println!(
        "refresh   {} ({} errors) | storage layer {rotation:.0} rotations/s",
        summary(&refresh),
        refresh.errors
    );
    rows.push(Row {
        name: "`refresh` (64 sessions, every request rotates)",
        measured: summary(&refresh),
        baseline: format!("`Auth::refresh` in a loop, no HTTP: {rotation:.0} rotations/s"),
        ratio: format!("{:.0} %", ratio * 100.0),
        goal: "≥ 60 %",
        met: ratio >= 0.60 && refresh.errors == 0,
    });

    // --- login: against bcrypt on all cores ---
    let cores = std::thread::available_parallelism().map_or(2, |n| n.get());
    let login = drive(
        sesame.address,
        (0..16).map(|_| Login("bench@example.com".into())).collect(),
        seconds,
    )
    .await;
    let bcrypt_rate = bcrypt_ceiling(cost.parse().expect("a cost"), cores, seconds);
    let ratio = login.throughput() / bcrypt_rate;
    println!(
        "login     {} ({} errors) | bcrypt {bcrypt_rate:.1}/s on {cores} cores",
        summary(&login),
        login.errors
    );
    rows.push(Row {
        name: "`login` (16 connections)",
        measured: summary(&login),
        baseline: format!("bcrypt verify at cost {cost} on {cores} cores: {bcrypt_rate:.1}/s"),
        ratio: format!("{:.0} %", ratio * 100.0),
        goal: "≥ 90 %",
        met: ratio >= 0.90 && login.errors == 0,
    });

    // --- me during a login storm: against idle me, same connections ---
    let (mut idle_rounds, mut storm_rounds) = (Vec::new(), Vec::new());
    for _ in 0..ROUNDS {
        // Logins still queued from before must not be part of "idle".
        tokio::time::sleep(Duration::from_secs(2)).await;
        let clients = access[..8].iter().map(|t| Me(t.clone())).collect();
        idle_rounds.push(drive(sesame.address, clients, seconds).await);
        let storm = drive(
            sesame.address,
            (0..16).map(|_| Login("bench@example.com".into())).collect(),
            seconds + Duration::from_secs(1),
        );
        let during = async {
            tokio::time::sleep(Duration::from_millis(500)).await;
            let clients = access[..8].iter().map(|t| Me(t.clone())).collect();
            drive(sesame.address, clients, seconds).await
        };
        storm_rounds.push(tokio::join!(storm, during).1);
    }
    let idle = median_by(idle_rounds, Stats::p99);
    let during = median_by(storm_rounds, Stats::p99);
    let ratio = during.p99() / idle.p99();
    println!(
        "storm     {} ({} errors) | idle {}",
        summary(&during),
        during.errors,
        summary(&idle)
    );
    rows.push(Row {
        name: "`me` during a login storm (8 + 16 connections)",
        measured: format!("{} ({} errors)", summary(&during), during.errors),
        baseline: format!("idle `me`, 8 connections: {}", summary(&idle)),
        ratio: format!("p99 × {ratio:.2}"),
        goal: "p99 ≤ × 3, no errors",
        met: ratio <= 3.0 && during.errors == 0,
    });
    sesame.stop();

    // --- start-up on an existing database ---
    let mut startups: Vec<Duration> = (0..5).map(|_| time_to_healthy(&db)).collect();
    startups.sort();
    let startup = startups[2];
    println!("start-up  median {} of {:?}", ms(startup), startups);
    rows.push(Row {
        name: "start-up (exec to `/healthz` 200, existing database)",
        measured: format!("median {} of 5", ms(startup)),
        baseline: "—".into(),
        ratio: "—".into(),
        goal: "< 200 ms",
        met: startup < Duration::from_millis(200),
    });

    // --- memory at 256 connections ---
    let db = temp_database(&folder, "memory.db");
    let sesame = Sesame::start(&db, &["--bcrypt-cost", "4"]);
    let body = register(sesame.address, "memory@example.com").await;
    let token = body["accessToken"]
        .as_str()
        .expect("an access token")
        .to_owned();
    let busy = drive(
        sesame.address,
        (0..256).map(|_| Me(token.clone())).collect(),
        seconds,
    )
    .await;
    let peak = sesame.peak_memory() as f64 / (1024.0 * 1024.0);
    sesame.stop();
    println!("memory    peak {peak:.1} MiB under {}", summary(&busy));
    rows.push(Row {
        name: "peak memory, `me` at 256 connections",
        measured: format!("{peak:.1} MiB ({} errors)", busy.errors),
        baseline: "—".into(),
        ratio: "—".into(),
        goal: "≤ 50 MiB",
        met: peak <= 50.0 && busy.errors == 0,
    });

    // --- scale: refresh with a million sessions already stored ---
    let db = temp_database(&folder, "scale.db");
    let (inserted_in, bytes_per_session) = fill(&db, bulk);
    let sesame = Sesame::start(&db, &flags);
    register(sesame.address, "scale@example.com").await;
    let tokens = field_of_each(
        &sign_ins(sesame.address, "scale@example.com", connections).await,
        "refreshToken",
    );
    let scaled = drive(
        sesame.address,
        tokens.into_iter().map(Refresher).collect(),
        seconds,
    )
    .await;
    sesame.stop();
    let ratio = scaled.throughput() / refresh.throughput();
    println!(
        "scale     {} ({} errors) with {bulk} sessions (made in {:.1}s, {bytes_per_session:.0} B each) | empty {}",
        summary(&scaled),
        scaled.errors,
        inserted_in.as_secs_f64(),
        summary(&refresh)
    );
    rows.push(Row {
        name: "`refresh` with 1,000,000 sessions stored",
        measured: format!(
            "{} ({bytes_per_session:.0} B of database per session)",
            summary(&scaled)
        ),
        baseline: format!(
            "`refresh` on an empty database: {:.0} req/s",
            refresh.throughput()
        ),
        ratio: format!("{:.0} %", ratio * 100.0),
        goal: "≥ 80 %",
        met: ratio >= 0.80 && scaled.errors == 0,
    });

    println!();
    println!("| measurement | sesame | baseline (same run) | ratio | goal | met |");
    println!("|---|---|---|---|---|---|");
    for row in rows {
        let met = if row.met { "yes" } else { "**no**" };
        println!(
            "| {} | {} | {} | {} | {} | {met} |",
            row.name, row.measured, row.baseline, row.ratio, row.goal
        );
    }
}

/// bcrypt verifications per second at `cost`, one thread per core.
fn bcrypt_ceiling(cost: u32, cores: usize, duration: Duration) -> f64 {
    let hash = bcrypt::hash(PASSWORD, cost).expect("a hash");
    let started = Instant::now();
    let threads: Vec<_> = (0..cores)
        .map(|_| {
            let hash = hash.clone();
            std::thread::spawn(move || {
                let mut done = 0u64;
                while started.elapsed() < duration {
                    assert!(bcrypt::verify(PASSWORD, &hash).expect("verifies"));
                    done += 1;
                }
                done
            })
        })
        .collect();
    let done: u64 = threads
        .into_iter()
        .map(|t| t.join().expect("a thread"))
        .sum();
    done as f64 / started.elapsed().as_secs_f64()
}

/// Rotations per second through the storage layer itself (`Sessions::refresh`:
/// the same transaction, no HTTP), from `sessions` concurrent sessions.
async fn rotation_ceiling(folder: &tempfile::TempDir, sessions: usize, duration: Duration) -> f64 {
    use sesame::auth::{Accounts, Sessions};
    use sesame::config::secrets_file::Keys;
    use sesame::config::{Secret, Settings, SqliteFile};
    use sesame::db::Db;
    use sesame::domain::{Client, NewAccount};
    use std::sync::Arc;

    let path = temp_database(folder, "ceiling.db");
    let settings = Settings {
        bcrypt_cost: 4,
        ..Settings::default()
    };
    let keys = Keys {
        access: Secret::new(vec![1; 32]),
        refresh: Secret::new(vec![2; 32]),
    };
    let (db, writer) = Db::open(&SqliteFile::new(path)).expect("a database");
    let auth = Arc::new(Sessions::new(db.clone(), writer, &settings, &keys));
    let accounts = Accounts::new(db, Arc::clone(&auth), &settings);
    let mut tokens = Vec::new();
    for n in 0..sessions {
        let account =
            NewAccount::parse("Bench", &format!("ceiling{n}@example.com"), PASSWORD.into())
                .expect("a new account");
        let signed = accounts
            .register(account, &Client::default())
            .await
            .expect("registered");
        tokens.push(signed.refresh_token);
    }
    let started = Instant::now();
    let tasks: Vec<_> = tokens
        .into_iter()
        .map(|mut token| {
            let auth = Arc::clone(&auth);
            tokio::spawn(async move {
                let mut done = 0u64;
                while started.elapsed() < duration {
                    token = auth
                        .refresh(&token)
                        .await
                        .expect("a rotation")
                        .refresh_token;
                    done += 1;
                }
                done
            })
        })
        .collect();
    let mut done = 0;
    for task in tasks {
        done += task.await.expect("a task");
    }
    done as f64 / started.elapsed().as_secs_f64()
}

/// Stores `count` active sessions (with their refresh tokens, over 1,000
/// users) in one transaction; how long it took and the database bytes each
/// session added.
fn fill(path: &std::path::Path, count: u64) -> (Duration, f64) {
    use diesel::connection::SimpleConnection;
    use diesel::Connection;
    // Create and migrate it as sesame does.
    drop(sesame::db::Db::open(&sesame::config::SqliteFile::new(path)).expect("a database"));
    let size = |p: &std::path::Path| {
        let wal = std::fs::metadata(format!("{}-wal", p.display())).map_or(0, |m| m.len());
        std::fs::metadata(p).map_or(0, |m| m.len()) + wal
    };
    let before = size(path);
    let started = Instant::now();
    let mut conn =
        diesel::sqlite::SqliteConnection::establish(path.to_str().expect("a UTF-8 path"))
            .expect("connects");
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .expect("a clock")
        .as_millis();
    conn.batch_execute(&format!(
        "PRAGMA journal_mode = WAL;
         BEGIN IMMEDIATE;
         INSERT INTO users (id, name, email, password_hash, created_at)
           WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 1000)
           SELECT printf('%08x-0000-4000-8000-%012x', i, i), 'Bulk User', printf('bulk%d@example.com', i),
                  '$2b$04$abcdefghijklmnopqrstuuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZa', {now} FROM n;
         INSERT INTO sessions (id, user_id, user_agent, generation, created_at, last_used_at, idle_expires_at, expires_at, revoked_at)
           WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < {count})
           SELECT printf('%08x-%04x-4000-8000-%012x', i, i % 65536, i), printf('%08x-0000-4000-8000-%012x', 1 + i % 1000, 1 + i % 1000),
                  'Mozilla/5.0 (X11; Linux x86_64) Bench/1.0', 0, {now}, {now}, {now} + 604800000, {now} + 2592000000, NULL FROM n;
         INSERT INTO refresh_tokens (token_hash, session_id, generation, created_at, spent_at)
           SELECT randomblob(32), id, 0, created_at, NULL FROM sessions;
         COMMIT;
         PRAGMA wal_checkpoint(TRUNCATE);"
    ))
    .expect("bulk insert");
    let took = started.elapsed();
    drop(conn);
    (took, (size(path) - before) as f64 / count as f64)
}
