//! The registered apps: added, listed and found, and a client's
//! authentication at the token, revocation and introspection endpoints
//! (RFC 6749 2.3: `client_secret_basic`, `client_secret_post`, or, for a
//! public client, its id alone).

use std::sync::Arc;

use base64::engine::general_purpose::URL_SAFE_NO_PAD as BASE64URL;
use base64::Engine;
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

use super::OpenIdProvider;
use crate::clock::now_ms;
use crate::db::oauth_clients::{self, ClientRow};
use crate::domain::{ClientName, IdTokenAlg, RedirectUri};
use crate::error::{AppError, OAuthCode, OAuthError};

/// A registered app, as the endpoints use it. Holds no secret.
#[derive(Debug, Clone)]
pub struct OidcClient {
    pub id: String,
    pub name: String,
    /// No secret: it must use PKCE, and authenticates with its id alone.
    pub public: bool,
    pub redirect_uris: Vec<String>,
    pub post_logout_redirect_uris: Vec<String>,
    pub backchannel_logout_uri: Option<String>,
    pub skip_consent: bool,
    pub id_token_alg: IdTokenAlg,
    pub created_at: i64,
}

impl OidcClient {
    /// Exact match, as registered (RFC 6749 3.1.2.3; no prefix, no normalising).
    pub fn has_redirect_uri(&self, uri: &str) -> bool {
        self.redirect_uris.iter().any(|r| r == uri)
    }

    pub fn has_post_logout_redirect_uri(&self, uri: &str) -> bool {
        self.post_logout_redirect_uris.iter().any(|r| r == uri)
    }

    fn from_row(row: ClientRow) -> OidcClient {
        let lines = |text: &str| -> Vec<String> {
            text.lines()
                .filter(|l| !l.is_empty())
                .map(str::to_owned)
                .collect()
        };
        OidcClient {
            public: row.secret_hash.is_none(),
            redirect_uris: lines(&row.redirect_uris),
            post_logout_redirect_uris: lines(&row.post_logout_redirect_uris),
            backchannel_logout_uri: row.backchannel_logout_uri,
            skip_consent: row.skip_consent,
            // Only the two names are ever written.
            id_token_alg: row.id_token_alg.parse().unwrap_or_default(),
            created_at: row.created_at,
            id: row.id,
            name: row.name,
        }
    }
}

/// What `sesame clients add` registers.
pub struct NewClient {
    pub name: ClientName,
    pub redirect_uris: Vec<RedirectUri>,
    pub post_logout_redirect_uris: Vec<RedirectUri>,
    pub backchannel_logout_uri: Option<RedirectUri>,
    pub public: bool,
    pub skip_consent: bool,
    pub id_token_alg: IdTokenAlg,
}

/// What registering gives, shown once: the secret is kept only hashed.
pub struct AddedClient {
    pub client_id: String,
    pub client_secret: Option<String>,
}

/// How a request says which client it is (RFC 6749 2.3.1).
pub enum ClientCredentials {
    /// `client_secret_basic` or `client_secret_post`.
    Secret { id: String, secret: String },
    /// `none`: a public client's id alone.
    IdOnly(String),
}

impl OpenIdProvider {
    /// Registers an app; its secret (a confidential one's) is in the answer only.
    pub async fn add_client(&self, new: NewClient) -> Result<AddedClient, AppError> {
        if new.redirect_uris.is_empty() {
            return Err(AppError::unexpected("a client needs a redirect URI"));
        }
        let client_id = uuid::Uuid::new_v4().to_string();
        let client_secret = if new.public {
            None
        } else {
            let mut bytes = [0u8; 32];
            getrandom::fill(&mut bytes).map_err(|e| AppError::unexpected(e.to_string()))?;
            Some(BASE64URL.encode(bytes))
        };
        let joined = |uris: &[RedirectUri]| -> String {
            uris.iter()
                .map(RedirectUri::as_str)
                .collect::<Vec<_>>()
                .join("\n")
        };
        let row = ClientRow {
            id: client_id.clone(),
            name: new.name.as_str().to_owned(),
            secret_hash: client_secret.as_deref().map(secret_hash),
            redirect_uris: joined(&new.redirect_uris),
            post_logout_redirect_uris: joined(&new.post_logout_redirect_uris),
            backchannel_logout_uri: new.backchannel_logout_uri.map(|u| u.as_str().to_owned()),
            skip_consent: new.skip_consent,
            id_token_alg: new.id_token_alg.as_str().to_owned(),
            created_at: now_ms(),
        };
        self.db
            .write(move |conn| oauth_clients::insert(conn, &row))
            .await?;
        Ok(AddedClient {
            client_id,
            client_secret,
        })
    }

    /// Every registered app, oldest first.
    pub async fn clients(&self) -> Result<Vec<OidcClient>, AppError> {
        let rows = self.db.read(oauth_clients::all).await?;
        Ok(rows.into_iter().map(OidcClient::from_row).collect())
    }

    /// The app with this id, if registered.
    pub async fn client(&self, client_id: &str) -> Result<Option<OidcClient>, AppError> {
        let id = client_id.to_owned();
        let row = self
            .db
            .read(move |conn| oauth_clients::find(conn, &id))
            .await?;
        Ok(row.map(OidcClient::from_row))
    }

    /// Deletes the app and ends every session of it, in one transaction
    /// (its tokens stop working at once, on every instance); whether it
    /// was registered.
    pub async fn remove_client(&self, client_id: &str) -> Result<bool, AppError> {
        let id = client_id.to_owned();
        let (removed, ended) = self
            .sessions
            .end_of_client(client_id, move |conn| oauth_clients::delete(conn, &id))
            .await?;
        self.known_clients.forget(client_id);
        if removed {
            self.sessions.audit().event(
                "client_removed",
                &[("client", &client_id), ("sessions", &ended)],
            );
        }
        Ok(removed)
    }

    /// The client these credentials prove, or `invalid_client`: an unknown
    /// id, a wrong secret, a secret for a public client, or no secret for a
    /// confidential one all answer the same.
    pub async fn authenticate_client(
        &self,
        credentials: ClientCredentials,
    ) -> Result<OidcClient, OAuthError> {
        let refused = || {
            OAuthError::new(
                OAuthCode::InvalidClient,
                "The client could not be authenticated.",
            )
        };
        let id = match &credentials {
            ClientCredentials::Secret { id, .. } | ClientCredentials::IdOnly(id) => id.clone(),
        };
        let row = match self.known_clients.get(&id) {
            Some(row) => row,
            None => {
                let row = self
                    .db
                    .read(move |conn| oauth_clients::find(conn, &id))
                    .await?
                    .map(Arc::new)
                    .ok_or_else(refused)?;
                self.known_clients.keep(Arc::clone(&row));
                row
            }
        };
        let proven = match (&credentials, &row.secret_hash) {
            (ClientCredentials::Secret { secret, .. }, Some(kept)) => {
                bool::from(secret_hash(secret).ct_eq(kept))
            }
            (ClientCredentials::IdOnly(_), None) => true,
            _ => false,
        };
        if proven {
            Ok(OidcClient::from_row(Arc::unwrap_or_clone(row)))
        } else {
            Err(refused())
        }
    }

    /// A grant refused to an app authenticated from memory: if another
    /// process removed the app meanwhile, `invalid_client`, as any request
    /// after the memory's 2 s answers (its grants failed either way: its
    /// sessions and codes went with it). Read only when a grant fails.
    pub async fn refusal_for(&self, client: &OidcClient, refusal: OAuthError) -> OAuthError {
        if refusal.code != OAuthCode::InvalidGrant {
            return refusal;
        }
        let id = client.id.clone();
        match self
            .db
            .read(move |conn| oauth_clients::find(conn, &id))
            .await
        {
            Ok(Some(_)) => refusal,
            Ok(None) => {
                self.known_clients.forget(&client.id);
                OAuthError::new(
                    OAuthCode::InvalidClient,
                    "The client could not be authenticated.",
                )
            }
            Err(other) => other.into(),
        }
    }
}

fn secret_hash(secret: &str) -> Vec<u8> {
    Sha256::digest(secret.as_bytes()).to_vec()
}
