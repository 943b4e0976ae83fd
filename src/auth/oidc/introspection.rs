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
mod tests {
    use super::*;
    use crate::db::sessions::Session;
    use crate::domain::IdTokenAlg;

    fn app(id: &str) -> OidcClient {
        OidcClient {
            id: id.to_owned(),
            name: "App".to_owned(),
            public: false,
            redirect_uris: vec![],
            post_logout_redirect_uris: vec![],
            backchannel_logout_uri: None,
            skip_consent: false,
            id_token_alg: IdTokenAlg::default(),
            created_at: 0,
        }
    }

    fn token_of(client: Option<&str>, active: bool) -> TokenSession {
        TokenSession {
            session: Session {
                id: "s1".to_owned(),
                user_id: "u1".to_owned(),
                user_agent: None,
                generation: 0,
                created_at: 1_000,
                last_used_at: 2_000,
                idle_expires_at: 90_000,
                expires_at: 99_000,
                revoked_at: None,
                amr: "pwd".to_owned(),
                client_id: client.map(str::to_owned),
                scope: client.map(|_| "openid email".to_owned()),
                auth_time: None,
            },
            email: "ann@example.com".to_owned(),
            active,
            issued_at: 2_500,
            expires_at: 90_000,
        }
    }

    #[test]
    fn an_active_access_token_is_described_to_any_confidential_app() {
        let said = introspected(
            TokenKind::Access,
            &token_of(Some("grafana"), true),
            &app("api"),
            "https://id.example",
        );
        let token = said.token.expect("active");
        assert!(said.active);
        assert_eq!(token.client_id.as_deref(), Some("grafana"));
        assert_eq!(token.scope.as_deref(), Some("openid email"));
        assert_eq!((token.iat, token.exp), (2, 90));
        assert_eq!(token.token_type, "access_token");
        assert_eq!(token.username, "ann@example.com");
    }

    #[test]
    fn a_refresh_token_is_active_only_to_its_own_app_and_only_while_current() {
        let ask = |client, active, asker| {
            introspected(
                TokenKind::Refresh,
                &token_of(client, active),
                &app(asker),
                "https://id.example",
            )
            .active
        };
        assert!(ask(Some("grafana"), true, "grafana"));
        assert!(!ask(Some("grafana"), true, "gitea"));
        assert!(!ask(None, true, "gitea"), "sesame's own sign-in");
        assert!(!ask(Some("grafana"), false, "grafana"), "spent or ended");
    }

    #[test]
    fn an_inactive_token_says_nothing_but_that() {
        let said = introspected(
            TokenKind::Access,
            &token_of(Some("grafana"), false),
            &app("grafana"),
            "https://id.example",
        );
        assert_eq!(
            serde_json::to_value(&said).unwrap(),
            serde_json::json!({"active": false})
        );
    }

    #[test]
    fn an_app_ends_only_its_own_open_sessions() {
        assert!(may_end(&token_of(Some("grafana"), true), &app("grafana")));
        assert!(may_end(&token_of(Some("grafana"), false), &app("grafana")));
        assert!(!may_end(&token_of(Some("grafana"), true), &app("gitea")));
        assert!(!may_end(&token_of(None, true), &app("gitea")));
        let mut ended = token_of(Some("grafana"), false);
        ended.session.revoked_at = Some(5);
        assert!(!may_end(&ended, &app("grafana")));
    }
}
