//! The token endpoint's two grants (RFC 6749 4.1.3 and 6): a code for an
//! app's session of its own (a sesame session, `sessions.client_id`), and a
//! refresh of it, rotated as sesame's own are, with the same reuse
//! detection and grace.

use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

use super::{OidcClient, OpenIdProvider};
use crate::auth::{AppSession, LinkToken, SignIn};
use crate::clock::now_ms;
use crate::db::oauth_codes::{self, CodeRow};
use crate::db::users;
use crate::domain::{Amr, Client, Scope, Scopes};
use crate::error::{AppError, OAuthCode, OAuthError};

/// What the token endpoint answers.
pub struct Tokens {
    pub access_token: String,
    pub expires_in: i64,
    pub id_token: String,
    pub refresh_token: Option<String>,
    pub scope: String,
}

/// A code exchange as the client sent it.
pub struct CodeExchange<'a> {
    pub code: &'a str,
    pub redirect_uri: Option<&'a str>,
    pub code_verifier: Option<&'a str>,
}

fn invalid_grant() -> OAuthError {
    OAuthError::new(
        OAuthCode::InvalidGrant,
        "The code or refresh token is invalid, expired, used, or not this client's.",
    )
}

impl OpenIdProvider {
    /// `authorization_code`: the code works once, within its 60 s, for the
    /// client it was issued to, with its `redirect_uri` and PKCE verifier.
    /// A second use ends the session the first one opened.
    pub async fn exchange_code(
        &self,
        client: &OidcClient,
        exchange: CodeExchange<'_>,
        http_client: &Client,
    ) -> Result<Tokens, OAuthError> {
        let code = LinkToken::presented(exchange.code).map_err(|_| invalid_grant())?;
        let code_hash = code.hash();
        let looked_up = code_hash.clone();
        let row = self
            .db
            .read(move |conn| oauth_codes::find(conn, &looked_up))
            .await?
            .ok_or_else(invalid_grant)?;
        if row.client_id != client.id {
            return Err(invalid_grant());
        }
        if row.used_at.is_some() {
            self.end_what_a_code_gave(&row).await;
            return Err(invalid_grant());
        }
        if row.expires_at <= now_ms()
            || exchange.redirect_uri != Some(row.redirect_uri.as_str())
            || !verifier_matches(row.code_challenge.as_deref(), exchange.code_verifier)
        {
            return Err(invalid_grant());
        }
        let scopes = Scopes::parse(&row.scope).ok_or_else(invalid_grant)?;
        let app = AppSession {
            client_id: client.id.clone(),
            scope: row.scope.clone(),
            auth_time: row.auth_time,
            refreshable: scopes.contains(Scope::OfflineAccess),
        };
        let user_id = row.user_id.clone();
        let opened = self
            .sessions
            .open_for_app(
                http_client,
                Amr::from_stored(&row.amr),
                app,
                move |conn, now, session_id| {
                    // Of two uses at once, one marks it; the other finds it
                    // used and rolls back (then ends what the first gave).
                    let used = oauth_codes::use_up(conn, &code_hash, session_id, now)?
                        .ok_or(AppError::AuthorizationCodeUsed)?;
                    if used.expires_at <= now {
                        return Err(AppError::Unauthenticated { token_sent: true });
                    }
                    users::lock(conn, &user_id)?
                        .ok_or(AppError::Unauthenticated { token_sent: true })
                },
            )
            .await;
        let signed_in = match opened {
            Ok(signed_in) => signed_in,
            Err(AppError::AuthorizationCodeUsed) => {
                let again = row.code_hash.clone();
                if let Ok(Some(used)) = self
                    .db
                    .read(move |conn| oauth_codes::find(conn, &again))
                    .await
                {
                    self.end_what_a_code_gave(&used).await;
                }
                return Err(invalid_grant());
            }
            Err(other) => return Err(other.into()),
        };
        self.tokens(client, signed_in, &scopes, row.nonce.as_deref())
            .await
    }

    /// `refresh_token`: only a token of this client's own sessions.
    pub async fn refresh_grant(
        &self,
        client: &OidcClient,
        refresh_token: &str,
        scope: Option<&str>,
    ) -> Result<Tokens, OAuthError> {
        let signed_in = self
            .sessions
            .refresh_for(refresh_token, Some(&client.id))
            .await?;
        let granted = signed_in
            .app
            .as_ref()
            .and_then(|app| Scopes::parse(&app.scope))
            .ok_or_else(invalid_grant)?;
        // A narrower scope may be asked (RFC 6749 6); the session keeps its grant.
        if let Some(asked) = scope {
            let within = Scopes::parse(asked).is_some_and(|asked| asked.within(&granted));
            if !within {
                return Err(OAuthError::new(
                    OAuthCode::InvalidScope,
                    "A refresh cannot widen the scope granted.",
                ));
            }
        }
        self.tokens(client, signed_in, &granted, None).await
    }

    async fn tokens(
        &self,
        client: &OidcClient,
        signed_in: SignIn,
        scopes: &Scopes,
        nonce: Option<&str>,
    ) -> Result<Tokens, OAuthError> {
        let app = signed_in.app.as_ref().ok_or_else(invalid_grant)?;
        let id_token = self
            .id_token(client, &signed_in, app, scopes, nonce)
            .await?;
        Ok(Tokens {
            refresh_token: scopes
                .contains(Scope::OfflineAccess)
                .then(|| signed_in.refresh_token.clone()),
            scope: app.scope.clone(),
            access_token: signed_in.access.token,
            expires_in: signed_in.access.expires_in,
            id_token,
        })
    }

    /// Ends the session a used code opened, if it is still open (RFC 6749
    /// 4.1.2: the code may have been stolen).
    async fn end_what_a_code_gave(&self, row: &CodeRow) {
        let Some(session_id) = &row.session_id else {
            return;
        };
        match self.sessions.revoke(&row.user_id, session_id).await {
            Ok(()) | Err(AppError::NotFound) => {}
            Err(other) => other.log_if_unexpected(),
        }
        self.sessions.audit().event(
            "authorization_code_reused",
            &[("client", &row.client_id), ("session", session_id)],
        );
    }
}

/// RFC 7636 4.6: BASE64URL(SHA256(verifier)) == challenge. No challenge:
/// no verifier may be sent either.
fn verifier_matches(challenge: Option<&str>, verifier: Option<&str>) -> bool {
    use base64::engine::general_purpose::URL_SAFE_NO_PAD as BASE64URL;
    use base64::Engine;
    match (challenge, verifier) {
        (None, None) => true,
        (Some(challenge), Some(verifier)) => {
            let well_formed = (43..=128).contains(&verifier.len())
                && verifier
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b"-._~".contains(&b));
            let computed = BASE64URL.encode(Sha256::digest(verifier.as_bytes()));
            well_formed && bool::from(computed.as_bytes().ct_eq(challenge.as_bytes()))
        }
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::verifier_matches;

    #[test]
    fn the_verifier_must_hash_to_the_challenge() {
        // RFC 7636 appendix B.
        let verifier = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";
        let challenge = "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM";
        assert!(verifier_matches(Some(challenge), Some(verifier)));
        assert!(!verifier_matches(
            Some(challenge),
            Some(&verifier.replace('d', "e"))
        ));
        assert!(!verifier_matches(Some(challenge), None));
        assert!(!verifier_matches(None, Some(verifier)));
        assert!(verifier_matches(None, None));
    }
}
