//! Where settings come from: `.env` in the working folder, the
//! environment, the command line; with one-line errors naming the setting.

use super::cli::{self, Command, ConfigError};
use super::secret::secret_from_env;
use super::Settings;

/// Reads `.env`, the environment and the flags. Help and version print and
/// exit here; any other problem is a `ConfigError` naming the setting. A
/// command reads only the variables it uses: a secret it does not need
/// cannot stop it.
pub fn from_args() -> Result<(Command, Settings), ConfigError> {
    read_dot_env()?;
    let (command, mut settings) = cli::parse(std::env::args_os().collect())?;
    if command.uses_refresh_secret() {
        settings.refresh_secret = secret_from_env("SESAME_REFRESH_SECRET")?;
    }
    if command.uses_signing_key() {
        settings.signing_key = signing_key_from_env()?;
    }
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
        Err(dotenvy::Error::LineParse(text, _)) => {
            let content = std::fs::read_to_string(".env").unwrap_or_default();
            Err(ConfigError(unreadable_line(&content, &text)))
        }
        Err(dotenvy::Error::Io(e)) => Err(ConfigError(format!("error: cannot read .env: {e}"))),
        Err(_) => Err(ConfigError("error: cannot read .env".into())),
    }
}

/// The error for the line of `.env` that dotenvy could not parse (`text`:
/// that line, or from it to the end of the file after an unterminated
/// quote). It names the line and the variable, never the value: dotenvy's
/// own message quotes the whole text, a private key and all.
fn unreadable_line(content: &str, text: &str) -> String {
    let text = text.trim_end_matches(['\r', '\n']);
    let line = (!text.is_empty())
        .then(|| content.find(text))
        .flatten()
        .map(|at| content[..at].matches('\n').count() + 1);
    let name = text
        .split_once('=')
        .map(|(name, _)| name.trim())
        .map(|name| name.strip_prefix("export ").unwrap_or(name).trim())
        .filter(|name| {
            !name.is_empty()
                && name
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '.'))
        });
    let place = match (line, name) {
        (Some(line), Some(name)) => format!("line {line} ({name})"),
        (Some(line), None) => format!("line {line}"),
        (None, Some(name)) => name.to_owned(),
        (None, None) => "a line".to_owned(),
    };
    format!(
        "error: cannot read .env: {place} cannot be parsed (an unterminated quote, or \
         a space or # that needs quoting?)"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_unparsable_dot_env_line_is_named_by_number_and_variable_only() {
        let content =
            "SESAME_BIND=127.0.0.1:0\n\nexport SESAME_SIGNING_KEY=\"-----BEGIN\nMC4CAQAw\n";
        let text = "export SESAME_SIGNING_KEY=\"-----BEGIN\nMC4CAQAw\n";
        let shown = unreadable_line(content, text);
        assert!(shown.contains("line 3 (SESAME_SIGNING_KEY)"), "{shown}");
        assert!(
            !shown.contains("BEGIN") && !shown.contains("MC4"),
            "{shown}"
        );
        let shown = unreadable_line("A=1\nnot a line\n", "not a line\n");
        assert!(shown.contains("line 2 cannot"), "{shown}");
    }
}
