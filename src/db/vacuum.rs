//! Giving a SQLite file's free pages back to the file system after a purge.

use diesel::connection::SimpleConnection;

use super::{Conn, Db};
use crate::error::AppError;

/// Pages one step of `give_space_back` hands back (4 MiB at 4 KiB a page).
const VACUUM_STEP: u32 = 1024;

impl Db {
    /// Hands the pages that deleted rows freed back to the file system
    /// (incremental auto-vacuum), so the file shrinks after a purge; a few
    /// pages at a time, each step a write of its own, so other writes go on.
    /// PostgreSQL's autovacuum does this by itself.
    pub async fn give_space_back(&self) -> Result<(), AppError> {
        loop {
            let step = self.write_alone(|conn| {
                let Conn::Sqlite(conn) = conn else {
                    return Ok(0);
                };
                conn.batch_execute(&format!("PRAGMA incremental_vacuum({VACUUM_STEP})"))?;
                free_pages(conn)
            });
            // PostgreSQL's autovacuum does this by itself.
            let Some(free_pages) = step.await else {
                return Ok(());
            };
            if free_pages? == 0 {
                return Ok(());
            }
        }
    }
}

/// Pages of the database file that hold nothing.
fn free_pages(conn: &mut diesel::SqliteConnection) -> Result<i64, AppError> {
    #[derive(diesel::QueryableByName)]
    struct Free {
        #[diesel(sql_type = diesel::sql_types::BigInt)]
        freelist_count: i64,
    }
    Ok(
        diesel::RunQueryDsl::get_result::<Free>(diesel::sql_query("PRAGMA freelist_count"), conn)?
            .freelist_count,
    )
}
