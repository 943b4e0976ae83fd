//! Builds the whole service from `Settings`, for `main` and for the tests.

use std::net::{SocketAddr, TcpListener};

use actix_web::dev::{Server, ServerHandle};
use actix_web::http::header::{self, HeaderValue};
use actix_web::middleware::{from_fn, DefaultHeaders, Logger};
use actix_web::{web, App, HttpServer};

use crate::auth::Auth;
use crate::config::secrets_file::{self, SecretsError};
use crate::config::Settings;
use crate::db::{self, Db, OpenError};
use crate::routes::body::MAX_BODY_BYTES;
use crate::routes::cookies::CookiePolicy;
use crate::routes::cross_site::refuse_cross_site;

#[derive(Debug, thiserror::Error)]
pub enum StartupError {
    #[error(transparent)]
    Database(#[from] OpenError),
    #[error(transparent)]
    Secrets(#[from] SecretsError),
    #[error("cannot listen on {0}: {1}")]
    Bind(String, std::io::Error),
}

/// A bound, ready server.
pub struct Application {
    address: SocketAddr,
    server: Server,
}

impl Application {
    /// Opens and migrates the database, loads the keys, binds the address
    /// (port 0 picks one) and logs `listening on http://ADDR`.
    pub fn build(settings: Settings) -> Result<Application, StartupError> {
        let db = Db::open(&settings.database_url)?;
        let secrets_path = secrets_file::path_for(db::sqlite_path(&settings.database_url)?);
        let keys = secrets_file::load(
            &secrets_path,
            settings.access_secret.clone(),
            settings.refresh_secret.clone(),
        )?;
        let auth = web::Data::new(Auth::new(db, &settings, &keys));
        let cookies = web::Data::new(CookiePolicy {
            secure: settings.cookie_secure,
        });

        let bind_error = |e| StartupError::Bind(settings.bind.clone(), e);
        let listener = TcpListener::bind(&settings.bind).map_err(bind_error)?;
        let address = listener.local_addr().map_err(bind_error)?;
        let server = HttpServer::new(move || {
            App::new()
                .wrap(
                    DefaultHeaders::new()
                        .add((header::CACHE_CONTROL, HeaderValue::from_static("no-store"))),
                )
                .wrap(from_fn(refuse_cross_site))
                .wrap(access_log())
                .app_data(web::PayloadConfig::new(MAX_BODY_BYTES))
                .app_data(auth.clone())
                .app_data(cookies.clone())
                .configure(crate::routes::configure)
        })
        .listen(listener)
        .map_err(bind_error)?
        .run();
        log::info!("listening on http://{address}");
        Ok(Application { address, server })
    }

    /// The address actually bound.
    pub fn address(&self) -> SocketAddr {
        self.address
    }

    /// A handle to stop the server (as SIGTERM or Ctrl-C do).
    pub fn handle(&self) -> ServerHandle {
        self.server.handle()
    }

    pub async fn run_until_stopped(self) -> std::io::Result<()> {
        self.server.await
    }
}

/// One line per request: client, method, path (never the query string,
/// nor any header that could carry a token), status, size, time.
fn access_log() -> Logger {
    Logger::new(r#"%a "%{method}xi %U" %s %b %Dms"#)
        .custom_request_replace("method", |req| req.method().to_string())
}
