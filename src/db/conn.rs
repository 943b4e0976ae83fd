//! One connection type over both backends (Diesel's `MultiConnection`):
//! a query written once runs on either; where they differ, code matches on
//! the variant (`each_backend!` runs one body typed for each).

use diesel::connection::{AnsiTransactionManager, TransactionManager};
use diesel::r2d2::{self, ManageConnection, R2D2Connection};
use diesel::{Connection, PgConnection, SqliteConnection};

use crate::error::AppError;

#[derive(diesel::MultiConnection)]
pub enum Conn {
    Sqlite(SqliteConnection),
    Postgres(PgConnection),
}

/// Runs `$body` with `$c` bound to the inner connection, whichever it is:
/// for Diesel code that is valid on both backends but not on `MultiBackend`
/// (`ON CONFLICT`, say).
macro_rules! each_backend {
    ($conn:expr, |$c:ident| $body:expr) => {
        match $conn {
            $crate::db::Conn::Sqlite($c) => $body,
            $crate::db::Conn::Postgres($c) => $body,
        }
    };
}
pub(crate) use each_backend;

/// Where a pool's connections go. Chosen by the URL once; a connection is
/// never "tried" on the other backend (a PostgreSQL server that is down must
/// not turn into a SQLite file named after its URL).
pub(super) enum Target {
    Sqlite(String),
    Postgres(String),
}

pub(super) struct Manager(pub(super) Target);

impl ManageConnection for Manager {
    type Connection = Conn;
    type Error = r2d2::Error;

    fn connect(&self) -> Result<Conn, r2d2::Error> {
        match &self.0 {
            Target::Sqlite(path) => SqliteConnection::establish(path).map(Conn::Sqlite),
            Target::Postgres(url) => PgConnection::establish(url).map(Conn::Postgres),
        }
        .map_err(r2d2::Error::ConnectionError)
    }

    fn is_valid(&self, conn: &mut Conn) -> Result<(), r2d2::Error> {
        conn.ping().map_err(r2d2::Error::QueryError)
    }

    fn has_broken(&self, conn: &mut Conn) -> bool {
        conn.is_broken()
    }
}

/// How a transaction starts.
#[derive(Clone, Copy)]
pub(super) enum Begin {
    /// Several reads that see one state of the database.
    Read,
    /// Writes. On SQLite the write lock is taken at the start (a
    /// read-then-write never fails half way on a lock upgrade); on
    /// PostgreSQL rows are locked where a decision needs it (`FOR UPDATE`).
    Write,
}

/// `work` in one transaction, begun as `begin` says; committed when it
/// returns `Ok`, rolled back otherwise.
pub(super) fn in_transaction<T>(
    conn: &mut Conn,
    begin: Begin,
    work: impl FnOnce(&mut Conn) -> Result<T, AppError>,
) -> Result<T, AppError> {
    begin_transaction(conn, begin)?;
    match work(conn) {
        Ok(done) => {
            each_backend!(conn, |c| AnsiTransactionManager::commit_transaction(c))?;
            Ok(done)
        }
        Err(error) => {
            // A rollback that fails leaves the connection broken; the pool
            // drops it.
            let _ = each_backend!(conn, |c| AnsiTransactionManager::rollback_transaction(c));
            Err(error)
        }
    }
}

/// Begins a transaction as `begin` says.
pub(super) fn begin_transaction(conn: &mut Conn, begin: Begin) -> diesel::QueryResult<()> {
    match (&mut *conn, begin) {
        (Conn::Sqlite(c), Begin::Read) => AnsiTransactionManager::begin_transaction_sql(c, "BEGIN"),
        (Conn::Sqlite(c), Begin::Write) => {
            AnsiTransactionManager::begin_transaction_sql(c, "BEGIN IMMEDIATE")
        }
        (Conn::Postgres(c), Begin::Read) => AnsiTransactionManager::begin_transaction_sql(
            c,
            "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY",
        ),
        (Conn::Postgres(c), Begin::Write) => {
            AnsiTransactionManager::begin_transaction_sql(c, "BEGIN")
        }
    }
}
