//! The keys generated on first start, on PostgreSQL: kept in the database so
//! that every instance signs with the same ones, with no setup. (A SQLite
//! server keeps them in a file beside the database: `config::secrets_file`.)

use diesel::prelude::*;

use super::pg_schema::secrets;
use super::{Conn, Db};
use crate::error::AppError;

impl Db {
    /// The key kept under `name`; `fresh` is kept and returned when there is
    /// none yet. Instances starting together all get the one that won.
    /// Blocks: it runs at start, before serving.
    pub fn keep_secret(&self, name: &str, fresh: &[u8]) -> Result<Vec<u8>, AppError> {
        let mut conn = self.pool.get().map_err(|_| AppError::Busy)?;
        let Conn::Postgres(conn) = &mut *conn else {
            return Err(AppError::unexpected(
                "keys are kept in the database on PostgreSQL only",
            ));
        };
        diesel::insert_into(secrets::table)
            .values((secrets::name.eq(name), secrets::value.eq(fresh)))
            .on_conflict_do_nothing()
            .execute(conn)?;
        Ok(secrets::table
            .find(name)
            .select(secrets::value)
            .get_result(conn)?)
    }
}
