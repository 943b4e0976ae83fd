//! Settings: one value built from flags, environment variables and `.env`,
//! then passed in. Nothing reads the environment after this.

mod cli;
mod database;
mod load;
mod proxies;
mod secret;
pub mod secrets_file;
mod smtp_url;
mod values;

use std::time::Duration;

pub use cli::{
    Cli, ClientsCommand, Command, ConfigError, KeysCommand, NewClientArgs, UsersCommand,
};
pub use database::{Database, DatabaseUrlParser, PostgresUrl, SqliteFile};
pub use load::from_args;
pub use proxies::TrustedProxies;
pub use secret::{Secret, MIN_SECRET_BYTES};
pub use smtp_url::{SmtpSecurity, SmtpUrl};
pub use values::{default_public_url, secure_cookies_refused};

/// Everything the service can be told. `Default` gives the defaults written
/// once, on the command line's flags (`cli/server.rs`).
#[derive(Debug, Clone, PartialEq)]
pub struct Settings {
    pub bind: String,
    pub database: Database,
    pub access_ttl: Duration,
    /// Idle lifetime: a session unused this long ends.
    pub refresh_ttl: Duration,
    /// Absolute lifetime: no refresh extends a session past it.
    pub session_max_age: Duration,
    pub reuse_grace: Duration,
    /// How long audit events are kept in the database.
    pub audit_retention: Duration,
    pub bcrypt_cost: u32,
    /// Failed logins for one account from one address.
    pub login_max_failures: u32,
    /// Failed logins for one account from all addresses together.
    pub login_max_failures_per_account: u32,
    pub login_max_failures_per_ip: u32,
    pub register_max_per_ip: u32,
    pub trusted_proxies: TrustedProxies,
    pub login_window: Duration,
    pub cookie_secure: bool,
    /// How often ended sessions are deleted (with their refresh tokens).
    pub purge_interval: Duration,
    /// How often a new signing key is made (unless `signing_key` is given).
    pub key_rotation: Duration,
    /// Where users reach sesame, for links in mail; `None`: `http://<bound address>`.
    pub public_url: Option<String>,
    /// Where mail goes; `None`: printed to standard output.
    pub smtp_url: Option<SmtpUrl>,
    /// The From of every mail (a valid mailbox).
    pub mail_from: String,
    /// How long a password-reset link works.
    pub reset_ttl: Duration,
    /// How long an email-verification or address-change link works.
    pub verify_ttl: Duration,
    /// Sign-in needs a verified address, and sign-up answers a taken email
    /// as a new one.
    pub require_verified_email: bool,
    /// Mail the owner when a device or network new to the account signs in.
    pub sign_in_alerts: bool,
    /// How long a mail that cannot be delivered is retried (0: tried once).
    pub mail_retry_for: Duration,
    /// Where Prometheus' metrics are served (`GET /metrics`); `None`: nowhere.
    pub metrics_bind: Option<String>,
    /// From `SESAME_SIGNING_KEY` (an Ed25519 private key, PKCS#8 PEM), as
    /// PKCS#8 DER; when given, it is the only key and never rotated.
    pub signing_key: Option<Secret>,
    /// From `SESAME_REFRESH_SECRET`; generated and kept beside the database when unset.
    pub refresh_secret: Option<Secret>,
}

impl Default for Settings {
    fn default() -> Self {
        Cli::defaults()
    }
}
