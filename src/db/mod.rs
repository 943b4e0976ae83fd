//! Storage: the pool, the pragmas, the embedded migrations, and the only
//! place that knows SQL or Diesel. The rest of the service calls the query
//! functions of `users`, `sessions` and `refresh_tokens` through `Db::read`
//! and `Db::write`, so another backend (PostgreSQL) only changes this module.

pub mod refresh_tokens;
mod schema;
pub mod server_lock;
pub mod sessions;
pub mod users;

use std::path::Path;
use std::time::Duration;

use diesel::connection::SimpleConnection;
use diesel::r2d2::{ConnectionManager, CustomizeConnection, Pool};
use diesel_migrations::{embed_migrations, EmbeddedMigrations, MigrationHarness};

use crate::blocking::Gate;
use crate::error::AppError;

pub use diesel::sqlite::SqliteConnection as Conn;

const MIGRATIONS: EmbeddedMigrations = embed_migrations!("migrations");

/// Connections in the pool; also how many queries run at once.
const POOL_SIZE: u32 = 8;
/// Queries that may wait for a connection before the service answers 503.
const MAX_QUEUED: usize = 512;
/// How long a write waits for SQLite's lock before giving up.
const BUSY_TIMEOUT: Duration = Duration::from_secs(5);

#[derive(Debug, thiserror::Error)]
pub enum OpenError {
    #[error("PostgreSQL is not supported yet; DATABASE_URL must be a SQLite file path")]
    Unsupported,
    #[error("cannot create the folder {0}: {1}")]
    Folder(String, std::io::Error),
    #[error("give a file path, not a file: URI")]
    Uri,
    #[error("cannot open the database: {0}")]
    Pool(#[from] diesel::r2d2::PoolError),
    #[error("cannot migrate the database: {0}")]
    Migrate(String),
}

/// The database: a pool of connections behind a bounded gate.
#[derive(Clone)]
pub struct Db {
    pool: Pool<ConnectionManager<Conn>>,
    gate: Gate,
}

impl Db {
    /// Opens (creating it and its folder if need be) and migrates the database.
    pub fn open(url: &str) -> Result<Db, OpenError> {
        configure_sqlite();
        let path = sqlite_path(url)?;
        create_folder(path)?;
        let pool = Pool::builder()
            .max_size(POOL_SIZE)
            .connection_timeout(BUSY_TIMEOUT)
            // r2d2 would run `SELECT 1` (parsed anew each time) before lending
            // every connection; a SQLite file does not drop connections.
            .test_on_check_out(false)
            .connection_customizer(Box::new(Pragmas))
            .build(ConnectionManager::<Conn>::new(path))?;
        let mut conn = pool.get().map_err(|e| OpenError::Migrate(e.to_string()))?;
        conn.run_pending_migrations(MIGRATIONS)
            .map_err(|e| OpenError::Migrate(e.to_string()))?;
        Ok(Db {
            pool,
            gate: Gate::new(POOL_SIZE as usize, MAX_QUEUED),
        })
    }

    /// Runs read-only queries on a pooled connection, off the async workers.
    pub async fn read<T, F>(&self, query: F) -> Result<T, AppError>
    where
        F: FnOnce(&mut Conn) -> Result<T, AppError> + Send + 'static,
        T: Send + 'static,
    {
        let pool = self.pool.clone();
        self.gate
            .run(move || {
                let mut conn = pool.get().map_err(|_| AppError::Busy)?;
                query(&mut conn)
            })
            .await?
    }

    /// Runs `work` in one transaction that takes SQLite's write lock at its
    /// start (`BEGIN IMMEDIATE`), so a read-then-write never fails half way on
    /// a lock upgrade. Committed when `work` returns `Ok`, rolled back on `Err`.
    pub async fn write<T, F>(&self, work: F) -> Result<T, AppError>
    where
        F: FnOnce(&mut Conn) -> Result<T, AppError> + Send + 'static,
        T: Send + 'static,
    {
        self.write_then(work, || ()).await
    }

    /// `write`, then `after` as soon as the transaction is over (committed or
    /// not), on the same blocking thread: it runs even when the request that
    /// asked for the write is dropped while waiting for it.
    pub async fn write_then<T, F, A>(&self, work: F, after: A) -> Result<T, AppError>
    where
        F: FnOnce(&mut Conn) -> Result<T, AppError> + Send + 'static,
        T: Send + 'static,
        A: FnOnce() + Send + 'static,
    {
        let pool = self.pool.clone();
        self.gate
            .run(move || {
                let written = pool
                    .get()
                    .map_err(|_| AppError::Busy)
                    .and_then(|mut conn| conn.immediate_transaction(work));
                after();
                written
            })
            .await?
    }

    /// Once no query is running any more, nor any waiting to (the server
    /// has stopped): only then may another server take over the file.
    pub async fn until_idle(&self) {
        self.gate.until_idle().await;
    }

    /// Whether the database answers a query that reads it (`SELECT 1` alone
    /// would not even touch the file).
    pub async fn ping(&self) -> bool {
        self.read(|conn| {
            conn.batch_execute("SELECT count(*) FROM sqlite_schema")
                .map_err(AppError::from)
        })
        .await
        .is_ok()
    }
}

/// Creates the folder the database file goes in, if need be.
pub fn create_folder(path: &str) -> Result<(), OpenError> {
    match Path::new(path)
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
    {
        Some(folder) => std::fs::create_dir_all(folder)
            .map_err(|e| OpenError::Folder(folder.display().to_string(), e)),
        None => Ok(()),
    }
}

/// Process-wide SQLite settings, before its first connection: no memory
/// statistics (a global mutex taken on every allocation), and multi-thread
/// mode (a connection is only ever used by one thread at a time, which the
/// pool guarantees), which drops the per-connection mutex.
fn configure_sqlite() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        // SAFETY: sqlite3_config is called before SQLite is initialised (the
        // first connection is opened after this), from one thread, with the
        // arguments each option takes. Were it too late, SQLite would answer
        // SQLITE_MISUSE and keep its defaults, which are also correct.
        unsafe {
            libsqlite3_sys::sqlite3_config(libsqlite3_sys::SQLITE_CONFIG_MULTITHREAD);
            libsqlite3_sys::sqlite3_config(
                libsqlite3_sys::SQLITE_CONFIG_MEMSTATUS,
                0 as std::ffi::c_int,
            );
        }
    });
}

/// The file path inside a SQLite database URL (`data/sesame.db`,
/// `sqlite://data/sesame.db` or `sqlite:data/sesame.db`).
pub fn sqlite_path(url: &str) -> Result<&str, OpenError> {
    if url.starts_with("postgres://") || url.starts_with("postgresql://") {
        return Err(OpenError::Unsupported);
    }
    // SQLite would read `file:` names as URIs (other paths, options), and one
    // file could then go by several names: see `server_lock`.
    if url.starts_with("file:") {
        return Err(OpenError::Uri);
    }
    Ok(url
        .strip_prefix("sqlite://")
        .or_else(|| url.strip_prefix("sqlite:"))
        .unwrap_or(url))
}

/// Set on every pooled connection: WAL (readers never wait for the writer),
/// `synchronous = FULL` (a commit is on disk before it is acknowledged, so
/// even a power loss keeps every acknowledged write), a busy timeout (writers
/// queue for the lock instead of failing) and foreign keys (SQLite leaves them
/// off by default).
#[derive(Debug)]
struct Pragmas;

impl CustomizeConnection<Conn, diesel::r2d2::Error> for Pragmas {
    fn on_acquire(&self, conn: &mut Conn) -> Result<(), diesel::r2d2::Error> {
        conn.batch_execute(&format!(
            "PRAGMA busy_timeout = {};
             PRAGMA journal_mode = WAL;
             PRAGMA synchronous = FULL;
             PRAGMA foreign_keys = ON;",
            BUSY_TIMEOUT.as_millis()
        ))
        .map_err(diesel::r2d2::Error::QueryError)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use diesel::sql_types::Text;
    use diesel::{QueryableByName, RunQueryDsl};

    #[derive(QueryableByName)]
    struct Value {
        #[diesel(sql_type = Text)]
        value: String,
    }

    fn query(conn: &mut Conn, sql: &str) -> String {
        diesel::sql_query(sql)
            .get_result::<Value>(conn)
            .unwrap()
            .value
    }

    #[test]
    fn every_pooled_connection_has_wal_full_sync_busy_timeout_and_foreign_keys() {
        let folder = tempfile::tempdir().unwrap();
        let url = folder.path().join("nested/test.db").display().to_string();
        let db = Db::open(&url).unwrap();
        let mut held = Vec::new();
        for _ in 0..POOL_SIZE {
            let mut conn = db.pool.get().unwrap();
            let pragma = |conn: &mut Conn, name: &str, column: &str| {
                query(
                    conn,
                    &format!("SELECT CAST({column} AS TEXT) AS value FROM pragma_{name}"),
                )
            };
            assert_eq!(pragma(&mut conn, "journal_mode", "journal_mode"), "wal");
            assert_eq!(pragma(&mut conn, "synchronous", "synchronous"), "2"); // FULL
            assert_eq!(pragma(&mut conn, "foreign_keys", "foreign_keys"), "1");
            assert_eq!(pragma(&mut conn, "busy_timeout", "timeout"), "5000");
            held.push(conn);
        }
    }

    #[actix_web::test]
    async fn what_follows_a_write_runs_even_when_its_request_is_dropped() {
        use std::sync::atomic::{AtomicBool, Ordering};
        use std::sync::Arc;
        let folder = tempfile::tempdir().unwrap();
        let db = Db::open(&folder.path().join("test.db").display().to_string()).unwrap();
        let done = Arc::new(AtomicBool::new(false));
        let flag = Arc::clone(&done);
        let write = db.write_then(
            |conn| {
                std::thread::sleep(Duration::from_millis(500));
                conn.batch_execute("CREATE TABLE t (x INTEGER)")
                    .map_err(AppError::from)
            },
            move || flag.store(true, Ordering::SeqCst),
        );
        // Gives up on the write while it runs, as a disconnected client would.
        let gave_up = actix_web::rt::time::timeout(Duration::from_millis(50), write).await;
        assert!(gave_up.is_err(), "the write was still running");
        assert!(!done.load(Ordering::SeqCst));
        for _ in 0..100 {
            if done.load(Ordering::SeqCst) {
                return;
            }
            actix_web::rt::time::sleep(Duration::from_millis(50)).await;
        }
        panic!("what follows the write did not run although the write did");
    }

    #[test]
    fn postgres_urls_are_refused_clearly_for_now() {
        assert!(matches!(
            Db::open("postgres://localhost/sesame"),
            Err(OpenError::Unsupported)
        ));
        assert_eq!(sqlite_path("sqlite://data/x.db").unwrap(), "data/x.db");
        assert!(matches!(
            sqlite_path("file:x.db?mode=ro"),
            Err(OpenError::Uri)
        ));
    }
}
