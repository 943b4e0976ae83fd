//! The refresh key generated on first start and kept beside the database
//! (`<database>.secrets`, mode 0600), so a restart keeps every session.
//! (Access tokens are signed with Ed25519 keys kept in the database: see
//! `auth::signing_keys`. A file written by an older version also holds an
//! `access_secret`, which is ignored.)

use std::fs::{self, OpenOptions};
use std::io::{ErrorKind, Write};
use std::path::Path;

use base64::engine::general_purpose::STANDARD as BASE64;
use base64::Engine;
use serde::{Deserialize, Serialize};

use super::secret::{Secret, MIN_SECRET_BYTES};

/// Bytes of each generated key.
const GENERATED_BYTES: usize = 64;

/// The HMAC key of refresh tokens (and of the form-session cookie).
#[derive(Debug, Clone)]
pub struct Keys {
    pub refresh: Secret,
}

#[derive(Debug, thiserror::Error)]
pub enum SecretsError {
    #[error("cannot read the secrets file {0}: {1}")]
    Read(String, std::io::Error),
    #[error("the secrets file {0} is damaged; restore it or delete it (which signs everyone out)")]
    Damaged(String),
    #[error("cannot write the secrets file {0}: {1}")]
    Write(String, std::io::Error),
    #[error("cannot generate random keys: {0}")]
    Random(getrandom::Error),
}

#[derive(Serialize, Deserialize)]
struct StoredKeys {
    refresh_secret: String,
}

/// The key to use: from the environment when given there, else from the
/// secrets file, which is created with a new random key if missing.
pub fn load(path: &Path, refresh: Option<Secret>) -> Result<Keys, SecretsError> {
    if let Some(refresh) = refresh {
        return Ok(Keys { refresh });
    }
    match read(path)? {
        Some(keys) => Ok(keys),
        None => create(path),
    }
}

fn read(path: &Path) -> Result<Option<Keys>, SecretsError> {
    let shown = || path.display().to_string();
    let text = match fs::read_to_string(path) {
        Ok(text) => text,
        Err(e) if e.kind() == ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(SecretsError::Read(shown(), e)),
    };
    warn_if_readable_by_others(path);
    let stored: StoredKeys =
        serde_json::from_str(&text).map_err(|_| SecretsError::Damaged(shown()))?;
    let decode = |text: &str| {
        BASE64
            .decode(text)
            .ok()
            .filter(|bytes| bytes.len() >= MIN_SECRET_BYTES)
            .map(Secret::new)
            .ok_or_else(|| SecretsError::Damaged(shown()))
    };
    Ok(Some(Keys {
        refresh: decode(&stored.refresh_secret)?,
    }))
}

/// Writes new keys to a private temporary file and links it into place, so
/// the file is never seen half-written, and when two processes start at once
/// both end up using the one that won.
fn create(path: &Path) -> Result<Keys, SecretsError> {
    let shown = || path.display().to_string();
    let keys = Keys {
        refresh: random_secret()?,
    };
    let stored = StoredKeys {
        refresh_secret: BASE64.encode(keys.refresh.expose()),
    };
    let text = serde_json::to_string_pretty(&stored).map_err(|_| SecretsError::Damaged(shown()))?;

    let mut suffix = [0u8; 8];
    getrandom::fill(&mut suffix).map_err(SecretsError::Random)?;
    let suffix: String = suffix.iter().map(|b| format!("{b:02x}")).collect();
    let temporary = path.with_extension(format!("secrets.{suffix}.tmp"));
    let written =
        write_private(&temporary, text.as_bytes()).and_then(|()| fs::hard_link(&temporary, path));
    let _ = fs::remove_file(&temporary);
    match written {
        Ok(()) => {
            sync_folder(path);
            log::info!("generated a new refresh key in {}", path.display());
            Ok(keys)
        }
        Err(e) if e.kind() == ErrorKind::AlreadyExists => {
            read(path)?.ok_or_else(|| SecretsError::Damaged(shown()))
        }
        Err(e) => Err(SecretsError::Write(shown(), e)),
    }
}

fn write_private(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let mut options = OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let mut file = options.open(path)?;
    file.write_all(bytes)?;
    file.sync_all()
}

/// Makes the new directory entry durable too.
fn sync_folder(path: &Path) {
    if let Some(folder) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
        if let Ok(dir) = fs::File::open(folder) {
            let _ = dir.sync_all();
        }
    }
}

pub fn random_secret() -> Result<Secret, SecretsError> {
    let mut bytes = vec![0u8; GENERATED_BYTES];
    getrandom::fill(&mut bytes).map_err(SecretsError::Random)?;
    Ok(Secret::new(bytes))
}

fn warn_if_readable_by_others(path: &Path) {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        if let Ok(meta) = fs::metadata(path) {
            if meta.permissions().mode() & 0o077 != 0 {
                log::warn!(
                    "the secrets file {} is readable by other users; run `chmod 600` on it",
                    path.display()
                );
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generates_once_then_reads_the_same_keys() {
        let folder = tempfile::tempdir().unwrap();
        let path = folder.path().join("db.secrets");
        let first = load(&path, None).unwrap();
        let second = load(&path, None).unwrap();
        assert_eq!(first.refresh, second.refresh);
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = fs::metadata(&path).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o600);
        }
    }

    #[test]
    fn environment_keys_win_over_the_file() {
        let folder = tempfile::tempdir().unwrap();
        let path = folder.path().join("db.secrets");
        let given = Secret::new(vec![7; 32]);
        let keys = load(&path, Some(given.clone())).unwrap();
        assert_eq!(keys.refresh, given);
        assert!(!path.exists());
    }

    #[test]
    fn a_file_of_an_older_version_with_an_access_secret_still_reads() {
        let folder = tempfile::tempdir().unwrap();
        let path = folder.path().join("db.secrets");
        let refresh = BASE64.encode([3u8; 64]);
        let old = format!(r#"{{"access_secret": "{refresh}", "refresh_secret": "{refresh}"}}"#);
        fs::write(&path, old).unwrap();
        assert_eq!(load(&path, None).unwrap().refresh, Secret::new(vec![3; 64]));
    }

    #[test]
    fn a_damaged_file_is_an_error_not_new_keys() {
        let folder = tempfile::tempdir().unwrap();
        let path = folder.path().join("db.secrets");
        fs::write(&path, "{ not json").unwrap();
        assert!(matches!(load(&path, None), Err(SecretsError::Damaged(_))));
    }
}
