//! Opening the database named by `--database-url`: its pool, migrated.

mod postgres;
mod sqlite;

pub use postgres::{open_pool as open_postgres, POOL_SIZE as POSTGRES_POOL_SIZE};
pub use sqlite::{create_private, open_pool as open_sqlite, POOL_SIZE as SQLITE_POOL_SIZE};

#[derive(Debug, thiserror::Error)]
pub enum OpenError {
    #[error("the path must be valid UTF-8")]
    NotUtf8,
    #[error("cannot create the folder {0}: {1}")]
    Folder(String, std::io::Error),
    #[error("cannot create {0}: {1}")]
    File(String, std::io::Error),
    #[error("cannot open the database: {}", one_line(.0))]
    Pool(#[from] diesel::r2d2::PoolError),
    /// PostgreSQL's refusal, on one line, its password masked.
    #[error("cannot open the database: {0}")]
    Connect(String),
    #[error("cannot migrate the database: {}", one_line(.0))]
    Migrate(String),
    #[error("cannot start the database's writer thread: {0}")]
    Writer(std::io::Error),
}

/// libpq's messages run over several lines; a stop is one line.
fn one_line(message: &impl std::fmt::Display) -> String {
    message
        .to_string()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}
