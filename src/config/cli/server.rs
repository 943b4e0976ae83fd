//! The flags, each with its variable and default (the contract's settings
//! table), in groups: the server takes them all, each command only the
//! groups it uses (`sesame users show --help` lists no server flag).

use std::time::Duration;

use clap::builder::BoolishValueParser;
use clap::{value_parser, ArgAction, Args};

use super::super::values::{duration, mailbox, positive_duration, public_url, socket_address};
use super::super::{Database, DatabaseUrlParser, Settings, SmtpUrl, TrustedProxies};
use super::ConfigError;

/// The database: every command uses it, so it may come before the command
/// (`sesame --database-url URL keys list`) or after it.
#[derive(Debug, Clone, Args)]
pub struct DatabaseArg {
    /// SQLite file path (created with its folder), or a postgres:// URL.
    #[arg(long, global = true, env = "DATABASE_URL", default_value = "data/sesame.db", value_name = "URL", value_parser = DatabaseUrlParser)]
    pub database_url: Database,
}

/// The access-token lifetime: the server's, and `keys list`'s (a retired
/// key stays published this long).
#[derive(Debug, Clone, Args)]
pub struct AccessTtlArg {
    /// Access token lifetime.
    #[arg(long, env = "SESAME_ACCESS_TTL", default_value = "15m", value_name = "DURATION", value_parser = positive_duration)]
    pub access_ttl: Duration,
}

/// When a session ends: the server's, and `purge`'s.
#[derive(Debug, Clone, Args)]
pub struct SessionLifetimes {
    /// Idle lifetime: a session unused this long ends.
    #[arg(long, env = "SESAME_REFRESH_TTL", default_value = "7d", value_name = "DURATION", value_parser = positive_duration)]
    pub refresh_ttl: Duration,

    /// Absolute lifetime: no refresh extends a session past it.
    #[arg(long, env = "SESAME_SESSION_MAX_AGE", default_value = "30d", value_name = "DURATION", value_parser = positive_duration)]
    pub session_max_age: Duration,

    /// How long a just-rotated refresh token may still be presented; 0s turns it off.
    #[arg(long, env = "SESAME_REUSE_GRACE", default_value = "10s", value_name = "DURATION", value_parser = duration)]
    pub reuse_grace: Duration,

    /// How long audit events are kept in the database (each purge deletes older ones).
    #[arg(long, env = "SESAME_AUDIT_RETENTION", default_value = "90d", value_name = "DURATION", value_parser = positive_duration)]
    pub audit_retention: Duration,
}

/// Every server setting but the database.
#[derive(Debug, Clone, Args)]
pub struct ServerArgs {
    /// Address to listen on; port 0 picks a free port.
    #[arg(long, env = "SESAME_BIND", default_value = "127.0.0.1:8080", value_name = "ADDR", value_parser = socket_address)]
    pub bind: String,

    #[command(flatten)]
    pub access: AccessTtlArg,

    #[command(flatten)]
    pub lifetimes: SessionLifetimes,

    /// bcrypt cost, 4 to 31.
    #[arg(long, env = "SESAME_BCRYPT_COST", default_value_t = 12, value_name = "COST", value_parser = value_parser!(u32).range(4..=31))]
    pub bcrypt_cost: u32,

    /// Failed logins for one account from one client address within the window before 429.
    #[arg(long, env = "SESAME_LOGIN_MAX_FAILURES", default_value_t = 5, value_name = "COUNT", value_parser = value_parser!(u32).range(1..))]
    pub login_max_failures: u32,

    /// Failed logins for one account from all addresses within the window before 429.
    #[arg(long, env = "SESAME_LOGIN_MAX_FAILURES_PER_ACCOUNT", default_value_t = 100, value_name = "COUNT", value_parser = value_parser!(u32).range(1..))]
    pub login_max_failures_per_account: u32,

    /// Failed logins from one client address (IPv6: its /64) within the window before 429.
    #[arg(long, env = "SESAME_LOGIN_MAX_FAILURES_PER_IP", default_value_t = 50, value_name = "COUNT", value_parser = value_parser!(u32).range(1..))]
    pub login_max_failures_per_ip: u32,

    /// Registrations from one client address (IPv6: its /64) within the window before 429.
    #[arg(long, env = "SESAME_REGISTER_MAX_PER_IP", default_value_t = 20, value_name = "COUNT", value_parser = value_parser!(u32).range(1..))]
    pub register_max_per_ip: u32,

    /// Comma-separated addresses or CIDRs of reverse proxies whose X-Forwarded-For is believed.
    #[arg(long, env = "SESAME_TRUSTED_PROXIES", default_value = "", value_name = "CIDRS", value_parser = TrustedProxies::parse)]
    pub trusted_proxies: TrustedProxies,

    /// The window the login and registration limits count in.
    #[arg(long, env = "SESAME_LOGIN_WINDOW", default_value = "15m", value_name = "DURATION", value_parser = positive_duration)]
    pub login_window: Duration,

    /// Set the Secure cookie attribute (browsers accept it on http://localhost).
    #[arg(long, env = "SESAME_COOKIE_SECURE", default_value = "true", value_name = "BOOL", action = ArgAction::Set, value_parser = BoolishValueParser::new())]
    pub cookie_secure: bool,

    /// How often ended sessions are deleted (with their refresh tokens).
    #[arg(long, env = "SESAME_PURGE_INTERVAL", default_value = "1h", value_name = "DURATION", value_parser = positive_duration)]
    pub purge_interval: Duration,

    /// How often a new access-token signing key is made.
    #[arg(long, env = "SESAME_KEY_ROTATION", default_value = "30d", value_name = "DURATION", value_parser = positive_duration)]
    pub key_rotation: Duration,

    /// The address users reach sesame at, for links in mail [default: http://localhost:<port> on a loopback bind, else http://<bind>].
    #[arg(long, env = "SESAME_PUBLIC_URL", value_name = "URL", value_parser = public_url)]
    pub public_url: Option<String>,

    /// smtp://[user:pass@]host[:port] (STARTTLS when offered) or smtps://…; unset: mail is printed to standard output.
    // Parsed in `into_settings`: clap's own error would quote the value,
    // password and all. (A `//` comment: clap shows `///` ones in --help.)
    #[arg(long, env = "SESAME_SMTP_URL", value_name = "URL")]
    pub smtp_url: Option<String>,

    /// The From of every mail.
    #[arg(long, env = "SESAME_MAIL_FROM", default_value = "sesame <no-reply@localhost>", value_name = "MAILBOX", value_parser = mailbox)]
    pub mail_from: String,

    /// How long a password-reset link works.
    #[arg(long, env = "SESAME_RESET_TTL", default_value = "30m", value_name = "DURATION", value_parser = positive_duration)]
    pub reset_ttl: Duration,

    /// How long an email-verification (or address-change) link works.
    #[arg(long, env = "SESAME_VERIFY_TTL", default_value = "24h", value_name = "DURATION", value_parser = positive_duration)]
    pub verify_ttl: Duration,

    /// Sign-in needs a verified address; sign-up stops telling whether an email is taken.
    #[arg(long, env = "SESAME_REQUIRE_VERIFIED_EMAIL", default_value = "false", value_name = "BOOL", action = ArgAction::Set, value_parser = BoolishValueParser::new())]
    pub require_verified_email: bool,

    /// Mail the owner when a new device or network signs in to their account.
    #[arg(long, env = "SESAME_SIGN_IN_ALERTS", default_value = "true", value_name = "BOOL", action = ArgAction::Set, value_parser = BoolishValueParser::new())]
    pub sign_in_alerts: bool,

    /// How long a mail that cannot be delivered is retried; 0s: tried once.
    #[arg(long, env = "SESAME_MAIL_RETRY_FOR", default_value = "24h", value_name = "DURATION", value_parser = duration)]
    pub mail_retry_for: Duration,

    /// Serve Prometheus metrics (GET /metrics) on this address only; unset: none. Keep it private.
    #[arg(long, env = "SESAME_METRICS_BIND", value_name = "ADDR", value_parser = socket_address)]
    pub metrics_bind: Option<String>,
}

impl ServerArgs {
    /// The server's settings; the secrets from the environment are added by
    /// `load`.
    pub fn into_settings(self, database: Database) -> Result<Settings, ConfigError> {
        let mut settings = Settings {
            bind: self.bind,
            database,
            access_ttl: self.access.access_ttl,
            refresh_ttl: Duration::ZERO,
            session_max_age: Duration::ZERO,
            reuse_grace: Duration::ZERO,
            audit_retention: Duration::ZERO,
            bcrypt_cost: self.bcrypt_cost,
            login_max_failures: self.login_max_failures,
            login_max_failures_per_account: self.login_max_failures_per_account,
            login_max_failures_per_ip: self.login_max_failures_per_ip,
            register_max_per_ip: self.register_max_per_ip,
            trusted_proxies: self.trusted_proxies,
            login_window: self.login_window,
            cookie_secure: self.cookie_secure,
            purge_interval: self.purge_interval,
            key_rotation: self.key_rotation,
            public_url: self.public_url,
            smtp_url: self
                .smtp_url
                .as_deref()
                .map(SmtpUrl::parse)
                .transpose()
                .map_err(|reason| {
                    ConfigError(format!(
                        "error: invalid value for '--smtp-url <URL>' (SESAME_SMTP_URL): {reason}"
                    ))
                })?,
            mail_from: self.mail_from,
            reset_ttl: self.reset_ttl,
            verify_ttl: self.verify_ttl,
            require_verified_email: self.require_verified_email,
            sign_in_alerts: self.sign_in_alerts,
            mail_retry_for: self.mail_retry_for,
            metrics_bind: self.metrics_bind,
            signing_key: None,
            refresh_secret: None,
        };
        self.lifetimes.apply(&mut settings);
        Ok(settings)
    }
}

impl SessionLifetimes {
    pub fn apply(self, settings: &mut Settings) {
        settings.refresh_ttl = self.refresh_ttl;
        settings.session_max_age = self.session_max_age;
        settings.reuse_grace = self.reuse_grace;
        settings.audit_retention = self.audit_retention;
    }
}
