//! The application in process: spawned through `Application::build` (as
//! `main` does) on port 0 with a fresh SQLite database in a temporary folder.
//! A `TestApp` is an `Api` to that server (it derefs to one).

use std::ops::Deref;
use std::path::PathBuf;

use actix_web::dev::ServerHandle;
use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use serde::Deserialize;
use sesame::config::{Database, Settings};
use sesame::startup::Application;
use tempfile::TempDir;

use super::client::Api;

pub struct TestApp {
    api: Api,
    pub settings: Settings,
    pub folder: TempDir,
    handle: ServerHandle,
    server: actix_web::rt::task::JoinHandle<std::io::Result<()>>,
}

/// Settings for a test: cheap bcrypt, a free port, a private database.
pub fn test_settings(folder: &TempDir) -> Settings {
    Settings {
        bind: "127.0.0.1:0".into(),
        database: Database::sqlite(folder.path().join("sesame.db")),
        bcrypt_cost: 4,
        ..Settings::default()
    }
}

pub async fn spawn_app() -> TestApp {
    spawn_app_with(|_| {}).await
}

pub async fn spawn_app_with(adjust: impl FnOnce(&mut Settings)) -> TestApp {
    let folder = tempfile::tempdir().expect("temporary folder");
    let mut settings = test_settings(&folder);
    adjust(&mut settings);
    start(settings, folder)
}

fn start(settings: Settings, folder: TempDir) -> TestApp {
    let app = Application::build(settings.clone()).expect("the application builds");
    let api = Api::new(format!("http://{}", app.address()));
    let handle = app.handle();
    let server = actix_web::rt::spawn(app.run_until_stopped());
    TestApp {
        api,
        settings,
        folder,
        handle,
        server,
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
    access_secret: String,
}

impl TestApp {
    /// Stops this server and starts a new one on the same database and settings.
    pub async fn restart(self) -> TestApp {
        self.restart_with(|_| {}).await
    }

    /// `restart`, with some settings changed.
    pub async fn restart_with(mut self, adjust: impl FnOnce(&mut Settings)) -> TestApp {
        adjust(&mut self.settings);
        self.handle.stop(true).await;
        // Stopped for good (the database is free) before the next one starts.
        self.server
            .await
            .expect("the server task ended")
            .expect("the server stopped cleanly");
        start(self.settings, self.folder)
    }

    /// The database file, as `--database-url` takes it.
    pub fn database_path(&self) -> String {
        let Database::Sqlite(file) = &self.settings.database else {
            panic!("a SQLite test");
        };
        file.to_string()
    }

    pub fn secrets_file(&self) -> PathBuf {
        let Database::Sqlite(file) = &self.settings.database else {
            panic!("a SQLite test");
        };
        file.secrets_path()
    }

    /// The access key, read from the secrets file the server generated.
    pub fn access_key(&self) -> Vec<u8> {
        let text = std::fs::read_to_string(self.secrets_file()).expect("secrets file");
        let keys: Secrets = serde_json::from_str(&text).expect("secrets JSON");
        STANDARD.decode(keys.access_secret).expect("base64 key")
    }
}
