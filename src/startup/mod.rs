//! Builds the whole service from `Settings`, for `main` and for the tests.

mod clients;
mod commands;
mod error;
mod http;
mod maintenance;
mod metrics;
mod open;
mod owners;
mod run;
mod stop_signals;
mod users;

use std::net::{SocketAddr, TcpListener};
use std::sync::Arc;
use std::time::Duration;

use actix_web::dev::Server;
use actix_web::middleware::{from_fn, Condition};
use actix_web::{web, App, HttpServer};

use crate::auth::keys::KeyRing;
use crate::auth::oidc::backchannel::{BackchannelSender, BackchannelSending, WakesOnEnds};
use crate::auth::outbox::{Outbox, Sender, Sending};
use crate::auth::{LimitStore, Scrape};
use crate::config::{default_public_url, secure_cookies_refused, Database, Settings};
use crate::db::server_lock::ServerLock;
use crate::db::{Db, Listener};
use crate::routes::cookies::CookiePolicy;
use crate::routes::cross_site::refuse_cross_site;
use crate::routes::MAX_BODY_BYTES;
use open::{open, Opened};
use owners::{Owners, Parts};

pub use clients::{add_client, list_clients, remove_client, ClientsError};
pub use commands::{list_keys, purge_once, revoke_key, rotate_keys};
pub use error::StartupError;
pub use stop_signals::StopSignals;
pub use users::{set_user_disabled, set_user_roles, show_user, UsersError};

/// How long requests in flight may take to finish once stopping.
const SHUTDOWN_TIMEOUT: Duration = Duration::from_secs(30);
/// How long a starting server waits for the one before it on the same
/// database to exit (a restart while it still finishes its requests).
const WAIT_FOR_PREVIOUS: Duration = Duration::from_secs(SHUTDOWN_TIMEOUT.as_secs() + 5);

/// A bound, ready server.
pub struct Application {
    address: SocketAddr,
    server: Server,
    /// SQLite: no other server may use the database while this one runs.
    lock: Option<ServerLock>,
    /// PostgreSQL: hears the other instances' changes to sessions.
    listener: Option<Listener>,
    db: Db,
    maintenance: maintenance::Maintenance,
    /// Sends what the outbox holds.
    sending: Sending,
    /// Sends the back-channel logouts.
    backchannel: BackchannelSending,
    /// `--metrics-bind`: its bound address and server, stopped after this one.
    metrics: Option<(SocketAddr, Server)>,
}

impl Application {
    /// Opens and migrates the database, loads the keys, binds the address
    /// (port 0 picks one) and logs `listening on http://ADDR`.
    pub fn build(settings: Settings) -> Result<Application, StartupError> {
        // The address first: a port in use stops it before it creates anything.
        let bind_error = |e| StartupError::Bind(settings.bind.clone(), e);
        let listener = TcpListener::bind(&settings.bind).map_err(bind_error)?;
        let address = listener.local_addr().map_err(bind_error)?;
        let metrics_listener = metrics::bind(settings.metrics_bind.as_deref())?;
        // Then a SQLite file's lock, before touching the database itself.
        let lock = match &settings.database {
            Database::Sqlite(file) => Some(ServerLock::acquire(file, WAIT_FOR_PREVIOUS)?),
            Database::Postgres(_) => None,
        };
        let Opened {
            db,
            sessions,
            keys,
            backchannel_queued,
        } = open(&settings)?;
        if settings.require_verified_email {
            // Sessions opened while the setting was off end now: from here on
            // nobody is signed in with an address that proves nothing.
            sessions
                .end_unverified_at_start()
                .map_err(StartupError::EndUnverified)?;
        }
        let key_ring = KeyRing::start(db.clone(), sessions.access_tokens(), &settings)
            .map_err(StartupError::Keys)?;
        let hearing = match &settings.database {
            Database::Sqlite(_) => None,
            Database::Postgres(url) => {
                // The sender of back-channel logouts hears them too.
                let hears = Arc::new(WakesOnEnds {
                    cache: sessions.hears(),
                    queued: Arc::clone(&backchannel_queued),
                });
                Some(Listener::spawn(url, hears).map_err(StartupError::Listener)?)
            }
        };
        let limits = match &settings.database {
            Database::Sqlite(_) => LimitStore::Local,
            Database::Postgres(_) => LimitStore::Shared {
                db: db.clone(),
                key: keys.refresh.clone(),
            },
        };
        let outbox = Outbox::new(db.clone(), settings.mail_retry_for);
        let mailer = crate::mail::Mailer::new(&settings)?;
        log::info!("{}", mailer.describe());
        let public_url = settings
            .public_url
            .clone()
            .unwrap_or_else(|| default_public_url(address));
        log::info!("public address {public_url} (the links in mail; --public-url sets it)");
        if secure_cookies_refused(&public_url, settings.cookie_secure) {
            log::warn!(
                "--cookie-secure is on, but the public address {public_url} is plain http:// \
                 on a host other than localhost: browsers will refuse sesame's cookies there, \
                 so nobody stays signed in and every form answers 403 \"form expired\". \
                 Put TLS in front (and give an https:// --public-url), or, on a trusted \
                 network only, pass --cookie-secure false"
            );
        }
        let owners = Arc::new(Owners::make(Parts {
            db: &db,
            sessions,
            settings: &settings,
            limits: &limits,
            outbox: &outbox,
            public_url: &public_url,
        }));
        let backchannel =
            BackchannelSender::spawn(owners.oidc.clone().into_inner(), backchannel_queued);
        let sending = Sender::spawn(
            outbox,
            mailer,
            owners.resets.get_ref().clone(),
            owners.addresses.get_ref().clone(),
            owners.alerts.get_ref().clone(),
        );
        let maintenance = maintenance::spawn(
            owners.accounts.clone(),
            owners.resets.clone(),
            owners.alerts.clone(),
            owners.oidc.clone(),
            owners.sessions.clone(),
            key_ring,
            maintenance::Purging {
                every: settings.purge_interval,
                audit_retention: settings.audit_retention,
            },
        );
        let proxies = web::Data::new(settings.trusted_proxies.clone());
        let cookies = web::Data::new(CookiePolicy {
            secure: settings.cookie_secure,
        });
        let form_sessions = http::FormSessions::new(&keys, settings.cookie_secure);
        // Not even formatted when RUST_LOG leaves it out.
        let access_log_enabled =
            log::log_enabled!(target: "actix_web::middleware::logger", log::Level::Info);
        let timed = metrics_listener.is_some();
        let counted = web::Data::new(db.metrics().clone());

        let server = HttpServer::new(move || {
            App::new()
                .wrap(form_sessions.middleware())
                .wrap(from_fn(refuse_cross_site))
                // Outermost but the log: every answer gets the headers,
                // the cross-site refusals included.
                .wrap(http::SecurityHeaders)
                .wrap(Condition::new(access_log_enabled, http::access_log()))
                // Outermost: the time of the whole answer, refusals included.
                .wrap(Condition::new(timed, from_fn(metrics::time_requests)))
                .app_data(counted.clone())
                .app_data(web::PayloadConfig::new(MAX_BODY_BYTES))
                .configure(|app| owners.share(app))
                .app_data(cookies.clone())
                .app_data(proxies.clone())
                .configure(crate::routes::configure)
        })
        .shutdown_timeout(SHUTDOWN_TIMEOUT.as_secs())
        .listen(listener)
        .map_err(bind_error)?
        .run();
        let metrics = match metrics_listener {
            Some((listener, bound)) => {
                Some((bound, metrics::serve(listener, Scrape::new(db.clone()))?))
            }
            None => None,
        };
        log::info!("listening on http://{address}");
        Ok(Application {
            address,
            server,
            lock,
            listener: hearing,
            db,
            maintenance,
            sending,
            backchannel,
            metrics,
        })
    }
}
