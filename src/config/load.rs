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
    let mut settings = cli.into_settings(secret_from_env("SESAME_REFRESH_SECRET")?)?;
    settings.signing_key = signing_key_from_env()?;
    Ok((command, settings))
}

/// `SESAME_SIGNING_KEY`: an Ed25519 private key in PKCS#8 PEM, kept as DER.
fn signing_key_from_env() -> Result<Option<super::Secret>, ConfigError> {
    use ed25519_dalek::pkcs8::{DecodePrivateKey, EncodePrivateKey};
    let Some(value) = std::env::var_os("SESAME_SIGNING_KEY") else {
        return Ok(None);
    };
    let refused = || {
        ConfigError(
            "error: SESAME_SIGNING_KEY must be an Ed25519 private key in PKCS#8 PEM \
             (-----BEGIN PRIVATE KEY-----)"
                .into(),
        )
    };
    let text = value.into_string().map_err(|_| refused())?;
    let key = ed25519_dalek::SigningKey::from_pkcs8_pem(text.trim()).map_err(|_| refused())?;
    let der = key.to_pkcs8_der().map_err(|_| refused())?;
    Ok(Some(super::Secret::new(der.as_bytes().to_vec())))
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
