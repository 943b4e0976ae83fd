//! Where the data lives, parsed once from `--database-url`: everything that
//! depends on it (the file to open and lock, the keys file, or the
//! PostgreSQL server) is derived here.

use std::path::{Path, PathBuf};

/// The database a server uses: every `match` on this type is a place where
/// the two backends differ.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Database {
    /// One server per file, zero setup.
    Sqlite(SqliteFile),
    /// Any number of instances on one database.
    Postgres(PostgresUrl),
}

impl Database {
    /// `data/sesame.db`, `sqlite://data/sesame.db` or `sqlite:data/sesame.db`.
    pub fn parse(url: &str) -> Result<Database, String> {
        if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            return PostgresUrl::parse(url).map(Database::Postgres);
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

/// A PostgreSQL connection URL. It may hold a password: neither `Debug` nor
/// `Display` shows it.
#[derive(Clone, PartialEq, Eq)]
pub struct PostgresUrl(String);

impl PostgresUrl {
    fn parse(url: &str) -> Result<PostgresUrl, String> {
        if url
            .split_once("://")
            .is_none_or(|(_, rest)| rest.is_empty())
        {
            return Err("give a whole URL: postgres://user:pass@host:port/db".into());
        }
        Ok(PostgresUrl(url.to_owned()))
    }

    /// The URL itself, password included, for connecting only.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Display for PostgresUrl {
    /// The URL with any password masked.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let (scheme, rest) = self.0.split_once("://").unwrap_or(("postgres", &self.0));
        // Only what follows the last `@` (host, port, database) and the user.
        let rest = rest.split_once('?').map_or(rest, |(before, _)| before);
        match rest.rsplit_once('@') {
            Some((credentials, host)) => {
                let user = credentials.split(':').next().unwrap_or("");
                write!(f, "{scheme}://{user}@{host}")
            }
            None => write!(f, "{scheme}://{rest}"),
        }
    }
}

impl std::fmt::Debug for PostgresUrl {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "PostgresUrl({self})")
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
        let Database::Sqlite(file) = Database::sqlite("data/x.db") else {
            unreachable!()
        };
        assert_eq!(file.secrets_path(), PathBuf::from("data/x.db.secrets"));
    }

    #[test]
    fn postgres_urls_select_postgres_and_never_show_their_password() {
        for url in [
            "postgres://sesame:s3cret@db.internal:5432/sesame",
            "postgresql://sesame:s3cret@db.internal/sesame?sslmode=require&password=s3cret",
        ] {
            let Ok(Database::Postgres(parsed)) = Database::parse(url) else {
                panic!("{url} is PostgreSQL");
            };
            assert_eq!(parsed.expose(), url);
            for shown in [parsed.to_string(), format!("{parsed:?}")] {
                assert!(!shown.contains("s3cret"), "{shown}");
                assert!(shown.contains("db.internal"), "{shown}");
            }
        }
    }

    #[test]
    fn uris_postgres_and_nothing_are_refused_clearly() {
        for url in [
            "file:x.db?mode=ro",
            "postgres://",
            "",
            "sqlite://",
            ":memory:",
            "sqlite::memory:",
        ] {
            assert!(Database::parse(url).is_err(), "{url}");
        }
    }
}
