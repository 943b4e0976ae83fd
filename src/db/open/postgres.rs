//! Opening a PostgreSQL database: the pool, and the embedded migrations, run
//! by one instance at a time (instances started together migrate once: the
//! others wait for the lock, then find nothing left to do).

use std::time::Duration;

use diesel::connection::SimpleConnection;
use diesel::r2d2::{NopErrorHandler, Pool};
use diesel_migrations::{embed_migrations, EmbeddedMigrations, MigrationHarness};

use super::OpenError;
use crate::config::PostgresUrl;
use crate::db::conn::{Conn, Manager, Target};
use crate::db::pool_threads::PoolThreads;

const MIGRATIONS: EmbeddedMigrations = embed_migrations!("migrations/postgres");

/// Connections in the pool; also how many queries run at once.
pub const POOL_SIZE: u32 = 16;
/// How long a query waits for a connection before the service answers 503
/// (while the server is down, each new connection fails at once, but the
/// pool keeps trying until this runs out).
const CONNECT_TIMEOUT: Duration = Duration::from_secs(2);
/// The advisory lock that migrations run under (any number, the same in
/// every instance: "sesame" in ASCII).
pub const MIGRATION_LOCK: i64 = 0x7365_7361_6d65;

pub fn open_pool(url: &PostgresUrl, threads: &PoolThreads) -> Result<Pool<Manager>, OpenError> {
    let pool = Pool::builder()
        .thread_pool(threads.for_pool())
        .max_size(POOL_SIZE)
        // Failures are answered (503) and logged where they happen, once.
        .error_handler(Box::new(NopErrorHandler))
        // Connections are made as needed, not all before serving.
        .min_idle(Some(2))
        .connection_timeout(CONNECT_TIMEOUT)
        // A connection the server dropped (a restart) is found out before it
        // is lent, not by the request that gets it.
        .test_on_check_out(true)
        .build(Manager(Target::Postgres(url.expose().to_owned())))
        .map_err(|e| refused(url, &e))?;
    let mut conn = pool.get().map_err(|e| refused(url, &e))?;
    let Conn::Postgres(conn) = &mut *conn else {
        unreachable!("a PostgreSQL pool lends PostgreSQL connections")
    };
    let migrate_error =
        |e: &dyn std::fmt::Display| OpenError::Migrate(url.hide_password(&e.to_string()));
    conn.batch_execute(&format!("SELECT pg_advisory_lock({MIGRATION_LOCK})"))
        .map_err(|e| migrate_error(&e))?;
    let migrated = conn
        .run_pending_migrations(MIGRATIONS)
        .map(|_| ())
        .map_err(|e| migrate_error(&e));
    conn.batch_execute(&format!("SELECT pg_advisory_unlock({MIGRATION_LOCK})"))
        .map_err(|e| migrate_error(&e))?;
    migrated?;
    Ok(pool)
}

/// libpq's message, which may quote a piece of the URL, without its password.
fn refused(url: &PostgresUrl, error: &diesel::r2d2::PoolError) -> OpenError {
    OpenError::Connect(url.hide_password(&super::one_line(error)))
}
