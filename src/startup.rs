//! Builds the whole service from `Settings`, for `main` and for the tests.

use std::net::{SocketAddr, TcpListener};
use std::time::Duration;

use actix_session::storage::CookieSessionStore;
use actix_session::SessionMiddleware;
use actix_web::cookie::{Key, SameSite};
use actix_web::dev::{Server, ServerHandle};
use actix_web::http::header::{self, HeaderValue};
use actix_web::middleware::{from_fn, Condition, DefaultHeaders, Logger};
use actix_web::{web, App, HttpServer};

use crate::auth::{Auth, Purged};
use crate::config::secrets_file::{self, SecretsError};
use crate::config::Settings;
use crate::db::server_lock::{LockError, ServerLock};
use crate::db::{self, Db, OpenError};
use crate::routes::body::MAX_BODY_BYTES;
use crate::routes::cookies::CookiePolicy;
use crate::routes::cross_site::refuse_cross_site;

/// How long requests in flight may take to finish once stopping.
const SHUTDOWN_TIMEOUT: Duration = Duration::from_secs(30);
/// How long a starting server waits for the one before it on the same
/// database to exit (a restart while it still finishes its requests).
const WAIT_FOR_PREVIOUS: Duration = Duration::from_secs(SHUTDOWN_TIMEOUT.as_secs() + 5);

/// Why the service could not start; each names the setting to look at.
#[derive(Debug, thiserror::Error)]
pub enum StartupError {
    #[error("--database-url (DATABASE_URL): {0}")]
    Database(#[from] OpenError),
    #[error("SESAME_ACCESS_SECRET / SESAME_REFRESH_SECRET: {0}")]
    Secrets(#[from] SecretsError),
    #[error("--database-url (DATABASE_URL): {0}")]
    InUse(#[from] LockError),
    #[error("--bind (SESAME_BIND): cannot listen on {0}: {1}")]
    Bind(String, std::io::Error),
}

/// A bound, ready server.
pub struct Application {
    address: SocketAddr,
    server: Server,
    /// No other server may use the database while this one runs.
    lock: ServerLock,
    db: Db,
}

impl Application {
    /// Opens and migrates the database, loads the keys, binds the address
    /// (port 0 picks one) and logs `listening on http://ADDR`.
    pub fn build(settings: Settings) -> Result<Application, StartupError> {
        // The address first: a port in use stops it before it creates anything.
        let bind_error = |e| StartupError::Bind(settings.bind.clone(), e);
        let listener = TcpListener::bind(&settings.bind).map_err(bind_error)?;
        let address = listener.local_addr().map_err(bind_error)?;
        // Then the database's lock, before touching the database itself.
        let database = db::sqlite_path(&settings.database_url)?;
        db::create_folder(database)?;
        let lock = ServerLock::acquire(database, WAIT_FOR_PREVIOUS)?;
        let (auth, keys) = open_auth(&settings)?;
        let db = auth.db().clone();
        let auth = web::Data::new(auth);
        spawn_maintenance(auth.clone(), settings.purge_interval);
        let cookies = web::Data::new(CookiePolicy {
            secure: settings.cookie_secure,
        });
        let session_key = session_cookie_key(&keys);
        // Not even formatted when RUST_LOG leaves it out.
        let access_log_enabled =
            log::log_enabled!(target: "actix_web::middleware::logger", log::Level::Info);
        let cookie_secure = settings.cookie_secure;

        let server = HttpServer::new(move || {
            App::new()
                .wrap(
                    SessionMiddleware::builder(CookieSessionStore::default(), session_key.clone())
                        .cookie_name("sesame_forms".into())
                        .cookie_secure(cookie_secure)
                        .cookie_same_site(SameSite::Lax)
                        .cookie_http_only(true)
                        .build(),
                )
                .wrap(from_fn(refuse_cross_site))
                // Outermost but the log: every answer gets the headers,
                // the cross-site refusals included.
                .wrap(security_headers())
                .wrap(Condition::new(access_log_enabled, access_log()))
                .app_data(web::PayloadConfig::new(MAX_BODY_BYTES))
                .app_data(auth.clone())
                .app_data(cookies.clone())
                .configure(crate::routes::configure)
        })
        .shutdown_timeout(SHUTDOWN_TIMEOUT.as_secs())
        .listen(listener)
        .map_err(bind_error)?
        .run();
        log::info!("listening on http://{address}");
        Ok(Application {
            address,
            server,
            lock,
            db,
        })
    }

    /// The address actually bound.
    pub fn address(&self) -> SocketAddr {
        self.address
    }

    /// A handle to stop the server (as SIGTERM or Ctrl-C do).
    pub fn handle(&self) -> ServerHandle {
        self.server.handle()
    }

    /// Serves until stopped; the database is free for another server once
    /// this returns, and not before its last write is over (a request cut
    /// short by the shutdown timeout may have left one running).
    pub async fn run_until_stopped(self) -> std::io::Result<()> {
        let Application {
            server, lock, db, ..
        } = self;
        let stopped = server.await;
        db.until_idle().await;
        drop(lock);
        stopped
    }
}

/// The database, migrated, and the keys: what both the server and
/// `sesame purge` need.
fn open_auth(settings: &Settings) -> Result<(Auth, secrets_file::Keys), StartupError> {
    let db = Db::open(&settings.database_url)?;
    let secrets_path = secrets_file::path_for(db::sqlite_path(&settings.database_url)?);
    let keys = secrets_file::load(
        &secrets_path,
        settings.access_secret.clone(),
        settings.refresh_secret.clone(),
    )?;
    Ok((Auth::new(db, settings, &keys), keys))
}

/// `sesame purge`: one purge, without serving.
pub async fn purge_once(settings: &Settings) -> Result<Purged, Box<dyn std::error::Error>> {
    let (auth, _) = open_auth(settings)?;
    Ok(auth.purge().await?)
}

/// Background housekeeping: forget idle login-failure counts every minute,
/// purge the database every `purge_interval` (first one interval after start,
/// so start-up does no extra work).
fn spawn_maintenance(auth: web::Data<Auth>, purge_interval: Duration) {
    let forget = auth.clone();
    actix_web::rt::spawn(async move {
        let mut every_minute = actix_web::rt::time::interval(Duration::from_secs(60));
        loop {
            every_minute.tick().await;
            forget.forget_idle_login_failures();
        }
    });
    actix_web::rt::spawn(async move {
        let start = actix_web::rt::time::Instant::now() + purge_interval;
        let mut every_interval = actix_web::rt::time::interval_at(start, purge_interval);
        loop {
            every_interval.tick().await;
            if let Err(error) = auth.purge().await {
                error.log_if_unexpected();
            }
        }
    });
}

/// Every answer: not cached unless it says otherwise (the static files do),
/// no inline script or style, no sniffing, no framing, no referrer to others.
fn security_headers() -> DefaultHeaders {
    DefaultHeaders::new()
        .add((header::CACHE_CONTROL, HeaderValue::from_static("no-store")))
        .add((
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static(
                "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; \
                 connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
            ),
        ))
        .add((
            header::X_CONTENT_TYPE_OPTIONS,
            HeaderValue::from_static("nosniff"),
        ))
        .add((
            header::REFERRER_POLICY,
            HeaderValue::from_static("same-origin"),
        ))
        .add((header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY")))
}

/// The key of the pages' session cookie (CSRF token, flash messages): derived
/// from the persisted refresh key, so it survives restarts too, yet is a key
/// of its own.
fn session_cookie_key(keys: &secrets_file::Keys) -> Key {
    use hmac::{Hmac, Mac};
    // HMAC takes keys of any length.
    let mut mac = Hmac::<sha2::Sha512>::new_from_slice(keys.refresh.expose())
        .expect("HMAC accepts any key length");
    mac.update(b"sesame form session cookie key v1");
    Key::from(&mac.finalize().into_bytes())
}

/// One line per request: client, method, path (never the query string,
/// nor any header that could carry a token), status, size, time.
fn access_log() -> Logger {
    Logger::new(r#"%a "%{method}xi %U" %s %b %Dms"#)
        .custom_request_replace("method", |req| req.method().to_string())
}
