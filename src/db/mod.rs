//! Storage: the pool, the migrations, and the only place that knows SQL or
//! Diesel. The rest of the service runs the query functions of `users`,
//! `sessions` and `refresh_tokens` inside `Db::read` and `Db::write` (a
//! transaction), on either backend: a SQLite file (one server) or
//! PostgreSQL (any number of instances; `listen` tells them of each other's
//! session changes, `rate_limits` and `secrets` hold what they share).
//!
//! The queries that write session and refresh-token rows are methods of the
//! one `SessionWriter` that `Db::open` hands out (see `session_writer`).
//!
//! The queries of every refresh and of a session looked up cold run on the
//! backend's own connection (`each_backend!`), not through `Conn`: Diesel's
//! multi-backend connection writes a query's SQL out again at every
//! execution, even when its prepared statement is cached, where the
//! backend's own connection finds the statement by the query's type.

pub mod app_session_ends;
pub mod audit_events;
pub mod backchannel_logouts;
mod cached_updates;
mod conn;
pub mod email_links;
mod group_commit;
pub mod known_devices;
mod listen;
pub mod mail_outbox;
pub mod oauth_clients;
pub mod oauth_codes;
pub mod oauth_consents;
mod open;
pub mod passkeys;
pub mod password_resets;
mod pg_schema;
mod pool_threads;
pub mod rate_limits;
pub mod recovery_codes;
pub mod refresh_tokens;
mod schema;
mod secrets;
pub mod server_lock;
mod session_revokes;
mod session_writer;
pub mod sessions;
pub mod sign_in_alerts;
pub mod sign_in_tickets;
pub mod signing_keys;
pub mod totp_secrets;
mod upkeep;
pub mod users;
mod vacuum;

use diesel::r2d2::Pool;
use std::sync::Arc;
use std::time::Duration;

use crate::config::Database;
use crate::error::AppError;
use crate::metrics::Metrics;
use crate::offload::Gate;
use conn::{in_transaction, Begin, Manager};
use group_commit::GroupCommit;
use pool_threads::PoolThreads;

pub(crate) use conn::each_backend;
pub use conn::Conn;
pub use listen::{announce, Hears, Listener, SessionsChanged};
pub use open::{create_private, OpenError};
pub use session_writer::SessionWriter;

/// Queries that may wait for a connection before the service answers 503.
const MAX_QUEUED: usize = 512;
/// How long a write may wait for its turn before the service answers 503.
const WRITE_WAIT: Duration = Duration::from_secs(5);
/// The database: a pool of connections behind a bounded gate.
#[derive(Clone)]
pub struct Db {
    pool: Pool<Manager>,
    gate: Gate,
    /// SQLite only: the process's one writer, which commits the writes
    /// asked for together in one transaction (see `group_commit`). SQLite
    /// allows one writer anyway, and its busy handler would let waiting
    /// writers poll with growing sleeps; here they wait in line, at most
    /// `WRITE_WAIT`, and share an fsync. PostgreSQL writes run side by
    /// side, locking rows.
    writer: Option<Arc<GroupCommit>>,
    /// This server's metrics: its database errors counted here, and handed
    /// to every owner, which all hold a `Db` already.
    metrics: Metrics,
    /// Last, so that the last handle's pool is dropped before the threads
    /// are waited for (see `pool_threads`): once every handle is gone, no
    /// thread of the pool's runs any more.
    _threads: Arc<PoolThreads>,
}

impl Db {
    /// Opens (creating it and its folder if need be) and migrates the
    /// database; with it comes the one writer of its session rows, for
    /// `auth::Sessions` to own.
    pub fn open(database: &Database) -> Result<(Db, SessionWriter), OpenError> {
        // Waited for even when opening fails half way.
        let threads = Arc::new(PoolThreads::new());
        let db = match database {
            Database::Sqlite(file) => {
                let (pool, metrics) = (open::open_sqlite(file, &threads)?, Metrics::new());
                let writer =
                    GroupCommit::start(pool.clone(), metrics.writes(), MAX_QUEUED, WRITE_WAIT)
                        .map_err(OpenError::Writer)?;
                Db {
                    pool,
                    gate: Gate::new(open::SQLITE_POOL_SIZE as usize, MAX_QUEUED),
                    writer: Some(Arc::new(writer)),
                    metrics,
                    _threads: threads,
                }
            }
            Database::Postgres(url) => Db {
                pool: open::open_postgres(url, &threads)?,
                gate: Gate::new(open::POSTGRES_POOL_SIZE as usize, MAX_QUEUED),
                writer: None,
                metrics: Metrics::new(),
                _threads: threads,
            },
        };
        Ok((db, SessionWriter::new()))
    }

    /// This server's metrics.
    pub fn metrics(&self) -> &Metrics {
        &self.metrics
    }

    /// Whether this database is shared with other instances (PostgreSQL).
    pub fn is_shared(&self) -> bool {
        self.writer.is_none()
    }

    /// Runs read-only queries on a pooled connection, off the async workers,
    /// in one read transaction: several reads see one state of the database,
    /// never a write committed between two of them.
    pub async fn read<T, F>(&self, query: F) -> Result<T, AppError>
    where
        F: FnOnce(&mut Conn) -> Result<T, AppError> + Send + 'static,
        T: Send + 'static,
    {
        let pool = self.pool.clone();
        self.gate
            .run(move || {
                let mut conn = pool.get().map_err(|_| AppError::Busy)?;
                let read = in_transaction(&mut conn, Begin::Read, query);
                unreachable_is_busy(&mut conn, read)
            })
            .await?
            .inspect_err(|error| self.count_if_failed(error))
    }

    /// Runs `work` in one write transaction (see `Begin::Write`). Committed
    /// when `work` returns `Ok`, rolled back on `Err`.
    pub async fn write<T, F>(&self, work: F) -> Result<T, AppError>
    where
        F: FnOnce(&mut Conn) -> Result<T, AppError> + Send + 'static,
        T: Send + 'static,
    {
        self.write_then(work, || ()).await
    }

    /// `write`, then `after` as soon as the transaction is over (committed or
    /// not), on the thread that ran it, before the answer: it runs even when
    /// the request that asked for the write is dropped while waiting for it.
    /// On SQLite the transaction may hold other writes too, each in a
    /// savepoint of its own (`group_commit`): `work`'s error rolls back its
    /// own changes alone, and its answer waits for the commit.
    pub async fn write_then<T, F, A>(&self, work: F, after: A) -> Result<T, AppError>
    where
        F: FnOnce(&mut Conn) -> Result<T, AppError> + Send + 'static,
        T: Send + 'static,
        A: FnOnce() + Send + 'static,
    {
        let written = match &self.writer {
            Some(writer) => writer.write(work, after).await,
            None => {
                let (pool, writes) = (self.pool.clone(), self.metrics.writes());
                self.gate
                    .run(move || {
                        let written =
                            pool.get().map_err(|_| AppError::Busy).and_then(|mut conn| {
                                let written = in_transaction(&mut conn, Begin::Write, work);
                                if written.is_ok() {
                                    writes.committed(1);
                                }
                                unreachable_is_busy(&mut conn, written)
                            });
                        after();
                        written
                    })
                    .await
                    .and_then(|written| written)
            }
        };
        written.inspect_err(|error| self.count_if_failed(error))
    }

    /// A query that failed unexpectedly (`AppError::Unexpected`, what a
    /// Diesel error maps to) counts as a database error; a refusal a query
    /// raised on purpose, or busy, does not.
    fn count_if_failed(&self, error: &AppError) {
        if matches!(error, AppError::Unexpected(_)) {
            self.metrics.database_error();
        }
    }
}

/// A query that failed because the database cannot be reached (PostgreSQL
/// restarting, the network gone) is the server being unavailable, not a
/// fault: 503, never 500. Told apart by the connection no longer answering.
fn unreachable_is_busy<T>(conn: &mut Conn, outcome: Result<T, AppError>) -> Result<T, AppError> {
    use diesel::r2d2::R2D2Connection;
    match outcome {
        Err(AppError::Unexpected(cause)) if matches!(conn, Conn::Postgres(_)) => {
            if conn.ping().is_err() {
                log::warn!("the database cannot be reached: {cause}");
                Err(AppError::Busy)
            } else {
                Err(AppError::Unexpected(cause))
            }
        }
        other => other,
    }
}

#[cfg(test)]
mod tests;
