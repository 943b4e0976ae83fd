//! The handle's uses beside the requests' reads and writes: start-up's
//! and the commands' blocking writes, the writes that must run alone (the
//! vacuum's steps), the health check's ping, and waiting until idle before
//! a stopping server lets go of the file.

use diesel::connection::SimpleConnection;

use super::conn::{in_transaction, Begin, Conn};
use super::Db;
use crate::error::AppError;

impl Db {
    /// `work` in one write transaction, on this thread: for start-up and
    /// the commands, before or beside serving, never from a request.
    pub fn write_blocking<T>(
        &self,
        work: impl FnOnce(&mut Conn) -> Result<T, AppError>,
    ) -> Result<T, AppError> {
        let mut conn = self.pool.get().map_err(|_| AppError::Busy)?;
        in_transaction(&mut conn, Begin::Write, work)
    }

    /// Once no query is running any more, nor any waiting to (the server
    /// has stopped): only then may another server take over the file.
    pub async fn until_idle(&self) {
        if let Some(writer) = &self.writer {
            writer.until_idle().await;
        }
        self.gate.until_idle().await;
    }

    /// `work` outside any transaction, by itself, on SQLite's writer (when
    /// it is SQLite): for what must not run in one, such as
    /// `incremental_vacuum`. `None` on PostgreSQL.
    pub(super) async fn write_alone<T, F>(&self, work: F) -> Option<Result<T, AppError>>
    where
        F: FnOnce(&mut Conn) -> Result<T, AppError> + Send + 'static,
        T: Send + 'static,
    {
        Some(self.writer.as_ref()?.alone(work).await)
    }

    /// Whether the database answers a query that reads it (on SQLite,
    /// `SELECT 1` alone would not even touch the file).
    pub async fn ping(&self) -> bool {
        self.read(|conn| {
            match conn {
                Conn::Sqlite(c) => c.batch_execute("SELECT count(*) FROM sqlite_schema"),
                Conn::Postgres(c) => c.batch_execute("SELECT 1"),
            }
            .map_err(AppError::from)
        })
        .await
        .is_ok()
    }
}
