//! Where settings come from: `.env` in the working folder, the
//! environment, the command line; with one-line errors naming the setting.

use clap::Parser;

use super::cli::{Cli, Command, ConfigError};
use super::secret::secret_from_env;
use super::Settings;

/// Reads `.env`, the environment and the flags. Help and version print and
/// exit here; any other problem is a `ConfigError` naming the setting.
pub fn from_args() -> Result<(Command, Settings), ConfigError> {
    read_dot_env()?;
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) if !e.use_stderr() => e.exit(),
        Err(e) => return Err(ConfigError(first_line(&e.to_string()))),
    };
    let command = cli.command.clone().unwrap_or(Command::Serve);
    let settings = cli.into_settings(
        secret_from_env("SESAME_ACCESS_SECRET")?,
        secret_from_env("SESAME_REFRESH_SECRET")?,
    )?;
    Ok((command, settings))
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

pub(super) fn first_line(text: &str) -> String {
    text.lines()
        .find(|l| !l.trim().is_empty())
        .unwrap_or(text)
        .trim_end()
        .to_owned()
}
