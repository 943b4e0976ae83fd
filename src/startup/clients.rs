//! `sesame clients add|list|remove`: the apps that sign users in through
//! sesame, managed beside running servers, on their database (no server
//! lock, like `sesame users`). A removed app's sessions end in the same
//! write; servers on PostgreSQL hear it at once, on SQLite within the
//! sessions' 2 s memory.

use super::open::{open_existing, Opened};
use super::StartupError;
use crate::auth::oidc::{AddedClient, NewClient, OidcClient, OpenIdProvider};
use crate::config::{NewClientArgs, Settings};
use crate::error::AppError;

/// Why a `clients` command failed; its text is the one line printed.
#[derive(Debug, thiserror::Error)]
pub enum ClientsError {
    #[error("no app has the client_id {0:?}: `sesame clients list` shows them")]
    Unknown(String),
    #[error(transparent)]
    Startup(#[from] StartupError),
    #[error(transparent)]
    Database(#[from] AppError),
}

/// `sesame clients add …`: the new app's id, and its secret unless public.
pub async fn add_client(
    settings: &Settings,
    args: NewClientArgs,
) -> Result<AddedClient, ClientsError> {
    let new = NewClient {
        name: args.name,
        redirect_uris: args.redirect_uris,
        post_logout_redirect_uris: args.post_logout_redirect_uris,
        backchannel_logout_uri: args.backchannel_logout_uri,
        public: args.public,
        skip_consent: args.skip_consent,
        id_token_alg: args.id_token_alg,
    };
    Ok(provider(settings)?.add_client(new).await?)
}

/// `sesame clients list`: every app, oldest first.
pub async fn list_clients(settings: &Settings) -> Result<Vec<OidcClient>, ClientsError> {
    Ok(provider(settings)?.clients().await?)
}

/// `sesame clients remove CLIENT_ID`: the app gone, its sessions ended.
pub async fn remove_client(settings: &Settings, client_id: &str) -> Result<(), ClientsError> {
    match provider(settings)?.remove_client(client_id).await? {
        true => Ok(()),
        false => Err(ClientsError::Unknown(client_id.to_owned())),
    }
}

/// The provider over the servers' database and sessions; the issuer is
/// not used by these commands.
fn provider(settings: &Settings) -> Result<OpenIdProvider, StartupError> {
    let Opened { db, sessions, .. } = open_existing(settings)?;
    let issuer = settings.public_url.as_deref().unwrap_or_default();
    Ok(OpenIdProvider::new(db, sessions, issuer))
}
