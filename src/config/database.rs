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
    /// `data/sesame.db`, `sqlite://data/sesame.db` or `sqlite:data/sesame.db`,
    /// or `postgres://…`. Its errors never quote the URL (it may hold a
    /// password).
    pub fn parse(url: &str) -> Result<Database, String> {
        if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            return PostgresUrl::parse(url).map(Database::Postgres);
        }
        // Any other URL is a mistake (`postgress://`, `mysql://`): taken for a
        // path, it would create folders named after it, password and all.
        if let Some(scheme) = scheme_of(url).filter(|s| *s != "sqlite") {
            return Err(format!(
                "{scheme}:// is not a database sesame knows: give a postgres:// URL or \
                 a SQLite file path"
            ));
        }
        if url.starts_with("postgres:") || url.starts_with("postgresql:") {
            return Err("give a whole URL: postgres://user:pass@host:port/db".into());
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

/// The scheme of `scheme://…` (letters, digits, `+`, `-`, `.`, from a
/// letter), if `url` has one.
fn scheme_of(url: &str) -> Option<&str> {
    let (scheme, _) = url.split_once("://")?;
    let mut chars = scheme.chars();
    let valid = chars.next().is_some_and(|c| c.is_ascii_alphabetic())
        && chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'));
    valid.then_some(scheme)
}

/// `--database-url` for clap: like `Database::parse`, but where clap's own
/// error would quote the value, password and all, this one names the
/// setting and says why only.
#[derive(Clone)]
pub struct DatabaseUrlParser;

impl clap::builder::TypedValueParser for DatabaseUrlParser {
    type Value = Database;

    fn parse_ref(
        &self,
        _: &clap::Command,
        _: Option<&clap::Arg>,
        value: &std::ffi::OsStr,
    ) -> Result<Database, clap::Error> {
        let refused = |reason: &str| {
            clap::Error::raw(
                clap::error::ErrorKind::ValueValidation,
                format!("invalid value for '--database-url <URL>' (DATABASE_URL): {reason}\n"),
            )
        };
        let url = value
            .to_str()
            .ok_or_else(|| refused("must be valid UTF-8"))?;
        Database::parse(url).map_err(|reason| refused(&reason))
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

    /// `message` with this URL's password shown as `***`: libpq's errors
    /// quote what they could not read in the URL (a percent-escape, a port,
    /// a host), which can be the password or a piece of it.
    pub fn hide_password(&self, message: &str) -> String {
        let mut secrets: Vec<String> = Vec::new();
        let rest = self.0.split_once("://").map_or(self.0.as_str(), |(_, r)| r);
        let (before_query, query) = rest.split_once('?').unwrap_or((rest, ""));
        if let Some((_, password)) = before_query
            .rsplit_once('@')
            .and_then(|(credentials, _)| credentials.split_once(':'))
        {
            secrets.push(password.to_owned());
        }
        for pair in query.split('&') {
            if let Some(("password", value)) = pair.split_once('=') {
                secrets.push(value.to_owned());
            }
        }
        // Decoded, and the pieces libpq may quote alone when the password
        // holds a character that ends a part of a URL.
        for secret in secrets.clone() {
            let decoded = percent_encoding::percent_decode_str(&secret).decode_utf8_lossy();
            secrets.push(decoded.into_owned());
            secrets.extend(
                secret
                    .split(['/', '?', '#', '@', ':', '&', '='])
                    .map(str::to_owned),
            );
        }
        secrets.retain(|s| !s.is_empty());
        secrets.sort_by_key(|s| std::cmp::Reverse(s.len()));
        secrets.iter().fold(message.to_owned(), |shown, secret| {
            shown.replace(secret, "***")
        })
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
mod tests;
