//! sesame as an OpenID Connect provider for the apps a team runs
//! (docs/OIDC.md): registered clients (`clients.rs`), the authorization
//! codes (`codes.rs`), what a user allowed each app (`consent.rs`), how old
//! a sign-in a request takes (`reauthentication.rs`: `prompt=login`,
//! `max_age`), the token endpoint's grants (`grants.rs`: an app's sign-in
//! is a sesame session of its own, `sessions.client_id`), the ID token
//! (`id_token.rs`), RFC 7662 introspection and RFC 7009 revocation
//! (`introspection.rs`), RP-initiated logout (`logout.rs`) and the
//! back-channel logouts sent when a session of an app ends
//! (`backchannel.rs`).
//!
//! The issuer is `--public-url`: the same value the mail links and the
//! passkeys' relying party use.

pub mod backchannel;
mod clients;
mod codes;
mod consent;
mod grants;
mod id_token;
mod introspection;
mod known_clients;
mod logout;
mod reauthentication;
mod request;

use std::sync::Arc;

pub use clients::{AddedClient, ClientCredentials, NewClient, OidcClient};
pub use grants::{CodeExchange, Tokens};
pub use id_token::UserClaims;
pub use introspection::{Introspection, TokenKind};
pub use logout::{CheckedLogout, Hint, LogoutError, LogoutRefusal, LogoutRequest};
pub use reauthentication::{FreshSignIn, SignInAge};
pub use request::{AuthorizationRequest, AuthorizeParams, Prompt};

use super::Sessions;
use crate::db::Db;

/// The owner of everything an app's sign-in through sesame needs.
pub struct OpenIdProvider {
    db: Db,
    sessions: Arc<Sessions>,
    /// `--public-url`, without a trailing slash.
    issuer: String,
    known_clients: known_clients::KnownClients,
}

impl OpenIdProvider {
    pub fn new(db: Db, sessions: Arc<Sessions>, public_url: &str) -> Self {
        OpenIdProvider {
            db,
            sessions,
            issuer: public_url.trim_end_matches('/').to_owned(),
            known_clients: known_clients::KnownClients::default(),
        }
    }

    /// The issuer (`iss`) of ID tokens and the base of every endpoint's URL.
    pub fn issuer(&self) -> &str {
        &self.issuer
    }
}
