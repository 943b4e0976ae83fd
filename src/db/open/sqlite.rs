//! Opening the SQLite file: its folder, the process-wide SQLite settings,
//! the pool with the pragmas every connection gets, and the embedded
//! migrations, run on start.

use std::time::Duration;

use diesel::connection::SimpleConnection;
use diesel::r2d2::{CustomizeConnection, NopErrorHandler, Pool};
use diesel::SqliteConnection;
use diesel_migrations::{embed_migrations, EmbeddedMigrations, MigrationHarness};

use super::OpenError;
use crate::config::SqliteFile;
use crate::db::conn::{Conn, Manager, Target};
use crate::db::pool_threads::PoolThreads;

const MIGRATIONS: EmbeddedMigrations = embed_migrations!("migrations/sqlite");

/// How many reads run at once; the pool has one connection more, for the
/// writer (`group_commit`).
pub const POOL_SIZE: u32 = 8;
/// The write-ahead log is cut back to this size after each checkpoint, so
/// a burst of writes does not leave a large file behind.
const WAL_SIZE_LIMIT: u64 = 4 * 1024 * 1024;
/// How long a write waits for SQLite's lock before giving up.
const BUSY_TIMEOUT: Duration = Duration::from_secs(5);

/// The migrated database's pool (creating the file and its folder if need be).
pub fn open_pool(file: &SqliteFile, threads: &PoolThreads) -> Result<Pool<Manager>, OpenError> {
    configure_sqlite();
    create_private(file)?;
    let path = file.path().to_str().ok_or(OpenError::NotUtf8)?;
    let pool = Pool::builder()
        .max_size(POOL_SIZE + 1)
        .thread_pool(threads.for_pool())
        // Failures are answered (503) and logged where they happen, once.
        .error_handler(Box::new(NopErrorHandler))
        .connection_timeout(BUSY_TIMEOUT)
        // r2d2 would run `SELECT 1` (parsed anew each time) before lending
        // every connection; a SQLite file does not drop connections.
        .test_on_check_out(false)
        .connection_customizer(Box::new(Pragmas))
        .build(Manager(Target::Sqlite(path.to_owned())))?;
    let mut conn = pool.get().map_err(|e| OpenError::Migrate(e.to_string()))?;
    let Conn::Sqlite(conn) = &mut *conn else {
        unreachable!("a SQLite pool lends SQLite connections")
    };
    give_space_back_from_now_on(conn)?;
    conn.run_pending_migrations(MIGRATIONS)
        .map_err(|e| OpenError::Migrate(e.to_string()))?;
    Ok(pool)
}

/// Creates the database file, if need be, with its folder, readable by its
/// owner only (mode 0600): it holds password hashes and emails. SQLite
/// gives its `-wal` and `-shm` files the database file's mode.
pub fn create_private(file: &SqliteFile) -> Result<std::fs::File, OpenError> {
    if let Some(folder) = file.path().parent().filter(|p| !p.as_os_str().is_empty()) {
        std::fs::create_dir_all(folder)
            .map_err(|e| OpenError::Folder(folder.display().to_string(), e))?;
    }
    let mut options = std::fs::OpenOptions::new();
    options.read(true).write(true).create(true).truncate(false);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let opened = options
        .open(file.path())
        .map_err(|e| OpenError::File(file.to_string(), e))?;
    warn_if_readable_by_others(file, &opened);
    Ok(opened)
}

/// A database made by an older version (or by hand) may be readable by
/// others: said at start, not changed behind the owner's back.
fn warn_if_readable_by_others(file: &SqliteFile, opened: &std::fs::File) {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        if let Ok(meta) = opened.metadata() {
            if meta.permissions().mode() & 0o077 != 0 {
                log::warn!(
                    "the database {file} is readable by other users (it holds password \
                     hashes and emails); run `chmod 600` on it and its -wal and -shm files"
                );
            }
        }
    }
}

/// Incremental auto-vacuum, so that space freed by deleted rows can be
/// handed back to the file system (`Db::give_space_back`). It must be set
/// before the first table is made; a database made without it is rebuilt
/// once (`VACUUM`).
fn give_space_back_from_now_on(conn: &mut SqliteConnection) -> Result<(), OpenError> {
    #[derive(diesel::QueryableByName)]
    struct Mode {
        #[diesel(sql_type = diesel::sql_types::Integer)]
        auto_vacuum: i32,
    }
    let vacuum_error = |e: diesel::result::Error| OpenError::Migrate(e.to_string());
    let mode = |conn: &mut SqliteConnection| {
        diesel::RunQueryDsl::get_result::<Mode>(diesel::sql_query("PRAGMA auto_vacuum"), conn)
            .map(|m| m.auto_vacuum)
    };
    const INCREMENTAL: i32 = 2;
    if mode(conn).map_err(vacuum_error)? != INCREMENTAL {
        conn.batch_execute("PRAGMA auto_vacuum = INCREMENTAL; VACUUM;")
            .map_err(vacuum_error)?;
    }
    Ok(())
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

/// Set on every pooled connection: WAL (readers never wait for the writer),
/// `synchronous = FULL` (a commit is on disk before it is acknowledged, so
/// even a power loss keeps every acknowledged write), a busy timeout (writers
/// queue for the lock instead of failing) and foreign keys (SQLite leaves them
/// off by default).
#[derive(Debug)]
struct Pragmas;

impl CustomizeConnection<Conn, diesel::r2d2::Error> for Pragmas {
    fn on_acquire(&self, conn: &mut Conn) -> Result<(), diesel::r2d2::Error> {
        let Conn::Sqlite(conn) = conn else {
            return Ok(());
        };
        conn.batch_execute(&format!(
            "PRAGMA busy_timeout = {};
             PRAGMA journal_mode = WAL;
             PRAGMA synchronous = FULL;
             PRAGMA journal_size_limit = {};
             PRAGMA foreign_keys = ON;",
            BUSY_TIMEOUT.as_millis(),
            WAL_SIZE_LIMIT
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
        let Conn::Sqlite(conn) = conn else {
            unreachable!()
        };
        diesel::sql_query(sql)
            .get_result::<Value>(conn)
            .unwrap()
            .value
    }

    #[test]
    fn every_pooled_connection_has_wal_full_sync_busy_timeout_and_foreign_keys() {
        let folder = tempfile::tempdir().unwrap();
        let file = SqliteFile::new(folder.path().join("nested/test.db"));
        let pool = open_pool(&file, &PoolThreads::new()).unwrap();
        let mut held = Vec::new();
        for _ in 0..POOL_SIZE {
            let mut conn = pool.get().unwrap();
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
}
