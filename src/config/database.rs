//! Where the data lives, parsed once from `--database-url`: everything that
//! depends on it (the file to open and lock, the keys file) is derived here.

use std::path::{Path, PathBuf};

/// The database a server uses. One variant today; PostgreSQL will be the
/// second, and every `match` on this type is a place that must learn it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Database {
    Sqlite(SqliteFile),
}

impl Database {
    /// `data/sesame.db`, `sqlite://data/sesame.db` or `sqlite:data/sesame.db`.
    pub fn parse(url: &str) -> Result<Database, String> {
        if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            return Err("PostgreSQL is not supported yet; give a SQLite file path".into());
        }
        // SQLite would read `file:` names as URIs (other paths, options,
        // a database in memory).
        if url.starts_with("file:") {
            return Err("give a file path, not a file: URI".into());
        }
        let path = url
            .strip_prefix("sqlite://")
            .or_else(|| url.strip_prefix("sqlite:"))
            .unwrap_or(url);
        if path.is_empty() {
            return Err("give a SQLite file path".into());
        }
        // A database in memory would be empty for every connection of the
        // pool, and gone at exit; its keys file would land in the working
        // folder as `:memory:.secrets`.
        if path == ":memory:" {
            return Err("give a SQLite file path, not :memory:".into());
        }
        Ok(Database::Sqlite(SqliteFile(PathBuf::from(path))))
    }

    /// A SQLite file at `path`.
    pub fn sqlite(path: impl Into<PathBuf>) -> Database {
        Database::Sqlite(SqliteFile(path.into()))
    }
}

/// A SQLite database file (created with its folder if missing).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SqliteFile(PathBuf);

impl SqliteFile {
    pub fn new(path: impl Into<PathBuf>) -> SqliteFile {
        SqliteFile(path.into())
    }

    pub fn path(&self) -> &Path {
        &self.0
    }

    /// Where the generated keys are kept: `<database>.secrets`.
    pub fn secrets_path(&self) -> PathBuf {
        with_suffix(&self.0, ".secrets")
    }
}

impl std::fmt::Display for SqliteFile {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.0.display().fmt(f)
    }
}

fn with_suffix(path: &Path, suffix: &str) -> PathBuf {
    let mut name = path.as_os_str().to_owned();
    name.push(suffix);
    PathBuf::from(name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sqlite_urls_name_a_file_and_what_goes_beside_it() {
        for url in ["data/x.db", "sqlite://data/x.db", "sqlite:data/x.db"] {
            assert_eq!(Database::parse(url), Ok(Database::sqlite("data/x.db")));
        }
        let Database::Sqlite(file) = Database::sqlite("data/x.db");
        assert_eq!(file.secrets_path(), PathBuf::from("data/x.db.secrets"));
    }

    #[test]
    fn uris_postgres_and_nothing_are_refused_clearly() {
        for url in [
            "file:x.db?mode=ro",
            "postgres://localhost/sesame",
            "",
            "sqlite://",
            ":memory:",
            "sqlite::memory:",
        ] {
            assert!(Database::parse(url).is_err(), "{url}");
        }
    }
}
