//! Why the service could not start.

use crate::config::secrets_file::SecretsError;
use crate::db::server_lock::LockError;
use crate::db::OpenError;
use crate::error::AppError;

/// Why the service could not start; each names the setting to look at.
#[derive(Debug, thiserror::Error)]
pub enum StartupError {
    #[error("--database-url (DATABASE_URL): {0}")]
    Database(#[from] OpenError),
    #[error("SESAME_REFRESH_SECRET: {0}")]
    Secrets(#[from] SecretsError),
    #[error("--database-url (DATABASE_URL): cannot keep the generated keys in the database: {0}")]
    SharedSecrets(AppError),
    #[error("--require-verified-email: cannot end the sessions of unverified accounts: {0}")]
    EndUnverified(AppError),
    #[error("the access-token signing keys: {0}")]
    Keys(AppError),
    #[error("cannot start the thread that hears other instances: {0}")]
    Listener(std::io::Error),
    #[error("--database-url (DATABASE_URL): {0}")]
    InUse(#[from] LockError),
    #[error("{0}")]
    Mail(#[from] crate::mail::MailError),
    #[error("--bind (SESAME_BIND): cannot listen on {0}: {1}")]
    Bind(String, std::io::Error),
    #[error("--metrics-bind (SESAME_METRICS_BIND): cannot listen on {0}: {1}")]
    MetricsBind(String, std::io::Error),
    #[error("no database at {0}: run the server first, or pass --database-url")]
    NoDatabase(String),
}
