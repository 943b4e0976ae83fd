//! What a user allowed each app: asked once per app and set of scopes, then
//! remembered (a request for a scope not yet allowed asks again, for all).

use super::{AuthorizationRequest, OpenIdProvider};
use crate::clock::now_ms;
use crate::db::oauth_consents;
use crate::domain::Scopes;
use crate::error::AppError;

impl OpenIdProvider {
    /// Whether the user must be asked before `request` gets a code.
    pub async fn needs_consent(
        &self,
        user_id: &str,
        request: &AuthorizationRequest,
    ) -> Result<bool, AppError> {
        if request.client.skip_consent {
            return Ok(false);
        }
        let (user, client) = (user_id.to_owned(), request.client.id.clone());
        let granted = self
            .db
            .read(move |conn| oauth_consents::granted(conn, &user, &client))
            .await?;
        Ok(!granted
            .as_deref()
            .and_then(Scopes::parse)
            .is_some_and(|granted| request.scopes.within(&granted)))
    }

    /// Remembers that the user allowed `request`'s scopes (with those
    /// allowed before).
    pub async fn grant_consent(
        &self,
        user_id: &str,
        request: &AuthorizationRequest,
    ) -> Result<(), AppError> {
        let (user, client, asked) = (
            user_id.to_owned(),
            request.client.id.clone(),
            request.scopes.clone(),
        );
        self.db
            .write(move |conn| {
                let before = oauth_consents::granted(conn, &user, &client)?;
                let all = match before.as_deref().and_then(Scopes::parse) {
                    Some(before) => before.union(&asked),
                    None => asked,
                };
                oauth_consents::put(conn, &user, &client, &all.to_string(), now_ms())
            })
            .await
    }
}
