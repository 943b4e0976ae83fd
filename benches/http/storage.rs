//! The only part of the benchmark that reaches into sesame's library instead
//! of its HTTP API: the storage layer's own rotation rate (the `refresh`
//! row's baseline) and the bulk fill for the scale row. Kept together so a
//! change to those internals touches this file alone.

use std::time::{Duration, Instant};

use crate::server::{database_bytes, temp_database};
use crate::PASSWORD;

/// Rotations per second through the storage layer itself (`Sessions::refresh`:
/// the same transaction, no HTTP), from `sessions` concurrent sessions.
pub async fn rotation_ceiling(
    folder: &tempfile::TempDir,
    sessions: usize,
    duration: Duration,
) -> f64 {
    use sesame::auth::{Accounts, LimitStore, Sessions};
    use sesame::config::secrets_file::Keys;
    use sesame::config::{Database, Secret, Settings};
    use sesame::db::Db;
    use sesame::domain::{Client, NewAccount};
    use std::sync::Arc;

    let path = temp_database(folder, "ceiling.db");
    let settings = Settings {
        bcrypt_cost: 4,
        ..Settings::default()
    };
    let keys = Keys {
        refresh: Secret::new(vec![2; 32]),
    };
    let (db, writer) = Db::open(&Database::sqlite(path)).expect("a database");
    let auth = Arc::new(Sessions::new(db.clone(), writer, &settings, &keys));
    // Signs access tokens as a server would (the key is made now).
    sesame::auth::keys::KeyRing::start(db.clone(), auth.access_tokens(), &settings)
        .expect("a signing key");
    let outbox = sesame::auth::outbox::Outbox::new(db.clone(), settings.mail_retry_for);
    let accounts = Accounts::new(db, Arc::clone(&auth), &settings, &LimitStore::Local, outbox);
    let mut tokens = Vec::new();
    for n in 0..sessions {
        let email = format!("ceiling{n}@example.com");
        let account = NewAccount::parse("Bench", &email, PASSWORD.into()).expect("a new account");
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
                    match auth.refresh(&token).await {
                        Ok(signed) => {
                            token = signed.refresh_token;
                            done += 1;
                        }
                        // SQLite's write lock stayed busy (rarely, under this
                        // load): the rotation was rolled back; try again, as
                        // a client answered 503 would.
                        Err(sesame::error::AppError::Busy) => {}
                        Err(other) => panic!("a rotation: {other}"),
                    }
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
pub fn fill(path: &std::path::Path, count: u64) -> (Duration, f64) {
    use diesel::connection::SimpleConnection;
    use diesel::Connection;
    // Create and migrate it as sesame does.
    drop(sesame::db::Db::open(&sesame::config::Database::sqlite(path)).expect("a database"));
    let before = database_bytes(path);
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
    (took, (database_bytes(path) - before) as f64 / count as f64)
}
