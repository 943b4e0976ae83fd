//! The command line: flags, their variables and defaults (the contract's
//! settings table), and the one-line errors a bad setting gets.

use std::net::ToSocketAddrs;
use std::time::Duration;

use clap::builder::BoolishValueParser;
use clap::{value_parser, ArgAction, Parser, Subcommand};

use super::{Secret, Settings, MIN_SECRET_BYTES};

/// Longest duration a setting takes; keeps time arithmetic far from overflow.
const MAX_DURATION: Duration = Duration::from_secs(100 * 365 * 24 * 3600);

#[derive(Debug, Parser)]
#[command(
    name = "sesame",
    version,
    about = "A self-contained login system for web apps."
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,

    /// Address to listen on; port 0 picks a free port.
    #[arg(long, global = true, env = "SESAME_BIND", default_value = "127.0.0.1:8080", value_name = "ADDR", value_parser = socket_address)]
    pub bind: String,

    /// SQLite file path (created with its folder).
    #[arg(
        long,
        global = true,
        env = "DATABASE_URL",
        default_value = "data/sesame.db",
        value_name = "URL"
    )]
    pub database_url: String,

    /// Access token lifetime.
    #[arg(long, global = true, env = "SESAME_ACCESS_TTL", default_value = "15m", value_name = "DURATION", value_parser = positive_duration)]
    pub access_ttl: Duration,

    /// Idle lifetime: a session unused this long ends.
    #[arg(long, global = true, env = "SESAME_REFRESH_TTL", default_value = "7d", value_name = "DURATION", value_parser = positive_duration)]
    pub refresh_ttl: Duration,

    /// Absolute lifetime: no refresh extends a session past it.
    #[arg(long, global = true, env = "SESAME_SESSION_MAX_AGE", default_value = "30d", value_name = "DURATION", value_parser = positive_duration)]
    pub session_max_age: Duration,

    /// How long a just-rotated refresh token may still be presented; 0s turns it off.
    #[arg(long, global = true, env = "SESAME_REUSE_GRACE", default_value = "10s", value_name = "DURATION", value_parser = duration)]
    pub reuse_grace: Duration,

    /// bcrypt cost, 4 to 31.
    #[arg(long, global = true, env = "SESAME_BCRYPT_COST", default_value_t = 12, value_name = "COST", value_parser = value_parser!(u32).range(4..=31))]
    pub bcrypt_cost: u32,

    /// Failed logins for one account within the window before 429.
    #[arg(long, global = true, env = "SESAME_LOGIN_MAX_FAILURES", default_value_t = 5, value_name = "COUNT", value_parser = value_parser!(u32).range(1..))]
    pub login_max_failures: u32,

    /// Failed logins from one client address within the window before 429.
    #[arg(long, global = true, env = "SESAME_LOGIN_MAX_FAILURES_PER_IP", default_value_t = 50, value_name = "COUNT", value_parser = value_parser!(u32).range(1..))]
    pub login_max_failures_per_ip: u32,

    /// The window both login limits count in.
    #[arg(long, global = true, env = "SESAME_LOGIN_WINDOW", default_value = "15m", value_name = "DURATION", value_parser = positive_duration)]
    pub login_window: Duration,

    /// Set the Secure cookie attribute (browsers accept it on http://localhost).
    #[arg(long, global = true, env = "SESAME_COOKIE_SECURE", default_value = "true", value_name = "BOOL", action = ArgAction::Set, value_parser = BoolishValueParser::new())]
    pub cookie_secure: bool,

    /// How often ended sessions and long-spent refresh tokens are deleted.
    #[arg(long, global = true, env = "SESAME_PURGE_INTERVAL", default_value = "1h", value_name = "DURATION", value_parser = positive_duration)]
    pub purge_interval: Duration,
}

#[derive(Debug, Clone, Copy, Subcommand)]
pub enum Command {
    /// Start the server (what runs when no command is given).
    Serve,
    /// Delete ended sessions and long-spent refresh tokens now, then exit.
    Purge,
}

/// A setting that cannot be used; its text is the one line printed.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct ConfigError(pub String);

/// Reads `.env`, the environment and the flags. Help and version print and
/// exit here; any other problem is a `ConfigError` naming the setting.
pub fn from_args() -> Result<(Command, Settings), ConfigError> {
    read_dot_env()?;
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) if !e.use_stderr() => e.exit(),
        Err(e) => return Err(ConfigError(first_line(&e.to_string()))),
    };
    let command = cli.command.unwrap_or(Command::Serve);
    let settings = cli.into_settings(
        secret_from_env("SESAME_ACCESS_SECRET")?,
        secret_from_env("SESAME_REFRESH_SECRET")?,
    )?;
    Ok((command, settings))
}

impl Cli {
    pub fn into_settings(
        self,
        access_secret: Option<Secret>,
        refresh_secret: Option<Secret>,
    ) -> Result<Settings, ConfigError> {
        if let (Some(access), Some(refresh)) = (&access_secret, &refresh_secret) {
            if access == refresh {
                return Err(ConfigError(
                    "error: SESAME_ACCESS_SECRET and SESAME_REFRESH_SECRET must differ".into(),
                ));
            }
        }
        Ok(Settings {
            bind: self.bind,
            database_url: self.database_url,
            access_ttl: self.access_ttl,
            refresh_ttl: self.refresh_ttl,
            session_max_age: self.session_max_age,
            reuse_grace: self.reuse_grace,
            bcrypt_cost: self.bcrypt_cost,
            login_max_failures: self.login_max_failures,
            login_max_failures_per_ip: self.login_max_failures_per_ip,
            login_window: self.login_window,
            cookie_secure: self.cookie_secure,
            purge_interval: self.purge_interval,
            access_secret,
            refresh_secret,
        })
    }
}

/// Loads `.env` from the working folder (only there), if it exists.
/// Variables already set win over it.
fn read_dot_env() -> Result<(), ConfigError> {
    match dotenvy::from_path(".env") {
        Ok(()) => Ok(()),
        Err(e) if e.not_found() => Ok(()),
        Err(e) => Err(ConfigError(format!("error: cannot read .env: {e}"))),
    }
}

fn secret_from_env(variable: &str) -> Result<Option<Secret>, ConfigError> {
    let Some(value) = std::env::var_os(variable) else {
        return Ok(None);
    };
    let text = value
        .into_string()
        .map_err(|_| ConfigError(format!("error: {variable} must be valid UTF-8 text")))?;
    if text.len() < MIN_SECRET_BYTES {
        return Err(ConfigError(format!(
            "error: {variable} must be at least {MIN_SECRET_BYTES} bytes long"
        )));
    }
    Ok(Some(Secret::new(text.into_bytes())))
}

fn first_line(text: &str) -> String {
    text.lines()
        .find(|l| !l.trim().is_empty())
        .unwrap_or(text)
        .trim_end()
        .to_owned()
}

/// A duration such as `2s`, `15m`, `1h`, `7d` (or `1h 30m`).
fn duration(text: &str) -> Result<Duration, String> {
    let parsed = humantime::parse_duration(text.trim())
        .map_err(|_| "expected a duration such as 2s, 15m, 1h or 7d".to_owned())?;
    if parsed > MAX_DURATION {
        return Err("must be at most 100 years".into());
    }
    Ok(parsed)
}

/// A duration of at least one second.
fn positive_duration(text: &str) -> Result<Duration, String> {
    let parsed = duration(text)?;
    if parsed < Duration::from_secs(1) {
        return Err("must be at least 1s".into());
    }
    Ok(parsed)
}

fn socket_address(text: &str) -> Result<String, String> {
    let resolves = text
        .to_socket_addrs()
        .is_ok_and(|mut addresses| addresses.next().is_some());
    if resolves {
        Ok(text.to_owned())
    } else {
        Err("expected an address such as 127.0.0.1:8080 or [::1]:0".into())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(args: &[&str]) -> Result<Cli, clap::Error> {
        Cli::try_parse_from(std::iter::once("sesame").chain(args.iter().copied()))
    }

    #[test]
    fn humane_durations() {
        assert_eq!(duration("2s").unwrap(), Duration::from_secs(2));
        assert_eq!(duration("15m").unwrap(), Duration::from_secs(900));
        assert_eq!(duration("1h").unwrap(), Duration::from_secs(3600));
        assert_eq!(duration("7d").unwrap(), Duration::from_secs(7 * 86400));
        assert_eq!(duration("0s").unwrap(), Duration::ZERO);
        assert!(duration("soon").is_err());
        assert!(positive_duration("0s").is_err());
        assert!(positive_duration("500ms").is_err());
        assert!(duration("1000y").is_err());
    }

    #[test]
    fn flags_override_defaults() {
        let cli = parse(&[
            "--access-ttl",
            "2s",
            "--bcrypt-cost",
            "4",
            "--cookie-secure",
            "false",
        ])
        .unwrap();
        assert_eq!(cli.access_ttl, Duration::from_secs(2));
        assert_eq!(cli.bcrypt_cost, 4);
        assert!(!cli.cookie_secure);
    }

    #[test]
    fn bad_values_name_the_setting_in_one_line() {
        let error = parse(&["--bcrypt-cost", "3"]).unwrap_err();
        let line = first_line(&error.to_string());
        assert!(line.contains("--bcrypt-cost"), "{line}");
        let error = parse(&["--reuse-grace", "later"]).unwrap_err();
        assert!(first_line(&error.to_string()).contains("--reuse-grace"));
    }

    #[test]
    fn equal_secrets_are_refused() {
        let cli = parse(&[]).unwrap();
        let secret = Secret::new(vec![1; 32]);
        assert!(cli
            .into_settings(Some(secret.clone()), Some(secret))
            .is_err());
    }
}
