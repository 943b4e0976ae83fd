//! PostgreSQL for the tests: a fresh database per test in the cluster that
//! `tests/run.sh` starts (its admin URL in `SESAME_TEST_POSTGRES`), and a
//! cluster of a test's own (`Cluster`) for a test that stops and starts it.
//! Both clusters are made by `tests/postgres.sh`.

use std::path::{Path, PathBuf};
use std::process::Command;

use diesel::{Connection, PgConnection, RunQueryDsl};
use tempfile::TempDir;

/// The admin URL of the shared cluster (`postgres://postgres@127.0.0.1:PORT/postgres`).
pub fn admin_url() -> String {
    std::env::var("SESAME_TEST_POSTGRES").unwrap_or_else(|_| {
        panic!(
            "SESAME_TEST_POSTGRES is not set: run tests/run.sh, or start a cluster \
             with tests/postgres.sh start DIR and set SESAME_TEST_POSTGRES to the \
             URL it prints"
        )
    })
}

/// A new, empty database in the shared cluster; its URL.
pub fn fresh_database() -> String {
    create_database(&admin_url())
}

/// A new, empty database `sesame_<uuid>` in the cluster at `admin_url`; its
/// URL (the admin URL with the database's name in place of its own).
pub fn create_database(admin_url: &str) -> String {
    let name = format!("sesame_{}", uuid::Uuid::new_v4().simple());
    let mut admin = PgConnection::establish(admin_url)
        .unwrap_or_else(|e| panic!("cannot connect to PostgreSQL at {admin_url}: {e}"));
    diesel::sql_query(format!("CREATE DATABASE {name}"))
        .execute(&mut admin)
        .unwrap_or_else(|e| panic!("cannot create database {name} at {admin_url}: {e}"));
    with_database(admin_url, &name)
}

/// Deletes the database at `url`, whoever is still connected to it; quietly
/// does nothing if it cannot (for clean-up in `Drop`).
pub fn drop_database(url: &str) {
    let without_options = url.split('?').next().unwrap_or(url);
    let Some((_, name)) = without_options.rsplit_once('/') else {
        return;
    };
    if let Ok(mut admin) = PgConnection::establish(&with_database(url, "postgres")) {
        let _ = diesel::sql_query(format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
            .execute(&mut admin);
    }
}

/// `admin_url` with `name` for its database (any `?options` kept).
fn with_database(admin_url: &str, name: &str) -> String {
    let (url, options) = match admin_url.split_once('?') {
        Some((url, options)) => (url, format!("?{options}")),
        None => (admin_url, String::new()),
    };
    let (server, _) = url
        .rsplit_once('/')
        .filter(|(server, _)| server.contains("://"))
        .unwrap_or_else(|| panic!("{admin_url}: not postgres://user@host:port/database"));
    format!("{server}/{name}{options}")
}

/// A PostgreSQL cluster of the test's own, in a temporary folder, for a test
/// that stops the database under a running server and starts it again. It
/// is stopped (and its folder removed) when dropped.
pub struct Cluster {
    folder: TempDir,
    url: String,
    running: bool,
}

impl Cluster {
    /// A new cluster, started.
    pub async fn start() -> Cluster {
        Cluster::start_with(&[]).await
    }

    /// A new cluster with SSL on, as Debian makes them: its clients go
    /// through OpenSSL.
    pub async fn start_with_ssl() -> Cluster {
        Cluster::start_with(&["ssl"]).await
    }

    async fn start_with(options: &[&str]) -> Cluster {
        let folder = tempfile::tempdir().expect("temporary folder");
        let url = script("start", folder.path(), options).await;
        Cluster {
            folder,
            url,
            running: true,
        }
    }

    /// Its admin URL, `postgres://postgres@127.0.0.1:PORT/postgres`.
    pub fn url(&self) -> &str {
        &self.url
    }

    /// A new, empty database in this cluster; its URL.
    pub fn fresh_database(&self) -> String {
        create_database(&self.url)
    }

    /// Stops it (fast shutdown: open connections are cut).
    pub async fn stop(&mut self) {
        script("stop", self.folder.path(), &[]).await;
        self.running = false;
    }

    /// Starts it again after `stop`, on the same port: the same URLs work.
    pub async fn start_again(&mut self) {
        let url = script("start", self.folder.path(), &[]).await;
        assert_eq!(url, self.url, "the cluster came back at another address");
        self.running = true;
    }
}

impl Drop for Cluster {
    fn drop(&mut self) {
        if self.running {
            // Best effort: a panic here would hide the test's own.
            let _ = Command::new("bash")
                .arg(script_path())
                .arg("stop")
                .arg(self.folder.path())
                .status();
        }
    }
}

fn script_path() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/postgres.sh")
}

/// Runs `tests/postgres.sh COMMAND FOLDER [OPTIONS]`; its stdout, trimmed.
/// Async, so that the server under test (whose tasks share the test's
/// thread) keeps running meanwhile.
async fn script(command: &str, folder: &Path, options: &[&str]) -> String {
    let output = tokio::process::Command::new("bash")
        .arg(script_path())
        .arg(command)
        .arg(folder)
        .args(options)
        .stderr(std::process::Stdio::inherit())
        .output()
        .await
        .expect("bash runs tests/postgres.sh");
    assert!(
        output.status.success(),
        "tests/postgres.sh {command} {} failed ({})",
        folder.display(),
        output.status
    );
    String::from_utf8(output.stdout)
        .expect("tests/postgres.sh prints text")
        .trim()
        .to_owned()
}
