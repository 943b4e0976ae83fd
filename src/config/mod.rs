//! Settings: one value built from flags, environment variables and `.env`,
//! then passed in. Nothing reads the environment after this.

mod cli;
mod secret;
pub mod secrets_file;

use std::time::Duration;

pub use cli::{from_args, Cli, Command, ConfigError};
pub use secret::{Secret, MIN_SECRET_BYTES};

/// Everything the service can be told. `Default` gives the contract's defaults.
#[derive(Debug, Clone)]
pub struct Settings {
    pub bind: String,
    pub database_url: String,
    pub access_ttl: Duration,
    /// Idle lifetime: a session unused this long ends.
    pub refresh_ttl: Duration,
    /// Absolute lifetime: no refresh extends a session past it.
    pub session_max_age: Duration,
    pub reuse_grace: Duration,
    pub bcrypt_cost: u32,
    pub login_max_failures: u32,
    pub login_max_failures_per_ip: u32,
    pub login_window: Duration,
    pub cookie_secure: bool,
    /// How often ended sessions and long-spent refresh tokens are deleted.
    pub purge_interval: Duration,
    /// From `SESAME_ACCESS_SECRET`; generated and kept beside the database when unset.
    pub access_secret: Option<Secret>,
    /// From `SESAME_REFRESH_SECRET`; generated and kept beside the database when unset.
    pub refresh_secret: Option<Secret>,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            bind: "127.0.0.1:8080".into(),
            database_url: "data/sesame.db".into(),
            access_ttl: Duration::from_secs(15 * 60),
            refresh_ttl: Duration::from_secs(7 * 24 * 3600),
            session_max_age: Duration::from_secs(30 * 24 * 3600),
            reuse_grace: Duration::from_secs(10),
            bcrypt_cost: 12,
            login_max_failures: 5,
            login_max_failures_per_ip: 50,
            login_window: Duration::from_secs(15 * 60),
            cookie_secure: true,
            purge_interval: Duration::from_secs(3600),
            access_secret: None,
            refresh_secret: None,
        }
    }
}
