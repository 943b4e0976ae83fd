//! What an authenticated app may learn of a token (RFC 7662
//! introspection) and end with one (RFC 7009 revocation).
//!
//! A token is an access token (a JWT sesame signed) or a refresh token
//! (sealed with the refresh key): either says which session it belongs to,
//! and the session row says which app it is of (`sessions.client_id`).
//! Nothing here trusts the token's own word on whether it still works: the
//! session is read now, so a logout, a revocation or a removed app is seen
//! at once. The rules are `introspected` and `may_end`, pure functions over
//! what was read.

use serde::Serialize;

use super::{OidcClient, OpenIdProvider};
use crate::auth::sessions::TokenSession;
use crate::error::AppError;

/// `token_type_hint`: where to look first. Advisory (RFC 7009 2.1): a
/// wrong hint only costs the other lookup.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TokenKind {
    Access,
    Refresh,
}

impl TokenKind {
    /// `access_token` or `refresh_token`; any other hint is ignored.
    pub fn from_hint(hint: &str) -> Option<TokenKind> {
        match hint {
            "access_token" => Some(TokenKind::Access),
            "refresh_token" => Some(TokenKind::Refresh),
            _ => None,
        }
    }

    fn as_str(self) -> &'static str {
        match self {
            TokenKind::Access => "access_token",
            TokenKind::Refresh => "refresh_token",
        }
    }
}

/// The introspection answer: `{"active": false}`, or the token's facts.
#[derive(Debug, Serialize, PartialEq, Eq)]
pub struct Introspection {
    pub active: bool,
    #[serde(flatten, skip_serializing_if = "Option::is_none")]
    pub token: Option<ActiveToken>,
}

#[derive(Debug, Serialize, PartialEq, Eq)]
pub struct ActiveToken {
    /// The app's granted scopes; none for sesame's own sign-in.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub scope: Option<String>,
    /// The app the token was given to; none for sesame's own sign-in.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub client_id: Option<String>,
    pub sub: String,
    /// Unix seconds.
    pub exp: i64,
    pub iat: i64,
    pub token_type: &'static str,
    pub iss: String,
    pub sid: String,
    /// The user's email.
    pub username: String,
}

impl Introspection {
    fn inactive() -> Introspection {
        Introspection {
            active: false,
            token: None,
        }
    }
}

impl OpenIdProvider {
    /// RFC 7662: what `asker`, a confidential app, may know of `token`.
    pub async fn introspect(
        &self,
        asker: &OidcClient,
        token: &str,
        hint: Option<TokenKind>,
    ) -> Result<Introspection, AppError> {
        Ok(match self.token_session(token, hint).await? {
            Some((kind, found)) => introspected(kind, &found, asker, &self.issuer),
            None => Introspection::inactive(),
        })
    }

    /// RFC 7009: a token of one of `asker`'s sessions ends that session at
    /// once (announced like any other end, so back-channel logouts go out);
    /// any other token, or none, is left alone, and answers the same.
    pub async fn revoke(
        &self,
        asker: &OidcClient,
        token: &str,
        hint: Option<TokenKind>,
    ) -> Result<(), AppError> {
        let Some((_, found)) = self.token_session(token, hint).await? else {
            return Ok(());
        };
        if !may_end(&found, asker) {
            return Ok(());
        }
        self.sessions
            .revoke(&found.session.user_id, &found.session.id)
            .await
    }

    /// The session the token belongs to, looked up as the hinted kind
    /// first. Each lookup refuses a token of the other kind before any
    /// read (a signature or a seal that does not check).
    async fn token_session(
        &self,
        token: &str,
        hint: Option<TokenKind>,
    ) -> Result<Option<(TokenKind, TokenSession)>, AppError> {
        let order = match hint {
            Some(TokenKind::Refresh) => [TokenKind::Refresh, TokenKind::Access],
            _ => [TokenKind::Access, TokenKind::Refresh],
        };
        for kind in order {
            let found = match kind {
                TokenKind::Access => self.sessions.access_token_session(token).await?,
                TokenKind::Refresh => self.sessions.refresh_token_session(token).await?,
            };
            if let Some(found) = found {
                return Ok(Some((kind, found)));
            }
        }
        Ok(None)
    }
}

/// Whether `asker` may end the session: only its own, still open.
fn may_end(found: &TokenSession, asker: &OidcClient) -> bool {
    found.session.client_id.as_deref() == Some(asker.id.as_str())
        && found.session.revoked_at.is_none()
}

/// What introspection says: any access token that works now (resource
/// servers check the tokens of every app, and of sesame's own sign-in);
/// a refresh token only to its own app, and only the current one.
fn introspected(
    kind: TokenKind,
    found: &TokenSession,
    asker: &OidcClient,
    issuer: &str,
) -> Introspection {
    let session = &found.session;
    let own = session.client_id.as_deref() == Some(asker.id.as_str());
    if !found.active || (kind == TokenKind::Refresh && !own) {
        return Introspection::inactive();
    }
    Introspection {
        active: true,
        token: Some(ActiveToken {
            scope: session.scope.clone(),
            client_id: session.client_id.clone(),
            sub: session.user_id.clone(),
            exp: found.expires_at.div_euclid(1000),
            iat: found.issued_at.div_euclid(1000),
            token_type: kind.as_str(),
            iss: issuer.to_owned(),
            sid: session.id.clone(),
            username: found.email.clone(),
        }),
    }
}

#[cfg(test)]
mod tests;
