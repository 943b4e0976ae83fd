//! The application in process: spawned through `Application::build` (as
//! `main` does) on port 0 with a fresh database of its own: a SQLite file in
//! a temporary folder, or a new database in the test PostgreSQL cluster when
//! `SESAME_TEST_BACKEND=postgres` (see `Backend`). A `TestApp` is an `Api`
//! to that server (it derefs to one).
//!
//! A test about SQLite itself (its file, the keys file beside it, file
//! modes, the server lock...) spawns with `spawn_sqlite_app_with` whatever
//! the environment says, and `tests/run.sh` leaves it out of the PostgreSQL
//! pass.

use std::ops::Deref;
use std::path::PathBuf;

use actix_web::dev::ServerHandle;
use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use diesel::query_builder::SqlQuery;
use diesel::query_dsl::LoadQuery;
use diesel::{Connection, PgConnection, RunQueryDsl, SqliteConnection};
use serde::Deserialize;
use sesame::config::{Database, Settings, SqliteFile};
use sesame::startup::Application;
use tempfile::TempDir;

use super::client::Api;
use super::postgres;

/// The database the tests' servers use.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    /// A SQLite file in the test's temporary folder.
    Sqlite,
    /// A new database in the cluster at `SESAME_TEST_POSTGRES`.
    Postgres,
}

impl Backend {
    /// `SESAME_TEST_BACKEND`: `sqlite` (the default) or `postgres`.
    pub fn from_env() -> Backend {
        match std::env::var("SESAME_TEST_BACKEND").as_deref() {
            Err(_) | Ok("") | Ok("sqlite") => Backend::Sqlite,
            Ok("postgres") => Backend::Postgres,
            Ok(other) => {
                panic!("SESAME_TEST_BACKEND is {other:?}: give sqlite (the default) or postgres")
            }
        }
    }

    /// The backend of a `--database-url`.
    fn of_url(url: &str) -> Backend {
        if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            Backend::Postgres
        } else {
            Backend::Sqlite
        }
    }
}

pub struct TestApp {
    api: Api,
    pub settings: Settings,
    pub folder: TempDir,
    pub backend: Backend,
    /// The database, as `--database-url` takes it.
    database_url: String,
    /// `--metrics-bind`'s bound address, when the settings gave one.
    pub metrics_address: Option<std::net::SocketAddr>,
    handle: ServerHandle,
    server: actix_web::rt::task::JoinHandle<std::io::Result<()>>,
    /// The PostgreSQL database made for this app, deleted with it.
    made: Option<MadeDatabase>,
}

/// A new database on `backend`, as `--database-url` takes it: a SQLite file
/// in `folder`, or a new database in the shared PostgreSQL cluster.
pub fn new_database_url(backend: Backend, folder: &TempDir) -> String {
    match backend {
        Backend::Sqlite => folder.path().join("sesame.db").display().to_string(),
        Backend::Postgres => postgres::fresh_database(),
    }
}

/// Settings for a test on the database at `url`: cheap bcrypt, a free port.
pub fn settings_for(url: &str) -> Settings {
    Settings {
        bind: "127.0.0.1:0".into(),
        database: Database::parse(url).unwrap_or_else(|e| panic!("the test database {url}: {e}")),
        bcrypt_cost: 4,
        ..Settings::default()
    }
}

/// The service on the environment's backend (`Backend::from_env`).
pub async fn spawn_app() -> TestApp {
    spawn_app_with(|_| {}).await
}

/// `spawn_app`, with some settings changed.
pub async fn spawn_app_with(adjust: impl FnOnce(&mut Settings)) -> TestApp {
    spawn_app_on(Backend::from_env(), adjust).await
}

/// The service on a SQLite file, whatever the environment says: for the
/// tests about SQLite itself.
pub async fn spawn_sqlite_app() -> TestApp {
    spawn_sqlite_app_with(|_| {}).await
}

/// `spawn_sqlite_app`, with some settings changed.
pub async fn spawn_sqlite_app_with(adjust: impl FnOnce(&mut Settings)) -> TestApp {
    spawn_app_on(Backend::Sqlite, adjust).await
}

/// The service on a new database on `backend`.
pub async fn spawn_app_on(backend: Backend, adjust: impl FnOnce(&mut Settings)) -> TestApp {
    let folder = tempfile::tempdir().expect("temporary folder");
    let url = new_database_url(backend, &folder);
    let made = (backend == Backend::Postgres).then(|| MadeDatabase(url.clone()));
    spawn(url, made, folder, adjust)
}

/// The service on the database at `url`, which the test made (say, in a
/// `Cluster` of its own, to stop it under the server) and keeps.
pub async fn spawn_app_at(url: &str, adjust: impl FnOnce(&mut Settings)) -> TestApp {
    let folder = tempfile::tempdir().expect("temporary folder");
    spawn(url.to_owned(), None, folder, adjust)
}

fn spawn(
    url: String,
    made: Option<MadeDatabase>,
    folder: TempDir,
    adjust: impl FnOnce(&mut Settings),
) -> TestApp {
    let mut settings = settings_for(&url);
    adjust(&mut settings);
    start(settings, folder, url, made)
}

fn start(
    settings: Settings,
    folder: TempDir,
    database_url: String,
    made: Option<MadeDatabase>,
) -> TestApp {
    let app = Application::build(settings.clone()).expect("the application builds");
    let api = Api::new(format!("http://{}", app.address()));
    let handle = app.handle();
    let metrics_address = app.metrics_address();
    let server = actix_web::rt::spawn(app.run_until_stopped());
    TestApp {
        metrics_address,
        api,
        settings,
        folder,
        backend: Backend::of_url(&database_url),
        database_url,
        handle,
        server,
        made,
    }
}

/// A PostgreSQL database made for one `TestApp`: deleted when the app is
/// dropped, so that a run of the suite does not leave hundreds behind.
struct MadeDatabase(String);

impl Drop for MadeDatabase {
    fn drop(&mut self) {
        postgres::drop_database(&self.0);
    }
}

impl Deref for TestApp {
    type Target = Api;

    fn deref(&self) -> &Api {
        &self.api
    }
}

/// The secrets file the server writes when no key is given.
#[derive(Deserialize)]
struct Secrets {
    refresh_secret: String,
}

impl TestApp {
    /// Stops this server and starts a new one on the same database and settings.
    pub async fn restart(self) -> TestApp {
        self.restart_with(|_| {}).await
    }

    /// `restart`, with some settings changed.
    pub async fn restart_with(mut self, adjust: impl FnOnce(&mut Settings)) -> TestApp {
        adjust(&mut self.settings);
        self.restart_after(async {}).await
    }

    /// `restart`, with `between` run while no server runs.
    pub async fn restart_after(self, between: impl std::future::Future<Output = ()>) -> TestApp {
        self.handle.stop(true).await;
        // Stopped for good (the database is free) before the next one starts.
        self.server
            .await
            .expect("the server task ended")
            .expect("the server stopped cleanly");
        between.await;
        start(self.settings, self.folder, self.database_url, self.made)
    }

    /// The database, as `--database-url` takes it (for `sesame purge`): the
    /// file's path or the PostgreSQL URL.
    pub fn database_url(&self) -> &str {
        &self.database_url
    }

    /// A connection of the test's own to the server's database.
    pub fn database(&self) -> TestDb {
        match self.backend {
            Backend::Sqlite => {
                let mut conn =
                    SqliteConnection::establish(&self.database_url).expect("the SQLite database");
                // WAL lets the test read beside the server; a write of the
                // server's holds it up a moment at most.
                diesel::connection::SimpleConnection::batch_execute(
                    &mut conn,
                    "PRAGMA busy_timeout = 5000",
                )
                .expect("busy_timeout");
                TestDb::Sqlite(conn)
            }
            Backend::Postgres => TestDb::Postgres(
                PgConnection::establish(&self.database_url).expect("the PostgreSQL database"),
            ),
        }
    }

    /// The SQLite file (SQLite only).
    #[allow(unreachable_patterns)] // PostgreSQL will be the second variant
    fn sqlite_file(&self) -> &SqliteFile {
        match &self.settings.database {
            Database::Sqlite(file) => file,
            _ => panic!(
                "a SQLite file, but this app is on {}: spawn it with spawn_sqlite_app_with",
                self.database_url
            ),
        }
    }

    /// The database file, as `--database-url` takes it (SQLite only).
    pub fn database_path(&self) -> String {
        self.sqlite_file().to_string()
    }

    /// The keys file beside the database (SQLite only).
    pub fn secrets_file(&self) -> PathBuf {
        self.sqlite_file().secrets_path()
    }

    /// The refresh key, read from the secrets file the server generated
    /// (SQLite only).
    pub fn refresh_key(&self) -> Vec<u8> {
        let text = std::fs::read_to_string(self.secrets_file()).expect("secrets file");
        let keys: Secrets = serde_json::from_str(&text).expect("secrets JSON");
        STANDARD.decode(keys.refresh_secret).expect("base64 key")
    }
}

/// A test's own connection to a server's database, on either backend.
pub enum TestDb {
    Sqlite(SqliteConnection),
    Postgres(PgConnection),
}

impl TestDb {
    /// The one row `sql` selects (SQL both backends read alike), as a
    /// `QueryableByName` struct.
    pub fn row<T>(&mut self, sql: &str) -> T
    where
        SqlQuery: LoadQuery<'static, SqliteConnection, T> + LoadQuery<'static, PgConnection, T>,
    {
        let query = diesel::sql_query(sql);
        match self {
            TestDb::Sqlite(conn) => query.get_result(conn),
            TestDb::Postgres(conn) => query.get_result(conn),
        }
        .unwrap_or_else(|e| panic!("{sql}: {e}"))
    }
}
